"""Property tests: the analyser survives any text and its spans always fit the message."""

from __future__ import annotations

import importlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collectguard.intake.analysis import CATEGORIES, SIGNALS, analyze
from collectguard.intake.analysis.normalize import normalize
from collectguard.legal.reference import rules_data

normalize_module = importlib.import_module("collectguard.intake.analysis.normalize")

# Pieces collectors actually use, so generated text reaches the interesting code paths.
PIECES = st.sampled_from(
    [
        "通",
        "讯",
        "录",
        "家人",
        "jia",
        "tong",
        "xun",
        "lu",
        "人",
        "你",
        "不会",
        "请勿",
        "联系",
        "上门",
        "老赖",
        "黑名单",
        "个人账户",
        "【XX银行】",
        "元",
        "3,500",
        "，",
        "。",
        " ",
        "-",
        "*",
        "\u200b",
        "😀",
        "\ud83d",
        "\ude20",
        "Ａ",
        "訊",
        "錄",
        "①",
        "㎡",
        "\n",
        "!",
        "?",
        "、",
    ]
)
MESSAGES = st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=80).map("".join))


@settings(max_examples=300, deadline=None)
@given(MESSAGES)
def test_analyze_never_raises_and_spans_stay_in_bounds(body: str) -> None:
    result = analyze(body)
    assert set(result.categories) <= set(CATEGORIES)
    assert set(result.signals) <= set(SIGNALS)
    for finding in result.findings:
        assert 0 <= finding.start <= finding.end <= len(body)
        assert finding.matched_text == body[finding.start : finding.end]


@settings(max_examples=300, deadline=None)
@given(MESSAGES)
def test_every_normalised_character_maps_into_the_original(body: str) -> None:
    normalized = normalize(body)
    assert len(normalized.starts) == len(normalized.ends) == len(normalized.text)
    for start, end in zip(normalized.starts, normalized.ends, strict=True):
        assert 0 <= start < end <= len(body)
    assert list(normalized.starts) == sorted(normalized.starts)


def plain_alternation(variants: list[str], *, latin: bool) -> re.Pattern[str]:
    """What ``_class_led`` stands for, written as the plain alternation it replaces."""
    cjk, never = normalize_module._CJK_CLASS, normalize_module._NEVER_FILLER
    branches = [
        f"[^{cjk}{never}](?<=[{cjk}].)",
        normalize_module._SOFT_HINT.pattern,
        *(re.escape(spelling) for spelling in variants),
    ]
    return re.compile("|".join([*branches, "[a-z]+"] if latin else branches))


VARIANTS = list(rules_data()["normalization"]["variants"])
SCAN_PIECES = st.sampled_from(
    [
        *VARIANTS,
        *(v[:1] for v in VARIANTS),
        *(v[1:] for v in VARIANTS),
        *"通讯家人你a Z09,、;:!?。()【】@-*._'\u200b😀\n",
        *("\u3400", "\uf900", "\U00020001", "\U0003fffd", "\U00040000", "é", "ｊ"),
    ]
)
SCAN_TEXTS = st.one_of(st.text(max_size=40), st.lists(SCAN_PIECES, max_size=12).map("".join))


@settings(max_examples=500, deadline=None)
@given(SCAN_TEXTS)
def test_the_class_led_scans_match_exactly_where_their_alternations_do(text: str) -> None:
    tables = normalize_module._tables()
    for scan, latin in ((tables.hint, False), (tables.quick, True)):
        expected = plain_alternation(VARIANTS, latin=latin).search(text) is not None
        assert (scan.search(text) is not None) == expected


# Characters whose blocks a fresh form table has not learned (Hangul, extension A, Yi, emoji,
# mathematical letters), characters that vanish (zero-width, variation selector) and characters
# that expand (㎡, …, ¼), mixed so that a vanishing one can cancel out an expanding or unlearned
# one in the length of the translation.
FORM_PIECES = st.sampled_from(
    [
        *"가힣ㄱ㐀䶵ꀀ\u200b\ufe0f\u00ad㎡…¼ﬁ①Ａ訊通讯录家人 ,。",
        *("😀", "\U0001d423", "\U0001d422", "\U0002000b", "\U0002f800", "jia", "tong"),
    ]
)


@pytest.fixture(scope="module")
def learned_forms() -> object:
    forms = normalize_module._FormTable()
    forms.learn("".join(map(chr, range(1, 0xD800))) + "".join(map(chr, range(0xE000, 0x10000))))
    forms.learn("😀\U0001d423\U0002000b\U0002f800")
    return forms


@settings(max_examples=200, deadline=None)
@given(st.lists(FORM_PIECES, max_size=10).map("".join))
def test_a_fresh_form_table_normalises_like_one_that_knows_every_block(
    learned_forms: object, text: str
) -> None:
    # Blocks are learned when a text's length or the ``attention`` scan gives them away; a text
    # read before its blocks were learned must come out exactly as with them learned.
    fresh = normalize_module._FormTable()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(normalize_module, "_forms", lambda: fresh)
        lazily = normalize_module.normalize_for_matching(text)
        patch.setattr(normalize_module, "_forms", lambda: learned_forms)
        assert lazily == normalize_module.normalize_for_matching(text)
