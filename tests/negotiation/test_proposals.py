from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from collectguard.cases.models import Case
from collectguard.negotiation.models import Proposal, Situation
from collectguard.negotiation.services import proposal_create
from tests.negotiation.conftest import body, terms

pytestmark = pytest.mark.usefixtures("frozen_today")

VALID = {
    "label": "方案一",
    "kind": "instalments",
    "principal": "12000",
    "months": "12",
    "first_due": "2026-12-15",
    "deferral_months": "0",
    "waived_amount": "0",
    "annual_rate": "0",
    "fees": "0",
    "method": "equal_total",
    "action": "save",
}


def new_url(case: Case) -> str:
    return reverse("negotiation:proposal_new", args=[case.pk])


def test_it_saves_a_proposal_and_shows_its_schedule(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(new_url(case), VALID)
    proposal = Proposal.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == reverse("negotiation:proposal", args=[case.pk, proposal.pk])
    assert proposal.is_chosen  # the first proposal is the one to propose
    page = body(borrower_client.get(response["Location"]))
    assert "1,000.00" in page
    assert "2027-11-15" in page  # the 12th instalment
    assert "12,000.00" in page


def test_the_form_starts_from_the_amount_owed_and_what_the_borrower_can_pay(
    borrower_client: Client, case: Case, situation: Situation
) -> None:
    form = borrower_client.get(new_url(case)).context["form"]
    assert form["principal"].value() == Decimal("12000.00")
    assert form["months"].value() == 12  # 12000 at 1000 a month


def test_preview_computes_without_saving(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(new_url(case), {**VALID, "action": "preview"})
    assert response.status_code == 200
    assert "还款计划预览" in body(response)
    assert not Proposal.objects.exists()


def test_htmx_preview_returns_only_the_form(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(
        new_url(case), {**VALID, "action": "preview"}, headers={"HX-Request": "true"}
    )
    page = body(response)
    assert page.lstrip().startswith("<form")
    assert "还款计划预览" in page
    assert "<html" not in page
    assert not Proposal.objects.exists()


def test_a_plan_over_budget_is_flagged(
    borrower_client: Client, case: Case, situation: Situation
) -> None:
    response = borrower_client.post(new_url(case), {**VALID, "months": "6", "action": "preview"})
    page = body(response)
    assert "这个方案超出了你每月能还的钱" in page
    assert "1,000.00" in page  # what they said they can pay


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"principal": "-500"}, "principal", "欠款金额不能是负数"),
        ({"principal": "1e20"}, "principal", "超过 1 亿元"),
        ({"principal": "一万二"}, "principal", "请输入金额"),
        ({"months": "0"}, "months", "期数至少为 1 个月"),
        ({"months": "600"}, "months", "期数不能超过 60 个月"),
        ({"months": "十二"}, "months", "请输入整数"),
        ({"months": "1e20"}, "months", "请输入整数"),
        ({"first_due": "2026-11-01"}, "first_due", "首次还款日期已经过去了"),
        ({"first_due": "2026-02-30"}, "first_due", "请输入日期"),
        ({"annual_rate": "120"}, "annual_rate", "年利率超过 36%"),
        ({"kind": "waiver"}, "waived_amount", "请填写希望减免的罚息或费用金额"),
        ({"kind": "deferral"}, "deferral_months", "推迟还款至少要推迟 1 个月"),
        ({"waived_amount": "500"}, "waived_amount", "只有“减免”或“组合方案”才能申请减免金额"),
    ],
)
def test_bad_terms_get_clear_messages_and_keep_what_was_typed(
    borrower_client: Client, case: Case, changes: dict[str, str], field: str, message: str
) -> None:
    response = borrower_client.post(new_url(case), {**VALID, **changes})
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    page = body(response)
    for value in changes.values():
        assert f'value="{value}"' in page or f'value="{value}" checked' in page
    assert 'value="方案一"' in page
    assert not Proposal.objects.exists()


def test_credit_card_limit_cites_article_70_with_its_confidence(
    borrower_client: Client, case: Case
) -> None:
    response = borrower_client.post(new_url(case), {**VALID, "months": "61"})
    assert "第70条" in " ".join(response.context["form"].errors["months"])
    page = body(borrower_client.get(reverse("negotiation:proposals", args=[case.pk])))
    # The case is a credit card: the page says the bank *may* agree, and shows the caution.
    assert "不是“必须”同意" in page
    assert "可信度：中" in page


def test_at_most_twenty_proposals(borrower_client: Client, case: Case) -> None:
    for n in range(20):
        proposal_create(case=case, label=f"方案{n}", terms=terms())
    response = borrower_client.post(new_url(case), VALID)
    assert response.status_code == 200
    assert "最多保存 20 个方案" in body(response)
    assert Proposal.objects.filter(case=case).count() == 20


