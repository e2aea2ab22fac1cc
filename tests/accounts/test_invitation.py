from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from collectguard.accounts.models import User
from collectguard.review.models import Invitation, Membership, Organisation
from collectguard.review.services import invitation_create
from tests.conftest import PASSWORD, make_user
from tests.review.factories import (
    current_code,
    make_organisation,
    make_volunteer,
    totp_device,
    verified_client,
)


@pytest.fixture
def organisation(db: None) -> Organisation:
    return make_organisation("某某县法律援助中心")


@pytest.fixture
def token(organisation: Organisation, staff: User) -> str:
    _invitation, token = invitation_create(organisation=organisation, created_by=staff)
    return token


def test_the_invitation_page_names_the_organisation(token: str) -> None:
    response = Client().get(reverse("accounts:invitation", args=[token]))
    assert response.status_code == 200
    assert "某某县法律援助中心" in response.content.decode()


def test_signing_up_makes_a_volunteer_who_must_set_up_two_factor(
    token: str, organisation: Organisation
) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:invitation_signup", args=[token]),
        {"signup-username": "newvol", "signup-password1": PASSWORD, "signup-password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_setup")
    user = User.objects.get(username="newvol")
    assert user.is_volunteer
    assert Membership.objects.filter(user=user, organisation=organisation, is_active=True).exists()
    assert "_auth_user_id" not in client.session  # not logged in before the second factor
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=user)
    done = client.post(reverse("accounts:two_factor_setup"), {"code": current_code(device)})
    assert done.status_code == 302
    assert client.get(reverse("review:queue")).status_code == 200


def test_the_link_works_once(token: str) -> None:
    Client().post(
        reverse("accounts:invitation_signup", args=[token]),
        {"signup-username": "first", "signup-password1": PASSWORD, "signup-password2": PASSWORD},
    )
    response = Client().post(
        reverse("accounts:invitation_signup", args=[token]),
        {"signup-username": "second", "signup-password1": PASSWORD, "signup-password2": PASSWORD},
    )
    assert response.status_code == 410
    assert not User.objects.filter(username="second").exists()


def test_an_expired_or_unknown_link_is_refused(token: str) -> None:
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(reverse("accounts:invitation", args=[token])).status_code == 410
    assert Client().get(reverse("accounts:invitation", args=["not-a-token"])).status_code == 404


def test_a_bad_signup_keeps_the_typed_username_and_spends_nothing(token: str) -> None:
    response = Client().post(
        reverse("accounts:invitation_signup", args=[token]),
        {"signup-username": "newvol", "signup-password1": PASSWORD, "signup-password2": "other"},
    )
    assert response.status_code == 400
    assert 'value="newvol"' in response.content.decode()
    assert Invitation.objects.get().accepted_at is None


def test_an_existing_user_accepts_by_logging_in(
    token: str, borrower: User, organisation: Organisation
) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:invitation_login", args=[token]),
        {"login-username": "alice", "login-password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_setup")
    borrower.refresh_from_db()
    assert borrower.is_volunteer
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_does_not_accept(token: str, borrower: User) -> None:
    response = Client().post(
        reverse("accounts:invitation_login", args=[token]),
        {"login-username": "alice", "login-password": "wrong"},
    )
    assert response.status_code == 400
    borrower.refresh_from_db()
    assert not borrower.is_volunteer
    assert Invitation.objects.get().accepted_at is None


def test_a_volunteer_of_another_organisation_accepts_while_logged_in(
    token: str, organisation: Organisation
) -> None:
    volunteer = make_volunteer("vera", make_organisation("另一个中心"))
    client = verified_client(volunteer)
    response = client.post(reverse("accounts:invitation_accept", args=[token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("review:queue")
    assert volunteer.memberships.filter(organisation=organisation).exists()


def test_a_logged_in_borrower_accepting_is_sent_to_set_up_two_factor(
    token: str, borrower_client: Client, borrower: User
) -> None:
    response = borrower_client.post(reverse("accounts:invitation_accept", args=[token]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    borrower.refresh_from_db()
    assert borrower.is_volunteer
    assert borrower_client.get(reverse("review:queue")).status_code == 302


def test_a_new_volunteer_logging_in_later_is_asked_for_the_code(token: str) -> None:
    make_user("later")
    client = Client()
    client.post(
        reverse("accounts:invitation_login", args=[token]),
        {"login-username": "later", "login-password": PASSWORD},
    )
    user = User.objects.get(username="later")
    client.get(reverse("accounts:two_factor_setup"))
    client.post(
        reverse("accounts:two_factor_setup"),
        {"code": current_code(TOTPDevice.objects.get(user=user))},
    )
    client.post(reverse("accounts:logout"))
    again = Client()
    response = again.post(reverse("accounts:login"), {"username": "later", "password": PASSWORD})
    assert response["Location"] == reverse("accounts:two_factor_verify")
    assert totp_device(user).confirmed
