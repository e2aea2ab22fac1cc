"""The shortcuts that make a 100,000-message import fast give exactly the slow path's results.

Each shortcut (the importer's reuse of analyses, China time from epoch milliseconds, the one-regex
prefix match, the lazy carrier/region lookup, the PostgreSQL staging-table insert) is compared
here with the plain computation it replaces.
"""

from __future__ import annotations

import io
import random
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client

from collectguard.cases.models import Case
from collectguard.intake.analysis import analyze, classify_sender
from collectguard.intake.analysis.findings import SHANGHAI
from collectguard.intake.analysis.senders import _prefix_rule, library_facts
from collectguard.intake.backup_fixtures import generate_backup
from collectguard.intake.bulk import RowWriter
from collectguard.intake.models import ImportBatch, Message, Sender
from collectguard.intake.records import (
    analysis_fields,
    china_clock,
    datetime_from_ms,
    is_night,
    is_night_hour,
)
from collectguard.intake.services import ImportResult
from collectguard.intake.summaries import _COUNT_FIELDS
from collectguard.legal.reference import prefixes

ROOT = Path(__file__).resolve().parents[2]


# --- China time from epoch milliseconds -------------------------------------------------------


def _clock_the_slow_way(date_ms: int) -> tuple[int, int]:
    local = datetime_from_ms(date_ms).astimezone(SHANGHAI)
    return local.hour, local.toordinal()


def test_china_clock_matches_the_time_zone_database_around_the_last_summer_time() -> None:
    # China kept summer time 1986–1991; every hour of 1985–1993 and the switch itself.
    start = int(datetime(1985, 1, 1, tzinfo=UTC).timestamp() * 1000)
    end = int(datetime(1993, 1, 1, tzinfo=UTC).timestamp() * 1000)
    for date_ms in range(start, end, 3_600_000):
        for offset in (0, 1, 1_799_999, 3_599_999):
            assert china_clock(date_ms + offset) == _clock_the_slow_way(date_ms + offset)


def test_china_clock_matches_the_time_zone_database_at_random_times() -> None:
    rng = random.Random(2026)
    for _ in range(20_000):
        date_ms = rng.randrange(0, 4_102_444_800_000)  # 1970–2100
        assert china_clock(date_ms) == _clock_the_slow_way(date_ms)
        hour, _day = china_clock(date_ms)
        assert is_night_hour(hour) == is_night(datetime_from_ms(date_ms))


# --- senders: one regex for the prefix rules, carrier and region only when read --------------


def test_the_combined_prefix_regex_picks_the_same_rule_as_scanning_the_rules() -> None:
    rng = random.Random(7)
    numbers = ["", "0", "1", "110", "12368", "95588", "10086123", "4001234567", "01012345678"]
    for head in ("1", "10", "106", "1064", "14", "16", "17", "19", "0", "2", "4", "8", "9"):
        for _ in range(200):
            tail = "".join(str(rng.randrange(10)) for _ in range(rng.randrange(0, 14)))
            numbers.append(head + tail)
    for number in numbers:
        scanned = next((r for r in prefixes() if r.regex.match(number)), None)
        assert _prefix_rule(number) is scanned, number


