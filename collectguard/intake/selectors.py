"""Read-side queries of step 1, for the pages of this app and for other apps.

Other apps use `flagged_messages` (the evidence list's appendix, complaint letters) and
`senders_overview` (who is contacting the borrower, with the verdict per number). Every list
here is built in a fixed number of queries, whatever the number of messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.functional import cached_property
from django.utils.safestring import SafeString

from collectguard.cases.models import Case
from collectguard.intake.analysis import (
    Analysis,
    CallStats,
    Finding,
    SenderInfo,
    SenderVerdict,
    classify_sender,
    sender_verdict,
)
from collectguard.intake.analysis.model import is_estimate
from collectguard.intake.highlight import highlight
from collectguard.intake.labels import category_label, finding_explanation
from collectguard.intake.models import Call, Direction, ImportBatch, Message, Sender
from collectguard.intake.stats import lender_type
from collectguard.intake.summaries import OTHER_CHANNELS
from collectguard.legal.reference import Provision, behaviours, provisions
from collectguard.review.redaction import redact_text


def flagged_messages(case: Case) -> QuerySet[Message]:
    """Received messages with at least one finding, oldest first.

    Each has ``received_at``, ``sender``, ``sender_kind``, ``body`` (exactly as received),
    ``categories`` and ``findings`` (dicts: ``category``, ``start``, ``end``, ``provisions`` —
    ids in `collectguard.legal.reference.provisions()` —, ``rule``, ``behaviour``). Use
    `finding_details` for explanations and provision objects.
    """
    return (
        Message.objects.filter(case=case, is_flagged=True, direction=Direction.INCOMING)
        .order_by("received_at", "pk")
        .defer("date_ms", "dedupe_key", "sender_raw")
    )


@dataclass
class FindingDetail:
    category: str
    label: str
    matched_text: str
    explanation: str
    provisions: list[Provision]
    # Found by the statistical model, not by a rule (``analysis/model.py``): shown as an estimate.
    estimated: bool = False

    @property
    def needs_caution(self) -> bool:
        return any(p.needs_caution for p in self.provisions)


def finding_details(body: str, findings: list[dict[str, Any]]) -> list[FindingDetail]:
    """Stored findings with their explanation and provisions, one per category.

    Several spans of one category (two threats in one message) share one explanation; their
    matched texts are joined.
    """
    table = provisions()
    details: dict[str, FindingDetail] = {}
    for finding in findings or []:
        category = str(finding.get("category", ""))
        start, end = int(finding.get("start", 0)), int(finding.get("end", 0))
        detail = details.get(category)
        if detail is None:
            details[category] = FindingDetail(
                category=category,
                label=category_label(category),
                matched_text=body[start:end],
                explanation=finding_explanation(finding),
                provisions=[table[pid] for pid in finding.get("provisions", []) if pid in table],
                estimated=is_estimate(finding.get("rule")),
            )
        elif body[start:end] and body[start:end] not in detail.matched_text:
            detail.matched_text += "…" + body[start:end]
    return list(details.values())


@dataclass
class MessageView:
    """A message as the list shows it: highlighted text, findings, and whether it came after
    an agreement with the lender (which makes continued pressure stand out)."""

    message: Message
    agreement_at: datetime | None = None
    # False for a volunteer whose share hides third parties: their numbers and names in the
    # text are masked (same length, so the findings' offsets still fit).
    reveal: bool = True
    private_numbers: frozenset[str] = frozenset()

    @property
    def sender(self) -> str:
        """The sender as this viewer may see it (see `private_numbers`)."""
        number = self.message.sender
        if not self.reveal and number in self.private_numbers:
            return redact_text(number, reveal=False)
        return number

    @cached_property
    def body(self) -> str:
        return redact_text(self.message.body, reveal=self.reveal)

    @cached_property
    def findings(self) -> list[FindingDetail]:
        return finding_details(self.body, self.message.findings)

    @cached_property
    def highlighted(self) -> SafeString:
        return highlight(self.body, self.message.findings or [])

    @property
    def after_agreement(self) -> bool:
        received = self.message.received_at
        return bool(
            self.agreement_at
            and received
            and received > self.agreement_at
            and self.message.direction == Direction.INCOMING
        )


def active_agreement_at(case: Case) -> datetime | None:
    """When the agreement now in force was reached (step 2), or None."""
    try:
        from collectguard.negotiation.selectors import active_agreement
    except ImportError:  # pragma: no cover - the negotiation app is always installed
        return None
    agreement = active_agreement(case)
    return agreement.agreed_at if agreement is not None else None


@dataclass
class MessageFilters:
    sender: Sender | None = None
    category: str = ""
    night_only: bool = False
    flagged_only: bool = False


def message_list(case: Case, filters: MessageFilters | None = None) -> QuerySet[Message]:
    """The case's messages, newest first, narrowed by ``filters``."""
    filters = filters or MessageFilters()
    queryset = Message.objects.filter(case=case)
    if filters.sender is not None:
        queryset = queryset.filter(sender=filters.sender.number)
    if filters.category:
        # Categories are a JSON list; matching the quoted code works on SQLite and PostgreSQL.
        queryset = queryset.filter(is_flagged=True, categories__icontains=f'"{filters.category}"')
    elif filters.flagged_only:
        queryset = queryset.filter(is_flagged=True)
    if filters.night_only:
        queryset = queryset.filter(is_night=True)
    return queryset.order_by("-received_at", "-pk").defer("dedupe_key", "date_ms")


