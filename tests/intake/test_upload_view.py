"""The backup upload page, the import result and "keep all"."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from collectguard.cases.models import Case
from collectguard.intake.models import Call, ImportBatch, Message
from tests.intake.conftest import CALLS_SAMPLE, SMS_SAMPLE

pytestmark = pytest.mark.django_db


def _upload(client: Client, case: Case, name: str, data: bytes, **extra: str) -> Any:
    return client.post(
        f"/cases/{case.pk}/intake/import/",
        {"file": SimpleUploadedFile(name, data, "text/xml"), **extra},
    )


def test_the_form_works_without_javascript_and_offers_progress(
    borrower_client: Client, case: Case
) -> None:
    html = borrower_client.get(f"/cases/{case.pk}/intake/import/").content.decode()
    assert (
        'enctype="multipart/form-data"' in html
        and f'action="/cases/{case.pk}/intake/import/"' in html
    )
    assert "<progress" in html and "js/intake-upload.js" in html
    assert 'hx-encoding="multipart/form-data"' in html


def test_uploading_imports_and_shows_the_result(borrower_client: Client, case: Case) -> None:
    response = _upload(borrower_client, case, "sms-20260604.xml", SMS_SAMPLE.read_bytes())
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/intake/import/{batch.pk}/"
    html = borrower_client.get(response["Location"]).content.decode()
    assert "13900000009" in html and "周末回家吃饭吗" in html  # left out, with a sample
    assert "保留全部，重新导入" in html
    assert batch.sha256 in html


def test_htmx_upload_redirects_the_client(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(
        f"/cases/{case.pk}/intake/import/",
        {"file": SimpleUploadedFile("calls.xml", CALLS_SAMPLE.read_bytes(), "text/xml")},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(f"/cases/{case.pk}/intake/import/")
    assert Call.objects.count() == 6


def test_a_calls_file_offered_as_sms_says_what_it_was(borrower_client: Client, case: Case) -> None:
    response = _upload(
        borrower_client, case, "sms.xml", CALLS_SAMPLE.read_bytes(), expected_kind="sms"
    )
    page = borrower_client.get(response["Location"]).content.decode()
    assert "其实是通话记录备份" in page


def test_a_broken_file_shows_where_and_keeps_the_choices(
    borrower_client: Client, case: Case
) -> None:
    data = SMS_SAMPLE.read_bytes()[:1200]
    response = _upload(borrower_client, case, "sms.xml", data, keep_all="on")
    html = response.content.decode()
    assert response.status_code == 400
    assert "行" in html and "列" in html and "没有导入" in html
    assert 'id="id_keep_all" checked' in html
    assert not ImportBatch.objects.exists() and not Message.objects.exists()


def test_htmx_errors_come_back_as_the_form(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(
        f"/cases/{case.pk}/intake/import/",
        {"file": SimpleUploadedFile("x.xml", b"\x89PNG\r\n\x1a\n0000", "image/png")},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<form id="upload-form"') and "PNG" in html


def test_an_empty_file_is_refused(borrower_client: Client, case: Case) -> None:
    response = _upload(borrower_client, case, "sms.xml", b"")
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()


def test_the_same_file_twice_says_so(borrower_client: Client, case: Case) -> None:
    _upload(borrower_client, case, "sms.xml", SMS_SAMPLE.read_bytes())
    response = _upload(borrower_client, case, "sms-again.xml", SMS_SAMPLE.read_bytes())
    page = borrower_client.get(response["Location"]).content.decode()
    assert "之前已经导入过了" in page
    assert ImportBatch.objects.count() == 1 and Message.objects.count() == 7


def test_keep_all_button(borrower_client: Client, case: Case) -> None:
    _upload(borrower_client, case, "sms.xml", SMS_SAMPLE.read_bytes())
    batch = ImportBatch.objects.get()
    response = borrower_client.post(f"/cases/{case.pk}/intake/import/{batch.pk}/keep-all/")
    assert response.status_code == 302
    assert Message.objects.count() == 9
    page = borrower_client.get(response["Location"]).content.decode()
    assert "已保留全部" in page and "保留全部，重新导入" not in page


def test_a_volunteer_sees_counts_but_not_the_left_out_conversations(
    borrower_client: Client, volunteer_client: Client, case: Case
) -> None:
    _upload(borrower_client, case, "sms.xml", SMS_SAMPLE.read_bytes())
    batch = ImportBatch.objects.get()
    html = volunteer_client.get(f"/cases/{case.pk}/intake/import/{batch.pk}/").content.decode()
    assert "周末回家吃饭吗" not in html and "13900000009" not in html
    assert "保留全部，重新导入" not in html


def test_a_2gb_upload_is_refused_before_it_is_read(borrower_client: Client, case: Case) -> None:
    response = borrower_client.generic(
        "POST",
        f"/cases/{case.pk}/intake/import/",
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert response.status_code == 413
    assert not ImportBatch.objects.exists()
