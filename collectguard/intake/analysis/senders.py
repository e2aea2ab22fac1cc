"""Who is sending this? Classify a sender number the way legal/reference.md §3 describes.

The kind of a number (mobile, landline, 95/96 service number, 106 SMS port, 400/800, carrier and
government short codes, virtual-operator and IoT ranges, international) comes from the prefix
rules of ``prefixes.json`` and known official numbers from ``institutions.json``: cheap enough to
classify every sender of a 100,000-message phone backup. A prefix is a hint, never proof: numbers
move between carriers and caller IDs can be spoofed, which the verdict always says.

Carrier, region and E.164 form come from ``phonenumbers`` and are looked up only when something
reads them (a page showing a sender, a verdict naming the region): its carrier and geocoder data
take seconds and ~100 MB to load and about a millisecond per number, which an import that only
needs the kind must not pay. They are looked up in Chinese, or in English when the active Django
language is English (``SenderInfo.carrier`` and ``region`` follow the page's language).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields, replace
from functools import cache, lru_cache
from operator import attrgetter
from types import ModuleType
from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured

from collectguard.legal.reference import (
    PrefixRule,
    institution_for_number,
    institutions,
    prefixes,
)

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
# Beijing (area code 10) after +86: 10 and an eight-digit local number.
_BEIJING_LANDLINE = re.compile(r"10[2-9]\d{7}")
# Region names too vague to be worth showing.
_VAGUE_REGIONS = frozenset({"", "中国", "China"})
#: Languages the carrier and region are looked up in: the source language and English.
FACT_LANGUAGES: tuple[str, ...] = ("zh", "en")
# How prefixes.json marks a carrier as the host network of virtual operators.
_VIRTUAL_SUFFIX = "（虚拟运营商）"


class LibraryFacts(NamedTuple):
    """What ``phonenumbers`` knows about a number beyond its kind."""

    carrier: str | None = None
    region: str | None = None
    e164: str | None = None


_NO_FACTS = LibraryFacts()
# Kinds whose carrier and region phonenumbers knows (for international: the country).
_LIBRARY_KINDS = frozenset({"mobile", "virtual_mobile", "landline", "international"})


@dataclass(frozen=True, slots=True)
class SenderInfo:
    """A classified sender. ``carrier``, ``region``, ``e164`` and an international number's
    ``label_zh`` are looked up in ``phonenumbers`` on first access (see the module docstring);
    ``prefix_carrier`` is the host network named by the prefix rule, if any."""

    raw: str
    number: str
    kind: str
    prefix_carrier: str | None = None
    is_official_institution: bool = False
    institution: str | None = None
    institution_type: str | None = None
    institution_role: str | None = None
    prefix_rule: str | None = None
    rule_label_zh: str = "无法识别的号码"
    label_en: str = "Unrecognised number"
    note_zh: str = ""
    note_en: str = ""
    confidence: str | None = None

    @property
    def facts(self) -> LibraryFacts:
        """Carrier, region and E.164 form from phonenumbers, in the active language (cached per
        number and language)."""
        return self.facts_in(display_language())

    def facts_in(self, language: str) -> LibraryFacts:
        """`facts` in ``language`` (one of ``FACT_LANGUAGES``)."""
        if self.kind not in _LIBRARY_KINDS:
            return _NO_FACTS
        return library_facts(self.number, self.kind, language)

    @property
    def carrier(self) -> str | None:
        """The carrier in the active language (see `carrier_in`)."""
        return self.carrier_in(display_language())

    def carrier_in(self, language: str) -> str | None:
        """The carrier: the prefix rule's host network if it names one, else phonenumbers'."""
        if self.kind == "international":
            return self.facts_in(language).carrier
        if self.prefix_carrier and language != "zh":
            return carrier_name_en(self.prefix_carrier) or self.facts_in(language).carrier
        return self.prefix_carrier or self.facts_in(language).carrier

    @property
    def region(self) -> str | None:
        """The region (or, for an international number, the country) in the active language."""
        return self.region_in(display_language())

    def region_in(self, language: str) -> str | None:
        return self.facts_in(language).region

    @property
    def e164(self) -> str | None:
        return self.facts_in("zh").e164

    @property
    def institution_en(self) -> str | None:
        """The English name of the official institution, where the data has one."""
        if not self.is_official_institution:
            return None
        row = institution_for_number(self.number)
        return (row.name_en or None) if row is not None else None

    @property
    def label_zh(self) -> str:
        if self.kind == "international":
            region = self.region_in("zh")
            return f"境外号码（{region}）" if region else "境外号码"
        return self.rule_label_zh


# Every field of a ``SenderInfo`` but ``raw``, in order (see ``classify_sender``).
_AFTER_RAW = attrgetter(*(f.name for f in fields(SenderInfo)[1:]))


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
    if raw and raw.isascii() and raw.isdigit() and not raw.startswith("00"):
        # Plain digits (what phone backups mostly hold): nothing below would change them but the
        # 86 prefix check, and NFKC and the noise scan cost most of the time of a first sight.
        if len(raw) == 13 and raw.startswith("86") and _MAINLAND_MOBILE.fullmatch(raw[2:]):
            return raw[2:]
        return raw
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
    """National form of what followed +86: landlines get back their trunk 0.

    Beijing's area code is 10, so +86 10 and an eight-digit number is a landline (010…), not a
    106 platform, which is not written after +86 and runs longer.

    >>> _mainland_national("1065128873"), _mainland_national("2012345678")
    ('01065128873', '02012345678')
    >>> _mainland_national("10690001234567"), _mainland_national("13612345678")
    ('10690001234567', '13612345678')
    """
    if _BEIJING_LANDLINE.fullmatch(rest):
        return "0" + rest
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
    # ``replace(info, raw=raw)``, positionally (``replace`` goes through ``fields`` and keywords).
    return info if raw == number else SenderInfo(raw, *_AFTER_RAW(info))


# Keyed on the normalised number, so +8613612345678 and 13612345678 share one entry. A miss costs
# a few microseconds (prefix rules and the institution table); a phone backup has a few thousand
# senders at most, which this holds (a few MB).
@lru_cache(maxsize=32768)
def _classify_number(number: str) -> SenderInfo:
    if not number or number == "+":
        return SenderInfo(raw=number, number=number, kind="unknown")
    if number.startswith("+"):
        return _international(number)
    if not number.isdigit():
        return SenderInfo(raw=number, number=number, kind="unknown")

    rule = _prefix_rule(number)
    institution = institution_for_number(number)
    if rule is None:
        info = SenderInfo(raw=number, number=number, kind="unknown")
    else:
        info = SenderInfo(
            raw=number,
            number=number,
            kind=rule.kind,
            prefix_carrier=rule.carrier,
            prefix_rule=rule.id,
            rule_label_zh=rule.label_zh,
            label_en=rule.label_en,
            note_zh=rule.note_zh,
            note_en=rule.note_en,
            confidence=rule.confidence,
        )
    if institution is not None:
        info = replace(
            info,
            is_official_institution=True,
            institution=institution.name,
            institution_type=institution.type,
            institution_role=institution.role,
            rule_label_zh=f"{institution.name}（官方号码）",
            label_en=f"{institution.name} (official number)",
            confidence=institution.confidence,
        )
    return info


@cache
def _prefix_matcher() -> re.Pattern[str] | None:
    """All prefix rules as one alternation, tried in the data's order like a scan of the rules
    (the first alternative that matches wins), in one regex call instead of up to 27."""
    rules = prefixes()
    if any(rule.regex.flags != re.UNICODE for rule in rules):
        return None
    return re.compile("|".join(f"(?P<r{i}>{rule.regex.pattern})" for i, rule in enumerate(rules)))


def _prefix_rule(number: str) -> PrefixRule | None:
    """The first rule of ``prefixes.json`` whose pattern matches ``number``."""
    rules = prefixes()
    matcher = _prefix_matcher()
    if matcher is None:
        return next((r for r in rules if r.regex.match(number)), None)
    match = matcher.match(number)
    if match is None or match.lastgroup is None:
        return None
    # The outer group of the alternative that matched closes last, so it is ``lastgroup``.
    return rules[int(match.lastgroup[1:])]


@cache
def _library() -> tuple[ModuleType, ModuleType]:
    """phonenumbers' carrier and geocoder modules, imported on first use.

    The geocoder holds ~40 MB of prefix data: importing it takes seconds (tens of seconds without
    cached bytecode) and ~100 MB of memory, so processes that never show a carrier or region
    (an import, ``analyze_messages``) never pay for it.
    """
    from phonenumbers import carrier, geocoder

    return carrier, geocoder


def display_language() -> str:
    """``"en"`` when the active Django language is English, else ``"zh"`` (also outside Django)."""
    try:
        from django.utils.translation import get_language

        language = get_language()
    except ImproperlyConfigured:  # plain scripts and doctests without settings
        return "zh"
    return "en" if (language or "").lower().startswith("en") else "zh"


@cache
def _carrier_names_en() -> dict[str, str]:
    """English names of the carriers, from the carriers' own rows of ``institutions.json``."""
    return {row.name: row.name_en for row in institutions().values() if row.role == "carrier"}


