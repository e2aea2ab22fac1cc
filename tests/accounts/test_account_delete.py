from __future__ import annotations

from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from tests.conftest import PASSWORD
from tests.review.factories import make_case, make_evidence, make_letter, make_message


def test_it_deletes_the_account_with_every_case_and_file(
    borrower_client: Client,
    borrower: User,
    other_borrower: User,
    django_capture_on_commit_callbacks,
) -> None:
    first = make_case(borrower, "案件一")
    second = make_case(borrower, "案件二")
    make_message(first)
    item = make_evidence(first)
    letter = make_letter(second)
    theirs = make_evidence(make_case(other_borrower, "别人的案件"))
    with django_capture_on_commit_callbacks(execute=True):
        response = borrower_client.post(
            reverse("accounts:delete"), {"confirm_username": "alice", "password": PASSWORD}
        )
    assert response.status_code == 302
    assert not User.objects.filter(pk=borrower.pk).exists()
    assert not Case.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert not default_storage.exists(item.storage_key)
    assert not default_storage.exists(letter.pdf_key)
    assert default_storage.exists(theirs.storage_key)
    assert borrower_client.get(reverse("cases:list")).status_code == 302  # logged out


def test_it_needs_the_username_and_the_password(
    borrower_client: Client, borrower: User, case: Case
) -> None:
    for data in (
        {"confirm_username": "alice", "password": "wrong"},
        {"confirm_username": "bob", "password": PASSWORD},
        {},
    ):
        response = borrower_client.post(reverse("accounts:delete"), data)
        assert response.status_code == 400
    assert User.objects.filter(pk=borrower.pk).exists()
    assert Case.objects.filter(pk=case.pk).exists()


def test_the_page_says_what_will_be_deleted(borrower_client: Client) -> None:
    body = borrower_client.get(reverse("accounts:delete")).content.decode()
    assert "无法恢复" in body
    assert "导出" in body


def test_it_requires_login(db: None) -> None:
    response = Client().get(reverse("accounts:delete"))
    assert response.status_code == 302
