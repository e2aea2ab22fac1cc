"""The speed-ups change nothing: prefilter, normalisation fast paths and the result cache.

Each shortcut is checked against the slow path it skips, on every labelled message we have and
on generated text made of the words the rules look for.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collectguard.intake.analysis import (
    Analysis,
    Finding,
    analyze,
    classify_sender,
    normalize_number,
    result_cache,
)
from collectguard.intake.analysis.findings import (
    _compiled,
    _core,
    _necessary_clauses,
    analysis_json,
)
from collectguard.intake.analysis.normalize import normalize_for_matching
from collectguard.legal.reference import rules_data

normalize_module = importlib.import_module("collectguard.intake.analysis.normalize")
findings_module = importlib.import_module("collectguard.intake.analysis.findings")

DATA = Path(__file__).resolve().parent / "data"
CHINA = timezone(timedelta(hours=8))
ROLES = (None, "court", "police", "lender")


def labelled_bodies() -> list[str]:
    bodies: list[str] = []
    for name in ("corpus.jsonl", "holdout.jsonl", "messages-sample.jsonl"):
        with (DATA / name).open(encoding="utf-8") as handle:
            bodies.extend(json.loads(line)["body"] for line in handle if line.strip())
    return bodies


def _plain_words() -> list[str]:
    """Literal words of the rules' lexicon (what collectors write), for generated text."""
    words = {
        item
        for items in rules_data()["lexicon"].values()
        for item in items
        if re.fullmatch(r"[\u4e00-\u9fffa-z ]{1,6}", item)
    }
    return sorted(words)


PIECES = st.sampled_from(
    [
        *_plain_words(),
        "你",
        "您",
        "他",
        "她",
        "我们",
        "不会",
        "请勿",
        "要不要",
        "只要",
        "别以为",
        "谨防",
        "诈骗",
        "经您同意",
        "对公账户",
        "tong",
        "xun",
        "lu",
        "jia",
        "ren",
        "txl",
        "app",
        "XX",
        "6222 0212 3456 7890",
        "3,500.00元",
        "【XX银行】",
        "，",
        "。",
        "？",
        " ",
        "-",
        "、",
        "\u200b",
        "😀",
        "訊",
        "錄",
        "Ｐ",
        "\n",
    ]
)
MESSAGES = st.one_of(st.lists(PIECES, max_size=40).map("".join), st.text(max_size=120))


@pytest.fixture(scope="module")
def bodies() -> list[str]:
    return labelled_bodies()


def test_the_prefilter_gives_the_same_result_on_every_labelled_message(bodies: list[str]) -> None:
    for body in bodies:
        for role in ROLES:
            assert _core(body, role) == _core(body, role, prefilter=False), body


@settings(max_examples=300, deadline=None)
@given(MESSAGES)
def test_the_prefilter_gives_the_same_result_on_generated_text(body: str) -> None:
    for role in (None, "court"):
        assert _core(body, role) == _core(body, role, prefilter=False)


def test_every_necessary_clause_holds_wherever_a_rule_matches(bodies: list[str]) -> None:
    # The gate skips a regex only when one of these clauses is missing from the text.
    compiled = _compiled()
    clauses = [_necessary_clauses(unit.source) or [] for unit in compiled.units]
    checked = 0
    for body in bodies:
        text = normalize_for_matching(body)[0]
        chars = set(text)
        for unit in compiled.units:
            if unit.regex.search(text) is None:
                continue
            assert all(not c.isdisjoint(chars) for c in clauses[unit.index]), (unit.rule.id, body)
            checked += 1
    assert checked > 500


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("(?:联系|通知)[^,]{0,8}?(?:家人|老板)", "明天联系你家人", True),
        ("后果自负|走着瞧", "你走着瞧", True),
        ("a(?:b|c)+d?", "xacd", True),
        ("(?:你|您)?等着", "等着", True),
    ],
)
def test_clauses_are_necessary_for_a_match(pattern: str, text: str, matches: bool) -> None:
    assert (re.search(pattern, text) is not None) is matches
    clauses = _necessary_clauses(pattern) or []
    assert all(not clause.isdisjoint(text) for clause in clauses)


