"""Evidence is sacred: originals kept byte for byte, refused files leave nothing behind."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.cases.services import case_delete
from collectguard.negotiation import files as files_module
from collectguard.negotiation.files import UploadRejected, check_upload
from collectguard.negotiation.models import FileKind, NegotiationFile
from collectguard.negotiation.services import negotiation_files_add
from tests.negotiation.conftest import checked, pdf_bytes, png, sha256, stream_bytes, upload


def stored_paths(case: Case | int) -> list[str]:
    pk = case if isinstance(case, int) else case.pk
    _, names = default_storage.listdir(f"cases/{pk}/negotiation")
    return sorted(names)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.png", b"", "空"),
        ("page.png", b"<html><body>hi</body></html>", "网页代码"),
        ("photo.jpg", png(), "文件内容其实是"),
        ("program.png", b"MZ\x90\x00\x03" + bytes(200), "png"),
        ("sms-2026.xml", b'<?xml version="1.0"?><smses count="0"></smses>', "第 1 步"),
    ],
)
def test_unusable_files_are_refused_with_a_reason(name: str, content: bytes, message: str) -> None:
    with pytest.raises(UploadRejected) as refused:
        check_upload(upload(name, content))
    assert name in refused.value.message
    assert message in refused.value.message


def test_files_over_the_size_limit_are_refused(settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 100
    with pytest.raises(UploadRejected, match="上限"):
        check_upload(upload("big.pdf", pdf_bytes() + bytes(200)))


def test_file_names_never_become_paths(case: Case, borrower: User) -> None:
    [stored] = negotiation_files_add(
        case=case,
        uploads=[checked("../../etc/passwd.png", png())],
        kind=FileKind.HARDSHIP,
        uploaded_by=borrower,
    )
    assert stored.original_name == "passwd.png"
    assert stored.path.startswith(f"cases/{case.pk}/negotiation/")
    assert ".." not in stored.path


def test_the_download_is_the_exact_original_as_an_attachment(
    borrower_client: Client, case: Case, borrower: User
) -> None:
    content = pdf_bytes()
    [stored] = negotiation_files_add(
        case=case,
        uploads=[checked("收入证明.pdf", content)],
        kind=FileKind.HARDSHIP,
        uploaded_by=borrower,
    )
    response = borrower_client.get(reverse("negotiation:file", args=[case.pk, stored.pk]))
    assert stream_bytes(response) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Content-SHA256"] == sha256(content)


def test_the_case_allowance_is_enforced(case: Case, borrower: User, settings: Any) -> None:
    settings.MAX_CASE_EVIDENCE_BYTES = len(png(1)) + 10
    negotiation_files_add(
        case=case, uploads=[checked("a.png", png(1))], kind=FileKind.HARDSHIP, uploaded_by=borrower
    )
    with pytest.raises(UploadRejected, match="上限"):
        negotiation_files_add(
            case=case,
            uploads=[checked("b.png", png(2))],
            kind=FileKind.HARDSHIP,
            uploaded_by=borrower,
        )
    assert NegotiationFile.objects.count() == 1
    assert len(stored_paths(case)) == 1


def test_a_failure_after_writing_removes_the_files_written(
    case: Case, borrower: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_store = files_module.store
    calls = {"n": 0}

    def store_then_fail(case_id: int, upload: Any) -> str:
        calls["n"] += 1
        if calls["n"] == 2:
            raise IntegrityError("simulated database failure")
        return real_store(case_id, upload)

    monkeypatch.setattr("collectguard.negotiation.services.store", store_then_fail)
    with pytest.raises(IntegrityError):
        negotiation_files_add(
            case=case,
            uploads=[checked("a.png", png(1)), checked("b.png", png(2))],
            kind=FileKind.HARDSHIP,
            uploaded_by=borrower,
        )
    assert not NegotiationFile.objects.exists()
    assert stored_paths(case) == []


@pytest.mark.django_db(transaction=True)
def test_deleting_the_case_deletes_its_files(case: Case, borrower: User) -> None:
    negotiation_files_add(
        case=case,
        uploads=[checked("a.png", png(1)), checked("b.pdf", pdf_bytes())],
        kind=FileKind.HARDSHIP,
        uploaded_by=borrower,
    )
    pk = case.pk
    assert len(stored_paths(pk)) == 2
    case_delete(case=case)
    assert stored_paths(pk) == []
