"""The case's own facts and figures, as step 3's documents and complaint packs quote them.

Everything comes from step 1 (`collectguard.intake`): the flagged messages with their findings
and the contact statistics of `case_report`. This module turns them into plain values (strings,
numbers, ISO dates) so that a document's input variables can be stored as JSON and the
document re-rendered from exactly what was stored.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from collectguard.cases.models import Case
from collectguard.intake.analysis.model import estimated_only, is_estimate

#: Readable names of the finding categories (DESIGN.md taxonomy and case-level codes).
CATEGORY_LABELS = {
    "third_party": gettext_lazy("联系或威胁联系家人、同事等第三人"),
    "privacy_disclosure": gettext_lazy("公开或威胁公开欠款信息和个人隐私"),
    "intimidation": gettext_lazy("恐吓、威胁人身安全"),
    "insult": gettext_lazy("辱骂、侮辱"),
    "false_legal_claim": gettext_lazy("虚构或夸大法律后果"),
    "impersonation": gettext_lazy("冒充公检法或监管部门"),
    "visit_threat": gettext_lazy("威胁上门"),
    "personal_account": gettext_lazy("要求转账到个人账户"),
    "night_contact": gettext_lazy("夜间（22:00至次日8:00）催收"),
    "excessive_calls": gettext_lazy("频繁拨打电话"),
    "personal_number": gettext_lazy("用个人手机号催收"),
}

MESSAGE_CATEGORIES = (
    "intimidation",
    "visit_threat",
    "impersonation",
    "third_party",
    "privacy_disclosure",
    "insult",
    "false_legal_claim",
    "personal_account",
)


def category_label(code: str) -> str:
    return str(CATEGORY_LABELS[code]) if code in CATEGORY_LABELS else code


def local_text(moment: datetime | None) -> str:
    """'2025-11-03 23:41' in Asia/Shanghai."""
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def long_date(day: date) -> str:
    """The date in the active language: 2025年11月3日 in Chinese (documents are rendered in
    Chinese), "Nov. 3, 2025" on an English page."""
    return date_format(day, "DATE_FORMAT")


@dataclass
class CaseFacts:
    flagged: list[Any] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    category_counts: dict[str, int] = field(default_factory=dict)

    @property
    def categories(self) -> list[str]:
        return [code for code, _count in Counter(self.category_counts).most_common()]

    @property
    def totals(self) -> dict[str, int]:
        totals: dict[str, int] = self.stats.get("totals") or {}
        return totals

    @property
    def senders(self) -> list[dict[str, Any]]:
        senders: list[dict[str, Any]] = self.stats.get("senders") or []
        return senders

    @property
    def has_harassment(self) -> bool:
        counts = self.category_counts
        return bool(self.flagged or counts.get("night_contact") or counts.get("excessive_calls"))

    @property
    def contact_days(self) -> list[str]:
        """ISO dates (Asia/Shanghai) with at least one contact, sorted."""
        return sorted(str(row["date"]) for row in self.stats.get("days") or [])

    @property
    def first_contact(self) -> date | None:
        days = self.contact_days
        if days:
            return date.fromisoformat(days[0][:10])
        moments = [m.received_at for m in self.flagged if m.received_at]
        return timezone.localtime(min(moments)).date() if moments else None

    @property
    def last_contact(self) -> date | None:
        days = self.contact_days
        if days:
            return date.fromisoformat(days[-1][:10])
        moments = [m.received_at for m in self.flagged if m.received_at]
        return timezone.localtime(max(moments)).date() if moments else None


def case_facts(case: Case) -> CaseFacts:
    """Flagged messages and statistics of the case, from step 1."""
    from collectguard.intake.selectors import flagged_messages
    from collectguard.intake.stats import case_statistics

    stats = case_statistics(case)
    counts = {code: int(n) for code, n in (stats.get("categories") or {}).items() if n}
    return CaseFacts(flagged=list(flagged_messages(case)), stats=stats, category_counts=counts)


def message_row(message: Any) -> dict[str, Any]:
    """A flagged message as plain values: quoted exactly as received, never edited.

    A category that only the statistical model found (``analysis/model.py``), not a rule, is an
    estimate: the documents say so beside it, so a letter never states it as established.
    """
    findings = [
        {
            "category": finding.get("category", ""),
            "label": category_label(finding.get("category", "")),
            "provisions": list(finding.get("provisions") or []),
            "estimated": is_estimate(finding.get("rule")),
        }
        for finding in message.findings or []
    ]
    return {
        "time": local_text(message.received_at),
        "sender": message.sender,
        "body": message.body,
        "categories": labels_of(message),
        "findings": findings,
    }


def labels_of(message: Any) -> list[str]:
    """The names of a message's categories, those only the model estimated marked as such."""
    estimated = estimated_only(message.findings)
    mark = gettext("（统计估计，请核对）")
    return [
        category_label(code) + (mark if code in estimated else "")
        for code in dict.fromkeys(message.categories or [])
    ]
