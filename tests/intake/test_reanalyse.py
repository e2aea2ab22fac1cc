"""messages_reanalyse: stored analyses are brought up to date with the rules."""

from __future__ import annotations

import pytest

from collectguard.cases.models import Case
from collectguard.intake.models import Message, Sender
from collectguard.intake.services import messages_paste, messages_reanalyse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def test_it_fixes_stale_analyses_and_rebuilds_the_sender_summaries(case: Case) -> None:
    messages_paste(
        case=case,
        text="13612345678 2026-06-01 23:40 今天不还，明天就打电话给你老板和同事。",
    )
    assert messages_reanalyse(case=case) == 0, "nothing changed"
    # As if the message had been stored by older rules that found nothing.
    Message.objects.update(categories=[], findings=[], is_flagged=False)
    Sender.objects.update(categories=[], flagged_messages=0)
    assert messages_reanalyse(case=case) == 1
    message = Message.objects.get()
    assert message.is_flagged and "third_party" in message.categories
    sender = Sender.objects.get(number="13612345678")
    assert sender.flagged_messages == 1 and "third_party" in sender.categories
