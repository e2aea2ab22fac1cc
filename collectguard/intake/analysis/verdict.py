"""Per-sender verdict: the seed article's three questions, answered in plain language.

1. 发送号码是不是官方客服号？
2. 有没有具体金额、合同编号、还款账户？
3. 有没有威胁、恐吓、泄露隐私？

Built from already analysed messages (and, optionally, call statistics computed elsewhere), so
it is a pure function: the case page, the PDF letters and the CLI all get the same answer. Texts
live in ``verdicts.json``; this module only decides which text applies and fills in the facts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from collectguard.intake.analysis.findings import (
    CATEGORIES,
    SHANGHAI,
    SIGNALS,
    Analysis,
)
from collectguard.intake.analysis.senders import SenderInfo, classify_sender
from collectguard.legal.reference import behaviours, verdict_texts

# Categories that decide the headline before the number type does, most serious first.
_ABUSIVE = frozenset(CATEGORIES) - {"personal_account", "impersonation"}
_PUBLIC_ROLES = frozenset({"court", "regulator", "government", "police", "carrier"})
_SEVERITY_RANK = {"Very high": 0, "High": 1, "Medium-High": 2, "Medium": 3}
_CASE_BEHAVIOURS = {"night_contact": "B02", "excessive_calls": "B03", "personal_number": "B13"}
_SIGNATURE = re.compile(r"【([^】]{1,20})】")
# GB/T 45251-2025 and the CBA 2026 guideline ban collection 22:00–08:00 China time.
NIGHT_START_HOUR = 22
NIGHT_END_HOUR = 8


@dataclass(frozen=True, slots=True)
class CallStats:
    """Call facts for one number, computed by the statistics module (DESIGN.md ``case_report``)."""

    attempts: int = 0
    connected: int = 0
    night_contacts: int = 0
    max_attempts_per_day: int = 0
    days_over_3_connected: int = 0
    days_over_6_attempts: int = 0


@dataclass(frozen=True, slots=True)
class Answer:
    code: str  # "yes" | "partly" | "no" | "unknown"
    text_zh: str
    text_en: str


@dataclass(frozen=True)
class SenderVerdict:
    number: str
    kind: str
    code: str
    headline_zh: str
    headline_en: str
    detail_zh: str
    detail_en: str
    official: Answer
    specifics: Answer
    abuse: Answer
    categories: list[str]
    signals: list[str]
    case_findings: list[str]
    channels: list[str]
    urgent: bool
    messages: int
    night_messages: int
    caution_zh: str
    caution_en: str
    verify_zh: list[str]
    verify_en: list[str]


def is_night(analysis: Analysis) -> bool:
    when = analysis.received_at
    if when is None:
        return False
    local = when if when.tzinfo is None else when.astimezone(SHANGHAI)
    return local.hour >= NIGHT_START_HOUR or local.hour < NIGHT_END_HOUR


def sender_verdict(
    sender: str | SenderInfo,
    analyses: Sequence[Analysis],
    *,
    calls: CallStats | None = None,
    lender_type: str | None = None,
) -> SenderVerdict:
    """Answer the three questions for one sender from its analysed messages.

    ``lender_type`` is the case's loan type (``bank``, ``consumer_finance``, ``small_loan`` …):
    it decides whether a personal mobile is a red flag (B13) and which regulator to name.
    """
    info = sender if isinstance(sender, SenderInfo) else classify_sender(sender)
    texts = verdict_texts()
    categories = sorted({c for a in analyses for c in a.categories})
    signals = [s for s in SIGNALS if any(s in a.signals for a in analyses)]
    night_messages = sum(1 for a in analyses if is_night(a))
    urgent = any(a.urgent for a in analyses)

    case_findings: list[str] = []
    if night_messages or (calls is not None and calls.night_contacts):
        case_findings.append("night_contact")
    if calls is not None and (calls.days_over_3_connected or calls.days_over_6_attempts):
        case_findings.append("excessive_calls")
    if info.kind in {"mobile", "virtual_mobile"} and (
        lender_type in {"bank", "consumer_finance"} or "institution" in signals
    ):
        case_findings.append("personal_number")

    code = _verdict_code(info, categories)
    facts, facts_en = _facts(info, analyses)
    headline = texts["verdicts"][code]
    return SenderVerdict(
        number=info.number,
        kind=info.kind,
        code=code,
        headline_zh=_fill(headline["headline_zh"], facts),
        headline_en=_fill(headline["headline_en"], facts_en),
        detail_zh=_fill(headline["detail_zh"], facts),
        detail_en=_fill(headline["detail_en"], facts_en),
        official=_official_answer(info, facts, facts_en),
        specifics=_specifics_answer(signals),
        abuse=_abuse_answer(categories),
        categories=categories,
        signals=signals,
        case_findings=case_findings,
        channels=_channels(analyses, case_findings, categories, lender_type, urgent),
        urgent=urgent,
        messages=len(analyses),
        night_messages=night_messages,
        caution_zh=texts["caution_zh"],
        caution_en=texts["caution_en"],
        verify_zh=[step["zh"] for step in texts["verify"]],
        verify_en=[step["en"] for step in texts["verify"]],
    )


def verdicts(
    analyses: Iterable[Analysis],
    *,
    calls: Mapping[str, CallStats] | None = None,
    lender_type: str | None = None,
) -> list[SenderVerdict]:
    """One verdict per sender number, in order of first appearance.

    ``calls`` is keyed by the normalised number (``senders.normalize_number``); numbers that only
    called, never texted, get a verdict too.
    """
    grouped: dict[str, list[Analysis]] = {}
    senders: dict[str, SenderInfo] = {}
    for analysis in analyses:
        grouped.setdefault(analysis.sender.number, []).append(analysis)
        senders.setdefault(analysis.sender.number, analysis.sender)
    for number in calls or {}:
        if number not in grouped:
            grouped[number] = []
            senders[number] = classify_sender(number)
    return [
        sender_verdict(
            senders[number],
            items,
            calls=(calls or {}).get(number),
            lender_type=lender_type,
        )
        for number, items in grouped.items()
    ]


def _verdict_code(info: SenderInfo, categories: list[str]) -> str:
    if "personal_account" in categories:
        return "personal_account_request"
    if "impersonation" in categories:
        return "impersonation"
    if _ABUSIVE & set(categories):
        return "abusive_collection"
    if info.is_official_institution:
        return (
            "official_public_body"
            if info.institution_role in _PUBLIC_ROLES
            else ("official_institution")
        )
    return {
        "service_number": "service_number",
        "sms_platform": "enterprise_sms",
        "toll_free": "toll_free",
        "mobile": "outsourced_personal_phone",
        "virtual_mobile": "outsourced_virtual_number",
        "landline": "landline_office",
        "international": "international",
        "iot": "iot_number",
        "short_code": "short_code",
    }.get(info.kind, "unknown")


def _facts(info: SenderInfo, analyses: Sequence[Analysis]) -> tuple[dict[str, str], dict[str, str]]:
    """The facts the texts are filled with: for the Chinese texts and for the English ones.

    The English facts name the institution and region in English where the data has them; what
    stays Chinese (an institution without an English name, the messages' own signatures) is
    plain text, marked up as Chinese by the templates (``mark_chinese``).
    """
    signatures = []
    for analysis in analyses:
        for match in _SIGNATURE.finditer(analysis.body):
            if match.group(0) not in signatures:
                signatures.append(match.group(0))
    region_zh = info.region_in("zh")
    region_en = info.region_in("en")
    facts = {
        "number": info.number or info.raw or "?",
        "institution": info.institution or "",
        "region": f"（{region_zh}）" if region_zh else "",
        "region_en": f" ({region_en})" if region_en else "",
        "signatures": "、".join(signatures) if signatures else "（没有签名 / none）",
    }
    facts_en = {
        **facts,
        "institution": info.institution_en or info.institution or "",
        "signatures": ", ".join(signatures) if signatures else "(none)",
    }
    return facts, facts_en


def _fill(template: str, facts: Mapping[str, str]) -> str:
    return template.format_map(_Missing(facts))


class _Missing(dict[str, str]):
    """``format_map`` helper: an unknown placeholder stays visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _official_answer(
    info: SenderInfo, facts: Mapping[str, str], facts_en: Mapping[str, str]
) -> Answer:
    table: dict[str, Any] = verdict_texts()["official"]
    if info.is_official_institution:
        key = "public_body" if info.institution_role in _PUBLIC_ROLES else "institution"
    else:
        key = info.kind if info.kind in table else "unknown"
    row = table[key]
    return Answer(row["code"], _fill(row["zh"], facts), _fill(row["en"], facts_en))


def _specifics_answer(signals: list[str]) -> Answer:
    texts = verdict_texts()
    labels = texts["labels"]["signals"]
    sep_zh, sep_en = texts["labels"]["list_separator_zh"], texts["labels"]["list_separator_en"]
    present = [s for s in SIGNALS if s in signals]
    missing = [s for s in SIGNALS if s not in signals]
    # The seed article's test: a contract number, the amount and an official account are what a
    # genuine notice carries; one or two of them is "partly".
    key = "none" if not present else ("all" if len(present) >= len(SIGNALS) - 1 else "some")
    row = texts["specifics"][key]
    facts = {
        "present": sep_zh.join(labels[s]["zh"] for s in present),
        "missing": sep_zh.join(labels[s]["zh"] for s in missing),
    }
    facts_en = {
        "present": sep_en.join(labels[s]["en"] for s in present),
        "missing": sep_en.join(labels[s]["en"] for s in missing),
    }
    return Answer(row["code"], _fill(row["zh"], facts), _fill(row["en"], facts_en))


def _abuse_answer(categories: list[str]) -> Answer:
    texts = verdict_texts()
    if not categories:
        row = texts["abuse"]["no"]
        return Answer(row["code"], row["zh"], row["en"])
    labels = texts["labels"]["categories"]
    row = texts["abuse"]["yes"]
    zh = texts["labels"]["list_separator_zh"].join(labels[c]["zh"] for c in categories)
    en = texts["labels"]["list_separator_en"].join(labels[c]["en"] for c in categories)
    return Answer(
        row["code"], _fill(row["zh"], {"categories": zh}), _fill(row["en"], {"categories": en})
    )


def _channels(
    analyses: Sequence[Analysis],
    case_findings: list[str],
    categories: list[str],
    lender_type: str | None,
    urgent: bool,
) -> list[str]:
    """Where to complain, most serious behaviour first; 110 leads when safety is at stake."""
    table = behaviours()
    codes = {f.behaviour for a in analyses for f in a.findings if f.behaviour}
    codes |= {_CASE_BEHAVIOURS[c] for c in case_findings}
    ordered = sorted(codes, key=lambda c: (_SEVERITY_RANK.get(table[c].severity, 9), c))
    result: list[str] = []
    if urgent or {"intimidation", "visit_threat"} & set(categories):
        result.append("110")
    if "impersonation" in categories or "false_legal_claim" in categories:
        result.append("12368")
    for code in ordered:
        for channel in table[code].channels:
            if channel not in result:
                result.append(channel)
    if lender_type == "small_loan":
        result = [c for c in result if c != "12378"]
        if result and "local-financial-regulator" not in result:
            result.append("local-financial-regulator")
    elif lender_type in {"bank", "consumer_finance"}:
        result = [c for c in result if c != "local-financial-regulator"]
    return result
