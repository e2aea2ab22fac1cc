"""case_statistics: the DESIGN.md definitions, counted by hand on the sample backups."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from collectguard.cases.models import Case
from collectguard.intake.models import Call, Message, Source
from collectguard.intake.records import dedupe_key, is_night
from collectguard.intake.stats import case_findings, case_statistics, hour_totals, worst_days
from collectguard.intake.summaries import senders_refresh

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_totals_follow_the_definitions(imported_samples: Case) -> None:
    totals = case_statistics(imported_samples)["totals"]
    # Calls sample: 3 missed/answered from 136…, 1 outgoing to 95599 (not an attempt),
    # 1 rejected + 1 blocked from 170… → 5 attempts, 1 connected (the 95-second answer).
    # SMS sample: 8 received (incl. the MMS with text; the sent reply does not count).
    # Night: 136… 23:40, 00:05, 23:50 (MMS) + two missed calls at 22:30/22:31; 170… at 02:14.
    assert totals == {
        "messages_received": 8,
        "call_attempts": 5,
        "calls_connected": 1,
        "night_contacts": 6,
        "senders": 5,
    }


def test_per_sender_rows(imported_samples: Case) -> None:
    rows = {row["number"]: row for row in case_statistics(imported_samples)["senders"]}
    assert rows["13612345678"] == {
        "number": "13612345678",
        "kind": "mobile",
        "messages_received": 3,
        "call_attempts": 3,
        "calls_connected": 1,
        "night_contacts": 5,
        "max_attempts_per_day": 2,
        "days_over_3_connected": 0,
        "days_over_6_attempts": 0,
    }
    assert rows["17012349999"]["kind"] == "virtual_mobile"
    assert (rows["17012349999"]["call_attempts"], rows["17012349999"]["night_contacts"]) == (2, 1)
    assert rows["95599"]["call_attempts"] == 0, "an outgoing call is not an attempt"
    assert rows["10690001234567"]["messages_received"] == 2
    assert next(iter(rows)) == "13612345678", "most contacts first"


def test_days_are_china_time_days(imported_samples: Case) -> None:
    days = {d["date"]: d for d in case_statistics(imported_samples)["days"]}
    assert list(days) == ["2026-06-01", "2026-06-02", "2026-06-03"]
    first = days["2026-06-01"]
    assert (first["messages_received"], first["call_attempts"], first["night_contacts"]) == (
        2,
        2,
        3,
    )
    assert first["contacts"] == 4 and sum(first["hours"]) == 4
    assert first["hours"][22] == 2 and first["hours"][23] == 1 and first["hours"][9] == 1
    assert days["2026-06-02"]["calls_connected"] == 1
    assert days["2026-06-03"]["contacts"] == 4
    assert hour_totals(case_statistics(imported_samples))[22] == 2


def test_category_counts_match_the_stored_messages(imported_samples: Case) -> None:
    stats = case_statistics(imported_samples)
    counted: Counter[str] = Counter()
    for categories in Message.objects.filter(direction="incoming").values_list(
        "categories", flat=True
    ):
        counted.update(categories)
    for code in ("third_party", "insult", "intimidation", "privacy_disclosure"):
        assert stats["categories"][code] == counted[code]
    assert stats["categories"]["third_party"] >= 1  # "明天就打电话给你老板"
    assert stats["categories"]["night_contact"] == 6


def _calls(case: Case, number: str, start: datetime, count: int, duration: int, kind: str) -> None:
    for i in range(count):
        when = start + timedelta(minutes=10 * i)
        Call.objects.create(
            case=case,
            number=number,
            sender_kind="mobile",
            call_type=kind,
            started_at=when,
            duration_s=duration,
            source=Source.MANUAL,
            is_night=is_night(when),
            dedupe_key=dedupe_key("test", number, when.isoformat()),
        )
    senders_refresh(case=case, numbers=[number])


def test_limits_count_days_over_3_connected_and_over_6_attempts(case: Case) -> None:
    day = datetime(2026, 6, 2, 9, 0, tzinfo=SHANGHAI)
    _calls(case, "13612345678", day, 4, 30, "incoming")  # 4 connected: over 3
    _calls(case, "13612345678", day + timedelta(days=1), 3, 30, "incoming")  # 3: not over
    _calls(case, "13712345678", day, 7, 0, "missed")  # 7 attempts: over 6
    _calls(case, "13812345678", day, 6, 0, "missed")  # 6: not over
    stats = case_statistics(case)
    rows = {row["number"]: row for row in stats["senders"]}
    assert rows["13612345678"]["days_over_3_connected"] == 1
    assert rows["13612345678"]["max_attempts_per_day"] == 4
    assert rows["13712345678"]["days_over_6_attempts"] == 1
    assert rows["13812345678"]["days_over_6_attempts"] == 0
    assert [d["date"] for d in stats["days"] if d["over_limit"]] == ["2026-06-02"]
    codes = {f.code: f for f in case_findings(case, stats)}
    assert set(codes["excessive_calls"].numbers) == {"13612345678", "13712345678"}
    assert codes["excessive_calls"].provisions, "cites GB/T 45251 / CBA 2026"
    assert worst_days(stats)[0]["date"] == "2026-06-02"


def test_a_china_day_ends_at_midnight_china_time(case: Case) -> None:
    late = datetime(2026, 6, 2, 23, 50, tzinfo=SHANGHAI)
    _calls(case, "13612345678", late, 4, 0, "missed")  # 23:50, 00:00, 00:10, 00:20
    days = {d["date"]: d for d in case_statistics(case)["days"]}
    assert days["2026-06-02"]["call_attempts"] == 1
    assert days["2026-06-03"]["call_attempts"] == 3
    assert all(d["night_contacts"] == d["call_attempts"] for d in days.values())


def test_personal_numbers_of_a_licensed_lender(imported_samples: Case) -> None:
    stats = case_statistics(imported_samples)
    codes = {f.code: f for f in case_findings(imported_samples, stats)}
    # A credit-card case: the collector's personal mobile counts; the number that only sent a
    # message with nothing about the debt (kept by "keep all") and the family do not.
    assert codes["personal_number"].numbers == ["13612345678"]
    assert codes["night_contact"].count == 6


def test_an_empty_case(case: Case) -> None:
    stats = case_statistics(case)
    assert stats["totals"] == {
        "messages_received": 0,
        "call_attempts": 0,
        "calls_connected": 0,
        "night_contacts": 0,
        "senders": 0,
    }
    assert stats["senders"] == [] and stats["days"] == []
    assert case_findings(case, stats) == []


def test_queries_do_not_grow_with_messages(
    case: Case, django_assert_max_num_queries: Callable[..., object]
) -> None:
    def add(n: int, offset: int) -> None:
        start = datetime(2026, 6, 1, 8, 0, tzinfo=SHANGHAI)
        Message.objects.bulk_create(
            Message(
                case=case,
                sender=f"1361234{(offset + i) % 50:04d}",
                sender_kind="mobile",
                body=f"还款提醒 {offset + i}",
                received_at=start + timedelta(minutes=7 * (offset + i)),
                source=Source.PASTE,
                dedupe_key=dedupe_key("q", offset + i),
            )
            for i in range(n)
        )

    add(10, 0)
    with django_assert_max_num_queries(8) as small:  # type: ignore[attr-defined]
        case_statistics(case)
    add(190, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):  # type: ignore[attr-defined]
        case_statistics(case)