def carrier_name_en(name: str) -> str | None:
    """The English name of a carrier as ``prefixes.json`` writes it; ``None`` if unknown.

    >>> carrier_name_en("中国移动"), carrier_name_en("中国电信（虚拟运营商）")
    ('China Mobile', 'China Telecom (virtual operator)')
    """
    base = name.removesuffix(_VIRTUAL_SUFFIX)
    english = _carrier_names_en().get(base)
    if english is None:
        return None
    return f"{english} (virtual operator)" if base != name else english


@lru_cache(maxsize=32768)
def library_facts(number: str, kind: str, language: str = "zh") -> LibraryFacts:
    """Carrier, region and E.164 form of a classified number, where phonenumbers knows them.

    ``kind`` is the number's kind from `classify_sender`: an international number is parsed as
    written (+<country>…), a mainland mobile or landline in China's numbering plan. ``language``
    is ``"zh"`` or ``"en"``: each language has its own cache entry.
    """
    import phonenumbers

    if kind == "international":
        try:
            parsed = phonenumbers.parse(number, None)
        except phonenumbers.NumberParseException:
            return LibraryFacts(e164=number)
        pn_carrier, pn_geocoder = _library()
        return LibraryFacts(
            carrier=pn_carrier.name_for_number(parsed, language) or None,
            region=pn_geocoder.country_name_for_number(parsed, language) or None,
            e164=number,
        )
    try:
        parsed = phonenumbers.parse(number, "CN")
    except phonenumbers.NumberParseException:
        return _NO_FACTS
    pn_carrier, pn_geocoder = _library()
    region = pn_geocoder.description_for_number(parsed, language)
    return LibraryFacts(
        carrier=pn_carrier.name_for_number(parsed, language) or None,
        region=None if region in _VAGUE_REGIONS else region,
        e164=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
    )


def _international(number: str) -> SenderInfo:
    return SenderInfo(
        raw=number,
        number=number,
        kind="international",
        label_en="International number",
        note_zh="运营商必须显示国际来电的国家或地区。自称国内贷款机构却用境外号码联系，诈骗风险很高。",
        note_en=(
            "Carriers must show the country of international calls. A 'domestic lender' "
            "contacting you from abroad is a strong fraud signal."
        ),
        confidence="High",
    )
