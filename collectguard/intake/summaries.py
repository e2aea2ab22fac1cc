"""Keeping the per-sender summaries (models.Sender) in step with the messages and calls.

Counts are recomputed from the rows with one grouped query per table, so they cannot drift
(the first import into a case, whose rows are all its own, passes the counts it kept while
writing them instead: `importer.StreamOutcome.counted`);
the analysed content (categories, signals, behaviours, signatures) is merged as unions from
what the caller just analysed, so nobody has to re-read every message to add a few.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any, Final

from django.db import connection
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Substr, TruncHour

from collectguard.cases.models import Case
from collectguard.intake.analysis import SIGNALS, classify_sender
from collectguard.intake.analysis.findings import CATEGORIES, SHANGHAI
from collectguard.intake.bulk import RowWriter
from collectguard.intake.models import Call, Direction, Message, Sender
from collectguard.intake.records import Counted, SenderDelta, is_collection_related

#: "Received messages" of DESIGN.md: incoming SMS plus incoming MMS with text.
RECEIVED: Final = Q(direction=Direction.INCOMING) & (
    Q(channel="sms") | (Q(channel="mms") & ~Q(body=""))
)
#: Contacts outside SMS: visits and messages from other channels, typed in by hand.
OTHER_CHANNELS: Final = Q(direction=Direction.INCOMING) & ~Q(channel__in=["sms", "mms"])
#: A call attempt is any call that is not outgoing.
ATTEMPT: Final = ~Q(call_type=Call.CallType.OUTGOING)
#: Connected: an incoming call that lasted more than zero seconds.
CONNECTED: Final = Q(call_type=Call.CallType.INCOMING, duration_s__gt=0)
CONNECTED_LIMIT: Final = 3
ATTEMPT_LIMIT: Final = 6

# Above this many numbers a refresh recomputes the whole case rather than filter by number.
_FILTER_LIMIT: Final = 400
_COUNT_FIELDS: Final = (
    "kind",
    "messages_received",
    "messages_sent",
    "night_messages",
    "flagged_messages",
    "other_messages",
    "calls",
    "call_attempts",
    "calls_connected",
    "night_calls",
    "max_attempts_per_day",
    "days_over_3_connected",
    "days_over_6_attempts",
    "categories",
    "signals",
    "behaviours",
    "signatures",
    "urgent",
    "collection_related",
    "first_contact_at",
    "last_contact_at",
)


def _earliest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def _latest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def hour_bucket(field: str) -> Any:
    """An expression that groups rows by hour, cheap on both backends; see `bucket_time`.

    PostgreSQL truncates to the China-time hour itself. On SQLite, Django's time-zone-aware
    truncation calls a Python function for every row (seconds for 100,000 messages), so there
    SQLite's own substr() cuts the stored UTC text to the hour ("2026-06-01 14") and each
    bucket is moved to China time afterwards. China's offset is a whole number of hours, so a
    UTC hour is exactly one China-time hour.
    """
    if connection.vendor == "sqlite":
        return Substr(field, 1, 13)
    return TruncHour(field, tzinfo=SHANGHAI)


def bucket_time(value: Any) -> datetime:
    """The China-time hour of a bucket made by `hour_bucket`.

    >>> bucket_time("2026-06-01 14").isoformat()
    '2026-06-01T22:00:00+08:00'
    """
    if isinstance(value, str):
        value = datetime.strptime(value, "%Y-%m-%d %H").replace(tzinfo=UTC)
    return value.astimezone(SHANGHAI)


def call_days(case: Case, numbers: Iterable[str] | None = None) -> dict[str, dict[date, list[int]]]:
    """Per number, per China-time day: [attempts, connected] (calls that are not outgoing)."""
    calls = Call.objects.filter(case=case).filter(ATTEMPT)
    if numbers is not None:
        calls = calls.filter(number__in=list(numbers))
    rows = (
        calls.annotate(hour=hour_bucket("started_at"))
        .values_list("number", "hour")
        .annotate(attempts=Count("pk"), connected=Count("pk", filter=CONNECTED))
        .order_by()
    )
    result: dict[str, dict[date, list[int]]] = defaultdict(dict)
    for number, hour, attempts, connected in rows:
        day = result[number].setdefault(bucket_time(hour).date(), [0, 0])
        day[0] += attempts
        day[1] += connected
    return result


def senders_refresh(
    *,
    case: Case,
    deltas: Mapping[str, SenderDelta] | None = None,
    numbers: Iterable[str] = (),
    all_senders: bool = False,
    counted: Counted | None = None,
) -> None:
    """Recompute the counts of ``numbers`` and the deltas' numbers, and merge ``deltas``.

    Call it inside the transaction that stored the rows. ``all_senders`` refreshes every
    sender of the case (and drops summaries of numbers that no longer have any row).
    ``counted``: the counts of all those numbers, grouped as below, when the caller knows
    them from all their rows (an import into a case that had none); the rows are then not
    grouped again.
    """
    deltas = deltas or {}
    wanted: set[str] | None = None if all_senders else set(numbers) | set(deltas)
    if wanted is not None and not wanted:
        return
    if counted is not None:
        assert wanted is not None, "counted needs the numbers it counts"
        narrow = len(wanted) <= _FILTER_LIMIT
        _write(case, wanted, deltas, counted.messages, counted.calls, counted.days, narrow)
        return
    narrow = wanted is not None and len(wanted) <= _FILTER_LIMIT

    messages = Message.objects.filter(case=case)
    calls = Call.objects.filter(case=case)
    if narrow:
        assert wanted is not None
        messages = messages.filter(sender__in=wanted)
        calls = calls.filter(number__in=wanted)
    message_rows: dict[str, dict[str, Any]] = {
        row["sender"]: dict(row)
        for row in messages.values("sender")
        .annotate(
            received=Count("pk", filter=RECEIVED),
            sent=Count("pk", filter=Q(direction=Direction.OUTGOING)),
            night=Count("pk", filter=RECEIVED & Q(is_night=True)),
            flagged=Count("pk", filter=Q(direction=Direction.INCOMING, is_flagged=True)),
            other=Count("pk", filter=OTHER_CHANNELS),
            first=Min("received_at", filter=Q(direction=Direction.INCOMING)),
            last=Max("received_at", filter=Q(direction=Direction.INCOMING)),
            kind=Max("sender_kind"),
        )
        .order_by()
    }
    call_rows: dict[str, dict[str, Any]] = {
        row["number"]: dict(row)
        for row in calls.values("number")
        .annotate(
            total=Count("pk"),
            attempts=Count("pk", filter=ATTEMPT),
            connected=Count("pk", filter=CONNECTED),
            night=Count("pk", filter=ATTEMPT & Q(is_night=True)),
            first=Min("started_at", filter=ATTEMPT),
            last=Max("started_at", filter=ATTEMPT),
            kind=Max("sender_kind"),
        )
        .order_by()
    }
    days = call_days(case, wanted if narrow else None)
    _write(case, wanted, deltas, message_rows, call_rows, days, narrow)


def _write(
    case: Case,
    wanted: set[str] | None,
    deltas: Mapping[str, SenderDelta],
    message_rows: Mapping[str, dict[str, Any]],
    call_rows: Mapping[str, dict[str, Any]],
    days: Mapping[str, dict[date, list[int]]],
    narrow: bool,
) -> None:
    """Upsert the summaries of the numbers counted (``wanted`` ones, or all) from the grouped
    counts and ``deltas``; delete those of ``wanted`` numbers that have no row left."""
    all_numbers = set(message_rows) | set(call_rows) | set(deltas)
    if wanted is not None:
        all_numbers &= wanted | set(deltas)
    existing_qs = Sender.objects.filter(case=case)
    if narrow:
        assert wanted is not None
        existing_qs = existing_qs.filter(number__in=wanted)
    existing = {
        row[0]: row
        for row in existing_qs.values_list(
            "number",
            "kind",
            "categories",
            "signals",
            "behaviours",
            "signatures",
            "urgent",
            "collection_related",
        )
    }

    writer = RowWriter(
        Sender,
        ("case", "number", *_COUNT_FIELDS),
        conflict=("case", "number"),
        update=_COUNT_FIELDS,
    )
    to_json = writer.preparer("categories")
    prepared: dict[tuple[str, ...], Any] = {}

    def json(values: list[str]) -> Any:
        # Thousands of senders share a handful of lists (most of them empty): encode each once.
        key = tuple(values)
        text = prepared.get(key)
        if text is None:
            text = prepared[key] = to_json(values)
        return text

    moment = writer.preparer("first_contact_at")
    rows: list[tuple[Any, ...]] = []
    for number in sorted(all_numbers):
        m: dict[str, Any] = message_rows.get(number, {})
        c: dict[str, Any] = call_rows.get(number, {})
        per_day = days.get(number, {})
        delta = deltas.get(number)
        _n, old_kind, categories, signals, behaviours, signatures, urgent, related = existing.get(
            number, (number, "", [], [], [], [], False, False)
        )
        kind = (
            (delta.kind if delta else "")
            or m.get("kind")
            or c.get("kind")
            or old_kind
            or classify_sender(number).kind
        )
        if delta is not None:
            categories = [x for x in CATEGORIES if x in delta.categories or x in categories]
            signals = [x for x in SIGNALS if x in delta.signals or x in signals]
            behaviours = sorted(set(behaviours) | delta.behaviours)
            signatures = (signatures + [s for s in delta.signatures if s not in signatures])[:5]
            urgent = urgent or delta.urgent
            related = related or delta.collection_related
        rows.append(
            (
                case.pk,
                number,
                kind,
                m.get("received", 0),
                m.get("sent", 0),
                m.get("night", 0),
                m.get("flagged", 0),
                m.get("other", 0),
                c.get("total", 0),
                c.get("attempts", 0),
                c.get("connected", 0),
                c.get("night", 0),
                max((v[0] for v in per_day.values()), default=0),
                sum(1 for v in per_day.values() if v[1] > CONNECTED_LIMIT),
                sum(1 for v in per_day.values() if v[0] > ATTEMPT_LIMIT),
                json(categories),
                json(signals),
                json(behaviours),
                json(signatures),
                urgent,
                related,
                moment(_earliest(m.get("first"), c.get("first"))),
                moment(_latest(m.get("last"), c.get("last"))),
            )
        )
    writer.insert(rows)
    # Numbers whose last message or call is gone have nothing left to summarise; the
    # summaries of numbers that were not counted stay as they are.
    gone = set(existing) - all_numbers
    if wanted is not None:
        gone &= wanted
    if gone:
        Sender.objects.filter(case=case, number__in=gone).delete()


def senders_rebuild(*, case: Case) -> None:
    """Rebuild every sender summary of the case from its stored messages (after re-analysis)."""
    from collectguard.intake.analysis import Analysis, Finding, classify_sender

    deltas: dict[str, SenderDelta] = {}
    rows = (
        Message.objects.filter(case=case, direction=Direction.INCOMING)
        .values_list(
            "sender", "sender_kind", "body", "categories", "signals", "findings", "is_urgent"
        )
        .order_by("pk")
        .iterator(chunk_size=2000)
    )
    for sender, kind, body, categories, signals, findings, urgent in rows:
        delta = deltas.setdefault(sender, SenderDelta(kind=kind))
        analysis = Analysis(
            body=body,
            sender=classify_sender(sender),
            categories=list(categories),
            signals=list(signals),
            findings=[
                Finding(
                    category=f["category"],
                    start=f["start"],
                    end=f["end"],
                    matched_text="",
                    provisions=f.get("provisions", []),
                    explanation_zh="",
                    explanation_en="",
                    behaviour=f.get("behaviour", ""),
                    rule_id=f.get("rule", ""),
                )
                for f in findings
            ],
            urgent=urgent,
        )
        delta.add(analysis)
        delta.collection_related = delta.collection_related or is_collection_related(analysis)
    Sender.objects.filter(case=case).update(
        categories=[], signals=[], behaviours=[], signatures=[], urgent=False
    )
    senders_refresh(case=case, deltas=deltas, all_senders=True)