def safety_alerts(case: Case, *, reveal: bool = True, limit: int = 3) -> list[MessageView]:
    """The newest messages that threaten violence, children or a visit "today"."""
    if not Sender.objects.filter(case=case, urgent=True).exists():
        return []
    rows = Message.objects.filter(case=case, is_urgent=True).order_by("-received_at", "-pk")[:limit]
    return [MessageView(message, reveal=reveal) for message in rows]


def reveals_third_parties(case: Case, user: Any) -> bool:
    """Whether this viewer sees third parties' numbers and names unmasked (the owner does)."""
    if case.owner_id == user.pk:
        return True
    from collectguard.review.access import share_reveals_third_parties

    return share_reveals_third_parties(case, user)


def private_numbers(case: Case, *, reveal: bool) -> frozenset[str]:
    """Numbers a viewer who may not see third parties gets masked: those that never sent
    anything about the debt (family and friends kept by "keep all", unknown callers)."""
    if reveal:
        return frozenset()
    return frozenset(
        Sender.objects.filter(case=case, collection_related=False).values_list("number", flat=True)
    )


@dataclass
class SenderView:
    sender: Sender
    info: SenderInfo
    verdict: SenderVerdict | None
    case_findings: list[str] = field(default_factory=list)
    reveal: bool = True

    @property
    def number(self) -> str:
        if not self.reveal and not self.sender.collection_related:
            return redact_text(self.sender.number, reveal=False)
        return self.sender.number

    @property
    def place(self) -> str:
        """Carrier and region where the numbering plan knows them."""
        return " · ".join(part for part in (self.info.carrier, self.info.region) if part)


_NIGHT_SAMPLE = datetime(2026, 1, 1, 15, 0, tzinfo=UTC)  # 23:00 in China


def _summary_analysis(sender: Sender, info: SenderInfo) -> Analysis:
    """One stand-in analysis carrying what the sender's messages showed, for `sender_verdict`.

    The verdict only needs the union of categories, signals and behaviours, the 【signatures】,
    whether anything was urgent and whether anything came at night — all kept on `Sender`, so
    the page need not re-read thousands of messages.
    """
    table = behaviours()
    return Analysis(
        body=" ".join(sender.signatures),
        sender=info,
        categories=list(sender.categories),
        signals=list(sender.signals),
        findings=[
            Finding(
                category=table[code].category or "",
                start=0,
                end=0,
                matched_text="",
                provisions=[],
                explanation_zh="",
                explanation_en="",
                behaviour=code,
            )
            for code in sender.behaviours
            if code in table
        ],
        urgent=sender.urgent,
        received_at=_NIGHT_SAMPLE if sender.night_messages else None,
    )


