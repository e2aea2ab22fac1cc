"""message_add_manual: calls, visits and messages from other channels, typed in by hand."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from collectguard.cases.models import Case
from collectguard.intake.models import Call, Channel, Message, Sender, Source
from collectguard.intake.services import IntakeError, ManualKind, message_add_manual

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
AT_NIGHT = datetime(2026, 6, 3, 23, 15, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_call_becomes_a_call_row(case: Case) -> None:
    call = message_add_manual(
        case=case,
        kind=ManualKind.CALL,
        occurred_at=AT_NIGHT,
        sender="136 1234 5678",
        call_type=Call.CallType.MISSED,
        body="响了一声就挂",
    )
    assert isinstance(call, Call)
    assert (call.number, call.sender_kind, call.source) == ("13612345678", "mobile", Source.MANUAL)
    assert call.is_night and call.is_attempt and not call.is_connected
    assert call.notes == "响了一声就挂"
    assert Sender.objects.get(case=case, number="13612345678").call_attempts == 1


def test_a_visit_is_an_analysed_message_without_a_number(case: Case) -> None:
    visit = message_add_manual(
        case=case,
        kind=ManualKind.VISIT,
        occurred_at=AT_NIGHT,
        body="两个人敲门，说今天不还钱就去我单位找领导",
    )
    assert isinstance(visit, Message)
    assert visit.channel == Channel.VISIT and visit.sender == ""
    assert visit.is_night
    assert visit.categories, "what was said at the door is analysed like a message"


def test_a_wechat_message(case: Case) -> None:
    message = message_add_manual(
        case=case,
        kind=ManualKind.MESSAGE,
        occurred_at=AT_NIGHT,
        sender="wxid_collector01",
        channel=Channel.WECHAT,
        body="你的照片已经发到你们村的微信群了",
    )
    assert isinstance(message, Message)
    assert message.channel == Channel.WECHAT and message.sender_raw == "wxid_collector01"


def test_the_same_entry_twice_is_refused(case: Case) -> None:
    kwargs = {
        "case": case,
        "kind": ManualKind.CALL,
        "occurred_at": AT_NIGHT,
        "sender": "13612345678",
        "call_type": Call.CallType.INCOMING,
        "duration_s": 60,
    }
    message_add_manual(**kwargs)  # type: ignore[arg-type]
    with pytest.raises(IntakeError):
        message_add_manual(**kwargs)  # type: ignore[arg-type]
    assert Call.objects.count() == 1


def test_a_time_in_the_future_is_refused(case: Case) -> None:
    with pytest.raises(IntakeError):
        message_add_manual(
            case=case,
            kind=ManualKind.VISIT,
            occurred_at=datetime(2026, 7, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
            body="上门",
        )
    assert not Message.objects.exists()


def test_a_visit_needs_a_description(case: Case) -> None:
    with pytest.raises(IntakeError):
        message_add_manual(case=case, kind=ManualKind.VISIT, occurred_at=AT_NIGHT, body="  ")
