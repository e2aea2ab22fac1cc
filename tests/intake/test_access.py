"""Every step-1 page: the owner gets in, other borrowers get 404, anonymous users log in first,
a volunteer the case is shared with may read but not change anything."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from collectguard.cases.models import Case
from collectguard.intake.models import ImportBatch, Message
from collectguard.intake.services import ImportResult
from tests.intake.conftest import SMS_SAMPLE

pytestmark = pytest.mark.django_db

READ_URLS = [
    "cases/{case}/intake/",
    "cases/{case}/intake/messages/",
    "cases/{case}/intake/senders/",
    "cases/{case}/intake/statistics/",
    "cases/{case}/intake/import/{batch}/",
]
WRITE_URLS = [
    ("get", "cases/{case}/intake/paste/"),
    ("post", "cases/{case}/intake/paste/"),
    ("post", "cases/{case}/intake/paste/preview/"),
    ("get", "cases/{case}/intake/manual/"),
    ("post", "cases/{case}/intake/manual/"),
    ("get", "cases/{case}/intake/import/"),
    ("post", "cases/{case}/intake/import/"),
    ("post", "cases/{case}/intake/import/{batch}/keep-all/"),
]
POST_DATA = {"text": "13612345678 2026-06-01 23:40 别装死", "action": "save", "kind": "visit"}


@pytest.fixture
def batch(case: Case, import_file: Callable[..., ImportResult]) -> ImportBatch:
    return import_file(case, SMS_SAMPLE).batch


def _url(template: str, case: Case, batch: ImportBatch) -> str:
    return "/" + template.format(case=case.pk, batch=batch.pk)


@pytest.mark.parametrize("template", READ_URLS)
def test_the_owner_and_a_shared_volunteer_can_read(
    template: str, case: Case, batch: ImportBatch, borrower_client: Client, volunteer_client: Any
) -> None:
    assert borrower_client.get(_url(template, case, batch)).status_code == 200
    assert volunteer_client.get(_url(template, case, batch)).status_code == 200


@pytest.mark.parametrize("template", READ_URLS + [url for _m, url in WRITE_URLS])
def test_other_peoples_cases_are_not_found(
    template: str, case: Case, batch: ImportBatch, other_client: Client
) -> None:
    url = _url(template, case, batch)
    assert other_client.get(url).status_code in (404, 405)
    assert other_client.post(url, POST_DATA).status_code in (404, 405)
    assert Message.objects.count() == 7, "nothing changed"


@pytest.mark.parametrize("template", READ_URLS + [url for _m, url in WRITE_URLS])
def test_login_is_required(template: str, case: Case, batch: ImportBatch) -> None:
    response = Client().get(_url(template, case, batch))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("method", "template"), WRITE_URLS)
def test_a_shared_volunteer_cannot_change_anything(
    method: str, template: str, case: Case, batch: ImportBatch, volunteer_client: Any
) -> None:
    url = _url(template, case, batch)
    response = getattr(volunteer_client, method)(url, POST_DATA if method == "post" else None)
    assert response.status_code == 403
    assert Message.objects.count() == 7


def test_a_batch_of_another_case_is_not_found(
    case: Case,
    batch: ImportBatch,
    other_borrower: Any,
    other_client: Client,
) -> None:
    theirs = Case.objects.create(owner=other_borrower, title="别人的案件")
    response = other_client.get(f"/cases/{theirs.pk}/intake/import/{batch.pk}/")
    assert response.status_code == 404
    response = other_client.post(f"/cases/{theirs.pk}/intake/import/{batch.pk}/keep-all/")
    assert response.status_code == 404
