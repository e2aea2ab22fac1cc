"""Large backups are read in a forked worker process (`importer._read_in_worker`): the same
rows, summaries and answers as reading in-process, all or nothing, and never a worker left
behind (tests/intake/test_backup_import.py runs every import behaviour both ways too)."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.intake import importer
from collectguard.intake.backup_fixtures import generate_backup
from collectguard.intake.bulk import RowWriter
from collectguard.intake.models import Call, Message, Sender
from collectguard.intake.services import BackupRejected, ImportResult, backup_import
from tests.intake.conftest import CALLS_SAMPLE, SMS_SAMPLE

pytestmark = pytest.mark.django_db

MESSAGE_COLUMNS = [
    f.name
    for f in Message._meta.concrete_fields
    if f.name not in {"id", "case", "import_batch", "created_at"}
]
CALL_COLUMNS = [
    f.name
    for f in Call._meta.concrete_fields
    if f.name not in {"id", "case", "import_batch", "created_at"}
]
SENDER_COLUMNS = [f.name for f in Sender._meta.concrete_fields if f.name not in {"id", "case"}]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3,500 generated messages: several batches, MMS, night messages, many numbers."""
    path = tmp_path_factory.mktemp("worker") / "sms-generated.xml"
    generate_backup(3_500, path)
    return path


@pytest.fixture(scope="module")
def generated_more(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same 3,500 messages and 500 more (a later export of the same phone)."""
    path = tmp_path_factory.mktemp("worker") / "sms-generated-later.xml"
    generate_backup(4_000, path)
    return path


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the workers forked by imports in this test."""
    pids: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(importer.os, "fork", fork)
    return pids


@pytest.fixture
def worker(settings: Any, forks: list[int]) -> list[int]:
    """Every import through the worker, whatever the file's size; the pids forked."""
    settings.IMPORT_WORKER_MIN_BYTES = 0
    return forks


def _no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _import(user: User, case: Case, path: Path, **options: Any) -> ImportResult:
    with path.open("rb") as handle:
        return backup_import(
            case=case, user=user, fileobj=handle, original_name=path.name, **options
        )


def _stored(case: Case) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[Any]]:
    return (
        list(
            Message.objects.filter(case=case).order_by("dedupe_key").values_list(*MESSAGE_COLUMNS)
        ),
        list(Call.objects.filter(case=case).order_by("dedupe_key").values_list(*CALL_COLUMNS)),
        list(Sender.objects.filter(case=case).order_by("number").values_list(*SENDER_COLUMNS)),
    )


def _answer(result: ImportResult) -> tuple[Any, ...]:
    return (
        result.kind,
        result.messages_imported,
        result.calls_imported,
        result.duplicates_skipped,
        result.left_out_messages,
        result.left_out_calls,
        result.left_out_senders,
        result.left_out_sender_count,
    )


@pytest.mark.parametrize("keep_all", [False, True])
def test_the_worker_stores_exactly_what_reading_in_process_stores(
    borrower: User,
    generated: Path,
    generated_more: Path,
    settings: Any,
    forks: list[int],
    keep_all: bool,
) -> None:
    answers, stored = [], []
    for threshold in (None, 0):
        settings.IMPORT_WORKER_MIN_BYTES = threshold
        case = Case.objects.create(owner=borrower, title=f"t{threshold}", loan_type="credit_card")
        results = [
            _import(borrower, case, path, keep_all=keep_all)
            for path in (generated, SMS_SAMPLE, CALLS_SAMPLE, generated_more)
        ]
        answers.append([_answer(result) for result in results])
        stored.append(_stored(case))
    assert len(forks) == 4  # the second round went through the worker, every file
    assert answers[0] == answers[1]
    assert answers[1][3][3] > 2_000  # the later export: its first 3,500 (kept) are duplicates
    messages, calls, senders = stored[1]
    assert len(messages) > 3_000 and calls and senders
    assert stored[0] == stored[1]
    assert _no_children_left()


