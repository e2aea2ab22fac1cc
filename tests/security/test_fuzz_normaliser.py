"""Fuzz of the message normaliser, the analyser and the paste parser (issue #7).

Any text a collector or a borrower can produce — lone surrogates, control characters, stacked
combining marks, direction overrides, full-width and traditional forms, pinyin — gets an answer,
never an exception, and every index the normaliser reports points into the original text.
(tests/intake/test_analysis_properties.py fuzzes `normalize` and `analyze(body)`; these add the
index-map contract of `normalize_for_matching`, senders and times, and the paste parser.)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collectguard.intake.analysis import CATEGORIES, analyze
from collectguard.intake.analysis.normalize import normalize, normalize_for_matching
from collectguard.intake.paste import MAX_PASTE_CHARS, parse_pasted

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Every code point, surrogates (Cs) and unassigned ones included.
ANY_CHAR = st.characters(codec=None, categories=None)
NASTY = st.sampled_from(
    [
        "\ud83d",  # lone high surrogate (a phone backup's half emoji)
        "\ude0e",  # lone low surrogate
        "\x00",
        "\x1b",
        "\x7f",
        "\u0301",  # combining acute
        "\u0489",  # combining cyrillic millions sign
        "\u20dd",  # combining enclosing circle
        "\u202e",  # right-to-left override
        "\u2066",
        "\u200b",
        "\ufeff",
        "\ufffd",
        "\U000e0001",  # language tag
        "\U0010ffff",
        "ﬃ",  # NFKC expands to three letters
        "㍿",  # NFKC expands to four characters
        "ẞ",
        "İ",  # lower() gives two code points
        "通",
        "訊",
        "錄",
        "tong",
        "xun",
        "lu",
        "jia",
        "ren",
        " ",
        "-",
        "、",
        ",",
        "\n",
        "\r",
        "13800000000",
        "2026-06-01 23:40",
        "【某某银行】",
        "<script>alert(1)</script>",
    ]
)
TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=200),
    st.lists(st.one_of(NASTY, ANY_CHAR), max_size=60).map("".join),
)
WHEN = st.one_of(
    st.none(),
    st.datetimes(
        min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
)


@FUZZ
@given(TEXT)
def test_the_index_maps_stay_inside_the_original(text: str) -> None:
    chars, starts, ends = normalize_for_matching(text)
    assert isinstance(chars, str)
    assert (starts is None) == (ends is None)
    if starts is None or ends is None:
        # The identity map: one character of the result per character of the original.
        assert len(chars) == len(text)
        return
    assert len(starts) == len(ends) == len(chars)
    for start, end in zip(starts, ends, strict=True):
        assert 0 <= start < end <= len(text)
    assert starts == sorted(starts)
    # `normalize` is the same text with the maps as tuples.
    normalized = normalize(text)
    assert normalized.text == chars
    assert list(normalized.starts) == starts


@FUZZ
@given(TEXT, st.integers(min_value=-5, max_value=250), st.integers(min_value=-5, max_value=250))
def test_any_span_of_the_normalised_text_maps_back_inside_the_original(
    text: str, start: int, end: int
) -> None:
    normalized = normalize(text)
    start = max(0, min(start, len(normalized.text)))
    end = max(0, min(end, len(normalized.text)))
    left, right = normalized.span(start, end)
    assert 0 <= left <= right <= len(text)


@FUZZ
@given(TEXT, st.one_of(TEXT, NASTY), WHEN)
def test_analyze_answers_any_message_from_any_sender_at_any_time(
    body: str, sender: str, received_at: datetime | None
) -> None:
    result = analyze(body, sender=sender, received_at=received_at)
    assert set(result.categories) <= set(CATEGORIES)
    for finding in result.findings:
        assert 0 <= finding.start <= finding.end <= len(body)
        assert finding.matched_text == body[finding.start : finding.end]


PASTE = st.lists(
    st.one_of(
        TEXT,
        st.sampled_from(["", "\n", "\n\n", "23:40", "昨天 晚上11:40", "2026年13月40日 25:61"]),
    ),
    max_size=12,
).map("\n".join)
NOW = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)


@FUZZ
@given(PASTE, st.one_of(TEXT, NASTY), WHEN)
def test_the_paste_parser_answers_any_text(
    text: str, default_sender: str, default_time: datetime | None
) -> None:
    result = parse_pasted(text, default_sender=default_sender, default_time=default_time, now=NOW)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for message in result.messages:
        assert 1 <= message.line <= len(lines)
        assert isinstance(message.body, str) and isinstance(message.sender, str)
        if message.received_at is not None:
            assert message.received_at.tzinfo is not None
            assert message.received_at <= NOW + timedelta(days=1)
    for problem in result.problems:
        assert 1 <= problem.line <= len(lines)
        assert str(problem.message)


def test_a_paste_over_the_limit_is_a_problem_not_an_exception() -> None:
    result = parse_pasted("长" * (MAX_PASTE_CHARS + 1), now=NOW)
    assert result.messages == []
    assert [p.line for p in result.problems] == [1]


@FUZZ
@given(st.text(ANY_CHAR, min_size=1, max_size=5).map(lambda piece: piece * 2000))
def test_long_repetitive_messages_are_answered(body: str) -> None:
    """10,000-character bodies of one repeated piece (what a regex blow-up would feed on)."""
    result = analyze(body[:10_000])
    for finding in result.findings:
        assert 0 <= finding.start <= finding.end <= len(body[:10_000])
