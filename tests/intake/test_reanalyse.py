"""messages_reanalyse: stored analyses are brought up to date with the rules."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from collectguard.accounts.models import User
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


@pytest.fixture
def other_case(other_borrower: User) -> Case:
    return Case.objects.create(owner=other_borrower, title="某某消费金融", lender="某某消费金融")


def _stale(case: Case) -> None:
    """A case whose one message was stored by older rules that found nothing."""
    messages_paste(
        case=case,
        text="13612345678 2026-06-01 23:40 今天不还，明天就打电话给你老板和同事。",
    )
    Message.objects.filter(case=case).update(categories=[], findings=[], is_flagged=False)
    Sender.objects.filter(case=case).update(categories=[], flagged_messages=0)


def test_the_command_updates_every_case(case: Case, other_case: Case) -> None:
    _stale(case)
    _stale(other_case)
    out = StringIO()
    call_command("reanalyse_messages", stdout=out)
    lines = out.getvalue().splitlines()
    assert f"case {case.pk}: 1 messages changed" in lines
    assert f"case {other_case.pk}: 1 messages changed" in lines
    assert lines[-1].endswith("2 messages changed")
    assert all(m.is_flagged for m in Message.objects.all())
    out = StringIO()
    call_command("reanalyse_messages", stdout=out)
    assert out.getvalue().splitlines()[-1].endswith(" 0 messages changed")


def test_the_command_reads_only_the_cases_named(case: Case, other_case: Case) -> None:
    _stale(case)
    _stale(other_case)
    call_command("reanalyse_messages", "--case", str(case.pk), stdout=StringIO())
    assert Message.objects.get(case=case).is_flagged
    assert not Message.objects.get(case=other_case).is_flagged


def test_the_command_refuses_an_unknown_case_and_changes_nothing(case: Case) -> None:
    _stale(case)
    with pytest.raises(CommandError, match="no case 999999"):
        call_command("reanalyse_messages", "--case", str(case.pk), "--case", "999999")
    assert not Message.objects.get(case=case).is_flagged