@contextmanager
def slow_normalisation() -> Iterator[None]:
    """Normalise without shortcuts: every text takes the collapse and respelling route."""
    tables = normalize_module._tables()
    slow = dataclasses.replace(
        tables,
        quick=re.compile(""),
        hint=re.compile(""),
        syllables=re.compile(".*"),
        initialisms=frozenset(),
    )
    with mock.patch.object(normalize_module, "_tables", lambda: slow):
        yield


def test_the_normalisation_shortcuts_change_nothing_on_labelled_messages(
    bodies: list[str],
) -> None:
    fast = [normalize_for_matching(body) for body in bodies]
    with slow_normalisation():
        slow = [normalize_for_matching(body) for body in bodies]
    for body, quick, full in zip(bodies, fast, slow, strict=True):
        assert _expanded(body, quick) == _expanded(body, full), body


@settings(max_examples=300, deadline=None)
@given(MESSAGES)
def test_the_normalisation_shortcuts_change_nothing_on_generated_text(body: str) -> None:
    quick = normalize_for_matching(body)
    with slow_normalisation():
        full = normalize_for_matching(body)
    assert _expanded(body, quick) == _expanded(body, full)


def _expanded(
    body: str, result: tuple[str, list[int] | None, list[int] | None]
) -> tuple[str, list[int], list[int]]:
    """A ``normalize_for_matching`` result with identity maps written out."""
    text, starts, ends = result
    if starts is None or ends is None:
        return text, list(range(len(text))), list(range(1, len(text) + 1))
    return text, starts, ends


@contextmanager
def cache_size(size: int) -> Iterator[None]:
    previous = result_cache.size
    result_cache.configure(size)
    try:
        yield
    finally:
        result_cache.configure(previous)


def _snapshot(body: str, sender: str, when: datetime | None) -> tuple[object, ...]:
    result = analyze(body, sender=sender, received_at=when)
    return (
        result.as_dict(),
        result.urgent,
        result.institution_names,
        [(f.matched_text, f.rule_id, f.behaviour, f.urgent) for f in result.findings],
    )


def test_the_result_cache_changes_nothing(bodies: list[str]) -> None:
    when = datetime(2026, 6, 1, 10, 0, tzinfo=CHINA)
    senders = ("13612345678", "95588", "12368")
    with cache_size(0):
        expected = [_snapshot(b, s, when) for b in bodies for s in senders]
    with cache_size(64):  # small, so entries are evicted and recomputed too
        first = [_snapshot(b, s, when) for b in bodies for s in senders]
        again = [_snapshot(b, s, when) for b in bodies for s in senders]
    assert first == expected
    assert again == expected


def test_a_cached_result_cites_the_law_of_each_messages_own_day() -> None:
    body = "出门小心点。"
    with cache_size(16):
        before = analyze(body, received_at=datetime(2025, 12, 31, 12, 0, tzinfo=CHINA))
        after = analyze(body, received_at=datetime(2026, 1, 2, 12, 0, tzinfo=CHINA))
    assert "PSL2012-42-1" in before.findings[0].provisions
    assert "PSL-50-1" in after.findings[0].provisions


def test_a_cached_result_keeps_each_senders_own_exemptions() -> None:
    body = "【XX市人民法院】您有一件诉讼案件，请登录查询。"
    with cache_size(16):
        court = analyze(body, sender="12368")
        mobile = analyze(body, sender="13612345678")
        court_again = analyze(body, sender="12368")
    assert "impersonation" not in court.categories
    assert "impersonation" in mobile.categories
    assert court_again.categories == court.categories
    assert court_again.sender.number == "12368"


def test_results_are_fresh_objects_even_from_the_cache() -> None:
    with cache_size(16):
        first = analyze("老赖，赶紧还钱。")
        first.categories.append("tampered")
        second = analyze("老赖，赶紧还钱。")
    assert second.categories == ["insult"]


