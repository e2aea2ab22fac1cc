from __future__ import annotations

import re

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from collectguard.accounts.models import User
from tests.conftest import PASSWORD, make_user
from tests.review.factories import current_code, make_volunteer, totp_device

LOGIN = "accounts:login"


def password_step(
    client: Client, username: str, password: str = PASSWORD, next_url: str = ""
) -> str:
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse(LOGIN), data)
    assert response.status_code == 302
    return response["Location"]


def test_a_volunteer_is_not_logged_in_by_the_password_alone(db: None) -> None:
    volunteer = make_volunteer("vera")
    client = Client()
    assert password_step(client, "vera") == reverse("accounts:two_factor_verify")
    assert "_auth_user_id" not in client.session
    # Every other page still treats the browser as anonymous.
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(LOGIN))
    assert volunteer.pk  # the account exists; only the session is not logged in


def test_the_code_step_logs_in_verified_and_rotates_the_session_key(db: None) -> None:
    volunteer = make_volunteer("vera")
    client = Client()
    before_password = client.session.session_key  # an anonymous session already exists
    password_step(client, "vera")
    after_password = client.cookies["sessionid"].value
    assert after_password != before_password
    response = client.post(
        reverse("accounts:two_factor_verify"), {"code": current_code(totp_device(volunteer))}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("review:queue")
    assert client.cookies["sessionid"].value != after_password
    assert int(client.session["_auth_user_id"]) == volunteer.pk
    assert client.session[DEVICE_ID_SESSION_KEY] == totp_device(volunteer).persistent_id
    assert client.get(reverse("review:queue")).status_code == 200


def test_a_wrong_code_keeps_the_user_out(db: None) -> None:
    make_volunteer("vera")
    client = Client()
    password_step(client, "vera")
    response = client.post(reverse("accounts:two_factor_verify"), {"code": "000000"})
    assert response.status_code == 400
    assert "验证码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_wrong_codes_send_the_user_back_to_the_password(db: None) -> None:
    make_volunteer("vera")
    client = Client()
    password_step(client, "vera")
    for _ in range(4):
        client.post(reverse("accounts:two_factor_verify"), {"code": "000000"})
    response = client.post(reverse("accounts:two_factor_verify"), {"code": "000000"})
    assert response.status_code == 302
    assert response["Location"] == reverse(LOGIN)
    assert client.get(reverse("accounts:two_factor_verify"))["Location"] == reverse(LOGIN)


def test_a_code_cannot_be_used_twice(db: None) -> None:
    volunteer = make_volunteer("vera")
    code = current_code(totp_device(volunteer))
    first = Client()
    password_step(first, "vera")
    assert first.post(reverse("accounts:two_factor_verify"), {"code": code}).status_code == 302
    second = Client()
    password_step(second, "vera")
    assert second.post(reverse("accounts:two_factor_verify"), {"code": code}).status_code == 400


def test_the_password_step_expires_after_ten_minutes(db: None) -> None:
    volunteer = make_volunteer("vera")
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        password_step(client, "vera")
        clock.shift(11 * 60)
        response = client.post(
            reverse("accounts:two_factor_verify"), {"code": current_code(totp_device(volunteer))}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse(LOGIN)
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_works_once(db: None) -> None:
    from collectguard.accounts.two_factor import recovery_codes_regenerate

    volunteer = make_volunteer("vera")
    _device, codes = recovery_codes_regenerate(user=volunteer)
    client = Client()
    password_step(client, "vera")
    response = client.post(reverse("accounts:two_factor_verify"), {"code": codes[0].upper()})
    assert response.status_code == 302
    assert StaticToken.objects.filter(device__user=volunteer).count() == 9
    again = Client()
    password_step(again, "vera")
    assert again.post(reverse("accounts:two_factor_verify"), {"code": codes[0]}).status_code == 400


def test_borrowers_without_a_device_log_in_with_the_password(borrower: User) -> None:
    client = Client()
    assert password_step(client, "alice") == reverse("cases:list")
    assert int(client.session["_auth_user_id"]) == borrower.pk


def test_a_safe_next_url_survives_both_steps_and_an_unsafe_one_is_dropped(db: None) -> None:
    volunteer = make_volunteer("vera")
    client = Client()
    password_step(client, "vera", next_url="/review/open/")
    response = client.post(
        reverse("accounts:two_factor_verify"), {"code": current_code(totp_device(volunteer))}
    )
    assert response["Location"] == "/review/open/"
    evil = Client()
    password_step(evil, "vera", next_url="https://evil.example/")
    assert evil.session["_2fa_next"] == ""


def test_a_new_volunteer_sets_up_an_authenticator_with_a_local_qr_code(db: None) -> None:
    make_user("newbie", is_volunteer=True)
    client = Client()
    assert password_step(client, "newbie") == reverse("accounts:two_factor_setup")
    page = client.get(reverse("accounts:two_factor_setup"))
    body = page.content.decode()
    assert page.status_code == 200
    assert '<svg class="qr-code"' in body
    assert "style=" not in body.split("<main", 1)[1]
    assert "http" not in re.sub(
        r'xmlns="http://www.w3.org/2000/svg"',
        "",
        body.split('<svg class="qr-code"', 1)[1].split("</svg>", 1)[0],
    )
    device = TOTPDevice.objects.get(user__username="newbie", confirmed=False)
    response = client.post(reverse("accounts:two_factor_setup"), {"code": current_code(device)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_recovery_codes"))
    device.refresh_from_db()
    assert device.confirmed
    codes_page = client.get(response["Location"]).content.decode()
    codes = StaticToken.objects.filter(device__user=device.user).values_list("token", flat=True)
    assert len(codes) == 10
    assert all(code in codes_page for code in codes)
    # Shown once only.
    assert (
        codes[0] not in client.get(reverse("accounts:two_factor_recovery_codes")).content.decode()
    )
    assert client.get(reverse("review:queue")).status_code == 200


def test_a_wrong_setup_code_confirms_nothing(db: None) -> None:
    make_user("newbie", is_volunteer=True)
    client = Client()
    password_step(client, "newbie")
    client.get(reverse("accounts:two_factor_setup"))
    response = client.post(reverse("accounts:two_factor_setup"), {"code": "123"})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert "_auth_user_id" not in client.session


def test_the_password_alone_cannot_add_a_second_authenticator(db: None) -> None:
    """Otherwise whoever steals a password could register their own phone."""
    volunteer = make_volunteer("vera")
    client = Client()
    password_step(client, "vera")
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_verify")
    response = client.post(reverse("accounts:two_factor_setup"), {"code": "123456"})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=volunteer).count() == 1


def test_resetting_needs_the_password_and_then_a_new_setup(db: None) -> None:
    from tests.review.factories import verified_client

    volunteer = make_volunteer("vera")
    client = verified_client(volunteer)
    wrong = client.post(reverse("accounts:two_factor_reset"), {"reset-password": "nope"})
    assert wrong.status_code == 400
    assert TOTPDevice.objects.filter(user=volunteer).exists()
    response = client.post(reverse("accounts:two_factor_reset"), {"reset-password": PASSWORD})
    assert response["Location"] == reverse("accounts:two_factor_setup")
    assert not TOTPDevice.objects.filter(user=volunteer, confirmed=True).exists()
    assert client.get(reverse("review:queue")).status_code == 302


def test_regenerating_recovery_codes_needs_the_password(db: None) -> None:
    from tests.review.factories import verified_client

    volunteer = make_volunteer("vera")
    client = verified_client(volunteer)
    assert (
        client.post(reverse("accounts:two_factor_regenerate"), {"password": "nope"}).status_code
        == 400
    )
    assert not StaticToken.objects.exists()
    response = client.post(reverse("accounts:two_factor_regenerate"), {"password": PASSWORD})
    assert response["Location"] == reverse("accounts:two_factor_recovery_codes")
    assert StaticToken.objects.filter(device__user=volunteer).count() == 10


def test_a_borrower_may_turn_two_factor_on(borrower_client: Client, borrower: User) -> None:
    page = borrower_client.get(reverse("accounts:settings")).content.decode()
    assert reverse("accounts:two_factor_setup") in page
    borrower_client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=borrower)
    borrower_client.post(reverse("accounts:two_factor_setup"), {"code": current_code(device)})
    borrower_client.post(reverse("accounts:logout"))
    client = Client()
    # From now on the borrower's password alone is not enough either.
    assert password_step(client, "alice") == reverse("accounts:two_factor_verify")
