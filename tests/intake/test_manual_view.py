"""The manual entry page: a call, a visit, or a message from another channel."""

from __future__ import annotations

import pytest
from django.test import Client

from collectguard.cases.models import Case
from collectguard.intake.models import Call, Message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def _url(case: Case) -> str:
    return f"/cases/{case.pk}/intake/manual/"


def test_the_form_renders(borrower_client: Client, case: Case) -> None:
    html = borrower_client.get(_url(case)).content.decode()
    assert 'type="datetime-local"' in html and 'name="kind"' in html


def test_recording_a_call(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(
        _url(case),
        {
            "kind": "call",
            "occurred_at": "2026-06-03T23:15",
            "sender": "13612345678",
            "call_type": "missed",
            "duration_s": "0",
        },
    )
    assert response.status_code == 302
    call = Call.objects.get()
    assert call.is_night and call.number == "13612345678"


def test_recording_a_visit(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(
        _url(case),
        {"kind": "visit", "occurred_at": "2026-06-03T10:00", "body": "两个人上门，没出示证件"},
    )
    assert response.status_code == 302
    assert Message.objects.get().channel == "visit"


def test_bad_input_keeps_what_was_typed(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(
        _url(case),
        {
            "kind": "call",
            "occurred_at": "2026-07-30T10:00",  # in the future
            "sender": "13612345678",
            "call_type": "missed",
            "duration_s": "30",  # a missed call lasting 30 s
            "body": "对方说明天再打",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="13612345678"' in html and "对方说明天再打" in html
    assert "还没有到" in html and "应为 0" in html
    assert not Call.objects.exists()


def test_a_visit_without_description_is_an_error(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(
        _url(case), {"kind": "visit", "occurred_at": "2026-06-03T10:00"}
    )
    assert response.status_code == 400
    assert not Message.objects.exists()
