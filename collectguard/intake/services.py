"""State changes of step 1 (识别来源). Services never see a request.

Every way a message arrives — pasted, typed, imported from a phone backup — ends in rows that
are analysed the same way and de-duplicated by a key, so bringing in the same thing twice adds
nothing. Each service is all-or-nothing: bad input raises an error with a message for the user
and leaves the case as it was.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO, Any, Final

import filetype
from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.cases.services import case_lock
from collectguard.intake.analysis import analyze, classify_sender
from collectguard.intake.backup import BackupError, parse_backup, sniff_kind
from collectguard.intake.importer import ImportWorkerFailed, StreamOutcome, import_stream
from collectguard.intake.models import (
    Call,
    Channel,
    Direction,
    ImportBatch,
    Message,
    Source,
)
from collectguard.intake.paste import PasteProblem, parse_pasted
from collectguard.intake.records import (
    SenderDelta,
    analysis_fields,
    dedupe_key,
    is_night,
)
from collectguard.intake.summaries import senders_rebuild, senders_refresh

log = logging.getLogger(__name__)

SNIFF_BYTES: Final = 64 * 1024
_HASH_CHUNK: Final = 1024 * 1024


class IntakeError(Exception):
    """Nothing was changed; ``message`` says why, in the user's language."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = str(message)


class PasteRejected(IntakeError):
    """The pasted text has problems; ``problems`` lists them by line."""

    def __init__(self, problems: list[PasteProblem]) -> None:
        lines = [
            _("第 %(line)s 行：%(problem)s") % {"line": p.line, "problem": p.message}
            for p in problems
        ]
        super().__init__("；".join(lines) if lines else _("没有找到消息内容。"))
        self.problems = problems


class BackupRejected(IntakeError):
    """The backup file was not imported; ``line``/``column`` say where it broke, if known."""

    def __init__(
        self, message: Any, *, line: int | None = None, column: int | None = None, code: str = ""
    ) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.code = code

    @classmethod
    def from_backup_error(cls, error: BackupError) -> BackupRejected:
        english = (get_language() or "").startswith("en")
        text = error.message_en if english else error.message_zh
        if error.line is not None and error.column is not None:
            where = _("文件第 %(line)s 行第 %(column)s 列：") % {
                "line": error.line,
                "column": error.column,
            }
        elif error.line is not None:
            where = _("文件第 %(line)s 行：") % {"line": error.line}
        else:
            where = ""
        message = where + text + _("（这个文件的内容一条也没有导入。）")
        return cls(message, line=error.line, column=error.column, code=error.code)


# --- Paste and manual entry ---------------------------------------------------------------------


@dataclass
class SaveOutcome:
    created: list[Message] = field(default_factory=list)
    duplicates: int = 0


def _save_messages(case: Case, messages: list[Message], deltas: dict[str, SenderDelta]) -> int:
    """Insert the messages the case does not have yet; returns how many were already there."""
    keys = [m.dedupe_key for m in messages]
    with transaction.atomic():
        # Concurrency: the check and the inserts under the case lock (two identical pastes
        # at once: the second finds the first's rows instead of failing on the unique key).
        case_lock(case)
        existing = set(
            Message.objects.filter(case=case, dedupe_key__in=keys).values_list(
                "dedupe_key", flat=True
            )
        )
        fresh: list[Message] = []
        for message in messages:
            if message.dedupe_key in existing:
                continue
            existing.add(message.dedupe_key)
            message.full_clean(exclude=["case", "import_batch"], validate_constraints=False)
            fresh.append(message)
        for message in fresh:
            message.save()
        senders_refresh(case=case, deltas=deltas)
    messages[:] = fresh
    return len(keys) - len(fresh)


