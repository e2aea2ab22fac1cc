"""Legal reference data: provisions, behaviours, complaint channels, number prefixes, institutions.

Pure loaders over the reviewed JSON files in ``collectguard/legal/data/`` (converted from
``legal/reference.md``). Everything is read once per process (``functools.cache``) and handed out
as frozen dataclasses or read-only mappings, so callers can share the results freely. Nothing here
touches Django: the analysers call these functions from plain modules and from tests alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

#: The confidence scale of legal/reference.md, strongest first.
CONFIDENCE_LEVELS: tuple[str, ...] = ("High", "Medium-High", "Medium", "Low", "UNVERIFIED")
#: Rows the app may cite on its own; the UI still shows a caution for anything below High.
CITABLE_CONFIDENCE: frozenset[str] = frozenset({"High", "Medium-High", "Medium"})
INSTITUTION_TYPES: tuple[str, ...] = ("bank", "consumer_finance", "small_loan", "other")


def _date_or_none(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True, slots=True)
class Provision:
    id: str
    law: str
    article: str
    gist_zh: str
    gist_en: str
    key_phrase: str
    penalty: str
    effective_from: date | None
    effective_to: date | None
    status: str
    source: str
    confidence: str
    confidence_note: str = ""
    supersedes: str | None = None
    note: str = ""
    #: The law's English title, for English pages (citations stay in Chinese beside it).
    law_en: str = ""

    @property
    def citable(self) -> bool:
        return self.confidence in CITABLE_CONFIDENCE

    @property
    def needs_caution(self) -> bool:
        """True when the UI must show "to be confirmed by a lawyer" next to this provision."""
        return self.confidence != "High" or bool(self.confidence_note)

    def in_force_on(self, day: date) -> bool:
        # An unknown start date means "in force as far as the research goes" (reference.md §1H).
        if self.effective_from is not None and day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to

    @property
    def citation_zh(self) -> str:
        """《法名》第X条 — how letters and the UI cite it."""
        return f"《{self.law}》{self.article}"


@dataclass(frozen=True, slots=True)
class Behaviour:
    code: str
    name_zh: str
    name_en: str
    category: str | None
    severity: str
    indicators_zh: str
    provisions: tuple[str, ...]
    channels: tuple[str, ...]
    explanation_zh: str
    explanation_en: str


@dataclass(frozen=True, slots=True)
class Channel:
    id: str
    name_zh: str
    name_en: str
    body: str
    phone: str
    website: str
    handles_zh: str
    handles_en: str
    confidence: str
    source: str
    confidence_note: str = ""


@dataclass(frozen=True, slots=True)
class PrefixRule:
    id: str
    pattern: str
    kind: str
    label_zh: str
    label_en: str
    carrier: str | None
    note_zh: str
    note_en: str
    confidence: str
    source: str
    regex: re.Pattern[str] = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Institution:
    number: str
    name: str
    short_name: str
    type: str
    role: str
    aliases: tuple[str, ...]
    regulator_channel: str | None
    confidence: str
    source: str
    #: The English name, for English pages ("" where the data has none).
    name_en: str = ""


@cache
def load_json(name: str) -> Any:
    """The parsed contents of one data file (``provisions.json`` …), read once."""
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        return json.load(fh)


@cache
def provisions() -> Mapping[str, Provision]:
    rows = load_json("provisions.json")["provisions"]
    result = {
        row["id"]: Provision(
            id=row["id"],
            law=row["law"],
            article=row["article"],
            gist_zh=row["gist_zh"],
            gist_en=row["gist_en"],
            key_phrase=row["key_phrase"],
            penalty=row["penalty"],
            effective_from=_date_or_none(row["effective_from"]),
            effective_to=_date_or_none(row["effective_to"]),
            status=row["status"],
            source=row["source"],
            confidence=row["confidence"],
            confidence_note=row.get("confidence_note", ""),
            supersedes=row.get("supersedes"),
            note=row.get("note", ""),
            law_en=row.get("law_en", ""),
        )
        for row in rows
    }
    return MappingProxyType(result)


def provision(provision_id: str) -> Provision:
    """One provision by id; ``KeyError`` for an unknown id."""
    return provisions()[provision_id]


@cache
def behaviours() -> Mapping[str, Behaviour]:
    rows = load_json("behaviours.json")["behaviours"]
    result = {
        row["code"]: Behaviour(
            code=row["code"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            category=row["category"],
            severity=row["severity"],
            indicators_zh=row["indicators_zh"],
            provisions=tuple(row["provisions"]),
            channels=tuple(row["channels"]),
            explanation_zh=row["explanation_zh"],
            explanation_en=row["explanation_en"],
        )
        for row in rows
    }
    return MappingProxyType(result)


@cache
def channels() -> Mapping[str, Channel]:
    rows = load_json("channels.json")["channels"]
    result = {
        row["id"]: Channel(
            id=row["id"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            body=row["body"],
            phone=row["phone"],
            website=row["website"],
            handles_zh=row["handles_zh"],
            handles_en=row["handles_en"],
            confidence=row["confidence"],
            source=row["source"],
            confidence_note=row.get("confidence_note", ""),
        )
        for row in rows
    }
    return MappingProxyType(result)


@cache
def prefixes() -> tuple[PrefixRule, ...]:
    """Number-prefix rules in match order (first match wins)."""
    return tuple(
        PrefixRule(
            id=row["id"],
            pattern=row["pattern"],
            kind=row["kind"],
            label_zh=row["label_zh"],
            label_en=row["label_en"],
            carrier=row["carrier"],
            note_zh=row["note_zh"],
            note_en=row["note_en"],
            confidence=row["confidence"],
            source=row["source"],
            regex=re.compile(row["pattern"]),
        )
        for row in load_json("prefixes.json")["prefixes"]
    )


@cache
def institutions() -> Mapping[str, Institution]:
    """Known official numbers, keyed by the number as ``senders.normalize_number`` writes it."""
    rows = load_json("institutions.json")["institutions"]
    result = {
        row["number"]: Institution(
            number=row["number"],
            name=row["name"],
            short_name=row["short_name"],
            type=row["type"],
            role=row["role"],
            aliases=tuple(row["aliases"]),
            regulator_channel=row["regulator_channel"],
            confidence=row["confidence"],
            source=row["source"],
            name_en=row.get("name_en", ""),
        )
        for row in rows
    }
    return MappingProxyType(result)


def institution_for_number(number: str) -> Institution | None:
    return institutions().get(number)


@cache
def rules_data() -> Mapping[str, Any]:
    """The raw matching rules (``rules.json``); compiled by ``collectguard.intake.analysis``."""
    return MappingProxyType(load_json("rules.json"))


@cache
def verdict_texts() -> Mapping[str, Any]:
    """Plain-language texts for the per-sender verdict (``verdicts.json``)."""
    return MappingProxyType(load_json("verdicts.json"))


def provision_in_force(provision_id: str, on: date) -> Provision | None:
    """The version of a provision that governs an act done on ``on``.

    Walks the ``supersedes`` chain backwards, so an act on 2025-12-31 cited under the 2025
    治安管理处罚法 第50条 gets the old 第42条 that was in force that day (从旧兼从轻, 行政处罚法
    第37条). ``None`` when no version was in force (e.g. the new 第56条 before 2026).

    >>> provision_in_force("PSL-50-5", date(2025, 12, 31)).article
    '第42条第(五)项'
    >>> provision_in_force("PSL-50-5", date(2026, 1, 1)).article
    '第50条第一款第(五)项'
    >>> provision_in_force("PSL-56", date(2025, 6, 1)) is None
    True
    """
    table = provisions()
    current: str | None = provision_id
    seen: set[str] = set()
    while current is not None and current not in seen:
        seen.add(current)
        row = table[current]
        if row.in_force_on(on):
            return row
        current = row.supersedes
    return None


# Bounded: one entry per (behaviour, day) seen, and a case spans at most a few hundred days.
@lru_cache(maxsize=4096)
def provisions_for_behaviour(code: str, on: date) -> tuple[Provision, ...]:
    """Citable provisions for behaviour ``code`` (B01…) as the law stood on ``on``.

    Keeps the behaviour's order, resolves each id to the version in force, drops rows below
    Medium confidence (reference.md: those are shown with a caution or not at all) and duplicates.
    """
    chosen: list[Provision] = []
    for provision_id in behaviours()[code].provisions:
        row = provision_in_force(provision_id, on)
        if row is not None and row.citable and row not in chosen:
            chosen.append(row)
    return tuple(chosen)
