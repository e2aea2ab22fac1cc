"""An edit racing a delete: the edit lands first or is told the thing is gone (404), never a
500, never a resurrected row, never children or files left behind.

Each race is run twice with a fixed order (one thread holds its save until the other thread's
request has finished) and a few times freely.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.cases.services import case_delete, case_update
from collectguard.evidence.models import CustodyAction, CustodyEntry, EvidenceItem
from collectguard.evidence.services import evidence_add, evidence_delete, evidence_update
from collectguard.intake.models import Call, ImportBatch, Message, Sender
from collectguard.intake.services import backup_import, message_add_manual
from collectguard.negotiation.models import ContactLog
from tests.concurrency.conftest import THREAD_TIMEOUT, Outcome, run_together
from tests.concurrency.helpers import (
    assert_custody_intact,
    assert_no_orphaned_files,
    sms_backup,
    stored_files,
)
from tests.evidence.conftest import png_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 3
CASE_EDIT = {
    "title": "某某消费金融借款（已核对）",
    "lender": "某某消费金融有限公司",
    "loan_type": "consumer_finance",
    "contract_numbers": "XF20251120003",
    "amount_owed": "2431.50",
    "overdue_since": "2026-05-01",
    "notes": "",
}
ITEM_EDIT = {"kind": "screenshot", "description": "夜间威胁短信截图", "purpose": "证明夜间催收"}


@pytest.fixture
def client(owner: User) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def second_client(owner: User) -> Client:
    """The same borrower in another tab or on another device."""
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def full_case(owner: User, make_case: Callable[..., Case]) -> Callable[[], Case]:
    """A case with something in every table that hangs off it, and files in storage."""

    def build() -> Case:
        case = make_case()
        backup_import(
            case=case,
            user=owner,
            fileobj=io.BytesIO(sms_backup(range(30))),
            original_name="sms.xml",
            keep_all=True,
        )
        message_add_manual(
            case=case,
            kind="call",
            occurred_at=timezone.now() - timedelta(hours=2),
            sender="13612340077",
        )
        item = evidence_add(
            case=case,
            uploaded_by=owner,
            file=ContentFile(png_bytes(), name="截图.png"),
            description="截图",
            purpose="证明夜间催收",
            kind="screenshot",
            related_messages=Message.objects.filter(case=case)[:3],
        )
        assert item.related_messages.count() == 3
        ContactLog.objects.create(
            case=case,
            occurred_at=timezone.now() - timedelta(days=1),
            channel="phone_out",
            summary="我说明了失业的情况，提出分 12 期。",
            outcome="considering",
        )
        assert len(stored_files(case.pk)) == 3  # the backup, the picture and its preview
        return case

    return build


def assert_case_gone_without_trace(pk: int) -> None:
    assert not Case.objects.filter(pk=pk).exists()
    for model in (Message, Call, Sender, ImportBatch, EvidenceItem, CustodyEntry, ContactLog):
        assert not model.objects.filter(case_id=pk).exists(), model.__name__
    assert not EvidenceItem.related_messages.through.objects.filter(message__case_id=pk).exists()
    assert stored_files(pk) == set()


class Hold:
    """Make a function wait until another thread says go (to fix the order of a race)."""

    def __init__(self) -> None:
        self.go = threading.Event()

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def held(*args: Any, **kwargs: Any) -> Any:
            assert self.go.wait(THREAD_TIMEOUT), "the other racer never finished"
            return function(*args, **kwargs)

        return held

    def then_release(self, function: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            try:
                return function()
            finally:
                self.go.set()

        return run


@pytest.fixture
def hold(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], Hold]]:
    """``hold("module.function")``: that function waits for `Hold.then_release`."""

    def make(target: str) -> Hold:
        module, name = target.rsplit(".", 1)
        holder = Hold()
        monkeypatch.setattr(target, holder.wrap(getattr(__import__(module, fromlist=[name]), name)))
        return holder

    yield make


def _status(outcome: Outcome) -> int:
    return int(outcome.unwrap().status_code)


# --- A case edited while it is deleted ----------------------------------------------------------


def _edit_case(client: Client, case: Case, title: str = CASE_EDIT["title"]) -> Any:
    url = reverse("cases:edit", args=[case.pk])
    return client.post(url, {**CASE_EDIT, "title": title, "version": case.version})


def _delete_case(client: Client, case: Case) -> Any:
    return client.post(reverse("cases:delete", args=[case.pk]), {"confirm_title": case.title})


def test_a_case_deleted_while_its_edit_is_saved_answers_404(
    client: Client, second_client: Client, full_case: Callable[[], Case], hold: Any
) -> None:
    case = full_case()
    # The edit has loaded the case and validated the form; its save waits for the delete.
    holder = hold("collectguard.cases.views.case_update")
    edit, delete = run_together(
        partial(_edit_case, client, case),
        holder.then_release(partial(_delete_case, second_client, case)),
    )
    assert _status(delete) == 302
    assert _status(edit) == 404
    assert_case_gone_without_trace(case.pk)


def test_a_case_edited_just_before_its_delete_is_deleted_all_the_same(
    client: Client, second_client: Client, full_case: Callable[[], Case], hold: Any
) -> None:
    case = full_case()
    holder = hold("collectguard.cases.views.case_delete")
    # The edit keeps the title: the delete confirms by typing the title, and on a slow machine
    # its view may load the case only after the edit committed.
    edit, delete = run_together(
        holder.then_release(partial(_edit_case, client, case, title=case.title)),
        partial(_delete_case, second_client, case),
    )
    assert _status(edit) == 302
    assert _status(delete) == 302
    assert_case_gone_without_trace(case.pk)


def test_case_edit_and_delete_racing_freely(
    client: Client, second_client: Client, full_case: Callable[[], Case]
) -> None:
    for _round in range(ROUNDS):
        case = full_case()
        edit, delete = run_together(
            partial(_edit_case, client, case, title=case.title),
            partial(_delete_case, second_client, case),
        )
        assert _status(delete) == 302
        assert _status(edit) in (302, 404)
        assert_case_gone_without_trace(case.pk)


def test_case_services_edit_and_delete_racing(full_case: Callable[[], Case]) -> None:
    for _round in range(ROUNDS):
        case = full_case()
        edit, delete = run_together(
            partial(case_update, case=Case.objects.get(pk=case.pk), expected_version=1, notes="x"),
            partial(case_delete, case=Case.objects.get(pk=case.pk)),
        )
        delete.unwrap()
        assert edit.error is None or isinstance(edit.error, Case.DoesNotExist)
        assert_case_gone_without_trace(case.pk)


def test_a_case_deleted_twice_at_once(
    client: Client, second_client: Client, full_case: Callable[[], Case]
) -> None:
    case = full_case()
    first, second = run_together(
        partial(_delete_case, client, case), partial(_delete_case, second_client, case)
    )
    assert sorted([_status(first), _status(second)]) in ([302, 302], [302, 404])
    assert_case_gone_without_trace(case.pk)


def test_a_case_archived_while_it_is_deleted_answers_404(
    client: Client, second_client: Client, full_case: Callable[[], Case], hold: Any
) -> None:
    case = full_case()
    holder = hold("collectguard.cases.views.case_set_archived")
    archive, delete = run_together(
        partial(client.post, reverse("cases:archive", args=[case.pk]), {"archive": "1"}),
        holder.then_release(partial(_delete_case, second_client, case)),
    )
    assert _status(delete) == 302
    assert _status(archive) == 404
    assert_case_gone_without_trace(case.pk)


def test_an_upload_into_a_case_being_deleted_leaves_no_file(
    client: Client, second_client: Client, full_case: Callable[[], Case], hold: Any
) -> None:
    case = full_case()
    # The upload is checked and its original written to storage; before its database row is
    # written (the preview is made first, outside the transaction), the case is deleted.
    holder = hold("collectguard.evidence.services._make_thumbnail")
    posted, delete = run_together(
        partial(upload, client, case, png_bytes(colour=(1, 2, 3)), "来晚了的截图.png"),
        holder.then_release(partial(_delete_case, second_client, case)),
    )
    assert _status(delete) == 302
    assert _status(posted) == 404
    assert_case_gone_without_trace(case.pk)


# --- An evidence item edited while it is deleted ------------------------------------------------


def _item(case: Case) -> EvidenceItem:
    return EvidenceItem.objects.get(case=case, kind="screenshot")


def _edit_item(client: Client, case: Case, item: EvidenceItem) -> Any:
    url = reverse("evidence:edit", args=[case.pk, item.uuid])
    return client.post(url, ITEM_EDIT)


def _delete_item(client: Client, case: Case, item: EvidenceItem) -> Any:
    url = reverse("evidence:delete", args=[case.pk, item.uuid])
    return client.post(url, {"confirm": "yes"})


def _assert_item_gone(case: Case, item: EvidenceItem, *, edited: bool) -> None:
    assert not EvidenceItem.objects.filter(pk=item.pk).exists()
    assert not EvidenceItem.related_messages.through.objects.filter(
        evidenceitem_id=item.pk
    ).exists()
    log = list(
        CustodyEntry.objects.filter(case=case, target=f"evidence:{item.uuid}")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    expected = [CustodyAction.ADDED, CustodyAction.EDITED] if edited else [CustodyAction.ADDED]
    assert log == [*expected, CustodyAction.DELETED]
    assert_custody_intact(case, entries=CustodyEntry.objects.filter(case=case).count())
    assert_no_orphaned_files(case.pk)


def test_an_item_deleted_while_its_edit_is_saved_answers_404(
    client: Client, second_client: Client, full_case: Callable[[], Case], hold: Any
) -> None:
    case = full_case()
    item = _item(case)
    holder = hold("collectguard.evidence.views.evidence_update")
    edit, delete = run_together(
        partial(_edit_item, client, case, item),
        holder.then_release(partial(_delete_item, second_client, case, item)),
    )
    assert _status(delete) == 302
    assert _status(edit) == 404
    _assert_item_gone(case, item, edited=False)


def test_an_item_edited_just_before_its_delete_is_deleted(
    client: Client, second_client: Client, full_case: Callable[[], Case], hold: Any
) -> None:
    case = full_case()
    item = _item(case)
    holder = hold("collectguard.evidence.views.evidence_delete")
    edit, delete = run_together(
        holder.then_release(partial(_edit_item, client, case, item)),
        partial(_delete_item, second_client, case, item),
    )
    assert _status(edit) == 302
    assert _status(delete) == 302
    _assert_item_gone(case, item, edited=True)


def test_item_edit_and_delete_racing_freely(
    client: Client, second_client: Client, full_case: Callable[[], Case]
) -> None:
    for _round in range(ROUNDS):
        case = full_case()
        item = _item(case)
        edit, delete = run_together(
            partial(_edit_item, client, case, item),
            partial(_delete_item, second_client, case, item),
        )
        assert _status(delete) == 302
        assert _status(edit) in (302, 404)
        _assert_item_gone(case, item, edited=_status(edit) == 302)


def test_item_services_edit_and_delete_racing(owner: User, full_case: Callable[[], Case]) -> None:
    for _round in range(ROUNDS):
        case = full_case()
        item = _item(case)
        edit, delete = run_together(
            partial(
                evidence_update,
                item=_item(case),
                actor=owner,
                description="改过的说明",
                purpose="",
                kind="screenshot",
            ),
            partial(evidence_delete, item=_item(case), actor=owner),
        )
        delete.unwrap()
        assert edit.error is None or isinstance(edit.error, EvidenceItem.DoesNotExist)
        _assert_item_gone(case, item, edited=edit.error is None)


def test_an_item_deleted_twice_at_once_is_logged_once(
    client: Client, second_client: Client, full_case: Callable[[], Case]
) -> None:
    case = full_case()
    item = _item(case)
    first, second = run_together(
        partial(_delete_item, client, case, item), partial(_delete_item, second_client, case, item)
    )
    assert sorted([_status(first), _status(second)]) == [302, 404]
    _assert_item_gone(case, item, edited=False)


# --- A contact-log entry edited while its case is deleted ---------------------------------------


def test_a_contact_edited_while_its_case_is_deleted_answers_404(
    client: Client, second_client: Client, full_case: Callable[[], Case], hold: Any
) -> None:
    case = full_case()
    contact = ContactLog.objects.get(case=case)
    holder = hold("collectguard.negotiation.views.contact_update")
    url = reverse("negotiation:contact_edit", args=[case.pk, contact.pk])
    form = {
        "occurred_at": timezone.localtime(contact.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "channel": "phone_out",
        "summary": "对方同意分 12 期，等待书面确认。",
        "outcome": "considering",
    }
    edit, delete = run_together(
        partial(client.post, url, form),
        holder.then_release(partial(_delete_case, second_client, case)),
    )
    assert _status(delete) == 302
    assert _status(edit) == 404
    assert_case_gone_without_trace(case.pk)