def messages_paste(
    *,
    case: Case,
    text: str,
    default_sender: str = "",
    default_time: datetime | None = None,
) -> SaveOutcome:
    """Store the messages of a pasted block (see `collectguard.intake.paste`).

    Raises `PasteRejected` when any line has a problem (an impossible or future date, an
    empty message): then nothing is stored, so the user can fix the text and try again.
    """
    parsed = parse_pasted(text, default_sender=default_sender, default_time=default_time)
    if parsed.problems or not parsed.messages:
        raise PasteRejected(parsed.problems)
    rows: list[Message] = []
    deltas: dict[str, SenderDelta] = {}
    for item in parsed.messages:
        info = classify_sender(item.sender)
        analysis = analyze(item.body, sender=item.sender, received_at=item.received_at)
        deltas.setdefault(info.number, SenderDelta(kind=info.kind)).add(analysis)
        rows.append(
            Message(
                case=case,
                sender=info.number[:64],
                sender_raw=item.sender[:128],
                sender_kind=info.kind,
                direction=Direction.INCOMING,
                channel=Channel.SMS,
                body=item.body,
                received_at=item.received_at,
                source=Source.PASTE,
                is_night=is_night(item.received_at),
                dedupe_key=dedupe_key(
                    "paste",
                    info.number,
                    item.received_at.isoformat() if item.received_at else "",
                    item.body,
                ),
                **analysis_fields(analysis),
            )
        )
    duplicates = _save_messages(case, rows, deltas)
    return SaveOutcome(created=rows, duplicates=duplicates)


class ManualKind:
    CALL = "call"
    VISIT = "visit"
    MESSAGE = "message"


def message_add_manual(
    *,
    case: Case,
    kind: str,
    occurred_at: datetime,
    sender: str = "",
    body: str = "",
    channel: str = Channel.WECHAT,
    call_type: str = Call.CallType.INCOMING,
    duration_s: int = 0,
) -> Message | Call:
    """Record a call, a visit or a message from another channel (WeChat, app, letter…).

    A call becomes a `Call` (``body`` is kept as its notes); a visit and a message become a
    `Message`, analysed like any other. Raises `IntakeError` if the same entry exists already.
    """
    if timezone.is_naive(occurred_at):
        raise ValueError("occurred_at must be timezone-aware")
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise IntakeError(_("时间还没有到，请检查日期和时间。"))
    info = classify_sender(sender)
    body = body.strip()
    if kind == ManualKind.CALL:
        call = Call(
            case=case,
            number=info.number[:64],
            number_raw=sender[:128],
            sender_kind=info.kind,
            call_type=call_type,
            started_at=occurred_at,
            duration_s=duration_s,
            notes=body,
            source=Source.MANUAL,
            is_night=is_night(occurred_at),
            dedupe_key=dedupe_key("manual-call", info.number, occurred_at.isoformat(), call_type),
        )
        call.full_clean(exclude=["case", "import_batch"], validate_constraints=False)
        with transaction.atomic():
            case_lock(case)  # concurrency: the check below sees any racing insert
            if Call.objects.filter(case=case, dedupe_key=call.dedupe_key).exists():
                raise IntakeError(_("这个时间、这个号码的通话已经记录过了。"))
            call.save()
            senders_refresh(case=case, numbers=[call.number])
        return call
    if kind not in (ManualKind.VISIT, ManualKind.MESSAGE):
        raise ValueError(f"unknown manual entry kind {kind!r}")
    if not body:
        raise IntakeError(_("请写下对方说了什么或做了什么。"))
    message_channel = Channel.VISIT if kind == ManualKind.VISIT else channel
    analysis = analyze(body, sender=sender, received_at=occurred_at)
    message = Message(
        case=case,
        sender=info.number[:64],
        sender_raw=sender[:128],
        sender_kind=info.kind,
        direction=Direction.INCOMING,
        channel=message_channel,
        body=body,
        received_at=occurred_at,
        source=Source.MANUAL,
        is_night=is_night(occurred_at),
        dedupe_key=dedupe_key(
            "manual", message_channel, info.number, occurred_at.isoformat(), body
        ),
        **analysis_fields(analysis),
    )
    delta = SenderDelta(kind=info.kind)
    delta.add(analysis)
    rows = [message]
    if _save_messages(case, rows, {info.number: delta}):
        raise IntakeError(_("这条记录已经存在，没有重复保存。"))
    return message


