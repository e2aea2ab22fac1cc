"""Two phone backups imported into one case at the same moment lose nothing and add nothing.

A control case gets the same files one after the other; the raced case must end up the same.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.core.files.storage import default_storage

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.evidence.models import CustodyAction, CustodyEntry, EvidenceItem
from collectguard.evidence.services import evidence_rehash
from collectguard.intake.models import Call, ImportBatch, Message, Sender
from collectguard.intake.services import ImportResult, backup_import
from tests.concurrency.conftest import run_together
from tests.concurrency.helpers import (
    assert_custody_intact,
    assert_no_orphaned_files,
    calls_backup,
    sha256,
    sms_backup,
)

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 3

# Two different SMS backups of the same phone, taken a few days apart: 75 messages in common.
FIRST = sms_backup(range(0, 200))
SECOND = sms_backup(range(125, 325))
CALLS = calls_backup(range(0, 150))


def _import(case: Case, user: User, data: bytes, name: str, **options: Any) -> ImportResult:
    return backup_import(
        case=case, user=user, fileobj=io.BytesIO(data), original_name=name, **options
    )


def _messages(case: Case) -> set[tuple[Any, ...]]:
    return set(
        Message.objects.filter(case=case).values_list(
            "dedupe_key", "sender", "direction", "is_flagged", "is_night"
        )
    )


def _calls(case: Case) -> set[tuple[Any, ...]]:
    return set(
        Call.objects.filter(case=case).values_list(
            "dedupe_key", "number", "call_type", "duration_s"
        )
    )


def _senders(case: Case) -> dict[str, tuple[Any, ...]]:
    """Each sender's summary; merged lists as sets (their order follows the import order)."""
    rows = Sender.objects.filter(case=case).values_list(
        "number",
        "kind",
        "messages_received",
        "messages_sent",
        "night_messages",
        "flagged_messages",
        "calls",
        "call_attempts",
        "calls_connected",
        "night_calls",
        "max_attempts_per_day",
        "urgent",
        "collection_related",
        "first_contact_at",
        "last_contact_at",
        "categories",
        "signals",
        "behaviours",
    )
    summary = {row[0]: (*row[1:-3], *(frozenset(v) for v in row[-3:])) for row in rows}
    assert len(summary) == len(rows), "one number has two sender rows"
    return summary


def _assert_same_as_control(raced: Case, control: Case) -> None:
    assert _messages(raced) == _messages(control)
    assert (
        Message.objects.filter(case=raced).count() == Message.objects.filter(case=control).count()
    )
    assert _calls(raced) == _calls(control)
    assert _senders(raced) == _senders(control)


@pytest.fixture
def control(owner: User, make_case: Callable[..., Case]) -> Callable[..., Case]:
    """A case with ``files`` imported one after the other."""

    def build(*files: tuple[bytes, str], **options: Any) -> Case:
        case = make_case("对照案件")
        for data, name in files:
            _import(case, owner, data, name, **options)
        return case

    return build


@pytest.mark.parametrize("keep_all", [True, False], ids=["keep-all", "minimised"])
def test_two_different_backups_at_once_lose_and_duplicate_nothing(
    owner: User,
    make_case: Callable[..., Case],
    control: Callable[..., Case],
    keep_all: bool,
) -> None:
    files = [(FIRST, "sms-1.xml"), (SECOND, "sms-2.xml")]
    reference = control(*files, keep_all=keep_all)
    assert Message.objects.filter(case=reference, is_flagged=True).exists()
    for _round in range(ROUNDS):
        case = make_case()
        outcomes = run_together(
            *(partial(_import, case, owner, data, name, keep_all=keep_all) for data, name in files)
        )
        results: list[ImportResult] = [outcome.unwrap() for outcome in outcomes]
        assert not any(result.already_imported for result in results)

        _assert_same_as_control(case, reference)
        # The 75 shared messages were stored once and counted once as duplicates.
        stored = Message.objects.filter(case=case).count()
        assert sum(r.messages_imported for r in results) == stored
        if keep_all:
            assert stored == 325
            assert sum(r.duplicates_skipped for r in results) == 75

        # Both originals kept byte for byte, each import logged against its own original.
        items = {item.sha256: item for item in EvidenceItem.objects.filter(case=case)}
        assert set(items) == {sha256(FIRST), sha256(SECOND)}
        for item in items.values():
            assert evidence_rehash(item) == (item.sha256, item.size)
        batches = ImportBatch.objects.filter(case=case)
        assert {b.sha256: b.evidence_item_id for b in batches} == {
            digest: item.pk for digest, item in items.items()
        }
        assert_custody_intact(case, entries=4)
        actions = CustodyEntry.objects.filter(case=case).values_list("action", flat=True)
        assert sorted(actions) == sorted([CustodyAction.ADDED, CustodyAction.IMPORTED] * 2)
        assert_no_orphaned_files(case.pk)


def test_a_message_backup_and_a_call_log_at_once_share_their_sender_summaries(
    owner: User, make_case: Callable[..., Case], control: Callable[..., Case]
) -> None:
    files = [(FIRST, "sms-1.xml"), (CALLS, "calls-1.xml")]
    reference = control(*files, keep_all=True)
    for _round in range(ROUNDS):
        case = make_case()
        outcomes = run_together(
            *(partial(_import, case, owner, data, name, keep_all=True) for data, name in files)
        )
        for outcome in outcomes:
            outcome.unwrap()
        _assert_same_as_control(case, reference)
        # Senders with both messages and calls: their summary counts both.
        both = Sender.objects.filter(case=case, messages_received__gt=0, calls__gt=0)
        assert both.exists()
        assert_custody_intact(case, entries=4)
        assert_no_orphaned_files(case.pk)


def test_the_same_backup_twice_at_once_is_imported_once(
    owner: User, make_case: Callable[..., Case], control: Callable[..., Case]
) -> None:
    reference = control((FIRST, "sms-1.xml"))
    for _round in range(ROUNDS):
        case = make_case()
        outcomes = run_together(
            partial(_import, case, owner, FIRST, "sms-1.xml"),
            partial(_import, case, owner, FIRST, "sms-1 (1).xml"),
        )
        results: list[ImportResult] = [outcome.unwrap() for outcome in outcomes]
        assert sorted(r.already_imported for r in results) == [False, True]
        assert len({r.batch.pk for r in results}) == 1

        _assert_same_as_control(case, reference)
        assert ImportBatch.objects.filter(case=case).count() == 1
        item = EvidenceItem.objects.get(case=case)
        assert item.sha256 == sha256(FIRST)
        with default_storage.open(item.storage_key, "rb") as handle:
            assert handle.read() == FIRST
        assert_custody_intact(case, entries=2)
        assert_no_orphaned_files(case.pk)
