"""manage.py verify_evidence and render_document (DESIGN.md command-line contracts)."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from collectguard.cases.models import Case
from collectguard.evidence.models import CustodyEntry, EvidenceItem, GeneratedDocument
from collectguard.evidence.services import evidence_add
from tests.evidence.conftest import make_flagged_message, png_bytes


def _add(case: Case, colour: tuple[int, int, int]) -> EvidenceItem:
    return evidence_add(
        case=case,
        uploaded_by=case.owner,
        file=ContentFile(png_bytes(colour=colour), name="shot.png"),
        description=f"截图 {colour}",
        purpose="",
        kind="screenshot",
    )


def verify(case: Case) -> str:
    out = io.StringIO()
    call_command("verify_evidence", "--case", str(case.pk), stdout=out)
    return out.getvalue()


def test_verify_passes_when_nothing_changed(case: Case) -> None:
    first, second = _add(case, (1, 1, 1)), _add(case, (2, 2, 2))
    output = verify(case)
    assert f"OK        evidence {first.uuid}" in output
    assert f"OK        evidence {second.uuid}" in output
    assert "custody chain  entries=2" in output
    assert "0 problem(s)" in output


def test_verify_fails_and_names_a_file_changed_in_storage(case: Case) -> None:
    untouched, tampered = _add(case, (1, 1, 1)), _add(case, (2, 2, 2))
    path = Path(settings.MEDIA_ROOT) / tampered.storage_key
    path.write_bytes(path.read_bytes() + b"\x00")

    with pytest.raises(CommandError) as caught:
        verify(case)

    message = str(caught.value)
    assert f"MISMATCH  evidence {tampered.uuid}" in message
    assert str(untouched.uuid) not in message
    assert "1 problem(s)" in message


def test_verify_fails_for_a_missing_file(case: Case) -> None:
    item = _add(case, (3, 3, 3))
    (Path(settings.MEDIA_ROOT) / item.storage_key).unlink()
    with pytest.raises(CommandError, match=f"MISSING   evidence {item.uuid}"):
        verify(case)


def test_verify_fails_when_the_custody_chain_was_edited(case: Case) -> None:
    _add(case, (4, 4, 4))
    CustodyEntry.objects.filter(case=case).update(details={"sha256": "0" * 64})
    with pytest.raises(CommandError, match="CUSTODY"):
        verify(case)


def test_verify_covers_step_two_files(case: Case) -> None:
    from collectguard.negotiation.models import NegotiationFile

    data = b"%PDF-1.4\n% synthetic hardship certificate\n%%EOF\n"
    path = f"cases/{case.pk}/negotiation/synthetic.pdf"
    stored = Path(settings.MEDIA_ROOT) / path
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(data)
    NegotiationFile.objects.create(
        case=case,
        kind="hardship",
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        original_name="证明.pdf",
        content_type="application/pdf",
    )
    assert f"OK        negotiation {path}" in verify(case)

    stored.write_bytes(data.replace(b"hardship", b"HARDSHIP"))
    with pytest.raises(CommandError, match=f"MISMATCH  negotiation {path}"):
        verify(case)


def test_verify_refuses_an_unknown_case(db: None) -> None:
    with pytest.raises(CommandError, match="no case"):
        call_command("verify_evidence", "--case", "999")


def test_render_document_writes_the_snapshot_pdf(case: Case, tmp_path: Path) -> None:
    make_flagged_message(case, "再不还钱就去你单位闹")
    _add(case, (5, 5, 5))
    target = tmp_path / "list.pdf"
    out = io.StringIO()

    call_command(
        "render_document",
        "--case",
        str(case.pk),
        "--document",
        "evidence_list",
        "--output",
        str(target),
        stdout=out,
    )

    report = json.loads(out.getvalue())
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    assert report["sha256"] == hashlib.sha256(data).hexdigest()
    document = GeneratedDocument.objects.get(pk=report["document"])
    assert document.pdf_sha256 == report["sha256"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "再不还钱就去你单位闹" in text


def test_render_document_with_a_channel(case: Case, tmp_path: Path) -> None:
    target = tmp_path / "police.pdf"
    call_command(
        "render_document",
        "--case",
        str(case.pk),
        "--document",
        "complaint",
        "--channel",
        "110",
        "--output",
        str(target),
        stdout=io.StringIO(),
    )
    text = "".join(page.extract_text() for page in PdfReader(str(target)).pages)
    assert "报案材料" in "".join(text.split())


def test_render_document_refuses_an_unknown_kind(case: Case, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="known: evidence_list"):
        call_command(
            "render_document",
            "--case",
            str(case.pk),
            "--document",
            "complaint",
            "--channel",
            "nowhere",
            "--output",
            str(tmp_path / "x.pdf"),
        )
    assert not GeneratedDocument.objects.exists()