def test_classifying_senders_loads_no_carrier_or_geocoder_data() -> None:
    """An import only needs the kind: the ~100 MB of phonenumbers data stays on disk."""
    script = (
        "import os, sys, django\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'collectguard.settings')\n"
        "django.setup()\n"
        "from collectguard.intake.analysis import analyze, classify_sender\n"
        "for raw in ('13612345678', '+8613612345678', '02012345678', '17012349999',\n"
        "            '95588', '10690001234567', '+85212345678', '12368', 'BANK'):\n"
        "    classify_sender(raw).kind\n"
        "    analyze('您已逾期，请还款', sender=raw)\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('phonenumbers.geo',\n"
        "                'phonenumbers.carrier')))\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_carrier_and_region_are_looked_up_when_read_and_remembered() -> None:
    library_facts.cache_clear()
    info = classify_sender("+86 136 1234 5678")
    assert library_facts.cache_info().currsize == 0
    assert (info.carrier, info.region, info.e164) == ("中国移动", "广东省汕头市", "+8613612345678")
    assert library_facts.cache_info().currsize == 1
    # A prefix rule's host network wins over phonenumbers' carrier, as before.
    assert classify_sender("16212345678").carrier == "中国电信（虚拟运营商）"
    # Kinds phonenumbers knows nothing about never ask it.
    assert classify_sender("95588").region is None
    assert library_facts.cache_info().currsize == 1


def test_an_international_label_names_the_country() -> None:
    assert classify_sender("+852 1234 5678").label_zh == "境外号码（香港）"
    assert classify_sender("+999123").label_zh == "境外号码"
    assert classify_sender("95588").label_zh == "中国工商银行（官方号码）"


# --- the importer's reuse of analyses ---------------------------------------------------------


@pytest.mark.django_db
def test_imported_rows_carry_exactly_what_analyze_says_of_each_message(
    case: Case, import_file: Callable[..., ImportResult], tmp_path: Path
) -> None:
    """The importer reuses the analysis of a repeated text; every row must still be what a
    fresh `analyze` of that very message gives (categories, signals, findings with their
    provisions, flags) and the night flag what `is_night` gives."""
    path = tmp_path / "sms-generated.xml"
    generate_backup(1200, path)
    result = import_file(case, path, keep_all=True)
    assert result.messages_imported == 1200
    fields = ["categories", "signals", "findings", "is_flagged", "is_urgent"]
    checked = 0
    for message in Message.objects.filter(case=case).order_by("pk"):
        assert message.received_at is not None
        assert message.is_night == is_night(message.received_at)
        if message.direction != "incoming" or not message.body:
            assert (message.categories, message.findings, message.is_flagged) == ([], [], False)
            continue
        expected = analysis_fields(
            analyze(message.body, sender=message.sender_raw, received_at=message.received_at)
        )
        assert {name: getattr(message, name) for name in fields} == expected, message.pk
        checked += 1
    assert checked > 1000


@pytest.mark.django_db
def test_sender_summaries_and_kinds_match_a_fresh_classification(
    case: Case, import_file: Callable[..., ImportResult], tmp_path: Path
) -> None:
    path = tmp_path / "sms-generated.xml"
    generate_backup(400, path)
    import_file(case, path)
    senders = list(Sender.objects.filter(case=case))
    assert senders
    for sender in senders:
        assert sender.kind == classify_sender(sender.number).kind
    for message in Message.objects.filter(case=case):
        assert message.sender_kind == classify_sender(message.sender_raw).kind


# --- sender summaries counted during a first import -----------------------------------------


def _generated_calls(path: Path, n_calls: int, n_numbers: int, *, seed: int = 7) -> None:
    """A synthetic call log: a few numbers calling many times a day (over the 3-connected and
    6-attempt limits), every call type, saved contacts and none, a call from 1988 (summer time)."""
    rng = random.Random(seed)
    numbers = [f"1{rng.choice('3589')}{rng.randrange(10**9):09d}" for _ in range(n_numbers)]
    numbers += ["+86 " + numbers[0], "null"]  # the same number written otherwise; hidden ID
    start = 1_780_324_200_000
    lines = []
    for index in range(n_calls):
        date_ms = start + rng.randrange(0, 5 * 86_400_000)
        number = rng.choice(numbers)
        duration, call_type = rng.choice([0, 0, 12, 300]), rng.randrange(1, 8)
        if index < 40:  # one collector: 40 calls in 40 minutes, every other one answered
            number, date_ms, duration, call_type = (
                numbers[1],
                start + index * 60_000,
                30,
                1 + index % 3,
            )
        if index == 0:
            date_ms = 583_200_000_000  # 1988-06-25, while China kept summer time
        # A number is saved as a contact (family: left out) or not, the same on every call.
        saved = ['contact_name="(Unknown)" ', 'contact_name="妈妈" ', ""]
        contact = saved[sum(map(ord, number)) % 3] if number != numbers[1] else ""
        lines.append(
            f'<call number="{number}" duration="{duration}" '
            f'date="{date_ms}" type="{call_type}" {contact}/>'
        )
    body = "\n".join(lines)
    path.write_text(
        f"<?xml version='1.0' encoding='UTF-8'?>\n<calls count=\"{n_calls}\">\n{body}\n</calls>\n",
        encoding="utf-8",
    )


def _summaries(case: Case) -> dict[str, tuple[object, ...]]:
    return {
        row[0]: row
        for row in Sender.objects.filter(case=case).values_list("number", *_COUNT_FIELDS)
    }


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["sms", "calls"])
@pytest.mark.parametrize("keep_all", [False, True])
def test_summaries_counted_by_a_first_import_are_what_grouping_the_rows_gives(
    case: Case,
    import_file: Callable[..., ImportResult],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    keep_all: bool,
) -> None:
    """Into a case without rows the importer counts the summaries itself (`Counted`) instead of
    grouping the rows again: the summaries must be exactly those of the grouping."""
    from collectguard.intake import services, summaries

    calls: list[dict[str, object]] = []

    def spy(**options: object) -> None:
        calls.append(options)
        summaries.senders_refresh(**options)  # type: ignore[arg-type]

    monkeypatch.setattr(services, "senders_refresh", spy)
    path = tmp_path / f"{kind}-generated.xml"
    if kind == "sms":
        generate_backup(1500, path)
    else:
        _generated_calls(path, 1500, 60)
    result = import_file(case, path, keep_all=keep_all)
    assert result.messages_imported + result.calls_imported > 500
    assert keep_all or result.left_out_messages + result.left_out_calls > 0
    [options] = calls
    assert options["counted"] is not None  # the shortcut was taken
    counted = _summaries(case)
    assert len(counted) > 20
    # The same refresh, grouping the rows (the deltas merge again to the same unions).
    summaries.senders_refresh(case=case, deltas=options["deltas"], numbers=options["numbers"])
    assert _summaries(case) == counted
    summaries.senders_refresh(case=case, all_senders=True)
    assert _summaries(case) == counted
    if kind == "calls":
        figures = Sender.objects.filter(case=case)
        assert any(s.days_over_3_connected for s in figures)
        assert any(s.days_over_6_attempts for s in figures)


