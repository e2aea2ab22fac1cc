"""The command-line contracts of DESIGN.md: analyze_messages, import_backup, case_report."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.intake.management.commands.analyze_messages import analyse_line
from tests.intake.conftest import CALLS_SAMPLE, DATA, SMS_SAMPLE

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- analyze_messages ---------------------------------------------------------------------------


def test_analyze_messages_gives_one_line_per_input_line_with_exact_fields(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(
            [
                json.dumps(
                    {"sender": "13612345678", "body": "今天不还，明天就打电话给你老板和同事。"}
                ),
                "this is not json",
                json.dumps(
                    {
                        "sender": "95599",
                        "body": "【农业银行】您尾号3310的信用卡已逾期，最低还款额986.00元。",
                        "received_at": "2026-05-02T10:00:00+08:00",
                    }
                ),
                json.dumps({"sender": "13612345678"}),
                "",
                json.dumps({"sender": "1", "body": "x", "received_at": "yesterday"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    lines = _run("analyze_messages", str(source)).splitlines()
    assert len(lines) == 6
    first = json.loads(lines[0])
    assert set(first) == {"sender_kind", "categories", "signals", "findings"}
    assert first["sender_kind"] == "mobile"
    assert "third_party" in first["categories"]
    assert set(first["findings"][0]) == {"category", "start", "end", "provisions"}
    assert set(json.loads(lines[1])) == {"error"}
    bank = json.loads(lines[2])
    assert bank["sender_kind"] == "service_number" and bank["categories"] == []
    assert "amount" in bank["signals"]
    assert "body" in json.loads(lines[3])["error"]
    assert "empty" in json.loads(lines[4])["error"]
    assert "received_at" in json.loads(lines[5])["error"]


def test_analyze_messages_reads_stdin_and_bad_utf8() -> None:
    sample = (DATA / "messages-sample.jsonl").read_bytes()
    stdin = sample + b'{"sender": "1", "body": "\xff\xfe"}\n'
    done = subprocess.run(
        [sys.executable, "manage.py", "analyze_messages", "-"],
        input=stdin,
        capture_output=True,
        cwd=REPO,
        check=True,
        timeout=120,
    )
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == sample.count(b"\n") + 1
    assert json.loads(lines[-1]) == {"error": "line is not valid UTF-8"}
    assert all("sender_kind" in json.loads(line) for line in lines[:-1])


def test_a_missing_file_is_a_command_error() -> None:
    with pytest.raises(CommandError):
        _run("analyze_messages", "/nonexistent/file.jsonl")


def test_naive_received_at_is_china_time() -> None:
    line = json.dumps({"sender": "", "body": "你好", "received_at": "2026-01-01T07:00:00"})
    assert "error" not in json.loads(analyse_line(line.encode()))


# --- import_backup ------------------------------------------------------------------------------


IMPORT_KEYS = {
    "case",
    "messages_imported",
    "calls_imported",
    "duplicates_skipped",
    "left_out_senders",
    "left_out_messages",
    "errors",
}


@pytest.mark.django_db
def test_import_backup_prints_one_json_object(case: Case, borrower: User, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_bytes(SMS_SAMPLE.read_bytes()[:900])
    report = json.loads(
        _run(
            "import_backup",
            "--user",
            borrower.username,
            "--case",
            str(case.pk),
            str(SMS_SAMPLE),
            str(CALLS_SAMPLE),
            str(broken),
        )
    )
    assert set(report) == IMPORT_KEYS
    assert report["case"] == case.pk
    assert report["messages_imported"] == 7 and report["calls_imported"] == 6
    assert report["left_out_senders"] == 2 and report["left_out_messages"] == 2
    assert len(report["errors"]) == 1
    error = report["errors"][0]
    assert error["file"] == str(broken) and error["line"] and error["error"]

    again = json.loads(
        _run("import_backup", "--user", borrower.username, "--case", str(case.pk), str(SMS_SAMPLE))
    )
    assert (again["messages_imported"], again["errors"]) == (0, [])


@pytest.mark.django_db
def test_import_backup_into_a_new_case_keeping_everything(borrower: User) -> None:
    report = json.loads(
        _run(
            "import_backup",
            "--user",
            borrower.username,
            "--new-case",
            "新案件",
            "--all",
            str(SMS_SAMPLE),
        )
    )
    case = Case.objects.get(pk=report["case"])
    assert case.owner == borrower and case.title == "新案件"
    assert (report["messages_imported"], report["left_out_messages"]) == (9, 0)


@pytest.mark.django_db
def test_import_backup_refuses_someone_elses_case(case: Case, other_borrower: User) -> None:
    with pytest.raises(CommandError):
        _run(
            "import_backup",
            "--user",
            other_borrower.username,
            "--case",
            str(case.pk),
            str(SMS_SAMPLE),
        )
    with pytest.raises(CommandError):
        _run("import_backup", "--user", "nobody", "--case", str(case.pk), str(SMS_SAMPLE))


# --- case_report --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_case_report_has_the_contract_fields(imported_samples: Case) -> None:
    report = json.loads(_run("case_report", "--case", str(imported_samples.pk)))
    assert set(report) == {"totals", "senders", "days", "categories"}
    assert set(report["totals"]) == {
        "messages_received",
        "call_attempts",
        "calls_connected",
        "night_contacts",
        "senders",
    }
    assert set(report["senders"][0]) == {
        "number",
        "kind",
        "messages_received",
        "call_attempts",
        "calls_connected",
        "night_contacts",
        "max_attempts_per_day",
        "days_over_3_connected",
        "days_over_6_attempts",
    }
    assert report["totals"]["call_attempts"] == 5


@pytest.mark.django_db
def test_case_report_of_a_missing_case() -> None:
    with pytest.raises(CommandError):
        _run("case_report", "--case", "999999")
