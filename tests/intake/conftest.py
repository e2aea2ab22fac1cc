"""Fixtures for step 1: the sample backups and a helper that imports them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.intake.services import ImportResult, backup_import

DATA = Path(__file__).resolve().parent / "data"
SMS_SAMPLE = DATA / "sms-sample.xml"
CALLS_SAMPLE = DATA / "calls-sample.xml"


@pytest.fixture
def import_file(borrower: User) -> Callable[..., ImportResult]:
    """Import a file from disk into a case, as the borrower."""

    def run(case: Case, path: Path, **options: Any) -> ImportResult:
        with path.open("rb") as handle:
            return backup_import(
                case=case, user=borrower, fileobj=handle, original_name=path.name, **options
            )

    return run


@pytest.fixture
def imported_samples(case: Case, import_file: Callable[..., ImportResult]) -> Case:
    """The case with both sample backups imported, keeping everything."""
    import_file(case, SMS_SAMPLE, keep_all=True)
    import_file(case, CALLS_SAMPLE, keep_all=True)
    return case


@pytest.fixture
def frozen_now(time_machine: Any) -> None:
    """10 June 2026, noon in China: after every sample message."""
    time_machine.move_to("2026-06-10 12:00 +0800", tick=False)


@pytest.fixture
def volunteer(db: None) -> User:
    from tests.conftest import make_user

    return make_user("vera", is_volunteer=True)


@pytest.fixture
def volunteer_client(volunteer: User, case: Case, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A volunteer the borrower shared the case with (the share itself is the review app's
    business, tested there: here it is stubbed to open exactly this case)."""
    from django.test import Client
    from django.urls import get_resolver

    from collectguard.cases import access

    def shared_with(user: User) -> Any:
        return Case.objects.filter(pk=case.pk) if user.pk == volunteer.pk else Case.objects.none()

    # Import every view first: a view module imported while the stub below is in place would
    # keep the stub for good (``from … import share_reveals_third_parties``), and later tests
    # of the review app would see third parties masked for the owner.
    get_resolver().url_patterns  # noqa: B018
    monkeypatch.setattr(access, "_shared_case_ids", shared_with)
    monkeypatch.setattr(
        "collectguard.review.access.share_reveals_third_parties", lambda case, user: False
    )
    client = Client()
    client.force_login(volunteer)
    return client
