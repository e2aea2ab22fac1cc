from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from collectguard.accounts.models import User
from tests.conftest import PASSWORD


def test_it_logs_in_and_out(borrower: User) -> None:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("cases:list")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("cases:list")).status_code == 302


def test_it_rejects_a_wrong_password(borrower: User) -> None:
    response = Client().post(reverse("accounts:login"), {"username": "alice", "password": "x"})
    assert response.status_code == 200
    assert "alice" in response.content.decode()


def test_it_locks_out_after_repeated_failures_and_spoofed_forwarded_for_does_not_help(
    borrower: User, settings
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for i in range(3):
        client.post(
            reverse("accounts:login"),
            {"username": "alice", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{i}",
        )
    response = client.post(
        reverse("accounts:login"),
        {"username": "alice", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    assert response.status_code == 429
    assert "登录尝试过多" in response.content.decode()


@pytest.mark.django_db
def test_it_changes_the_password(borrower_client: Client, borrower: User) -> None:
    response = borrower_client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long pass 99",
            "new_password2": "another long pass 99",
        },
    )
    assert response.status_code == 302
    borrower.refresh_from_db()
    assert borrower.check_password("another long pass 99")


def test_it_sends_a_reset_link(borrower: User, mailoutbox) -> None:
    borrower.email = "alice@example.com"
    borrower.save(update_fields=["email"])
    response = Client().post(reverse("accounts:password_reset"), {"email": "alice@example.com"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_account_pages_require_login(db: None) -> None:
    for name in ("accounts:settings", "accounts:password_change"):
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
