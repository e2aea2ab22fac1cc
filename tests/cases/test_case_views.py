from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from collectguard.accounts.models import User
from collectguard.cases.models import Case, CaseStatus

VALID = {
    "title": "某某消费金融借款",
    "lender": "某某消费金融有限公司",
    "loan_type": "consumer_finance",
    "contract_numbers": "XF20251120003, XF20251120004",
    "amount_owed": "2431.50",
    "overdue_since": "2026-05-01",
    "notes": "",
}


def test_it_creates_a_case(borrower_client: Client, borrower: User) -> None:
    response = borrower_client.post(reverse("cases:create"), VALID)
    case = Case.objects.get(owner=borrower)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.contract_number_list() == ["XF20251120003", "XF20251120004"]
    assert str(case.amount_owed) == "2431.50"


def test_it_keeps_what_was_typed_when_the_amount_is_not_a_number(
    borrower_client: Client, borrower: User
) -> None:
    response = borrower_client.post(reverse("cases:create"), {**VALID, "amount_owed": "两千"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "某某消费金融有限公司" in body
    assert "XF20251120003" in body
    assert not Case.objects.exists()


def test_it_refuses_negative_amounts_and_future_overdue_dates(borrower_client: Client) -> None:
    response = borrower_client.post(
        reverse("cases:create"), {**VALID, "amount_owed": "-5", "overdue_since": "2999-01-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"amount_owed", "overdue_since"}
    assert not Case.objects.exists()


def test_it_lists_only_my_active_cases(
    borrower_client: Client, case: Case, other_borrower: User
) -> None:
    Case.objects.create(owner=other_borrower, title="别人的案件")
    Case.objects.create(owner=case.owner, title="旧案件", status=CaseStatus.ARCHIVED)
    body = borrower_client.get(reverse("cases:list")).content.decode()
    assert case.title in body
    assert "别人的案件" not in body
    assert "旧案件" not in body
    assert "旧案件" in borrower_client.get(reverse("cases:list") + "?archived=1").content.decode()


def test_it_shows_the_three_steps(borrower_client: Client, case: Case) -> None:
    body = borrower_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    for title in ("识别来源", "主动沟通", "保留证据"):
        assert title in body
    assert "12348" in body


@pytest.mark.parametrize("name", ["cases:detail", "cases:edit", "cases:delete"])
def test_it_hides_other_peoples_cases(other_client: Client, case: Case, name: str) -> None:
    assert other_client.get(reverse(name, args=[case.pk])).status_code == 404
    if name != "cases:detail":  # the case page takes no POST at all (405)
        assert other_client.post(reverse(name, args=[case.pk]), VALID).status_code == 404
    case.refresh_from_db()
    assert case.title == "某某银行信用卡"


def test_archiving_someone_elses_case_is_a_404(other_client: Client, case: Case) -> None:
    assert other_client.post(reverse("cases:archive", args=[case.pk])).status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE


@pytest.mark.parametrize("name", ["cases:detail", "cases:edit", "cases:delete"])
def test_case_pages_require_login(case: Case, name: str) -> None:
    response = Client().get(reverse(name, args=[case.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_edits_a_case(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(
        reverse("cases:edit", args=[case.pk]), {**VALID, "version": case.version}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == VALID["title"]
    assert case.version == 2


def test_two_tabs_editing_the_same_case_do_not_overwrite_each_other(
    borrower_client: Client, case: Case
) -> None:
    url = reverse("cases:edit", args=[case.pk])
    first = borrower_client.post(url, {**VALID, "title": "第一个标签页", "version": 1})
    assert first.status_code == 302
    second = borrower_client.post(url, {**VALID, "title": "第二个标签页", "version": 1})
    assert second.status_code == 409
    body = second.content.decode()
    assert "第二个标签页" in body  # what this tab typed is kept
    assert "第一个标签页" in body  # and the saved version is shown
    case.refresh_from_db()
    assert case.title == "第一个标签页"
    # Saving again after seeing the conflict is deliberate, so it goes through.
    third = borrower_client.post(url, {**VALID, "title": "第二个标签页", "version": case.version})
    assert third.status_code == 302
    case.refresh_from_db()
    assert case.title == "第二个标签页"


def test_it_archives_and_restores(borrower_client: Client, case: Case) -> None:
    borrower_client.post(reverse("cases:archive", args=[case.pk]), {"archive": "1"})
    case.refresh_from_db()
    assert case.status == CaseStatus.ARCHIVED
    borrower_client.post(reverse("cases:archive", args=[case.pk]), {"archive": "0"})
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE


def test_it_deletes_only_after_the_title_is_typed(borrower_client: Client, case: Case) -> None:
    url = reverse("cases:delete", args=[case.pk])
    assert borrower_client.post(url, {"confirm_title": "wrong"}).status_code == 400
    assert Case.objects.filter(pk=case.pk).exists()
    assert borrower_client.post(url, {"confirm_title": case.title}).status_code == 302
    assert not Case.objects.filter(pk=case.pk).exists()


def test_the_case_list_does_not_grow_queries_with_cases(
    borrower_client: Client, borrower: User, django_assert_max_num_queries
) -> None:
    for i in range(30):
        Case.objects.create(owner=borrower, title=f"案件{i}")
    with django_assert_max_num_queries(8):
        borrower_client.get(reverse("cases:list"))
