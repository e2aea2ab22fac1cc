"""Turning analysed messages into row values: findings JSON, night-time, dedupe keys.

Shared by every way a message arrives (paste, manual entry, phone backup), so a message gets
the same stored form whichever way it came in.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from collectguard.intake.analysis import Analysis
from collectguard.intake.analysis.context import DEBT_SIGNALS, mentions_collection
from collectguard.intake.analysis.findings import SHANGHAI
from collectguard.intake.analysis.verdict import NIGHT_END_HOUR, NIGHT_START_HOUR

EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


def datetime_from_ms(date_ms: int) -> datetime:
    """An aware UTC datetime from epoch milliseconds, without float rounding.

    >>> datetime_from_ms(1780324200123).isoformat()
    '2026-06-01T14:30:00.123000+00:00'
    """
    return EPOCH + timedelta(milliseconds=date_ms)


def is_night(when: datetime | None) -> bool:
    """22:00–08:00 China time (GB/T 45251-2025, CBA 2026 guideline).

    >>> is_night(datetime(2026, 6, 1, 14, 30, tzinfo=UTC))  # 22:30 in Shanghai
    True
    >>> is_night(datetime(2026, 6, 1, 0, 0, tzinfo=UTC))  # 08:00 in Shanghai
    False
    """
    if when is None:
        return False
    hour = when.astimezone(SHANGHAI).hour
    return hour >= NIGHT_START_HOUR or hour < NIGHT_END_HOUR


# From here on China time is UTC+8 all year (its last daylight-saving period ended on
# 1991-09-15); before, China time is computed through the time zone database.
_FIXED_OFFSET_FROM_MS: Final = 694_224_000_000  # 1992-01-01T00:00Z
_CHINA_OFFSET_MS: Final = 8 * 3_600_000
_EPOCH_ORDINAL: Final = EPOCH.toordinal()


def china_clock(date_ms: int) -> tuple[int, int]:
    """The hour (0–23) and the day (a ``date.toordinal()``) in China of an epoch-ms time.

    The same as converting ``datetime_from_ms(date_ms)`` to Asia/Shanghai, without building a
    datetime for every row of an import.

    >>> china_clock(1780324200123)  # 2026-06-01 14:30 UTC = 22:30 in Shanghai
    (22, 739768)
    >>> china_clock(1780324200123)[1] == datetime(2026, 6, 1).toordinal()
    True
    """
    if date_ms >= _FIXED_OFFSET_FROM_MS:
        local_ms = date_ms + _CHINA_OFFSET_MS
        return (local_ms // 3_600_000) % 24, local_ms // 86_400_000 + _EPOCH_ORDINAL
    local = datetime_from_ms(date_ms).astimezone(SHANGHAI)
    return local.hour, local.toordinal()


def is_night_hour(hour: int) -> bool:
    """Whether an hour of China time is at night (see `is_night`)."""
    return hour >= NIGHT_START_HOUR or hour < NIGHT_END_HOUR


def dedupe_key(*parts: object) -> str:
    """A stable 64-character key for the parts that make a message or call the same one.

    >>> len(dedupe_key("sms", "13612345678", 1780324200000)), dedupe_key("a") == dedupe_key("a")
    (64, True)
    """
    text = "\x1f".join("" if part is None else str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def backup_sms_key(number: str, date_ms: int, box: str, is_mms: bool, body: str) -> str:
    """`dedupe_key` of a backup SMS, spelled out for speed (called once per imported message).

    >>> backup_sms_key("1", 2, "received", False, "x") == dedupe_key(
    ...     "backup-sms", "1", 2, "received", False, "x")
    True
    """
    text = f"backup-sms\x1f{number}\x1f{date_ms}\x1f{box}\x1f{is_mms}\x1f{body}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def is_collection_related(analysis: Analysis) -> bool:
    """A received message that makes its sender worth keeping (data minimisation at import)."""
    if analysis.categories or DEBT_SIGNALS.intersection(analysis.signals):
        return True
    return mentions_collection(analysis.body)


def findings_json(analysis: Analysis) -> list[dict[str, Any]]:
    """What is stored per finding: the span, the provisions in force that day and the rule.

    Explanations are not copied into every row; they are read from the legal data when shown.
    """
    return [
        {
            "category": f.category,
            "start": f.start,
            "end": f.end,
            "provisions": list(f.provisions),
            "rule": f.rule_id,
            "behaviour": f.behaviour,
        }
        for f in analysis.findings
    ]


def analysis_fields(analysis: Analysis) -> dict[str, Any]:
    """Message field values from an analysis."""
    return {
        "categories": list(analysis.categories),
        "signals": list(analysis.signals),
        "findings": findings_json(analysis),
        "is_flagged": bool(analysis.categories),
        "is_urgent": bool(analysis.urgent),
    }


@dataclass
class Counted:
    """Sender summary counts grouped as `summaries.senders_refresh` groups the rows: per
    number, the message figures, the call figures and the call attempts per China day."""

    messages: dict[str, dict[str, Any]]
    calls: dict[str, dict[str, Any]]
    days: dict[str, dict[date, list[int]]]


_SIGNATURE: Final = re.compile(r"【([^】\n]{1,20})】")


@dataclass
class SenderDelta:
    """What newly stored messages add to one sender's summary (see models.Sender)."""

    kind: str
    categories: set[str] = field(default_factory=set)
    signals: set[str] = field(default_factory=set)
    behaviours: set[str] = field(default_factory=set)
    signatures: list[str] = field(default_factory=list)
    urgent: bool = False
    collection_related: bool = False

    @staticmethod
    def effect(analysis: Analysis, *, related: bool) -> tuple[Any, ...]:
        """What `add` takes from ``analysis``, as a hashable value: two analyses with the same
        effect change a delta the same way, and merging one again changes nothing.

        >>> from collectguard.intake.analysis import analyze
        >>> a, b = analyze("【某某金融】您已逾期"), analyze("【某某金融】您已逾期。")
        >>> SenderDelta.effect(a, related=True) == SenderDelta.effect(b, related=True)
        True
        """
        categories = frozenset(analysis.categories)
        return (
            categories,
            frozenset(f.behaviour for f in analysis.findings if f.behaviour)
            if categories
            else frozenset(),
            frozenset(analysis.signals),
            bool(analysis.urgent),
            tuple(m.group(0) for m in _SIGNATURE.finditer(analysis.body))
            if "【" in analysis.body
            else (),
            related,
        )

    def add(self, analysis: Analysis, *, related: bool | None = None) -> None:
        """Merge one analysed message; ``related`` is `is_collection_related` of it, if known."""
        if analysis.categories:
            self.categories.update(analysis.categories)
            self.behaviours.update(f.behaviour for f in analysis.findings if f.behaviour)
        if analysis.signals:
            self.signals.update(analysis.signals)
        self.urgent = self.urgent or bool(analysis.urgent)
        if len(self.signatures) < 5 and "【" in analysis.body:
            for match in _SIGNATURE.finditer(analysis.body):
                if match.group(0) not in self.signatures and len(self.signatures) < 5:
                    self.signatures.append(match.group(0))
        if not self.collection_related:
            self.collection_related = (
                is_collection_related(analysis) if related is None else related
            )
