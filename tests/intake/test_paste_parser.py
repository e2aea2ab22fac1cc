"""Splitting pasted text into messages: the copy formats people actually paste."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from collectguard.intake.paste import parse_pasted

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 10, 12, 0, tzinfo=SHANGHAI)


def _rows(text: str, **kwargs: object) -> list[tuple[str, str | None, str]]:
    result = parse_pasted(text, now=NOW, **kwargs)  # type: ignore[arg-type]
    assert not result.problems, result.problems
    return [
        (m.sender, m.received_at.strftime("%Y-%m-%d %H:%M") if m.received_at else None, m.body)
        for m in result.messages
    ]


def test_sender_time_and_text_on_one_line() -> None:
    assert _rows("13612345678 2026-06-01 23:40 今天不还，明天就打电话给你老板。") == [
        ("13612345678", "2026-06-01 23:40", "今天不还，明天就打电话给你老板。")
    ]


def test_time_before_sender_in_brackets() -> None:
    assert _rows("[2026-06-01 23:40] 13612345678: 你好") == [
        ("13612345678", "2026-06-01 23:40", "你好")
    ]


def test_bare_messages_take_the_forms_sender_and_time() -> None:
    default = datetime(2026, 6, 2, 9, 30, tzinfo=SHANGHAI)
    rows = _rows(
        "【农业银行】您尾号3310的信用卡已逾期\n【XX消费金融】您的借款已逾期8天",
        default_sender="95599",
        default_time=default,
    )
    assert rows == [
        ("95599", "2026-06-02 09:30", "【农业银行】您尾号3310的信用卡已逾期"),
        ("95599", "2026-06-02 09:30", "【XX消费金融】您的借款已逾期8天"),
    ]


def test_label_lines_make_one_message_each() -> None:
    text = (
        "发件人: 13612345678\n时间: 2026-06-01 23:40\n内容: 今天不还\n"
        "发件人：+86 136 1234 5678\n时间：2026年6月2日 凌晨0:05\n内容：别装死"
    )
    assert _rows(text) == [
        ("13612345678", "2026-06-01 23:40", "今天不还"),
        ("+86 136 1234 5678", "2026-06-02 00:05", "别装死"),
    ]


def test_a_time_line_starts_a_message_and_the_next_lines_belong_to_it() -> None:
    text = "2026/6/1 23:40\n今天不还\n2026/6/2 00:05\n别装死，回电话。\n第二行"
    assert _rows(text) == [
        ("", "2026-06-01 23:40", "今天不还"),
        ("", "2026-06-02 00:05", "别装死，回电话。\n第二行"),
    ]


def test_sender_line_and_time_line_combine() -> None:
    assert _rows("13612345678\n6月1日 晚上11:40\n今天不还") == [
        ("13612345678", "2026-06-01 23:40", "今天不还")
    ]


def test_blank_lines_separate_multi_line_messages() -> None:
    assert _rows("第一条\n第一条第二行\n\n第二条") == [
        ("", None, "第一条\n第一条第二行"),
        ("", None, "第二条"),
    ]


def test_without_blank_lines_every_line_is_a_message() -> None:
    assert [body for _s, _t, body in _rows("一\n二\n三")] == ["一", "二", "三"]


def test_a_clock_time_later_than_now_means_yesterday() -> None:
    assert _rows("23:40\n深夜短信") == [("", "2026-06-09 23:40", "深夜短信")]


def test_numbers_at_the_start_of_a_sentence_are_not_senders_or_times() -> None:
    assert _rows("6.5元 请今天还\n10:00 前必须还款\n3500元今天到账") == [
        ("", None, "6.5元 请今天还"),
        ("", None, "10:00 前必须还款"),
        ("", None, "3500元今天到账"),
    ]


def test_an_impossible_date_is_a_problem_with_its_line() -> None:
    result = parse_pasted("你好\n13612345678 2026-02-30 10:00 x", now=NOW)
    assert [p.line for p in result.problems] == [2]
    assert "2026-02-30" in result.problems[0].message


def test_a_future_time_is_a_problem() -> None:
    result = parse_pasted("2027-06-01 10:00 未来的短信", now=NOW)
    assert result.messages == []
    assert "2027-06-01 10:00" in result.problems[0].message


def test_emoji_long_bodies_and_other_languages_are_kept_exactly() -> None:
    long_body = "还" * 10_000
    text = f"半夜也不睡？😠 明天继续\n\nPay now or we call your boss. 😡\n\n{long_body}"
    bodies = [body for _s, _t, body in _rows(text)]
    assert bodies == ["半夜也不睡？😠 明天继续", "Pay now or we call your boss. 😡", long_body]


def test_empty_text_gives_nothing() -> None:
    result = parse_pasted("  \n\n ", now=NOW)
    assert result.messages == [] and result.problems == []