def messages_reanalyse(*, case: Case) -> int:
    """Analyse the case's received messages again (after the rules or legal data changed).

    Returns how many messages changed. Runs in one transaction and in batches, so a large case
    uses little memory.
    """
    changed = 0
    with transaction.atomic():
        case_lock(case)  # concurrency: the sender summaries are rebuilt from the rows
        batch: list[Message] = []
        queryset = Message.objects.filter(case=case, direction=Direction.INCOMING).order_by("pk")
        for message in queryset.iterator(chunk_size=1000):
            fields = analysis_fields(
                analyze(message.body, sender=message.sender, received_at=message.received_at)
            )
            if all(getattr(message, name) == value for name, value in fields.items()):
                continue
            for name, value in fields.items():
                setattr(message, name, value)
            batch.append(message)
            if len(batch) >= 1000:
                changed += len(batch)
                Message.objects.bulk_update(batch, list(fields))
                batch.clear()
        if batch:
            changed += len(batch)
            Message.objects.bulk_update(batch, list(fields))
        senders_rebuild(case=case)
    return changed


# --- Phone backups ------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What became of one backup file. ``already_imported``: the same file was imported before."""

    batch: ImportBatch
    kind: str
    expected_kind: str | None = None
    already_imported: bool = False
    messages_imported: int = 0
    calls_imported: int = 0
    duplicates_skipped: int = 0
    left_out_messages: int = 0
    left_out_calls: int = 0
    left_out_senders: list[dict[str, Any]] = field(default_factory=list)
    left_out_sender_count: int = 0

    @property
    def kind_mismatch(self) -> bool:
        return self.expected_kind is not None and self.expected_kind != self.kind


def _head(fileobj: IO[bytes]) -> bytes:
    fileobj.seek(0)
    head = fileobj.read(SNIFF_BYTES)
    fileobj.seek(0)
    return bytes(head)


