"""Property tests: the analyser survives any text and its spans always fit the message."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from collectguard.intake.analysis import CATEGORIES, SIGNALS, analyze
from collectguard.intake.analysis.normalize import normalize

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
