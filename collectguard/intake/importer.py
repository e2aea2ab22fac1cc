"""Importing one "SMS Backup & Restore" file into a case: the streaming part of `backup_import`.

One pass over the file, inside the caller's transaction:

* every record is normalised (number, time, night), received messages are analysed, and rows
  go to the database in batches, skipping what the case already has (the unique dedupe key);
* meanwhile each number gets a tally, and is marked collection-related as soon as it sends
  something about a debt (analysis findings, debt signals or collection vocabulary);
* at the end, unless the user asked to keep everything, the rows of numbers that never sent
  anything collection-related are deleted again, before the transaction commits.

Memory is bounded by the batch size plus one small tally per distinct number, whatever the
size of the file. Deleting what was inserted within the same transaction costs less than
reading (and analysing) the file twice, and nothing left out is ever committed.

A large file on a machine with two or more cores is read in a forked worker process
(`_read_in_worker`): the worker parses, analyses and prepares the rows, this process writes
them in its transaction as they come, so the database's work overlaps the parsing. The worker
never touches the database; the rows, the tallies and any error come back through a pipe, and
the result is exactly that of reading the file here (a test compares both).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import re
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Final

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from collectguard.cases.models import Case
from collectguard.intake.analysis import Analysis, SenderInfo, analyze, classify_sender
from collectguard.intake.analysis.verdict import NIGHT_END_HOUR, NIGHT_START_HOUR
from collectguard.intake.backup import BinaryReadable, CallRecord, SmsRecord, parse_backup
from collectguard.intake.bulk import RowWriter
from collectguard.intake.models import (
    Call,
    Channel,
    Direction,
    ImportBatch,
    Message,
    Sender,
    Source,
)
from collectguard.intake.records import (
    Counted,
    SenderDelta,
    analysis_fields,
    backup_sms_key,
    china_clock,
    datetime_from_ms,
    dedupe_key,
    is_collection_related,
    is_night_hour,
)

BATCH_SIZE: Final = 1000
#: The length of the number columns (Message.sender, Call.number, Sender.number).
NUMBER_CHARS: Final = 64
SAMPLE_CHARS: Final = 60
#: Analyses kept for reuse within one import (see `_Importer.analysed`); emptied when full.
ANALYSIS_MEMO_SIZE: Final = 4096
EPOCH_NAIVE: Final = datetime(1970, 1, 1)  # naive UTC, as Django stores times on SQLite
#: The pipe from the reading worker holds this much (several batches of rows).
PIPE_BYTES: Final = 8 * 1024 * 1024
#: At most this many left-out numbers are listed (the counts always cover all of them).
LEFT_OUT_LISTED: Final = 200
# A contact the borrower saved under one of these words is kept even from the call log alone.
_COLLECTION_CONTACT: Final = re.compile(r"催|贷|债|银行|金融|法务|信用卡|客服|还款|借")


@dataclass
class Tally:
    """What one number did in this file."""

    kind: str
    messages: int = 0
    calls: int = 0
    sample: str = ""
    related: bool = False
    delta: SenderDelta | None = None
    #: The effects (`_Analysed.effect`) already merged into ``delta``.
    merged: set[int] = field(default_factory=set)
    # What a sender summary counts (`summaries.senders_refresh`), kept while the case had no
    # rows before this file (`_Importer.counting`): messages received, sent, received at night,
    # flagged, the first and last incoming (epoch ms) and the greatest kind of the rows...
    received: int = 0
    sent: int = 0
    night: int = 0
    flagged: int = 0
    first_ms: int | None = None
    last_ms: int | None = None
    message_kind: str = ""
    # ... and calls, call attempts (not outgoing), connected, attempts at night, the first and
    # last attempt, the greatest kind, and per China day [attempts, connected].
    attempts: int = 0
    connected: int = 0
    night_attempts: int = 0
    first_attempt_ms: int | None = None
    last_attempt_ms: int | None = None
    call_kind: str = ""
    days: dict[int, list[int]] = field(default_factory=dict)


@dataclass
class StreamOutcome:
    messages_imported: int = 0
    calls_imported: int = 0
    duplicates_skipped: int = 0
    left_out_messages: int = 0
    left_out_calls: int = 0
    left_out_senders: list[dict[str, Any]] = field(default_factory=list)
    left_out_sender_count: int = 0
    kept_numbers: set[str] = field(default_factory=set)
    deltas: dict[str, SenderDelta] = field(default_factory=dict)
    #: The kept numbers' summary counts, when the file's rows are all of their rows (see
    #: `_Importer.counting`); None when they must be counted from the database.
    counted: Counted | None = None


MESSAGE_FIELDS: Final = (
    "case",
    "sender",
    "sender_raw",
    "sender_kind",
    "direction",
    "channel",
    "box",
    "body",
    "received_at",
    "date_ms",
    "source",
    "import_batch",
    "categories",
    "signals",
    "findings",
    "is_flagged",
    "is_urgent",
    "is_night",
    "dedupe_key",
    "created_at",
)
CALL_FIELDS: Final = (
    "case",
    "number",
    "number_raw",
    "sender_kind",
    "call_type",
    "started_at",
    "date_ms",
    "duration_s",
    "notes",
    "source",
    "import_batch",
    "is_night",
    "dedupe_key",
    "created_at",
)
MESSAGE_KEY: Final = MESSAGE_FIELDS.index("dedupe_key")
CALL_KEY: Final = CALL_FIELDS.index("dedupe_key")


@dataclass(frozen=True, slots=True)
class _Analysed:
    """One analysis as the importer uses it: the prepared values of the message columns
    categories, signals, findings, is_flagged and is_urgent, and what a sender summary needs."""

    analysis: Analysis
    values: tuple[Any, Any, Any, bool, bool]
    related: bool
    #: `SenderDelta.effect` of the analysis, numbered (`_Importer.effects`).
    effect: int


class _Importer:
    def __init__(self, *, case: Case, batch: ImportBatch, keep_all: bool) -> None:
        self.case = case
        self.batch = batch
        self.keep_all = keep_all
        self.parties: dict[str, tuple[SenderInfo, Tally]] = {}
        self.tallies: dict[str, Tally] = {}
        self.pending: list[tuple[Any, ...]] = []
        self.pending_calls: list[tuple[Any, ...]] = []
        self.records = 0
        self.inserted_messages = 0
        self.inserted_calls = 0
        # While the case has no other messages or calls (its first import), every row of a
        # kept number is one this file added, so the sender summaries can be counted here
        # instead of by grouping the rows again (`counted`). Imports into one case take turns
        # (case_lock), and so do the other ways rows arrive.
        self.counting = not (
            Message.objects.filter(case=case).exists() or Call.objects.filter(case=case).exists()
        )
        self.known_related = set(
            Sender.objects.filter(case=case, collection_related=True).values_list(
                "number", flat=True
            )
        )
        # Rows copied straight into the tables (`_write`): the case has none yet, and no other
        # rows can arrive meanwhile (the case lock). Only where COPY exists.
        self.direct = self.counting and connection.vendor == "postgresql"
        self.seen_keys: set[str] = set()
        if connection.vendor == "sqlite":
            # A phone's worth of random dedupe keys outgrows SQLite's default 2 MB page cache;
            # with 64 MB the unique index stays in memory and inserts run about twice as fast.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -65536")
        self.messages = RowWriter(Message, MESSAGE_FIELDS)
        self.calls = RowWriter(Call, CALL_FIELDS)
        self.case_id = case.pk
        self.batch_id = batch.pk
        self.when = self.messages.preparer("received_at")
        self.sqlite = connection.vendor == "sqlite"
        self.json = self.messages.preparer("categories")
        self.created_at = self.when(timezone.now())
        self._json_cache: dict[tuple[str, ...], Any] = {}
        empty = self._json_list([])
        self.not_analysed: tuple[Any, Any, Any, bool, bool] = (empty, empty, empty, False, False)
        self.memo: dict[tuple[str, str | None, str, int], _Analysed] = {}
        # Distinct effects on a sender summary: at most one per distinct analysis, in practice
        # far fewer (the generated 100,000-message backup has seven).
        self.effects: dict[tuple[Any, ...], int] = {}
        # Plain strings, not enum members, in the rows (one attribute lookup less per row).
        self.incoming, self.outgoing = str(Direction.INCOMING), str(Direction.OUTGOING)
        self.sms, self.mms = str(Channel.SMS), str(Channel.MMS)
        self.backup = str(Source.BACKUP)

    def db_time(self, date_ms: int) -> Any:
        """The time as the database driver takes it (on SQLite: the text Django stores)."""
        if self.sqlite:
            return str(EPOCH_NAIVE + timedelta(milliseconds=date_ms))
        return self.when(datetime_from_ms(date_ms))

    def _json_list(self, values: list[str]) -> Any:
        """Category and signal lists repeat endlessly: prepare each distinct one once."""
        key = tuple(values)
        prepared = self._json_cache.get(key)
        if prepared is None:
            prepared = self._json_cache[key] = self.json(values)
        return prepared

    def party(self, raw: str) -> tuple[SenderInfo, Tally]:
        """The classification of a number as written and the tally of its normalised number."""
        known = self.parties.get(raw)
        if known is None:
            info = classify_sender(raw)
            tally = self.tallies.get(info.number)
            if tally is None:
                tally = Tally(kind=info.kind, related=info.number in self.known_related)
                self.tallies[info.number] = tally
            known = self.parties[raw] = (info, tally)
        return known

    def analysed(self, body: str, raw: str, info: SenderInfo, date_ms: int, day: int) -> _Analysed:
        """`analyze` of a received message, reusing the result for the same text on the same
        China day from a sender of the same kind and institution role.

        Collectors send the same templates over and over; an analysis depends only on the
        text, the sender's institution role and the day (which provisions are in force), so
        a repeat costs a dictionary lookup instead of an analysis and its JSON.
        """
        key = (body, info.institution_role, info.kind, day)
        found = self.memo.get(key)
        if found is None:
            analysis = analyze(body, sender=raw, received_at=datetime_from_ms(date_ms))
            fields = analysis_fields(analysis)
            related = is_collection_related(analysis)
            json = self._json_list
            found = _Analysed(
                analysis=analysis,
                values=(
                    json(fields["categories"]),
                    json(fields["signals"]),
                    self.json(fields["findings"]) if fields["findings"] else json([]),
                    fields["is_flagged"],
                    fields["is_urgent"],
                ),
                related=related,
                effect=self.effects.setdefault(
                    SenderDelta.effect(analysis, related=related), len(self.effects)
                ),
            )
            if len(self.memo) >= ANALYSIS_MEMO_SIZE:
                self.memo.clear()
            self.memo[key] = found
        return found

    def add_sms(self, record: SmsRecord) -> None:
        # Called once per message of the file: attributes are read once into locals.
        body = record.body
        date_ms = record.date_ms
        box = record.box
        address = record.address
        known = self.parties.get(address)
        info, tally = self.party(address) if known is None else known
        tally.messages += 1
        hour, day = china_clock(date_ms)
        incoming = box == "received"
        values = self.not_analysed
        if incoming and body:
            found = self.analysed(body, address, info, date_ms, day)
            values = found.values
            merged = tally.merged
            if found.effect not in merged:
                # A number sending the same template again adds nothing to its summary.
                merged.add(found.effect)
                delta = tally.delta
                if delta is None:
                    delta = tally.delta = SenderDelta(kind=info.kind)
                delta.add(found.analysis, related=found.related)
                if delta.collection_related:
                    tally.related = True
            if not tally.sample:
                tally.sample = body[:SAMPLE_CHARS]
        number = info.number
        is_mms = record.is_mms
        is_night = hour >= NIGHT_START_HOUR or hour < NIGHT_END_HOUR
        if self.counting:
            if incoming:
                if body or not is_mms:
                    tally.received += 1
                    if is_night:
                        tally.night += 1
                if values[3]:
                    tally.flagged += 1
                if tally.first_ms is None or date_ms < tally.first_ms:
                    tally.first_ms = date_ms
                if tally.last_ms is None or date_ms > tally.last_ms:
                    tally.last_ms = date_ms
            else:
                tally.sent += 1
            if info.kind > tally.message_kind:
                tally.message_kind = info.kind
        # What the row needs from the record and its analysis; `flush` makes the row (in the
        # process that writes it: see `_read_in_worker`).
        self.pending.append(
            (number, address, info.kind, incoming, is_mms, box, body, date_ms, values, is_night)
        )

    def add_call(self, record: CallRecord) -> None:
        info, tally = self.party(record.number)
        tally.calls += 1
        if not tally.related and (
            record.contact_name is None or _COLLECTION_CONTACT.search(record.contact_name)
        ):
            # Collectors call from numbers nobody saves; calls with saved contacts (family,
            # friends) are left out unless the number is known to be about the debt.
            tally.related = True
        hour, day = china_clock(record.date_ms)
        if self.counting:
            if info.kind > tally.call_kind:
                tally.call_kind = info.kind
            if record.call_type != "outgoing":
                date_ms = record.date_ms
                connected = record.call_type == "incoming" and record.duration_s > 0
                tally.attempts += 1
                tally.connected += connected
                tally.night_attempts += is_night_hour(hour)
                if tally.first_attempt_ms is None or date_ms < tally.first_attempt_ms:
                    tally.first_attempt_ms = date_ms
                if tally.last_attempt_ms is None or date_ms > tally.last_attempt_ms:
                    tally.last_attempt_ms = date_ms
                per_day = tally.days.get(day)
                if per_day is None:
                    per_day = tally.days[day] = [0, 0]
                per_day[0] += 1
                per_day[1] += connected
        self.pending_calls.append(
            (
                info.number,
                record.number,
                info.kind,
                record.call_type,
                record.date_ms,
                record.duration_s,
                is_night_hour(hour),
            )
        )

    def message_rows(self, pending: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """The `Message` rows (`MESSAGE_FIELDS`) of what `add_sms` kept."""
        case_id, batch_id, created_at, backup = (
            self.case_id,
            self.batch_id,
            self.created_at,
            self.backup,
        )
        incoming_, outgoing, sms, mms = self.incoming, self.outgoing, self.sms, self.mms
        db_time = self.db_time
        return [
            (
                case_id,
                number[:64],
                address[:128],
                kind,
                incoming_ if incoming else outgoing,
                mms if is_mms else sms,
                box,
                body,
                db_time(date_ms),
                date_ms,
                backup,
                batch_id,
                *values,
                is_night,
                backup_sms_key(number, date_ms, box, is_mms, body),
                created_at,
            )
            for (
                number,
                address,
                kind,
                incoming,
                is_mms,
                box,
                body,
                date_ms,
                values,
                is_night,
            ) in pending
        ]

    def call_rows(self, pending: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """The `Call` rows (`CALL_FIELDS`) of what `add_call` kept."""
        return [
            (
                self.case_id,
                number[:64],
                raw[:128],
                kind,
                call_type,
                self.db_time(date_ms),
                date_ms,
                duration_s,
                "",
                self.backup,
                self.batch_id,
                is_night,
                dedupe_key("backup-call", number, date_ms, call_type),
                self.created_at,
            )
            for number, raw, kind, call_type, date_ms, duration_s, is_night in pending
        ]

    def flush(self) -> None:
        """Write what is pending; rows the case already has are skipped by the database."""
        self.records += len(self.pending) + len(self.pending_calls)
        if self.pending:
            self.inserted_messages += self._write(
                self.messages, self.message_rows(self.pending), MESSAGE_KEY
            )
        if self.pending_calls:
            self.inserted_calls += self._write(
                self.calls, self.call_rows(self.pending_calls), CALL_KEY
            )
        self.pending.clear()
        self.pending_calls.clear()

    def _write(self, writer: RowWriter, rows: list[tuple[Any, ...]], key: int) -> int:
        """Insert ``rows``; returns how many were new.

        Into a case without rows on PostgreSQL (`direct`), the only duplicates are repeats
        within the file, dropped here by their dedupe key, so the rows are copied straight
        into the table (`RowWriter.copy_new`). Otherwise the database skips the rows whose
        key the case already has."""
        if not self.direct:
            return writer.insert(rows)
        seen = self.seen_keys
        new = []
        for row in rows:
            if row[key] not in seen:
                seen.add(row[key])
                new.append(row)
        return writer.copy_new(new)

    def counted(self, numbers: set[str]) -> Counted:
        """The summary counts of ``numbers`` from their tallies, as `senders_refresh` would
        group them from the rows (valid while `counting`, if no row was a duplicate)."""
        messages: dict[str, dict[str, Any]] = {}
        calls: dict[str, dict[str, Any]] = {}
        days: dict[str, dict[date, list[int]]] = {}
        for number in numbers:
            t = self.tallies[number]
            if t.messages:
                messages[number] = {
                    "received": t.received,
                    "sent": t.sent,
                    "night": t.night,
                    "flagged": t.flagged,
                    "other": 0,  # a backup has SMS and MMS only
                    "first": None if t.first_ms is None else datetime_from_ms(t.first_ms),
                    "last": None if t.last_ms is None else datetime_from_ms(t.last_ms),
                    "kind": t.message_kind,
                }
            if t.calls:
                calls[number] = {
                    "total": t.calls,
                    "attempts": t.attempts,
                    "connected": t.connected,
                    "night": t.night_attempts,
                    "first": None
                    if t.first_attempt_ms is None
                    else datetime_from_ms(t.first_attempt_ms),
                    "last": None
                    if t.last_attempt_ms is None
                    else datetime_from_ms(t.last_attempt_ms),
                    "kind": t.call_kind,
                }
            if t.days:
                days[number] = {date.fromordinal(day): list(v) for day, v in t.days.items()}
        return Counted(messages=messages, calls=calls, days=days)

    def leave_out(self, numbers: list[str]) -> dict[str, tuple[int, int]]:
        """Delete this batch's rows of ``numbers`` (inserted in this transaction, never
        committed); returns how many messages and calls each number had."""
        counts: dict[str, list[int]] = {}
        for start in range(0, len(numbers), 500):
            chunk = numbers[start : start + 500]
            # Filtered by case and number first: those are indexed, the batch is not.
            messages = Message.objects.filter(
                case=self.case, sender__in=chunk, import_batch=self.batch
            )
            calls = Call.objects.filter(case=self.case, number__in=chunk, import_batch=self.batch)
            for number, n in messages.values_list("sender").annotate(n=Count("pk")).order_by():
                counts.setdefault(number, [0, 0])[0] = n
            for number, n in calls.values_list("number").annotate(n=Count("pk")).order_by():
                counts.setdefault(number, [0, 0])[1] = n
            # A raw delete: nothing can refer to rows created a moment ago in this same
            # transaction, so Django need not load them to look for dependents.
            messages._raw_delete(connection.alias)
            calls._raw_delete(connection.alias)
        return {number: (m, c) for number, (m, c) in counts.items()}


class ImportWorkerFailed(RuntimeError):
    """The worker process reading a backup stopped without an answer (killed, out of memory)."""


def _read(importer: _Importer, fileobj: BinaryReadable, emit: Callable[[], None]) -> None:
    """Parse ``fileobj`` into the importer's pending rows, calling ``emit`` for each full batch
    and once at the end."""
    add_sms, add_call = importer.add_sms, importer.add_call
    pending, pending_calls = importer.pending, importer.pending_calls
    for record in parse_backup(fileobj):
        if isinstance(record, SmsRecord):
            add_sms(record)
        else:
            add_call(record)
        if len(pending) + len(pending_calls) >= BATCH_SIZE:
            emit()
    emit()


def _use_worker(fileobj: BinaryReadable) -> bool:
    """Read in a worker process: files of at least ``IMPORT_WORKER_MIN_BYTES`` (``None``
    turns the worker off), where ``fork`` exists and a second core can run it."""
    threshold = settings.IMPORT_WORKER_MIN_BYTES
    if threshold is None or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        return False
    try:
        position = fileobj.tell()  # type: ignore[attr-defined]
        size = fileobj.seek(0, os.SEEK_END) - position  # type: ignore[attr-defined]
        fileobj.seek(position)  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return False  # not seekable: a stream is read here
    return bool(size >= threshold)


def _widen(pipe_fd: int) -> None:
    """Give the pipe room for a few batches (Linux: 64 KB by default, about a sixth of one), so
    the worker and this process do not wake each other up for every 64 KB."""
    for size in (PIPE_BYTES, 1024 * 1024):  # an unprivileged process may get at most 1 MB
        with contextlib.suppress(AttributeError, OSError):
            fcntl.fcntl(pipe_fd, fcntl.F_SETPIPE_SZ, size)
            return


def _read_in_worker(importer: _Importer, fileobj: BinaryReadable) -> None:
    """`_read` in a forked child that sends the batches, then the tallies (or the error),
    through a pipe; this process inserts each batch as it arrives.

    The pipe holds at most `PIPE_BYTES` (a few dozen batches): the child stays at most that
    far ahead, so memory stays bounded. The child shares nothing it could damage: it never
    uses the database connection it inherits, and leaves with ``os._exit`` (no clean-up
    handlers, no connection closed).
    If this process fails while inserting, the child is killed; either way it is reaped.
    """
    # The rules compile on a process's first analysis: here, once, not in every child.
    analyze("您的借款已逾期。")
    sys.stdout.flush()  # the child must not write out a copy of anything buffered
    sys.stderr.flush()
    read_fd, write_fd = os.pipe()
    _widen(write_fd)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its work is checked through the parent
        status = 1
        try:
            os.close(read_fd)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            with open(write_fd, "wb") as out:

                def emit() -> None:
                    rows = (importer.pending, importer.pending_calls)
                    pickle.dump(("rows", rows), out, pickle.HIGHEST_PROTOCOL)
                    out.flush()
                    importer.pending.clear()
                    importer.pending_calls.clear()

                try:
                    _read(importer, fileobj, emit)
                except BaseException as error:  # everything goes to the parent
                    try:
                        answer = pickle.dumps(("error", error), pickle.HIGHEST_PROTOCOL)
                    except Exception:  # an error that cannot be pickled
                        answer = pickle.dumps(("error", RuntimeError(repr(error))))
                    out.write(answer)
                else:
                    pickle.dump(("done", importer.tallies), out, pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(write_fd)
    finished = False
    try:
        with open(read_fd, "rb") as answers:
            while True:
                try:
                    # Our own child's answers through our own pipe: nothing untrusted.
                    what, payload = pickle.load(answers)  # noqa: S301
                except EOFError:
                    raise ImportWorkerFailed("the worker stopped without an answer") from None
                if what == "rows":
                    importer.pending, importer.pending_calls = payload
                    importer.flush()
                elif what == "done":
                    importer.tallies = payload
                    finished = True
                    break
                else:
                    raise payload
    finally:
        if not finished:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


@contextlib.contextmanager
def _foreign_keys_checked_as_written() -> Iterator[None]:
    """On PostgreSQL, check the foreign keys of the rows written meanwhile as each batch is
    written, instead of all at commit.

    Django declares foreign keys ``DEFERRABLE INITIALLY DEFERRED``: the checks of 100,000
    imported rows would otherwise run one after another at commit (0.8 s measured), after the
    reading worker has finished, instead of beside it. The same checks run either way; only
    the message and call tables' own foreign keys are switched, and switched back after a
    successful read.
    """
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        names = [
            quote(name)
            for model in (Message, Call)
            for name, info in connection.introspection.get_constraints(
                cursor, model._meta.db_table
            ).items()
            if info["foreign_key"]
        ]
        listed = ", ".join(names)
        if names:
            # Constraint names come from the database's own catalogue, quoted.
            cursor.execute(f"SET CONSTRAINTS {listed} IMMEDIATE")
    yield
    # Not after an error: a failed statement aborts the transaction, which then takes no
    # more commands until rolled back, and the rollback ends the setting anyway.
    if names:
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {listed} DEFERRED")


def import_stream(
    *, case: Case, batch: ImportBatch, fileobj: BinaryReadable, keep_all: bool
) -> StreamOutcome:
    """Import the records of ``fileobj`` into ``case`` as ``batch`` (see module docstring).

    Must run inside a transaction: raises ``BackupError`` from the parser, possibly after rows
    were written, and only a rollback undoes them.
    """
    importer = _Importer(case=case, batch=batch, keep_all=keep_all)
    with _foreign_keys_checked_as_written():
        if _use_worker(fileobj):
            _read_in_worker(importer, fileobj)
        else:
            _read(importer, fileobj, importer.flush)

    outcome = StreamOutcome(
        duplicates_skipped=importer.records - importer.inserted_messages - importer.inserted_calls
    )
    left_out: list[str] = []
    for number, tally in importer.tallies.items():
        if keep_all or tally.related:
            outcome.kept_numbers.add(number)
            if tally.delta is not None:
                outcome.deltas[number] = tally.delta
        else:
            left_out.append(number)
    if (
        importer.counting
        and not outcome.duplicates_skipped
        and all(len(number) <= NUMBER_CHARS for number in outcome.kept_numbers)
    ):
        outcome.counted = importer.counted(outcome.kept_numbers)
    removed = importer.leave_out(left_out) if left_out else {}
    for number, (messages, calls) in removed.items():
        outcome.left_out_messages += messages
        outcome.left_out_calls += calls
        if messages or calls:
            outcome.left_out_sender_count += 1
            outcome.left_out_senders.append(
                {
                    "number": number,
                    "kind": importer.tallies[number].kind,
                    "messages": messages,
                    "calls": calls,
                    "sample": importer.tallies[number].sample,
                }
            )
    outcome.messages_imported = importer.inserted_messages - outcome.left_out_messages
    outcome.calls_imported = importer.inserted_calls - outcome.left_out_calls
    outcome.left_out_senders.sort(key=lambda row: (-row["messages"] - row["calls"], row["number"]))
    del outcome.left_out_senders[LEFT_OUT_LISTED:]
    return outcome