def sender_view(sender: Sender, *, loan: str | None, reveal: bool = True) -> SenderView:
    info = classify_sender(sender.number)
    verdict: SenderVerdict | None = None
    if sender.collection_related or sender.call_attempts or sender.flagged_messages:
        calls = CallStats(
            attempts=sender.call_attempts,
            connected=sender.calls_connected,
            night_contacts=sender.night_calls,
            max_attempts_per_day=sender.max_attempts_per_day,
            days_over_3_connected=sender.days_over_3_connected,
            days_over_6_attempts=sender.days_over_6_attempts,
        )
        analyses = (
            [_summary_analysis(sender, info)]
            if sender.messages_received or sender.behaviours
            else []
        )
        verdict = sender_verdict(info, analyses, calls=calls, lender_type=loan)
        findings = list(verdict.case_findings)
        if "personal_number" in findings and not sender.collection_related:
            # A number that only called cannot be told apart from a friend's (see stats).
            findings.remove("personal_number")
        verdict = replace(
            verdict,
            messages=sender.messages_received,
            night_messages=sender.night_messages,
            case_findings=findings,
        )
    return SenderView(
        sender=sender,
        info=info,
        verdict=verdict,
        case_findings=verdict.case_findings if verdict else [],
        reveal=reveal,
    )


def senders_overview(
    case: Case, *, limit: int | None = None, reveal: bool = True
) -> list[SenderView]:
    """Every number in the case with the verdict on it, most serious first.

    Numbers whose messages carry nothing about the debt (kept by "keep all") get no verdict:
    a friend's phone is not a collector's.
    """
    queryset = senders_for_case(case)
    rows = queryset[:limit] if limit else queryset
    loan = lender_type(case)
    return [sender_view(sender, loan=loan, reveal=reveal) for sender in rows]


def senders_for_case(case: Case) -> QuerySet[Sender]:
    """The case's numbers, most serious first: urgent, flagged, about the debt, calling."""
    return Sender.objects.filter(case=case).order_by(
        "-urgent", "-flagged_messages", "-collection_related", "-call_attempts", "number"
    )


def intake_summary(case: Case) -> dict[str, Any]:
    """Counts for the step-1 page and the case page, from the sender summaries (one query)."""
    totals = Sender.objects.filter(case=case).aggregate(
        messages=Sum("messages_received"),
        flagged=Sum("flagged_messages"),
        other=Sum("other_messages"),
        attempts=Sum("call_attempts"),
        connected=Sum("calls_connected"),
        night_messages=Sum("night_messages"),
        night_calls=Sum("night_calls"),
        senders=Count("pk", filter=~Q(number="")),
        collection_senders=Count("pk", filter=Q(collection_related=True) & ~Q(number="")),
    )
    summary = {key: value or 0 for key, value in totals.items()}
    summary["night"] = summary["night_messages"] + summary["night_calls"]
    return summary


def other_contacts(case: Case) -> dict[str, int]:
    """Contacts outside SMS, per channel: visits and messages from other channels.

    Counting them reads every message of the case: ask `has_other_contacts` (or the summary's
    ``other``) first.
    """
    rows = (
        Message.objects.filter(case=case)
        .filter(OTHER_CHANNELS)
        .values("channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["channel"]: row["n"] for row in rows}


def has_other_contacts(case: Case) -> bool:
    """Whether `other_contacts` has anything to count, from the sender summaries (cheap)."""
    return Sender.objects.filter(case=case, other_messages__gt=0).exists()


def import_batches(case: Case) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(case=case).order_by("-created_at")


def has_calls(case: Case) -> bool:
    return Call.objects.filter(case=case).exists()