def test_the_plan_memo_gives_the_gates_own_answer(bodies: list[str]) -> None:
    compiled = _compiled()
    count = len(compiled.units)
    compiled.plans.clear()
    for _round in range(2):  # filling the memo, then reading it
        for body in bodies:
            text = normalize_for_matching(body)[0]
            ids = compiled.gate.candidates(set(text))
            plan = compiled.plan(text)
            if not ids:
                assert plan is None, body
                continue
            assert plan is not None, body
            assert [unit.index for unit in plan.units] == sorted(i for i in ids if i < count)
            assert list(plan.signals) == [
                compiled.signals[i - count] for i in sorted(ids) if i >= count
            ]
    assert compiled.plans


def test_the_plan_memo_stays_bounded() -> None:
    compiled = _compiled()
    compiled.plans.clear()
    limit = findings_module._PLAN_MEMO_SIZE
    relevant = sorted(compiled.gate.relevant)
    for index in range(limit + 10):
        compiled.plan(
            "".join(relevant[(index * 7 + k) % len(relevant)] for k in range(3)) + str(index)
        )
    assert 0 < len(compiled.plans) <= limit


def test_resuming_the_scan_at_the_first_match_finds_every_match(bodies: list[str]) -> None:
    # ``_hits`` runs ``search`` first and ``finditer`` from the first match only when there is one.
    compiled = _compiled()
    resumed = 0
    for body in bodies:
        text = normalize_for_matching(body)[0]
        for unit in compiled.units:
            first = unit.regex.search(text)
            every = [m.span() for m in unit.regex.finditer(text)]
            if first is None:
                assert every == []
                continue
            assert [m.span() for m in unit.regex.finditer(text, first.start())] == every
            resumed += 1
    assert resumed > 500


def test_analyze_builds_the_same_objects_as_the_constructors(bodies: list[str]) -> None:
    when = datetime(2026, 6, 1, 10, 0, tzinfo=CHINA)
    built = 0
    for body in bodies:
        result = analyze(body, sender="13612345678", received_at=when)
        fields = {f.name for f in dataclasses.fields(Analysis)}
        assert set(vars(result)) == fields
        assert result == Analysis(**{name: getattr(result, name) for name in fields})
        for finding in result.findings:
            names = {f.name for f in dataclasses.fields(Finding)}
            assert set(vars(finding)) == names
            assert finding == Finding(**{name: getattr(finding, name) for name in names})
            built += 1
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.urgent = True  # type: ignore[misc]
    assert built > 100


def test_a_newly_learned_uneven_character_is_noticed() -> None:
    forms = normalize_module._FormTable()
    assert not forms.has_uneven("通讯录")
    assert "通讯录".translate(forms) == "通讯录"
    assert "通\u200b讯录".translate(forms) == "通讯录"
    assert forms.has_uneven("通\u200b讯录")
    assert not forms.has_uneven("通讯录")
    assert "㎡".translate(forms) == "m2"
    assert forms.has_uneven("㎡") and forms.has_uneven("\u200b")


def test_the_command_line_memo_changes_nothing(bodies: list[str]) -> None:
    """``analyze_messages`` reuses output lines within a run (keyed on body, sender kind and role,
    act date): every line is what a fresh analysis of that line gives, across senders whose kind
    or role differs, days on both sides of a change in the law, naive and aware times, missing
    dates and bodies too long to be kept; a small memo so lines are dropped and recomputed too."""
    from collectguard.intake.management.commands.analyze_messages import (
        analyse_line,
        analyse_lines,
    )

    senders = ("13612345678", "13712345678", "95588", "12368", "+86 136 1234 5678", "")
    times = (
        "2025-12-31T12:00:00+08:00",
        "2025-12-31T20:00:00+00:00",  # 2026-01-01 in China
        "2026-01-02T09:00:00",
        "2026-01-02T23:59:00+08:00",
        "",
    )
    long_body = "再不还钱就联系你的家人。" * 50
    lines = [
        json.dumps({"sender": s, "body": b, "received_at": t}, ensure_ascii=False).encode()
        for b in [*bodies[:40], long_body, "出门小心点。"]
        for s in senders
        for t in times
    ]
    lines = lines + lines[::-1]
    with cache_size(0):
        expected = [analyse_line(line) for line in lines]
    command = "collectguard.intake.management.commands.analyze_messages.analysis_json"
    with cache_size(32), mock.patch(command, wraps=analysis_json) as analysed:
        memoised = list(analyse_lines(lines))
    assert memoised == expected
    assert 0 < analysed.call_count < len(lines) * 3 // 4  # the memo did serve repeats
    # The law changed on 2026-01-01: a repeat on either side cites its own day's provisions.
    assert any("PSL2012-42-1" in line for line in expected)
    assert any("PSL-50-1" in line for line in expected)


