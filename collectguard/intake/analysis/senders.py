"""Who is sending this? Classify a sender number the way legal/reference.md §3 describes.

``phonenumbers`` answers what it knows (mobile vs landline, carrier, region, international); the
China-specific rules it lacks — 95/96 service numbers, 106 SMS ports, 400/800, carrier and
government short codes, virtual-operator and IoT ranges — come from ``prefixes.json``, and known
official numbers from ``institutions.json``. A prefix is a hint, never proof: numbers move between
carriers and caller IDs can be spoofed, which the verdict always says.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from types import ModuleType

import phonenumbers

from collectguard.legal.reference import Institution, institution_for_number, prefixes

SENDER_KINDS: tuple[str, ...] = (
    "service_number",
    "sms_platform",
    "mobile",
    "virtual_mobile",
    "landline",
    "toll_free",
    "short_code",
    "international",
    "iot",
    "unknown",
)

# Written between digits by phones, people and spreadsheets: spaces, dashes, dots, brackets.
_NOISE = re.compile(r"[\s\-().\u00a0/\\]+")
_MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")
# After +86: numbers that are already in national form (mobiles, 1xxxx codes, 95/96, 400/800).
_NATIONAL_AS_IS = re.compile(r"1\d*|9[56]\d+|[48]00\d{7}|0\d+")
_LANDLINE_WITHOUT_ZERO = re.compile(r"[2-9]\d{8,10}")
# Region names too vague to be worth showing.
_VAGUE_REGIONS = frozenset({"", "中国"})


@dataclass(frozen=True, slots=True)
class SenderInfo:
    raw: str
    number: str
    kind: str
    carrier: str | None = None
    region: str | None = None
    is_official_institution: bool = False
    institution: str | None = None
    institution_type: str | None = None
    institution_role: str | None = None
    e164: str | None = None
    prefix_rule: str | None = None
    label_zh: str = "无法识别的号码"
    label_en: str = "Unrecognised number"
    note_zh: str = ""
    note_en: str = ""
    confidence: str | None = None


def normalize_number(raw: str) -> str:
    """The key under which one sender's messages and calls are grouped.

    Mainland numbers come back in national form (so ``+8613612345678`` and ``13612345678`` are
    one sender), other countries as ``+<digits>``, short codes as they are.

    >>> normalize_number("+86 136-1234-5678"), normalize_number("0086 13612345678")
    ('13612345678', '13612345678')
    >>> normalize_number("8613612345678"), normalize_number("95588")
    ('13612345678', '95588')
    >>> normalize_number("+852 1234 5678")
    '+85212345678'
    >>> normalize_number("+86 20 1234 5678")
    '02012345678'
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if text.lower().startswith("tel:"):
        text = text[4:]
    text = _NOISE.sub("", text)
    if text.startswith("+"):
        digits, international = text[1:], True
    elif text.startswith("00") and len(text) > 4:
        digits, international = text[2:], True
    else:
        digits, international = text, False
    if not digits.isdigit():
        return text
    if international:
        if digits.startswith("86"):
            return _mainland_national(digits[2:])
        return "+" + digits
    if len(digits) == 13 and digits.startswith("86") and _MAINLAND_MOBILE.fullmatch(digits[2:]):
        return digits[2:]
    return digits


def _mainland_national(rest: str) -> str:
    """National form of what followed +86: landlines get back their trunk 0."""
    if _NATIONAL_AS_IS.fullmatch(rest):
        return rest
    if _LANDLINE_WITHOUT_ZERO.fullmatch(rest):
        return "0" + rest
    return rest


# Keyed on the number as written (+86 136…, 136-…); a few MB at most.
@lru_cache(maxsize=16384)
def classify_sender(raw: str) -> SenderInfo:
    """Classify one sender number (``kind`` is one of ``SENDER_KINDS``).

    >>> classify_sender("95588").kind, classify_sender("95588").institution
    ('service_number', '中国工商银行')
    >>> classify_sender("+86 170 1234 9999").kind
    'virtual_mobile'
    >>> classify_sender("+86 170 1234 9999").raw
    '+86 170 1234 9999'
    """
    number = normalize_number(raw)
    info = _classify_number(number)
    return info if raw == number else replace(info, raw=raw)


# Keyed on the normalised number, so +8613612345678 and 13612345678 share one entry. A miss costs
# ~0.1 ms (phonenumbers parses the number and looks up carrier and region); a phone backup has a
# few thousand senders at most, which this holds (a few MB).
@lru_cache(maxsize=32768)
def _classify_number(number: str) -> SenderInfo:
    if not number or number == "+":
        return SenderInfo(raw=number, number=number, kind="unknown")
    if number.startswith("+"):
        return _international(number, number)
    if not number.isdigit():
        return SenderInfo(raw=number, number=number, kind="unknown")

    rule = next((r for r in prefixes() if r.regex.match(number)), None)
    institution = institution_for_number(number)
    if rule is None:
        info = SenderInfo(raw=number, number=number, kind="unknown")
    else:
        info = SenderInfo(
            raw=number,
            number=number,
            kind=rule.kind,
            carrier=rule.carrier,
            prefix_rule=rule.id,
            label_zh=rule.label_zh,
            label_en=rule.label_en,
            note_zh=rule.note_zh,
            note_en=rule.note_en,
            confidence=rule.confidence,
        )
    if info.kind in {"mobile", "virtual_mobile", "landline"}:
        info = _with_library_facts(info)
    if institution is not None:
        info = _with_institution(info, institution)
    return info


@cache
def _library() -> tuple[ModuleType, ModuleType]:
    """phonenumbers' carrier and geocoder modules, imported on first use.

    The geocoder holds ~19 MB of prefix data: importing it takes seconds (tens of seconds without
    cached bytecode), so processes that never classify a mobile or landline never pay for it.
    """
    from phonenumbers import carrier, geocoder

    return carrier, geocoder


def _with_library_facts(info: SenderInfo) -> SenderInfo:
    """Carrier and region from phonenumbers, where it knows them."""
    try:
        parsed = phonenumbers.parse(info.number, "CN")
    except phonenumbers.NumberParseException:
        return info
    pn_carrier, pn_geocoder = _library()
    carrier = info.carrier or pn_carrier.name_for_number(parsed, "zh") or None
    region = pn_geocoder.description_for_number(parsed, "zh")
    return replace(
        info,
        carrier=carrier,
        region=None if region in _VAGUE_REGIONS else region,
        e164=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
    )


def _with_institution(info: SenderInfo, institution: Institution) -> SenderInfo:
    return replace(
        info,
        is_official_institution=True,
        institution=institution.name,
        institution_type=institution.type,
        institution_role=institution.role,
        label_zh=f"{institution.name}（官方号码）",
        label_en=f"{institution.name} (official number)",
        confidence=institution.confidence,
    )


def _international(raw: str, number: str) -> SenderInfo:
    region: str | None = None
    carrier: str | None = None
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None:
        pn_carrier, pn_geocoder = _library()
        region = pn_geocoder.country_name_for_number(parsed, "zh") or None
        carrier = pn_carrier.name_for_number(parsed, "zh") or None
    return SenderInfo(
        raw=raw,
        number=number,
        kind="international",
        carrier=carrier,
        region=region,
        e164=number,
        label_zh=f"境外号码（{region}）" if region else "境外号码",
        label_en="International number",
        note_zh="运营商必须显示国际来电的国家或地区。自称国内贷款机构却用境外号码联系，诈骗风险很高。",
        note_en=(
            "Carriers must show the country of international calls. A 'domestic lender' "
            "contacting you from abroad is a strong fraud signal."
        ),
        confidence="High",
    )
