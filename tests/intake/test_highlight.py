"""Highlighting findings: every piece escaped, spans clipped, overlaps split."""

from __future__ import annotations

from collectguard.intake.highlight import highlight


def test_user_text_is_escaped_around_and_inside_marks() -> None:
    body = "<img src=x onerror=alert(1)>老赖</b>"
    html = str(highlight(body, [{"category": "insult", "start": 28, "end": 30}]))
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert '<mark class="cat-insult" title="辱骂、侮辱">老赖</mark>&lt;/b&gt;' in html


def test_overlapping_findings_split_and_the_most_serious_colour_wins() -> None:
    body = "明天上门找你家人"
    html = str(
        highlight(
            body,
            [
                {"category": "visit_threat", "start": 2, "end": 4},
                {"category": "third_party", "start": 2, "end": 8},
            ],
        )
    )
    assert html == (
        '明天<mark class="cat-visit_threat" title="威胁上门、联系或威胁联系家人、同事等第三人">'
        "上门</mark>"
        '<mark class="cat-third_party" title="联系或威胁联系家人、同事等第三人">找你家人</mark>'
    )


def test_bad_spans_are_ignored() -> None:
    body = "你好"
    assert str(highlight(body, [{"category": "insult", "start": 5, "end": 9}])) == "你好"
    assert str(highlight(body, [{"category": "insult"}])) == "你好"
    assert str(highlight(body, [{"category": "insult", "start": -3, "end": 1}])) == (
        '<mark class="cat-insult" title="辱骂、侮辱">你</mark>好'
    )


def test_emoji_keep_their_place() -> None:
    body = "😠老赖😠"
    html = str(highlight(body, [{"category": "insult", "start": 1, "end": 3}]))
    assert html == '😠<mark class="cat-insult" title="辱骂、侮辱">老赖</mark>😠'