@pytest.mark.django_db
def test_a_second_import_and_one_with_duplicates_are_counted_from_the_rows(
    case: Case,
    import_file: Callable[..., ImportResult],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from collectguard.intake import services, summaries

    counted: list[object] = []

    def spy(**options: object) -> None:
        counted.append(options["counted"])
        summaries.senders_refresh(**options)  # type: ignore[arg-type]

    monkeypatch.setattr(services, "senders_refresh", spy)
    calls = tmp_path / "calls.xml"
    _generated_calls(calls, 300, 20)
    import_file(case, calls, keep_all=True)
    sms = tmp_path / "sms.xml"
    generate_backup(300, sms)
    import_file(case, sms, keep_all=True)  # the case has rows now
    other = Case.objects.create(owner=case.owner, title="另一个案件", loan_type="consumer_finance")
    doubled = tmp_path / "sms-doubled.xml"
    lines = sms.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if "<sms " in line)
    lines.insert(first, lines[first])  # the same message twice in one file
    doubled.write_text("".join(lines), encoding="utf-8")
    assert import_file(other, doubled, keep_all=True).duplicates_skipped == 1
    assert counted[0] is not None and counted[1:] == [None, None]
    grouped = _summaries(case)
    summaries.senders_refresh(case=case, all_senders=True)
    assert _summaries(case) == grouped


@pytest.mark.django_db
def test_refreshing_many_numbers_keeps_the_summaries_of_the_others(case: Case) -> None:
    """Above the filter limit the refresh groups the whole case; summaries of numbers it was
    not asked about must stay (they used to be deleted as if their rows were gone)."""
    from collectguard.intake.models import Call
    from collectguard.intake.summaries import _FILTER_LIMIT, senders_refresh

    def call(number: str) -> Call:
        return Call(
            case=case,
            number=number,
            number_raw=number,
            sender_kind="mobile",
            call_type="missed",
            started_at=datetime(2026, 6, 1, tzinfo=UTC),
            source="backup",
            dedupe_key=number,
        )

    call("13600000000").save()
    senders_refresh(case=case, numbers=["13600000000"])
    many = [f"1370000{i:04d}" for i in range(_FILTER_LIMIT + 1)]
    Call.objects.bulk_create([call(number) for number in many])
    senders_refresh(case=case, numbers=many)
    assert Sender.objects.filter(case=case).count() == len(many) + 1
    Call.objects.filter(case=case, number=many[0]).delete()
    senders_refresh(case=case, numbers=many)
    assert not Sender.objects.filter(case=case, number=many[0]).exists()
    assert Sender.objects.filter(case=case, number="13600000000").exists()


# --- RowWriter --------------------------------------------------------------------------------

SENDER_FIELDS = ("case", "number", *_COUNT_FIELDS)


