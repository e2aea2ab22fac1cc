from __future__ import annotations

import hashlib
import io
import json
import zipfile

from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.review.models import Share
from tests.review.factories import fake_pdf, make_case, make_evidence, make_letter, make_message


def download(client: Client, case: Case) -> zipfile.ZipFile:
    response = client.post(reverse("review:export", args=[case.pk]))
    assert response.status_code == 200
    assert response.streaming  # served from the temporary file, not built in memory
    assert response["Content-Type"] == "application/zip"
    assert f"case-{case.pk}-export-" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]


def test_it_exports_every_record_and_file_with_checksums(
    borrower_client: Client, case: Case, share: Share, other_borrower: User
) -> None:
    message = make_message(case)
    original = b"\x89PNG\r\n\x1a\n" + b"synthetic screenshot bytes"
    item = make_evidence(case, original)
    letter = make_letter(case, fake_pdf("export"))
    make_message(make_case(other_borrower, "别人的案件"), body="别人的短信")

    archive = download(borrower_client, case)
    names = set(archive.namelist())
    assert {"case.json", "files.json", "README.txt", "SHA256SUMS"} <= names

    data = json.loads(archive.read("case.json"))
    assert data["format"] == "collectguard-case-export"
    records = data["records"]
    assert [row["pk"] for row in records["cases.case"]] == [case.pk]
    assert [row["pk"] for row in records["intake.message"]] == [message.pk]
    assert records["intake.message"][0]["fields"]["body"] == message.body
    assert [row["pk"] for row in records["evidence.evidenceitem"]] == [item.pk]
    assert [row["pk"] for row in records["evidence.generateddocument"]] == [letter.pk]
    assert [row["pk"] for row in records["review.share"]] == [share.pk]
    assert "别人的短信" not in archive.read("case.json").decode()
    assert "password" not in archive.read("case.json").decode()

    files = {
        entry["storage_name"]: entry for entry in json.loads(archive.read("files.json"))["files"]
    }
    evidence_entry = files[item.storage_key]
    assert evidence_entry["status"] == "ok"
    assert evidence_entry["recorded_sha256"] == item.sha256
    assert archive.read(evidence_entry["archive_path"]) == original  # byte for byte
    assert files[letter.pdf_key]["recorded_sha256"] == letter.pdf_sha256

    for line in archive.read("SHA256SUMS").decode().splitlines():
        digest, path = line.split("  ", 1)
        assert hashlib.sha256(archive.read(path)).hexdigest() == digest


def test_a_missing_file_is_listed_not_dropped(borrower_client: Client, case: Case) -> None:
    item = make_evidence(case)
    default_storage.delete(item.storage_key)
    archive = download(borrower_client, case)
    files = {
        entry["storage_name"]: entry for entry in json.loads(archive.read("files.json"))["files"]
    }
    assert files[item.storage_key]["status"] == "missing"
    assert item.storage_key in archive.read("README.txt").decode()


def test_a_changed_file_is_flagged(borrower_client: Client, case: Case) -> None:
    from django.core.files.base import ContentFile

    item = make_evidence(case)
    default_storage.delete(item.storage_key)
    default_storage.save(item.storage_key, ContentFile(b"altered"))
    archive = download(borrower_client, case)
    files = {
        entry["storage_name"]: entry for entry in json.loads(archive.read("files.json"))["files"]
    }
    assert files[item.storage_key]["status"] == "mismatch"


def test_only_the_owner_can_export(
    volunteer_client: Client, other_client: Client, case: Case, share: Share
) -> None:
    assert volunteer_client.post(reverse("review:export", args=[case.pk])).status_code == 403
    assert other_client.post(reverse("review:export", args=[case.pk])).status_code == 404
    assert Client().post(reverse("review:export", args=[case.pk])).status_code == 302


def test_the_export_page_explains_what_is_inside(borrower_client: Client, case: Case) -> None:
    response = borrower_client.get(reverse("review:export", args=[case.pk]))
    assert response.status_code == 200
    assert "SHA256SUMS" in response.content.decode()
