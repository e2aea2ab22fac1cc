"""Evidence stored at the same moment: every original kept, the custody chain never forks."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.evidence.models import CustodyAction, CustodyEntry, EvidenceItem
from collectguard.evidence.services import (
    DuplicateEvidence,
    evidence_add,
    evidence_record_access,
    evidence_rehash,
)
from tests.concurrency.conftest import run_together
from tests.concurrency.helpers import assert_custody_intact, assert_no_orphaned_files, sha256
from tests.evidence.conftest import jpeg_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 3
RACERS = 3


def _add(case: Case, user: User, data: bytes, name: str) -> EvidenceItem:
    return evidence_add(
        case=case,
        uploaded_by=user,
        file=ContentFile(data, name=name),
        description=f"催收短信截图 {name}",
        purpose="证明对方在夜间发送威胁短信",
        kind="screenshot",
    )


def _files(round_: int) -> list[tuple[bytes, str]]:
    return [
        (png_bytes(colour=(round_, index, 200)), f"截图-{index}.png") for index in range(RACERS)
    ]


def _assert_all_kept(case: Case, files: list[tuple[bytes, str]]) -> None:
    items = list(EvidenceItem.objects.filter(case=case))
    assert sorted(item.sha256 for item in items) == sorted(sha256(data) for data, _ in files)
    for item in items:
        assert evidence_rehash(item) == (item.sha256, item.size)
        assert item.thumbnail_key  # the preview of each image was kept too
    assert_custody_intact(case, entries=len(files))
    added = CustodyEntry.objects.filter(case=case, action=CustodyAction.ADDED)
    assert sorted(added.values_list("target", flat=True)) == sorted(
        f"evidence:{item.uuid}" for item in items
    )
    assert_no_orphaned_files(case.pk)


def test_uploads_at_once_are_all_kept_and_chained(
    owner: User, make_case: Callable[..., Case]
) -> None:
    for round_ in range(ROUNDS):
        case = make_case()
        files = _files(round_)
        outcomes = run_together(*(partial(_add, case, owner, data, name) for data, name in files))
        for outcome in outcomes:
            outcome.unwrap()
        _assert_all_kept(case, files)


def test_uploads_at_once_through_the_page(owner: User, make_case: Callable[..., Case]) -> None:
    clients = []
    for _ in range(RACERS):
        client = Client()
        client.force_login(owner)
        clients.append(client)
    for round_ in range(ROUNDS):
        case = make_case()
        files = _files(100 + round_)
        outcomes = run_together(
            *(
                partial(upload, client, case, data, name)
                for client, (data, name) in zip(clients, files, strict=True)
            )
        )
        for outcome in outcomes:
            response = outcome.unwrap()
            assert response.status_code == 302
            assert response["Location"] == reverse("evidence:overview", args=[case.pk])
        _assert_all_kept(case, files)


def test_the_same_file_twice_at_once_is_stored_once(
    owner: User, make_case: Callable[..., Case]
) -> None:
    data = jpeg_bytes()
    for _round in range(ROUNDS):
        case = make_case()
        outcomes = run_together(
            partial(_add, case, owner, data, "IMG_0001.jpg"),
            partial(_add, case, owner, data, "IMG_0001 (1).jpg"),
        )
        item = EvidenceItem.objects.get(case=case)
        stored = [outcome.value for outcome in outcomes if outcome.error is None]
        refused = [outcome.error for outcome in outcomes if outcome.error is not None]
        assert [i.pk for i in stored] == [item.pk]
        assert len(refused) == 1 and isinstance(refused[0], DuplicateEvidence)
        assert refused[0].existing.pk == item.pk
        assert item.sha256 == sha256(data)
        assert_custody_intact(case, entries=1)
        assert_no_orphaned_files(case.pk)


def test_custody_entries_appended_at_once_stay_one_chain(
    owner: User, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    item = _add(case, owner, png_bytes(), "截图.png")
    per_thread = 5

    def look(action: str) -> None:
        for _ in range(per_thread):
            evidence_record_access(item=item, actor=owner, action=action)

    actions = [CustodyAction.VIEWED, CustodyAction.DOWNLOADED] * 2
    outcomes = run_together(*(partial(look, action) for action in actions))
    for outcome in outcomes:
        outcome.unwrap()
    assert_custody_intact(case, entries=1 + per_thread * len(actions))