def test_the_json_line_is_what_json_dumps_gives_for_as_dict(bodies: list[str]) -> None:
    """``analysis_json`` (what ``analyze_messages`` writes) puts the line together from pieces
    encoded once; it must be byte for byte ``json.dumps(analyze(...).as_dict())``, for every
    sender kind and role, on both sides of a change in the law, with and without the cache."""
    senders = ("13612345678", "95588", "12368", "+852 1234 5678", "10690001234567", "")
    times = (
        None,
        datetime(2025, 12, 31, 12, 0, tzinfo=CHINA),
        datetime(2025, 12, 31, 20, 0, tzinfo=timezone(timedelta(0))),  # 2026-01-01 in China
        datetime(2026, 6, 1, 10, 0),
    )
    extra = ['引号"和\\反斜杠\n换行 再不还钱就联系你的家人', "出门小心点。", ""]
    with_findings = 0
    for size in (0, 64):
        with cache_size(size):
            for index, body in enumerate([*bodies, *extra]):
                sender = senders[index % len(senders)]
                when = times[index % len(times)]
                expected = analyze(body, sender=sender, received_at=when).as_dict()
                line = analysis_json(body, sender=sender, received_at=when)
                assert line == json.dumps(expected, ensure_ascii=False), body
                with_findings += bool(expected["findings"])
    assert with_findings > 200


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789", max_size=16))
def test_plain_digits_take_a_shortcut_to_the_same_sender_number(digits: str) -> None:
    """``normalize_number`` returns plain ASCII digits early; full-width digits (NFKC makes them
    the same ASCII digits) still take the general path, and both must agree."""
    full_width = digits.translate({ord(d): ord(d) - ord("0") + ord("０") for d in "0123456789"})
    assert normalize_number(digits) == normalize_number(full_width)
    for prefix in ("86", "0086", "+86", "00"):
        assert normalize_number(prefix + digits) == normalize_number(
            prefix.replace("+", "＋") + full_width
        )


def test_a_sender_written_otherwise_differs_only_in_raw() -> None:
    for raw in (
        "+86 136 1234 5678",
        "+8613612345678",
        "8613612345678",
        "0086 95588",
        "+852 1234 5678",
    ):
        info = classify_sender(raw)
        number = normalize_number(raw)
        assert raw != number
        assert info == dataclasses.replace(classify_sender(number), raw=raw)


@pytest.mark.parametrize(
    "line",
    [
        '{"body": "x", "sender": "95588"}',
        '{"body": "x"} {"a": 1}',
        '{"body": "x"}x',
        '{"body": "\\x"}',
        "\ufeff" + '{"body": "x"}',
        '{"body": "x",}',
        "[1, 2",
        '"just a string"',
        "NaN",
        '{"body": "x", "body": "y"}',
        '{"body": 1e400, "n": -0.0}',
        '{"body": "\\ud800 \\u0000"}',
        "",
    ],
)
def test_the_commands_json_reader_is_json_loads(line: str) -> None:
    from collectguard.intake.management.commands.analyze_messages import _loads

    try:
        expected = json.loads(line)
    except json.JSONDecodeError as exc:
        with pytest.raises(json.JSONDecodeError) as raised:
            _loads(line)
        assert (raised.value.msg, raised.value.pos) == (exc.msg, exc.pos)
    else:
        assert repr(_loads(line)) == repr(expected)