def _sender_rows(
    writer: RowWriter, case: Case, numbers: list[str], received: int, categories: list[str]
) -> list[tuple[object, ...]]:
    json = writer.preparer("categories")
    empty = json([])
    counts = [received, *[0] * 11]  # messages_received … days_over_6_attempts
    lists = [json(categories), empty, empty, empty]  # categories, signals, behaviours, signatures
    return [
        (case.pk, number, "mobile", *counts, *lists, False, True, None, None) for number in numbers
    ]


@pytest.mark.django_db(transaction=True)
def test_row_writer_skips_duplicates_and_survives_a_rolled_back_batch(case: Case) -> None:
    writer = RowWriter(Sender, SENDER_FIELDS)
    with transaction.atomic():
        assert writer.insert(_sender_rows(writer, case, ["1", "2", "2"], 1, [])) == 2
        assert writer.insert(_sender_rows(writer, case, ["2", "3"], 1, [])) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert writer.insert(_sender_rows(writer, case, ["4"], 1, [])) == 1
        raise RuntimeError("the import broke halfway")
    # The staging table (PostgreSQL) went with the rollback: the next insert makes it again.
    assert writer.insert(_sender_rows(writer, case, ["5"], 1, [])) == 1
    numbers = Sender.objects.filter(case=case).values_list("number", flat=True)
    assert sorted(numbers) == ["1", "2", "3", "5"]


@pytest.mark.django_db
def test_row_writer_upserts_and_accepts_a_batch_naming_one_row_twice(case: Case) -> None:
    writer = RowWriter(Sender, SENDER_FIELDS, conflict=("case", "number"), update=_COUNT_FIELDS)
    writer.insert(_sender_rows(writer, case, ["1", "2"], 1, ["threat"]))
    writer.insert(_sender_rows(writer, case, ["1"], 5, ["insult", "threat"]))
    # The same number twice in one batch: PostgreSQL refuses that in one statement.
    writer.insert(
        _sender_rows(writer, case, ["2"], 2, []) + _sender_rows(writer, case, ["2"], 3, ["x"])
    )
    one, two = Sender.objects.filter(case=case).order_by("number")
    assert (one.messages_received, one.categories) == (5, ["insult", "threat"])
    assert (two.messages_received, two.categories) == (3, ["x"])


@pytest.mark.django_db
def test_the_senders_page_still_shows_carrier_and_region_looked_up_at_display(
    borrower_client: Client, imported_samples: Case
) -> None:
    html = borrower_client.get(f"/cases/{imported_samples.pk}/intake/senders/").content.decode()
    # 13612345678 sent the collection messages of the sample backup.
    assert "中国移动 · 广东省汕头市" in html


# --- PostgreSQL: foreign keys checked as the rows are written ------------------------------


def _orphan_message_insert() -> None:
    """Insert a message of a case that does not exist (Django leaves the check to the database)."""
    Message.objects.create(
        case_id=2_147_483_647, sender_kind="mobile", body="x", source="manual", dedupe_key="orphan"
    )


@pytest.mark.django_db(transaction=True)
def test_foreign_keys_are_checked_as_rows_are_written_then_deferred_again(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """During an import on PostgreSQL a bad reference fails at once (the checks run beside
    the reading worker, not all at commit); after it, the tables' keys are deferred again."""
    from django.db import IntegrityError, connection

    from collectguard.intake import importer

    if connection.vendor != "postgresql":
        pytest.skip("SQLite checks foreign keys only at commit, and has no SET CONSTRAINTS")
    failed_at_once: list[bool] = []

    def read(imp: object, fileobj: object, emit: object) -> None:
        try:
            with transaction.atomic():
                _orphan_message_insert()
        except IntegrityError:
            failed_at_once.append(True)
        else:
            failed_at_once.append(False)

    monkeypatch.setattr(importer, "_read", read)
    monkeypatch.setattr(importer, "_use_worker", lambda fileobj: False)
    batch = ImportBatch.objects.create(case=case, kind="sms", sha256="0" * 64, size=1)
    with transaction.atomic():
        importer.import_stream(case=case, batch=batch, fileobj=io.BytesIO(b""), keep_all=True)
        assert failed_at_once == [True]
        sid = transaction.savepoint()
        _orphan_message_insert()  # deferred again: accepted until the check
        with pytest.raises(IntegrityError), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        transaction.savepoint_rollback(sid)
