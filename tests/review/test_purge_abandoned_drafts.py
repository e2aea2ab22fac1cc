from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.review.models import AccessLogEntry, Organisation
from tests.review.factories import make_case, make_evidence, make_message, share_with

LONG_AGO = timezone.now() - timedelta(days=200)


def run(*args: str) -> dict:  # type: ignore[type-arg]
    out = StringIO()
    call_command("purge_abandoned_drafts", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def old_cases(borrower: User, organisation: Organisation) -> dict[str, Case]:
    User.objects.filter(pk=borrower.pk).update(last_login=LONG_AGO)
    with time_machine.travel(LONG_AGO, tick=False):
        cases = {
            "empty": make_case(borrower, "空草稿"),
            "with_message": make_case(borrower, "有短信"),
            "with_evidence": make_case(borrower, "有证据"),
            "shared": make_case(borrower, "正在分享"),
        }
        make_message(cases["with_message"])
        make_evidence(cases["with_evidence"])
    share_with(cases["shared"], organisation=organisation)
    return cases


def test_dry_run_lists_only_empty_untouched_cases_and_deletes_nothing(
    old_cases: dict[str, Case],
) -> None:
    report = run("--dry-run")
    assert report["dry_run"] is True
    assert report["cases"] == [old_cases["empty"].pk]
    assert report["cases_deleted"] == 0
    assert Case.objects.count() == 4


def test_it_deletes_abandoned_drafts_only(old_cases: dict[str, Case]) -> None:
    report = run()
    assert report["cases_deleted"] == 1
    remaining = set(Case.objects.values_list("title", flat=True))
    assert remaining == {"有短信", "有证据", "正在分享"}


def test_a_recent_case_or_a_recent_login_keeps_a_draft(
    borrower: User, old_cases: dict[str, Case]
) -> None:
    make_case(borrower, "新草稿")
    User.objects.filter(pk=borrower.pk).update(last_login=timezone.now())
    assert run("--dry-run")["cases"] == []


def test_the_period_can_be_changed_but_not_below_thirty_days(old_cases: dict[str, Case]) -> None:
    assert run("--dry-run", "--days", "365")["cases"] == []
    with pytest.raises(SystemExit):
        call_command("purge_abandoned_drafts", "--days", "7", stdout=StringIO(), stderr=StringIO())
    assert Case.objects.count() == 4


def test_files_of_deleted_cases_leave_storage_and_old_orphaned_log_rows_go(
    borrower: User, db: None
) -> None:
    User.objects.filter(pk=borrower.pk).update(last_login=LONG_AGO)
    with time_machine.travel(LONG_AGO, tick=False):
        case = make_case(borrower, "只有访问记录")
    AccessLogEntry.objects.create(case=case, case_ref=case.pk, username="vera", action="view")
    AccessLogEntry.objects.create(
        case=None,
        case_ref=999,
        username="vera",
        action="view",
        at=timezone.now() - timedelta(days=400),
    )
    AccessLogEntry.objects.create(case=None, case_ref=998, username="vera", action="view")
    report = run()
    assert report["cases"] == [case.pk]  # the access log is not content
    assert report["access_log_rows_deleted"] == 1
    assert set(AccessLogEntry.objects.values_list("case_ref", flat=True)) == {case.pk, 998}


def test_purged_drafts_leave_no_files_in_storage(
    borrower: User, db: None, django_capture_on_commit_callbacks
) -> None:
    User.objects.filter(pk=borrower.pk).update(last_login=LONG_AGO)
    with time_machine.travel(LONG_AGO, tick=False):
        case = make_case(borrower, "草稿")
    # A file the app keeps for the case without a row pointing at the case yet (as the
    # collectors see it): deleting the draft must take it along.
    from collectguard.cases import signals

    key = default_storage.save(f"cases/{case.pk}/stray.bin", ContentFile(b"x"))
    collector = signals.register_file_collector(lambda c: [key] if c.pk == case.pk else [])
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert run()["cases"] == [case.pk]
    finally:
        signals._collectors.remove(collector)
    assert not default_storage.exists(key)