def test_a_file_that_breaks_in_the_worker_imports_nothing_and_says_where(
    borrower: User, case: Case, generated: Path, tmp_path: Path, worker: list[int]
) -> None:
    data = generated.read_bytes()
    broken = tmp_path / "broken.xml"
    broken.write_bytes(data[: len(data) * 3 // 4])  # after two batches were written
    with pytest.raises(BackupRejected) as caught:
        _import(borrower, case, broken)
    assert caught.value.line is not None and caught.value.line > 2_000
    assert len(worker) == 1
    assert not Message.objects.exists() and not Sender.objects.exists()
    assert _no_children_left()


def test_a_failing_insert_stops_and_reaps_the_worker(
    borrower: User,
    case: Case,
    generated: Path,
    worker: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_write = importer._Importer._write
    calls = []

    def failing_write(self: Any, writer: RowWriter, rows: Any, key: int) -> int:
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_write(self, writer, rows, key)

    monkeypatch.setattr(importer._Importer, "_write", failing_write)
    with pytest.raises(RuntimeError, match="disk full"):
        _import(borrower, case, generated)
    assert len(worker) == 1
    assert not Message.objects.exists()
    assert _no_children_left()


def test_a_worker_that_dies_fails_the_import_and_keeps_nothing(
    borrower: User,
    case: Case,
    generated: Path,
    worker: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parent = os.getpid()
    real_clock = importer.china_clock
    seen: list[int] = []

    def clock_then_die(date_ms: int) -> tuple[int, int]:
        if os.getpid() != parent:
            seen.append(1)
            if len(seen) > 1_500:  # in the worker, after a batch was sent: as if killed
                os._exit(3)
        return real_clock(date_ms)

    monkeypatch.setattr(importer, "china_clock", clock_then_die)
    with pytest.raises(BackupRejected) as caught:
        _import(borrower, case, generated)
    assert caught.value.code == "interrupted"
    assert "一条也没有导入" in str(caught.value)
    assert len(worker) == 1
    assert not Message.objects.exists() and not Sender.objects.exists()
    assert _no_children_left()


class _Stream(io.RawIOBase):
    """A file that can only be read forward (an upload piped through)."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


@pytest.mark.parametrize(
    ("threshold", "cores", "make", "expected"),
    [
        (0, 2, lambda data: io.BytesIO(data), True),
        (None, 2, lambda data: io.BytesIO(data), False),  # turned off
        (0, 1, lambda data: io.BytesIO(data), False),  # one core: nothing to overlap
        (10**9, 2, lambda data: io.BytesIO(data), False),  # small file
        (0, 2, _Stream, False),  # size unknown
    ],
)
def test_when_the_worker_is_used(
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    threshold: int | None,
    cores: int,
    make: Callable[[bytes], Any],
    expected: bool,
) -> None:
    settings.IMPORT_WORKER_MIN_BYTES = threshold
    monkeypatch.setattr(importer.os, "cpu_count", lambda: cores)
    fileobj = make(b"<smses></smses>")
    assert importer._use_worker(fileobj) is expected
    assert fileobj.read(3) == b"<sm"  # the position is left where it was


def test_an_upload_over_the_threshold_goes_through_the_worker(
    borrower_client: Any, case: Case, generated: Path, settings: Any, forks: list[int]
) -> None:
    """Through the upload page: Django hands the view a temporary file on disk (the upload is
    larger than FILE_UPLOAD_MAX_MEMORY_SIZE), the worker reads it from the same descriptor,
    and the original is kept whole afterwards."""
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    from collectguard.evidence.models import EvidenceItem
    from collectguard.intake.models import ImportBatch

    data = generated.read_bytes()
    settings.IMPORT_WORKER_MIN_BYTES = len(data) // 2
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = borrower_client.post(
        f"/cases/{case.pk}/intake/import/",
        {"file": SimpleUploadedFile("sms-generated.xml", data, "text/xml")},
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert len(forks) == 1
    assert batch.messages_imported == Message.objects.filter(case=case).count() > 2_000
    item = EvidenceItem.objects.get(pk=batch.evidence_item_id)
    with default_storage.open(item.storage_key, "rb") as stored:
        assert stored.read() == data
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert _no_children_left()
