"""The custody log: append-only, hash-chained, and tampering shows."""

from __future__ import annotations

import pytest
from django.db import connection

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.evidence.custody import GENESIS_HASH, custody_verify, entry_hash
from collectguard.evidence.models import CustodyEntry
from collectguard.evidence.services import custody_record


def _log(case: Case, actor: User, n: int = 3) -> list[CustodyEntry]:
    return [
        custody_record(
            case=case,
            actor=actor,
            action="viewed",
            target=f"evidence:{i}",
            details={"sha256": f"{i:064x}"},
        )
        for i in range(n)
    ]


def test_entries_are_chained(case: Case, borrower: User) -> None:
    first, second, third = _log(case, borrower)

    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.entry_hash
    assert third.prev_hash == second.entry_hash
    assert custody_verify(case) == []


def test_each_case_has_its_own_chain(case: Case, borrower: User) -> None:
    other = Case.objects.create(owner=borrower, title="另一笔")
    _log(case, borrower, 2)
    entry = custody_record(case=other, actor=borrower, action="viewed")
    assert (entry.seq, entry.prev_hash) == (1, GENESIS_HASH)


def test_an_edited_entry_is_reported(case: Case, borrower: User) -> None:
    _log(case, borrower)
    CustodyEntry.objects.filter(case=case, seq=2).update(target="evidence:forged")

    problems = custody_verify(case)

    assert problems == ["保管记录第 2 条的内容被改动过。"]


def test_an_edit_that_also_rewrites_its_own_hash_breaks_the_next_link(
    case: Case, borrower: User
) -> None:
    _log(case, borrower)
    entry = CustodyEntry.objects.get(case=case, seq=2)
    entry.details = {"sha256": "0" * 64}
    CustodyEntry.objects.filter(pk=entry.pk).update(
        details=entry.details, entry_hash=entry_hash(entry)
    )

    problems = custody_verify(case)

    assert any("第 3 条与前一条衔接不上" in problem for problem in problems)


def test_a_deleted_entry_is_reported(case: Case, borrower: User) -> None:
    _log(case, borrower)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM evidence_custodyentry WHERE case_id = %s AND seq = 2", [case.pk]
        )

    problems = custody_verify(case)

    assert any("缺失" in problem for problem in problems)
    assert any("衔接不上" in problem for problem in problems)


def test_entries_cannot_be_changed_or_deleted_through_the_model(case: Case, borrower: User) -> None:
    entry = _log(case, borrower, 1)[0]
    entry.target = "changed"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    assert CustodyEntry.objects.get(pk=entry.pk).target == "evidence:0"


def test_unknown_actions_are_refused(case: Case, borrower: User) -> None:
    with pytest.raises(ValueError):
        custody_record(case=case, actor=borrower, action="tampered")


def test_the_chain_survives_the_actor_account_being_deleted(case: Case) -> None:
    from tests.conftest import make_user

    helper = make_user("helper")
    custody_record(case=case, actor=helper, action="viewed")
    helper.delete()
    assert custody_verify(case) == []


def test_the_admin_is_read_only(case: Case, borrower: User, staff: User) -> None:
    from django.urls import reverse

    from tests.review.factories import verified_client

    entry = _log(case, borrower, 1)[0]
    client = verified_client(staff)  # the admin asks staff for a second factor
    assert client.get(reverse("admin:evidence_custodyentry_changelist")).status_code == 200
    change_url = reverse("admin:evidence_custodyentry_change", args=[entry.pk])
    client.post(change_url, {"target": "changed"})
    assert CustodyEntry.objects.get(pk=entry.pk).target == "evidence:0"
    delete_url = reverse("admin:evidence_custodyentry_delete", args=[entry.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert CustodyEntry.objects.filter(pk=entry.pk).exists()
