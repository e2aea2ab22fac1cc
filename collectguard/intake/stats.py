"""Contact statistics of a case: the `case_report` contract of DESIGN.md, and what it implies.

Definitions (DESIGN.md): a *call attempt* is any call that is not outgoing; *connected* is an
incoming call that lasted more than 0 seconds; *night* is 22:00–08:00 Asia/Shanghai; *received
messages* are incoming SMS plus incoming MMS with text. A *contact* is a received message or a
call attempt.

Everything is counted by the database (grouped by number and by China-time hour), so the cost
grows with the number of senders and days, not with the number of messages held in Python.
The same queries run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from collectguard.cases.models import Case
from collectguard.intake.analysis import classify_sender
from collectguard.intake.analysis.findings import CATEGORIES
from collectguard.intake.models import Call, Message, Sender
from collectguard.intake.summaries import (
    ATTEMPT,
    ATTEMPT_LIMIT,
    CONNECTED,
    CONNECTED_LIMIT,
    RECEIVED,
    bucket_time,
    call_days,
    hour_bucket,
)
from collectguard.legal.reference import behaviours, provisions_for_behaviour

SHANGHAI: Final = ZoneInfo("Asia/Shanghai")
CASE_FINDINGS: Final = ("night_contact", "excessive_calls", "personal_number")
CASE_BEHAVIOURS: Final = {
    "night_contact": "B02",
    "excessive_calls": "B03",
    "personal_number": "B13",
}
NIGHT_HOURS: Final = frozenset({22, 23, 0, 1, 2, 3, 4, 5, 6, 7})
#: Loan types whose lender is a licensed financial institution (DESIGN.md routing).
LICENSED_LOAN_TYPES: Final = {
    "credit_card": "bank",
    "bank_loan": "bank",
    "consumer_finance": "consumer_finance",
    "online_small_loan": "small_loan",
}


def lender_type(case: Case) -> str | None:
    """The analysis module's lender type for the case's loan type (None when unknown)."""
    return LICENSED_LOAN_TYPES.get(case.loan_type)


def _hourly(case: Case) -> tuple[dict[Any, list[int]], dict[str, dict[date, list[int]]]]:
    """Contacts per China-time hour: {hour: [messages, attempts, connected]}; and call days."""
    per_hour: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0])
    messages = (
        Message.objects.filter(case=case, received_at__isnull=False)
        .filter(RECEIVED)
        .annotate(hour=hour_bucket("received_at"))
        .values_list("hour")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for hour, n in messages:
        per_hour[bucket_time(hour)][0] += n
    calls = (
        Call.objects.filter(case=case)
        .filter(ATTEMPT)
        .annotate(hour=hour_bucket("started_at"))
        .values_list("hour")
        .annotate(n=Count("pk"), connected=Count("pk", filter=CONNECTED))
        .order_by()
    )
    for hour, n, connected in calls:
        bucket = per_hour[bucket_time(hour)]
        bucket[1] += n
        bucket[2] += connected
    return per_hour, call_days(case)


def case_statistics(case: Case) -> dict[str, Any]:
    """The case's contact statistics, exactly the JSON of ``manage.py case_report``.

    ``totals``: messages_received, call_attempts, calls_connected, night_contacts, senders.
    ``senders``: one row per number that contacted the borrower (number, kind,
    messages_received, call_attempts, calls_connected, night_contacts, max_attempts_per_day,
    days_over_3_connected, days_over_6_attempts), most contacts first.
    ``days``: one row per China-time day with a contact (date, messages_received,
    call_attempts, calls_connected, night_contacts, contacts, over_limit — some number went
    over 3 connected calls or 6 attempts that day —, hours: contacts per hour 0–23).
    ``categories``: how many received messages carry each finding category, and the
    case-level findings (night contacts, numbers over the call limits, personal numbers).
    """
    message_rows = (
        Message.objects.filter(case=case)
        .filter(RECEIVED)
        # Grouped by an expression equal to the sender, not the column itself: given the
        # column, SQLite walks the (case, sender, received_at) index for its order and then
        # reads every message row in random order: about twice as slow with 100,000 messages as
        # reading them in the case's order and sorting the groups.
        .values(number=Concat("sender", Value("")))
        .annotate(
            received=Count("pk"),
            night=Count("pk", filter=Q(is_night=True)),
            kind=_max_kind(),
        )
        .order_by()
    )
    call_rows = (
        Call.objects.filter(case=case)
        .filter(ATTEMPT)
        .values("number")
        .annotate(
            attempts=Count("pk"),
            connected=Count("pk", filter=CONNECTED),
            night=Count("pk", filter=Q(is_night=True)),
            kind=_max_kind(),
        )
        .order_by()
    )
    per_hour, days_by_number = _hourly(case)

    senders: dict[str, dict[str, Any]] = {}

    def row_for(number: str, kind: str) -> dict[str, Any]:
        if number not in senders:
            senders[number] = {
                "number": number,
                "kind": kind or classify_sender(number).kind,
                "messages_received": 0,
                "call_attempts": 0,
                "calls_connected": 0,
                "night_contacts": 0,
                "max_attempts_per_day": 0,
                "days_over_3_connected": 0,
                "days_over_6_attempts": 0,
            }
        return senders[number]

    for m in message_rows:
        row = row_for(m["number"], m["kind"])
        row["messages_received"] += m["received"]
        row["night_contacts"] += m["night"]
    for c in call_rows:
        row = row_for(c["number"], c["kind"])
        row["call_attempts"] += c["attempts"]
        row["calls_connected"] += c["connected"]
        row["night_contacts"] += c["night"]

    over_limit_days: set[date] = set()
    for number, per_day in days_by_number.items():
        row = row_for(number, "")
        row["max_attempts_per_day"] = max((v[0] for v in per_day.values()), default=0)
        for day, (attempts, connected) in per_day.items():
            if connected > CONNECTED_LIMIT:
                row["days_over_3_connected"] += 1
            if attempts > ATTEMPT_LIMIT:
                row["days_over_6_attempts"] += 1
            if connected > CONNECTED_LIMIT or attempts > ATTEMPT_LIMIT:
                over_limit_days.add(day)

    days: dict[date, dict[str, Any]] = {}
    for local, (received, attempts, connected) in sorted(per_hour.items()):
        entry = days.setdefault(
            local.date(),
            {
                "date": local.date().isoformat(),
                "messages_received": 0,
                "call_attempts": 0,
                "calls_connected": 0,
                "night_contacts": 0,
                "contacts": 0,
                "over_limit": local.date() in over_limit_days,
                "hours": [0] * 24,
            },
        )
        entry["messages_received"] += received
        entry["call_attempts"] += attempts
        entry["calls_connected"] += connected
        entry["contacts"] += received + attempts
        entry["hours"][local.hour] += received + attempts
        if local.hour in NIGHT_HOURS:
            entry["night_contacts"] += received + attempts

    sender_rows = sorted(
        senders.values(),
        key=lambda r: (-(r["messages_received"] + r["call_attempts"]), r["number"]),
    )
    totals = {
        "messages_received": sum(r["messages_received"] for r in sender_rows),
        "call_attempts": sum(r["call_attempts"] for r in sender_rows),
        "calls_connected": sum(r["calls_connected"] for r in sender_rows),
        "night_contacts": sum(r["night_contacts"] for r in sender_rows),
        "senders": sum(1 for r in sender_rows if r["number"]),
    }
    categories = _category_counts(case)
    categories["night_contact"] = totals["night_contacts"]
    categories["excessive_calls"] = sum(
        1 for r in sender_rows if r["days_over_3_connected"] or r["days_over_6_attempts"]
    )
    categories["personal_number"] = _personal_senders(case).count()
    return {
        "totals": totals,
        "senders": sender_rows,
        "days": [days[d] for d in sorted(days)],
        "categories": categories,
    }


def _max_kind() -> Any:
    from django.db.models import Max

    # Every row of one number has the same kind; Max picks it without another GROUP BY column.
    return Max("sender_kind")


def _category_counts(case: Case) -> dict[str, int]:
    """Received messages per finding category (flagged rows only).

    The database groups the flagged messages by their list of categories — a case has a
    handful of distinct lists however many messages it holds — and each list is counted here:
    one pass over the rows instead of one text search per category and row.
    """
    rows = (
        Message.objects.filter(case=case, is_flagged=True)
        .filter(RECEIVED)
        .values_list("categories")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(CATEGORIES, 0)
    for categories, n in rows:
        for code in set(categories or ()):
            if code in counts:
                counts[code] += n
    return counts


def _personal_senders(case: Case) -> QuerySet[Sender]:
    """The senders `personal_numbers` lists, selected by the database."""
    rows = Sender.objects.filter(
        case=case, kind__in=["mobile", "virtual_mobile"], collection_related=True
    )
    if lender_type(case) in {"bank", "consumer_finance"}:
        return rows
    return rows.filter(signals__icontains='"institution"')


def personal_numbers(case: Case) -> list[str]:
    """B13: personal mobiles used to collect a licensed lender's debt.

    A mobile or virtual-operator number counts when it sent something about the debt and the
    lender is a bank or consumer-finance company — by the case's loan type, or because its
    messages name an institution. (Numbers that only called cannot be told from the borrower's
    friends, so they do not count here.)
    """
    return sorted(_personal_senders(case).values_list("number", flat=True))


@dataclass
class CaseFinding:
    """A case-level finding (B02, B03, B13) with what supports it."""

    code: str
    behaviour: str
    count: int
    numbers: list[str] = field(default_factory=list)
    days: list[str] = field(default_factory=list)

    @property
    def info(self) -> Any:
        return behaviours()[self.behaviour]

    @property
    def provisions(self) -> list[Any]:
        return list(provisions_for_behaviour(self.behaviour, timezone.localdate()))


def case_findings(case: Case, stats: dict[str, Any]) -> list[CaseFinding]:
    """Night contact, excessive calls and personal numbers, from `case_statistics` output."""
    found: list[CaseFinding] = []
    night = stats["totals"]["night_contacts"]
    if night:
        found.append(
            CaseFinding(
                code="night_contact",
                behaviour=CASE_BEHAVIOURS["night_contact"],
                count=night,
                numbers=[r["number"] for r in stats["senders"] if r["night_contacts"]][:10],
                days=[d["date"] for d in stats["days"] if d["night_contacts"]][:10],
            )
        )
    over = [r for r in stats["senders"] if r["days_over_3_connected"] or r["days_over_6_attempts"]]
    if over:
        found.append(
            CaseFinding(
                code="excessive_calls",
                behaviour=CASE_BEHAVIOURS["excessive_calls"],
                count=sum(r["days_over_3_connected"] + r["days_over_6_attempts"] for r in over),
                numbers=[r["number"] for r in over][:10],
                days=[d["date"] for d in stats["days"] if d["over_limit"]][:10],
            )
        )
    personal = personal_numbers(case)
    if personal:
        found.append(
            CaseFinding(
                code="personal_number",
                behaviour=CASE_BEHAVIOURS["personal_number"],
                count=len(personal),
                numbers=personal[:10],
            )
        )
    return found


def worst_days(stats: dict[str, Any], limit: int = 5) -> list[dict[str, Any]]:
    """The days with the most contacts (days over a call limit first among equals)."""
    ranked = sorted(
        (d for d in stats["days"] if d["contacts"]),
        key=lambda d: (-d["contacts"], not d["over_limit"], d["date"]),
    )
    return ranked[:limit]


def hour_totals(stats: dict[str, Any]) -> list[int]:
    """Contacts per China-time hour of day over the whole case."""
    totals = [0] * 24
    for day in stats["days"]:
        for hour, count in enumerate(day.get("hours") or []):
            totals[hour] += count
    return totals


def day_series(stats: dict[str, Any], max_days: int = 92) -> list[dict[str, Any]]:
    """Every day from the first contact to the last (at most the last ``max_days``), gaps as 0."""
    rows = {d["date"]: d for d in stats["days"]}
    if not rows:
        return []
    first = date.fromisoformat(min(rows))
    last = date.fromisoformat(max(rows))
    first = max(first, last - timedelta(days=max_days - 1))
    series = []
    day = first
    while day <= last:
        key = day.isoformat()
        series.append(
            rows.get(key) or {"date": key, "contacts": 0, "night_contacts": 0, "over_limit": False}
        )
        day += timedelta(days=1)
    return series
