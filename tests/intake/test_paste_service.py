"""messages_paste: pasted messages are analysed, stored once, and bad text changes nothing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from collectguard.cases.models import Case
from collectguard.intake.models import Message, Sender, Source
from collectguard.intake.services import PasteRejected, messages_paste

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_it_stores_each_message_with_its_analysis(case: Case) -> None:
    outcome = messages_paste(
        case=case,
        text=(
            "+86 136 1234 5678 2026-06-01 23:40 今天不还，明天就打电话给你老板和同事。\n"
            "95599 2026-06-02 09:12 【农业银行】您尾号3310的信用卡已逾期，最低还款额986.00元。"
        ),
    )
    assert len(outcome.created) == 2 and outcome.duplicates == 0
    threat, bank = Message.objects.order_by("received_at")
    assert threat.sender == "13612345678"
    assert threat.sender_raw == "+86 136 1234 5678"
    assert threat.sender_kind == "mobile"
    assert threat.source == Source.PASTE
    assert threat.is_night is True
    assert threat.received_at == datetime(2026, 6, 1, 23, 40, tzinfo=SHANGHAI)
    assert "third_party" in threat.categories and threat.is_flagged
    span = threat.findings[0]
    assert threat.body[span["start"] : span["end"]]
    assert span["provisions"], "findings cite provisions"
    assert bank.sender_kind == "service_number" and not bank.is_flagged
    assert "amount" in bank.signals


def test_the_same_paste_twice_adds_nothing(case: Case) -> None:
    text = "13612345678 2026-06-01 23:40 别装死，回电话。"
    messages_paste(case=case, text=text)
    again = messages_paste(case=case, text=text)
    assert again.created == [] and again.duplicates == 1
    assert Message.objects.filter(case=case).count() == 1


def test_a_bad_line_stores_nothing_at_all(case: Case) -> None:
    with pytest.raises(PasteRejected) as caught:
        messages_paste(
            case=case,
            text=(
                "13612345678 2026-06-01 23:40 第一条没问题\n13612345678 2026-02-30 10:00 日期不存在"
            ),
        )
    assert caught.value.problems[0].line == 2
    assert "第 2 行" in caught.value.message
    assert not Message.objects.exists() and not Sender.objects.exists()


def test_empty_text_is_refused(case: Case) -> None:
    with pytest.raises(PasteRejected):
        messages_paste(case=case, text="   ")


def test_emoji_and_long_bodies_are_kept_byte_for_byte(case: Case) -> None:
    body = "半夜也不睡？😠 明天继续" + "。" * 10_000
    messages_paste(case=case, text=body, default_sender="17012349999")
    stored = Message.objects.get()
    assert stored.body == body
    assert stored.sender_kind == "virtual_mobile"


def test_the_sender_summary_follows(case: Case) -> None:
    messages_paste(
        case=case,
        text=(
            "13612345678 2026-06-01 23:40 你这种老赖就是骗子\n13612345678 2026-06-02 10:00 今天处理"
        ),
    )
    sender = Sender.objects.get(case=case, number="13612345678")
    assert sender.messages_received == 2
    assert sender.night_messages == 1
    assert sender.flagged_messages == 1
    assert "insult" in sender.categories
    assert sender.collection_related is True