def test_editing_a_proposal(borrower_client: Client, case: Case, proposal: Proposal) -> None:
    url = reverse("negotiation:proposal_edit", args=[case.pk, proposal.pk])
    assert borrower_client.get(url).context["form"]["months"].value() == 12
    response = borrower_client.post(url, {**VALID, "label": "24 期", "months": "24"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.label, proposal.months) == ("24 期", 24)


def test_a_bad_edit_changes_nothing(
    borrower_client: Client, case: Case, proposal: Proposal
) -> None:
    url = reverse("negotiation:proposal_edit", args=[case.pk, proposal.pk])
    response = borrower_client.post(url, {**VALID, "label": "改坏", "months": "0"})
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert (proposal.label, proposal.months) == ("12 期", 12)


def test_choosing_a_proposal_unchooses_the_others(
    borrower_client: Client, case: Case, proposal: Proposal
) -> None:
    second = proposal_create(case=case, label="24 期", terms=terms(months=24))
    assert not second.is_chosen
    response = borrower_client.post(
        reverse("negotiation:proposal_choose", args=[case.pk, second.pk])
    )
    assert response.status_code == 302
    chosen = list(Proposal.objects.filter(case=case, is_chosen=True))
    assert chosen == [second]


def test_deleting_a_proposal(borrower_client: Client, case: Case, proposal: Proposal) -> None:
    response = borrower_client.post(
        reverse("negotiation:proposal_delete", args=[case.pk, proposal.pk])
    )
    assert response.status_code == 302
    assert not Proposal.objects.exists()


def test_get_is_not_allowed_on_delete_or_choose(
    borrower_client: Client, case: Case, proposal: Proposal
) -> None:
    for name in ("proposal_delete", "proposal_choose"):
        url = reverse(f"negotiation:{name}", args=[case.pk, proposal.pk])
        assert borrower_client.get(url).status_code == 405
    assert Proposal.objects.filter(pk=proposal.pk).exists()


def compare_rows(response: Any) -> list[tuple[str, Any]]:
    return [(row.proposal.label, c.total) for row, c in response.context["compared"]]


def test_the_list_compares_up_to_three_side_by_side(
    borrower_client: Client, case: Case, situation: Situation, proposal: Proposal
) -> None:
    rate = proposal_create(
        case=case, label="24 期带息", terms=terms(months=24, annual_rate=Decimal("6"))
    )
    waiver = proposal_create(
        case=case, label="减免", terms=terms(kind="waiver", waived_amount=Decimal("2000"))
    )
    proposal_create(case=case, label="第四个", terms=terms(months=6))
    url = reverse("negotiation:proposals", args=[case.pk])
    response = borrower_client.get(url, {"compare": [proposal.pk, rate.pk, waiver.pk]})
    rows = compare_rows(response)
    assert [label for label, _ in rows] == ["12 期", "24 期带息", "减免"]
    assert rows[0][1] == Decimal("12000.00")
    assert rows[2][1] == Decimal("10000.00")
    assert rows[1][1] > Decimal("12000.00")  # interest costs more
    page = body(response)
    assert "少付 2,000.00" in page
    # Without a choice, the chosen proposal and the latest ones are compared.
    default = compare_rows(borrower_client.get(url))
    assert [label for label, _ in default] == ["12 期", "第四个", "减免"]


def test_the_list_suggests_how_many_months_are_needed(
    borrower_client: Client, case: Case, situation: Situation
) -> None:
    page = body(borrower_client.get(reverse("negotiation:proposals", args=[case.pk])))
    assert "最少需要分 12 期" in page


def test_list_queries_do_not_grow_with_proposals(
    borrower_client: Client,
    case: Case,
    situation: Situation,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(15):
        proposal_create(case=case, label=f"方案{n}", terms=terms(months=n + 1))
    with django_assert_max_num_queries(8):
        assert (
            borrower_client.get(reverse("negotiation:proposals", args=[case.pk])).status_code == 200
        )


def test_an_amount_owed_too_large_to_schedule_gives_no_suggestion_and_no_error(
    borrower_client: Client, case: Case, situation: Situation
) -> None:
    case.amount_owed = Decimal("5000000000.00")  # 50亿: over the schedule's 1亿 sanity limit
    case.save()
    assert borrower_client.get(reverse("negotiation:proposals", args=[case.pk])).status_code == 200
    response = borrower_client.get(new_url(case))
    assert response.status_code == 200
    refused = borrower_client.post(new_url(case), {**VALID, "principal": "5000000000"})
    assert "超过 1 亿元" in body(refused)
