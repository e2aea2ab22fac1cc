"""Evidence in an S3-compatible bucket: every file the app keeps goes through the storage API.

The bucket is served by moto on loopback (tests/deploy/conftest.py) and the storage options are
production's (`collectguard.settings.s3_storage`). Each test runs a real flow through the test
client and then looks in the bucket with boto3, independently of django-storages.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from collectguard.cases.models import Case
from collectguard.evidence.models import EvidenceItem, GeneratedDocument
from collectguard.intake.models import ImportBatch
from collectguard.negotiation.models import NegotiationFile
from tests.deploy.conftest import bucket_keys, object_sha256, s3_client
from tests.evidence.conftest import jpeg_bytes, upload
from tests.intake.conftest import SMS_SAMPLE
from tests.negotiation.conftest import pdf_bytes
from tests.negotiation.conftest import upload as negotiation_upload

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_GROUPS = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)

pytestmark = pytest.mark.usefixtures("s3_settings")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def assert_streamed_not_linked(response: Any, endpoint: str, bucket: str) -> None:
    """The bytes come through the app; neither the bucket nor a signed URL is ever revealed."""
    assert response.status_code == 200
    assert "Location" not in response
    headers = " ".join(f"{name}: {value}" for name, value in response.items())
    for leak in (endpoint, bucket, "X-Amz-Signature", "Signature="):
        assert leak not in headers


def assert_private(endpoint: str, bucket: str, key: str) -> None:
    grants = s3_client(endpoint).get_object_acl(Bucket=bucket, Key=key)["Grants"]
    assert grants, "the object has no ACL at all"
    for grant in grants:
        assert grant["Grantee"].get("URI") not in PUBLIC_GROUPS


def test_the_environment_switches_storage_to_the_bucket() -> None:
    """What a deployment sets (README "Configuration") is what the storage is built from."""
    env = {
        **os.environ,
        "AWS_STORAGE_BUCKET_NAME": "collectguard-evidence",
        "AWS_S3_ENDPOINT_URL": "https://oss-cn-shanghai.aliyuncs.com",
        "AWS_S3_REGION_NAME": "oss-cn-shanghai",
        "AWS_S3_ADDRESSING_STYLE": "virtual",
        "DJANGO_SETTINGS_MODULE": "collectguard.settings",
    }
    script = (
        "import json, django; django.setup();"
        "from django.conf import settings;"
        "from django.core.files.storage import default_storage as s;"
        "print(json.dumps([settings.STORAGES['default']['BACKEND'],"
        " s.bucket_name, s.endpoint_url, s.region_name, s.addressing_style, s.default_acl,"
        " s.file_overwrite, s.querystring_expire]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "storages.backends.s3.S3Storage",
        "collectguard-evidence",
        "https://oss-cn-shanghai.aliyuncs.com",
        "oss-cn-shanghai",
        "virtual",
        "private",
        False,
        300,
    ]


def test_an_upload_is_stored_in_the_bucket_byte_for_byte(
    borrower_client: Client, case: Case, s3_endpoint: str, bucket: str
) -> None:
    photo = jpeg_bytes(size=(320, 240))
    response = upload(borrower_client, case, photo, "催收短信截图.jpg")

    assert response.status_code == 302
    item = EvidenceItem.objects.get(case=case)
    assert item.sha256 == sha256(photo) and item.size == len(photo)
    assert bucket_keys(s3_endpoint, bucket) == {item.storage_key, item.thumbnail_key}
    assert item.storage_key.startswith(f"cases/{case.pk}/evidence/")
    # Hashed from the bucket itself, not through the app's storage layer.
    assert object_sha256(s3_endpoint, bucket, item.storage_key) == sha256(photo)
    assert_private(s3_endpoint, bucket, item.storage_key)
    assert_private(s3_endpoint, bucket, item.thumbnail_key)


def test_the_download_streams_the_exact_bytes_after_the_access_check(
    borrower_client: Client,
    other_client: Client,
    case: Case,
    s3_endpoint: str,
    bucket: str,
) -> None:
    photo = jpeg_bytes(size=(200, 100), comment=b"download")
    upload(borrower_client, case, photo, "截图.jpg")
    item = EvidenceItem.objects.get(case=case)
    url = reverse("evidence:download", args=[case.pk, item.uuid])

    response = borrower_client.get(url)

    assert_streamed_not_linked(response, s3_endpoint, bucket)
    assert body(response) == photo
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Length"] == str(len(photo))
    preview = borrower_client.get(reverse("evidence:preview", args=[case.pk, item.uuid]))
    assert_streamed_not_linked(preview, s3_endpoint, bucket)
    assert body(preview).startswith(b"\xff\xd8") and body(preview) != photo
    # Someone else's case is not found, and a visitor is sent to log in, not to the bucket.
    assert other_client.get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))


def test_a_backup_import_keeps_the_original_in_the_bucket(
    borrower_client: Client, case: Case, s3_endpoint: str, bucket: str
) -> None:
    original = SMS_SAMPLE.read_bytes()
    response = borrower_client.post(
        reverse("intake:upload", args=[case.pk]),
        {"file": upload_file("sms-20260604.xml", original)},
    )

    assert response.status_code == 302
    batch = ImportBatch.objects.get(case=case)
    item = EvidenceItem.objects.get(case=case, sha256=sha256(original))
    assert batch.evidence_item_id == item.pk and batch.sha256 == item.sha256
    assert item.storage_key in bucket_keys(s3_endpoint, bucket)
    assert object_sha256(s3_endpoint, bucket, item.storage_key) == sha256(original)
    download = borrower_client.get(reverse("evidence:download", args=[case.pk, item.uuid]))
    assert body(download) == original
    # "Keep all" re-reads the original from the bucket, not from a file left on disk.
    keep_all = borrower_client.post(reverse("intake:keep_all", args=[case.pk, batch.pk]))
    assert keep_all.status_code == 302
    batch.refresh_from_db()
    assert batch.kept_all


def test_a_generated_pdf_is_stored_in_the_bucket_and_served_from_it(
    borrower_client: Client, case: Case, s3_endpoint: str, bucket: str
) -> None:
    response = borrower_client.post(
        reverse("evidence:document_new", args=[case.pk, "stop_notice"]),
        {"name": "王五", "phone": "13900000000"},
    )

    assert response.status_code == 302
    document = GeneratedDocument.objects.get(case=case)
    assert bucket_keys(s3_endpoint, bucket) == {document.pdf_key}
    assert object_sha256(s3_endpoint, bucket, document.pdf_key) == document.pdf_sha256
    assert_private(s3_endpoint, bucket, document.pdf_key)
    download = borrower_client.get(reverse("evidence:document_pdf", args=[case.pk, document.pk]))
    assert_streamed_not_linked(download, s3_endpoint, bucket)
    pdf = body(download)
    assert pdf.startswith(b"%PDF-") and sha256(pdf) == document.pdf_sha256


def test_step_two_documents_are_stored_in_the_bucket(
    borrower_client: Client, case: Case, s3_endpoint: str, bucket: str
) -> None:
    letter = pdf_bytes()
    response = borrower_client.post(
        reverse("negotiation:documents", args=[case.pk]),
        {"uploads": [negotiation_upload("收入证明.pdf", letter)], "description": "收入证明"},
    )

    assert response.status_code == 302
    stored = NegotiationFile.objects.get(case=case)
    assert bucket_keys(s3_endpoint, bucket) == {stored.path}
    assert object_sha256(s3_endpoint, bucket, stored.path) == sha256(letter) == stored.sha256
    download = borrower_client.get(reverse("negotiation:file", args=[case.pk, stored.pk]))
    assert_streamed_not_linked(download, s3_endpoint, bucket)
    assert body(download) == letter


def test_the_export_zip_carries_the_files_from_the_bucket(
    borrower_client: Client, case: Case
) -> None:
    photo = jpeg_bytes(comment=b"export")
    upload(borrower_client, case, photo, "截图.jpg")
    item = EvidenceItem.objects.get(case=case)

    response = borrower_client.post(reverse("review:export", args=[case.pk]))

    with zipfile.ZipFile(io.BytesIO(body(response))) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    assert photo in contents.values()
    assert any(item.sha256 in text.decode("utf-8", "replace") for text in contents.values())


def verify(case: Case) -> str:
    out = io.StringIO()
    call_command("verify_evidence", "--case", str(case.pk), stdout=out)
    return out.getvalue()


def test_verify_evidence_rehashes_the_objects_in_the_bucket(
    borrower_client: Client, case: Case, s3_endpoint: str, bucket: str
) -> None:
    upload(borrower_client, case, jpeg_bytes(comment=b"verify"), "截图.jpg")
    item = EvidenceItem.objects.get(case=case)
    borrower_client.post(
        reverse("evidence:document_new", args=[case.pk, "stop_notice"]), {"name": "王五"}
    )
    document = GeneratedDocument.objects.get(case=case)

    report = verify(case)
    assert f"OK        evidence {item.uuid}" in report
    assert f"OK        document {document.pk}" in report

    client = s3_client(s3_endpoint)
    client.put_object(Bucket=bucket, Key=item.storage_key, Body=b"changed behind our back")
    with pytest.raises(CommandError, match="MISMATCH  evidence"):
        verify(case)
    client.delete_object(Bucket=bucket, Key=document.pdf_key)
    with pytest.raises(CommandError, match=f"MISSING   document {document.pk}"):
        verify(case)


def test_deleting_the_case_removes_its_objects(
    borrower_client: Client,
    case: Case,
    s3_endpoint: str,
    bucket: str,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    upload(borrower_client, case, jpeg_bytes(comment=b"delete"), "截图.jpg")
    borrower_client.post(
        reverse("intake:upload", args=[case.pk]),
        {"file": upload_file("sms.xml", SMS_SAMPLE.read_bytes())},
    )
    borrower_client.post(
        reverse("evidence:document_new", args=[case.pk, "stop_notice"]), {"name": "王五"}
    )
    borrower_client.post(
        reverse("negotiation:documents", args=[case.pk]),
        {"uploads": [negotiation_upload("收入证明.pdf", pdf_bytes())], "description": "收入证明"},
    )
    keys = bucket_keys(s3_endpoint, bucket)
    # Original and preview, the backup original, the PDF, the step-2 document.
    assert len(keys) == 5 and all(key.startswith(f"cases/{case.pk}/") for key in keys)
    # Another borrower's objects in the same bucket are left alone.
    s3_client(s3_endpoint).put_object(Bucket=bucket, Key="cases/999999/evidence/x", Body=b"x")

    with django_capture_on_commit_callbacks(execute=True):
        response = borrower_client.post(
            reverse("cases:delete", args=[case.pk]), {"confirm_title": case.title}
        )

    assert response.status_code == 302
    assert bucket_keys(s3_endpoint, bucket) == {"cases/999999/evidence/x"}


def test_deleting_one_item_removes_its_original_and_preview(
    borrower_client: Client,
    case: Case,
    s3_endpoint: str,
    bucket: str,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    upload(borrower_client, case, jpeg_bytes(comment=b"keep"), "留着.jpg")
    upload(borrower_client, case, jpeg_bytes(comment=b"remove"), "删掉.jpg")
    keep, remove = (
        EvidenceItem.objects.get(case=case, original_name=n) for n in ("留着.jpg", "删掉.jpg")
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = borrower_client.post(
            reverse("evidence:delete", args=[case.pk, remove.uuid]), {"confirm": "yes"}
        )

    assert response.status_code == 302
    assert bucket_keys(s3_endpoint, bucket) == {keep.storage_key, keep.thumbnail_key}


def upload_file(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, "text/xml")