def _digest(fileobj: IO[bytes]) -> tuple[str, int]:
    fileobj.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := fileobj.read(_HASH_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    fileobj.seek(0)
    return digest.hexdigest(), size


def _refuse_unknown(fileobj: IO[bytes], head: bytes) -> BackupRejected:
    """The clearest message for a file that is not an SMS or call-log backup."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        # XML of some kind: let the parser say precisely what is wrong (a DOCTYPE, another
        # root element, a damaged start) without reading further than it must.
        try:
            for _record in parse_backup(fileobj):
                break
        except BackupError as error:
            return BackupRejected.from_backup_error(error)
        finally:
            fileobj.seek(0)
    guess = filetype.guess(head[:8192])
    if guess is not None:
        return BackupRejected(
            _(
                "这是一个 %(type)s 文件，不是手机短信或通话记录备份。请上传“SMS Backup & Restore”"
                "（短信备份与恢复）导出的 .xml 文件。"
            )
            % {"type": guess.extension.upper()},
            code="wrong_type",
        )
    return BackupRejected(
        _(
            "这个文件不是手机短信或通话记录备份。请上传“SMS Backup & Restore”（短信备份与恢复）"
            "导出的 sms-….xml 或 calls-….xml 文件。"
        ),
        code="wrong_type",
    )


def _evidence_texts(kind: str, original_name: str) -> tuple[str, str]:
    if kind == ImportBatch.Kind.CALLS:
        return (
            _("手机通话记录备份：%(name)s") % {"name": original_name},
            _("证明催收来电的号码、时间、次数和通话时长（手机导出的原始文件，未经改动）。"),
        )
    return (
        _("手机短信备份：%(name)s") % {"name": original_name},
        _("证明收到的催收短信的原始内容、发送号码和时间（手机导出的原始文件，未经改动）。"),
    )


def _keep_original(
    *, case: Case, user: User | None, fileobj: IO[bytes], original_name: str, kind: str
) -> Any:
    """Store the uploaded file as evidence (or find it, if the same bytes are there already)."""
    from collectguard.evidence.models import EvidenceKind, EvidenceSource
    from collectguard.evidence.services import DuplicateEvidence, EvidenceRejected, evidence_add

    name = original_name if original_name.lower().endswith(".xml") else f"{original_name}.xml"
    description, purpose = _evidence_texts(kind, original_name)
    fileobj.seek(0)
    try:
        return evidence_add(
            case=case,
            uploaded_by=user,
            file=File(fileobj, name=name),
            description=description[:200],
            purpose=purpose,
            kind=EvidenceKind.BACKUP,
            source=EvidenceSource.BACKUP_IMPORT,
        )
    except DuplicateEvidence as exc:
        return exc.existing
    except EvidenceRejected as exc:
        raise BackupRejected(exc.message, code="evidence") from exc


def _record_custody(*, case: Case, user: User | None, item: Any, batch: ImportBatch) -> None:
    from collectguard.evidence.models import CustodyAction
    from collectguard.evidence.services import custody_record

    custody_record(
        case=case,
        actor=user,
        action=CustodyAction.IMPORTED,
        target=f"evidence:{item.uuid}",
        details={
            "import_batch": batch.pk,
            "kind": batch.kind,
            "sha256": batch.sha256,
            "kept_all": batch.kept_all,
            "messages_imported": batch.messages_imported,
            "calls_imported": batch.calls_imported,
            "duplicates_skipped": batch.duplicates_skipped,
            "left_out_messages": batch.left_out_messages,
            "left_out_calls": batch.left_out_calls,
        },
    )


def _apply(batch: ImportBatch, outcome: StreamOutcome) -> None:
    batch.messages_imported += outcome.messages_imported
    batch.calls_imported += outcome.calls_imported
    batch.duplicates_skipped += outcome.duplicates_skipped
    batch.left_out_messages = outcome.left_out_messages
    batch.left_out_calls = outcome.left_out_calls
    batch.left_out_senders = outcome.left_out_senders


def _result(batch: ImportBatch, outcome: StreamOutcome, expected: str | None) -> ImportResult:
    return ImportResult(
        batch=batch,
        kind=batch.kind,
        expected_kind=expected,
        messages_imported=outcome.messages_imported,
        calls_imported=outcome.calls_imported,
        duplicates_skipped=outcome.duplicates_skipped,
        left_out_messages=outcome.left_out_messages,
        left_out_calls=outcome.left_out_calls,
        left_out_senders=outcome.left_out_senders,
        left_out_sender_count=outcome.left_out_sender_count,
    )


def backup_import(
    *,
    case: Case,
    user: User | None,
    fileobj: IO[bytes],
    original_name: str,
    keep_all: bool = False,
    expected_kind: str | None = None,
) -> ImportResult:
    """Import an "SMS Backup & Restore" SMS or call-log file into the case.

    The kind comes from the file itself (``expected_kind``, what the user said it was, only
    lets the result say it was something else). All or nothing: a file that breaks halfway
    raises `BackupRejected` naming the line and column, and nothing from it is kept. The same
    file imported again adds nothing. Without ``keep_all`` only numbers that sent something
    about the debt are kept (data minimisation); the result lists what was left out. The
    original file is kept as evidence with its SHA-256 (`evidence_add`).
    """
    head = _head(fileobj)
    if not head:
        raise BackupRejected(_("文件是空的（0 字节），里面没有短信或通话记录。"), code="empty")
    kind = sniff_kind(head)
    if kind is None:
        raise _refuse_unknown(fileobj, head)
    digest, size = _digest(fileobj)
    if size > settings.MAX_UPLOAD_BYTES:
        raise BackupRejected(
            _("文件大小为 %(size)s，超过了 %(limit)s 的上限。")
            % {"size": filesizeformat(size), "limit": filesizeformat(settings.MAX_UPLOAD_BYTES)},
            code="too_large",
        )
    existing = ImportBatch.objects.filter(case=case, sha256=digest).first()
    if existing is not None:
        if keep_all and not existing.kept_all:
            return _rerun_keep_all(batch=existing, user=user, fileobj=fileobj)
        return ImportResult(
            batch=existing, kind=existing.kind, expected_kind=expected_kind, already_imported=True
        )

    stored: list[str] = []
    try:
        with transaction.atomic():
            # Concurrency: imports into one case take turns. The sender summaries are
            # recounted from the rows (or, into a case without rows, counted by the importer
            # because the case had none: `StreamOutcome.counted`), and an import running
            # alongside would not see the other's uncommitted rows (PostgreSQL; SQLite
            # writers are exclusive anyway).
            case_lock(case)
            batch = ImportBatch.objects.create(
                case=case,
                kind=kind,
                original_name=original_name[:255],
                sha256=digest,
                size=size,
                kept_all=keep_all,
                created_by=user,
            )
            try:
                outcome = import_stream(case=case, batch=batch, fileobj=fileobj, keep_all=keep_all)
            except BackupError as error:
                raise BackupRejected.from_backup_error(error) from error
            except ImportWorkerFailed as error:
                raise _interrupted() from error
            _apply(batch, outcome)
            senders_refresh(
                case=case,
                deltas=outcome.deltas,
                numbers=outcome.kept_numbers,
                counted=outcome.counted,
            )
            item = _keep_original(
                case=case, user=user, fileobj=fileobj, original_name=original_name, kind=kind
            )
            stored.append(item.storage_key)
            batch.evidence_item_id = item.pk
            batch.save()
            _record_custody(case=case, user=user, item=item, batch=batch)
    except IntegrityError:
        # The same file submitted twice at once: the other request imported it.
        _forget_new_original(stored, digest, case)
        existing = ImportBatch.objects.filter(case=case, sha256=digest).first()
        if existing is None:
            raise
        return ImportResult(
            batch=existing, kind=existing.kind, expected_kind=expected_kind, already_imported=True
        )
    except BaseException:
        _forget_new_original(stored, digest, case)
        raise
    return _result(batch, outcome, expected_kind)


def _interrupted() -> BackupRejected:
    """The process reading the file was stopped (the server ran short of memory, say)."""
    return BackupRejected(
        _(
            "导入在读取文件时被中断（可能是服务器暂时资源不足）。这个文件的内容一条也没有导入，请稍后再试。"
        ),
        code="interrupted",
    )


def _forget_new_original(stored: list[str], digest: str, case: Case) -> None:
    """Remove a stored original whose database row was rolled back."""
    from django.core.files.storage import default_storage

    from collectguard.evidence.models import EvidenceItem

    for key in stored:
        if not EvidenceItem.objects.filter(storage_key=key).exists():
            default_storage.delete(key)


def _rerun_keep_all(*, batch: ImportBatch, user: User | None, fileobj: IO[bytes]) -> ImportResult:
    with transaction.atomic():
        case_lock(batch.case)  # concurrency: as in backup_import, and always before the batch
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.kept_all:
            return ImportResult(batch=locked, kind=locked.kind, already_imported=True)
        fileobj.seek(0)
        try:
            outcome = import_stream(case=locked.case, batch=locked, fileobj=fileobj, keep_all=True)
        except BackupError as error:
            raise BackupRejected.from_backup_error(error) from error
        except ImportWorkerFailed as error:
            raise _interrupted() from error
        # What was left out before is what this run adds; the earlier rows count as duplicates
        # of themselves, not of anything new.
        locked.messages_imported += outcome.messages_imported
        locked.calls_imported += outcome.calls_imported
        locked.left_out_messages = 0
        locked.left_out_calls = 0
        locked.left_out_senders = []
        locked.kept_all = True
        locked.save(
            update_fields=[
                "messages_imported",
                "calls_imported",
                "left_out_messages",
                "left_out_calls",
                "left_out_senders",
                "kept_all",
            ]
        )
        senders_refresh(case=locked.case, deltas=outcome.deltas, numbers=outcome.kept_numbers)
        if locked.evidence_item_id is not None:
            from collectguard.evidence.models import EvidenceItem

            item = EvidenceItem.objects.filter(pk=locked.evidence_item_id).first()
            if item is not None:
                _record_custody(case=locked.case, user=user, item=item, batch=locked)
    return ImportResult(
        batch=locked,
        kind=locked.kind,
        messages_imported=outcome.messages_imported,
        calls_imported=outcome.calls_imported,
    )


def backup_keep_all(*, batch: ImportBatch, user: User | None) -> ImportResult:
    """Import what a minimised import left out, reading the original kept as evidence.

    Raises `IntakeError` when the original is no longer stored (the borrower deleted it).
    """
    from django.core.files.storage import default_storage

    from collectguard.evidence.models import EvidenceItem

    item = (
        EvidenceItem.objects.filter(pk=batch.evidence_item_id, case=batch.case_id).first()
        if batch.evidence_item_id is not None
        else None
    )
    if item is None or not default_storage.exists(item.storage_key):
        raise IntakeError(
            _(
                "原始备份文件已经从证据中删除，无法重新导入。请重新上传这个备份文件，并勾选“保留全部”。"
            )
        )
    with default_storage.open(item.storage_key, "rb") as handle:
        return _rerun_keep_all(batch=batch, user=user, fileobj=handle)
