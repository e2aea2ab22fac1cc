"""The upload view and `evidence_add`: originals kept exactly, disguised files refused."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from collectguard.cases.models import Case
from collectguard.evidence.models import CustodyEntry, EvidenceItem
from tests.evidence.conftest import jpeg_bytes, png_bytes, upload


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_it_keeps_the_original_byte_for_byte(borrower_client: Client, case: Case) -> None:
    data = jpeg_bytes()
    response = upload(borrower_client, case, data, "IMG_2025.jpg")

    assert response.status_code == 302
    item = EvidenceItem.objects.get(case=case)
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.size == len(data)
    assert (item.file_type, item.content_type) == ("jpg", "image/jpeg")
    assert item.storage_key == f"cases/{case.pk}/evidence/{item.uuid}"
    with default_storage.open(item.storage_key, "rb") as handle:
        stored = handle.read()
    assert hashlib.sha256(stored).hexdigest() == hashlib.sha256(data).hexdigest()
    assert stored == data


def test_it_keeps_exif_and_makes_a_separate_preview(borrower_client: Client, case: Case) -> None:
    upload(borrower_client, case, jpeg_bytes(size=(1200, 900)), "photo.jpeg")

    item = EvidenceItem.objects.get(case=case)
    with default_storage.open(item.storage_key, "rb") as handle:
        original = Image.open(io.BytesIO(handle.read()))
    assert original.getexif()[0x010F] == "SyntheticCam"
    assert original.size == (1200, 900)
    assert item.thumbnail_key and item.thumbnail_key != item.storage_key
    with default_storage.open(item.thumbnail_key, "rb") as handle:
        preview = Image.open(io.BytesIO(handle.read()))
    assert max(preview.size) <= 480


def test_it_records_the_upload_in_the_custody_log(borrower_client: Client, case: Case) -> None:
    upload(borrower_client, case, png_bytes(), "a.png")

    item = EvidenceItem.objects.get(case=case)
    entry = CustodyEntry.objects.get(case=case)
    assert (entry.action, entry.target) == ("added", f"evidence:{item.uuid}")
    assert entry.details["sha256"] == item.sha256
    assert entry.actor == case.owner


DISGUISED = {
    "php": b"<?php system($_GET['c']); ?>",
    "html": b"<!doctype html><html><body><script>alert(1)</script></body></html>",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
    "html-without-doctype": b"\n\n<script>document.location='http://127.0.0.1/'</script>",
}


@pytest.mark.parametrize("content", DISGUISED.values(), ids=DISGUISED.keys())
def test_it_refuses_files_that_lie_about_their_type(
    borrower_client: Client, case: Case, content: bytes
) -> None:
    response = upload(borrower_client, case, content, "screenshot.jpg", description="我写的说明")

    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert any("不能" in error and "上传" in error for error in errors)
    assert "我写的说明" in response.content.decode()  # what was typed is kept
    assert not EvidenceItem.objects.exists()
    assert not CustodyEntry.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00", "tool.exe"),
        (b"PK\x03\x04" + b"\x00" * 40, "chat.zip"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "picture.svg"),
        (b"\x00\x01\x02\x03binary junk", "unknown.bin"),
        (b"", "empty.png"),
    ],
)
def test_it_refuses_types_that_are_not_allowed(
    borrower_client: Client, case: Case, content: bytes, name: str
) -> None:
    response = upload(borrower_client, case, content, name)

    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not EvidenceItem.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 50, "call.mp3", "mp3"),
        (b"#!AMR\n" + b"\x3c" * 200, "record.amr", "amr"),
        (b"%PDF-1.7\n%synthetic\n%%EOF\n", "notice.pdf", "pdf"),
        ("2025-11-03 23:41 17012345678：今天不还就上门\n".encode(), "notes.txt", "txt"),
        (
            b'<?xml version="1.0" encoding="UTF-8"?>\n<smses count="0"></smses>\n',
            "sms-20251103.xml",
            "xml",
        ),
    ],
)
def test_it_accepts_recordings_documents_text_and_backups(
    borrower_client: Client, case: Case, data: bytes, name: str, kind: str
) -> None:
    response = upload(borrower_client, case, data, name, kind="other")

    assert response.status_code == 302
    item = EvidenceItem.objects.get(case=case)
    assert item.file_type == kind
    assert not item.thumbnail_key


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../../../etc/passwd.png", "passwd.png"),
        ("..\\..\\windows\\system32\\x.png", "x.png"),
        ("\u202egnp.exe.png", "gnp.exe.png"),
        ("名字\x00.php.png", "名字.php.png"),
    ],
)
def test_file_names_never_reach_storage_paths(
    borrower_client: Client, case: Case, name: str, shown: str
) -> None:
    upload(borrower_client, case, png_bytes(), name)

    item = EvidenceItem.objects.get(case=case)
    assert item.original_name == shown
    root = Path(settings.MEDIA_ROOT)
    assert [path.relative_to(root).as_posix() for path in stored_files()] == sorted(
        [
            f"cases/{case.pk}/evidence/{item.uuid}",
            f"cases/{case.pk}/evidence/{item.uuid}.preview.jpg",
        ]
    )


def test_it_refuses_a_file_over_the_per_file_limit(
    borrower_client: Client, case: Case, settings: Any
) -> None:
    data = jpeg_bytes(size=(300, 300))
    settings.MAX_UPLOAD_BYTES = len(data) - 1

    response = upload(borrower_client, case, data, "big.jpg")

    assert response.status_code == 400
    assert "超过了单个文件" in " ".join(response.context["form"].errors["file"])
    assert stored_files() == []


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(
    borrower_client: Client, case: Case, settings: Any
) -> None:
    settings.MAX_UPLOAD_BYTES = 1000

    response = upload(borrower_client, case, b"\xff\xd8\xff" + b"\x00" * 200_000, "huge.jpg")

    assert response.status_code == 413
    assert not EvidenceItem.objects.exists()
    assert stored_files() == []


def test_it_refuses_a_file_over_the_per_case_limit(
    borrower_client: Client, case: Case, settings: Any
) -> None:
    first, second = png_bytes(colour=(1, 2, 3)), png_bytes(colour=(4, 5, 6))
    settings.MAX_CASE_EVIDENCE_BYTES = len(first) + len(second) - 1
    assert upload(borrower_client, case, first, "1.png").status_code == 302

    response = upload(borrower_client, case, second, "2.png")

    assert response.status_code == 400
    assert "每个案件" in " ".join(response.context["form"].errors["file"])
    assert EvidenceItem.objects.count() == 1


def test_the_same_file_twice_is_stored_once(borrower_client: Client, case: Case) -> None:
    data = png_bytes()
    upload(borrower_client, case, data, "first.png")
    files_after_first = stored_files()

    response = upload(borrower_client, case, data, "again.png", follow=True)

    item = EvidenceItem.objects.get(case=case)
    assert response.redirect_chain[-1][0].endswith(f"/evidence/{item.uuid}/")
    assert "已经保存过了" in response.content.decode()
    assert stored_files() == files_after_first
    assert CustodyEntry.objects.filter(action="added").count() == 1


def test_the_same_file_in_another_case_is_stored_again(borrower_client: Client, case: Case) -> None:
    other = Case.objects.create(owner=case.owner, title="另一笔借款")
    data = png_bytes()
    upload(borrower_client, case, data, "a.png")
    upload(borrower_client, other, data, "a.png")
    assert EvidenceItem.objects.count() == 2


def test_htmx_upload_returns_the_locker_fragment(borrower_client: Client, case: Case) -> None:
    response = upload(borrower_client, case, png_bytes(), "a.png", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="locker"' in body
    assert "<html" not in body
    assert "催收短信截图" in body


def test_htmx_upload_with_a_bad_file_shows_the_error_in_the_fragment(
    borrower_client: Client, case: Case
) -> None:
    response = upload(borrower_client, case, DISGUISED["html"], "x.png", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "网页代码" in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_login_is_required(client: Client, case: Case) -> None:
    response = upload(client, case, png_bytes(), "a.png")
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]
    assert not EvidenceItem.objects.exists()


def test_someone_elses_case_is_a_404(other_client: Client, case: Case) -> None:
    response = upload(other_client, case, png_bytes(), "a.png")
    assert response.status_code == 404
    assert not EvidenceItem.objects.exists()


def test_a_volunteer_cannot_upload_to_a_shared_case(
    shared_volunteer_client: Client, case: Case
) -> None:
    response = upload(shared_volunteer_client, case, png_bytes(), "a.png")
    assert response.status_code == 403
    assert not EvidenceItem.objects.exists()


def test_the_service_cleans_names_it_is_given_directly(case: Case) -> None:
    """Other apps call evidence_add with their own File objects (no multipart parser)."""
    from django.core.files.base import ContentFile

    from collectguard.evidence.services import evidence_add

    item = evidence_add(
        case=case,
        uploaded_by=case.owner,
        file=ContentFile(png_bytes(), name="../../../etc/\u202ecron.png"),
        description="",
        purpose="",
        kind="screenshot",
    )
    assert item.original_name == "cron.png"
    assert item.storage_key == f"cases/{case.pk}/evidence/{item.uuid}"


def test_a_large_upload_streamed_to_a_temporary_file_is_kept_exactly(
    borrower_client: Client, case: Case
) -> None:
    """Over FILE_UPLOAD_MAX_MEMORY_SIZE Django hands us a file on disk, which storage moves."""
    import os

    data = b"%PDF-1.4\n%synthetic\n" + os.urandom(3 * 1024 * 1024) + b"\n%%EOF\n"
    assert len(data) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE

    response = upload(borrower_client, case, data, "scan.pdf", kind="document")

    assert response.status_code == 302
    item = EvidenceItem.objects.get(case=case)
    with default_storage.open(item.storage_key, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == hashlib.sha256(data).hexdigest()
    assert item.print_pages == 1  # not a readable PDF: counted as one printed page


def test_htmx_duplicate_upload_says_so_in_the_fragment(borrower_client: Client, case: Case) -> None:
    data = png_bytes()
    upload(borrower_client, case, data, "a.png")
    response = upload(borrower_client, case, data, "a.png", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "已经保存过了" in body and "message-info" in body
    assert EvidenceItem.objects.count() == 1
