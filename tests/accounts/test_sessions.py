"""Session lifetime and login throttling (SECURITY-NOTES §1: ASVS 7.x, 6.3.1, 6.1.1)."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.review.factories import make_volunteer


def test_thirty_minutes_idle_ends_the_session(borrower_client: Client) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert borrower_client.get(reverse("cases:list")).status_code == 200
        clock.shift(timedelta(minutes=29))
        assert borrower_client.get(reverse("cases:list")).status_code == 200
        clock.shift(timedelta(minutes=29))  # active a minute ago: still in
        assert borrower_client.get(reverse("cases:list")).status_code == 200
        clock.shift(timedelta(minutes=31))
        response = borrower_client.get(reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_twelve_hours_end_the_session_however_active(db: None) -> None:
    from tests.conftest import make_user

    make_user("alice")
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
        # Busy all day: a request every 15 minutes, never idle.
        while client.get(reverse("cases:list")).status_code == 200:
            clock.shift(timedelta(minutes=15))
            assert timezone.now() - start <= timedelta(hours=12, minutes=15), "outlived 12 hours"
        ended_after = timezone.now() - start
    assert timedelta(hours=11, minutes=45) < ended_after <= timedelta(hours=12, minutes=15)


def test_logging_out_invalidates_the_old_cookie(borrower_client: Client) -> None:
    old = borrower_client.cookies["sessionid"].value
    borrower_client.post(reverse("accounts:logout"))
    replay = Client()
    replay.cookies["sessionid"] = old
    assert replay.get(reverse("cases:list")).status_code == 302


def test_a_deactivated_volunteer_is_out_on_the_next_request(db: None) -> None:
    from tests.review.factories import verified_client

    volunteer = make_volunteer("vera")
    client = verified_client(volunteer)
    assert client.get(reverse("review:queue")).status_code == 200
    volunteer.is_active = False
    volunteer.save(update_fields=["is_active"])
    assert client.get(reverse("review:queue")).status_code == 302


def test_a_volunteers_lockout_is_per_address_and_expires(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    """An attacker hammering a volunteer's name from one address locks only that address,
    for fifteen minutes: the volunteer still logs in from elsewhere, and later from anywhere."""
    settings.AXES_FAILURE_LIMIT = 3
    make_volunteer("vera")
    attacker = Client(REMOTE_ADDR="198.51.100.66")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(3):
            attacker.post(reverse("accounts:login"), {"username": "vera", "password": "guess"})
        locked = attacker.post(
            reverse("accounts:login"), {"username": "vera", "password": PASSWORD}
        )
        assert locked.status_code == 429
        # Spoofing X-Forwarded-For does not get the attacker a fresh address.
        spoofed = attacker.post(
            reverse("accounts:login"),
            {"username": "vera", "password": PASSWORD},
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
        assert spoofed.status_code == 429
        volunteer_phone = Client(REMOTE_ADDR="203.0.113.10")
        response = volunteer_phone.post(
            reverse("accounts:login"), {"username": "vera", "password": PASSWORD}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:two_factor_verify")
        clock.shift(timedelta(minutes=16))
        after = attacker.post(reverse("accounts:login"), {"username": "vera", "password": PASSWORD})
        assert after.status_code == 302


def test_logging_in_rotates_the_session_key(borrower) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    anonymous_key = client.session.session_key  # e.g. from choosing a language first
    client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert client.cookies["sessionid"].value != anonymous_key
    assert "_auth_user_id" in client.session
