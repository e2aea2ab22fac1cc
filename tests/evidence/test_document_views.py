"""Generating documents from the web, downloading the stored snapshot, the WeChat fallback."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from collectguard.cases.models import Case
from collectguard.evidence.models import CustodyEntry, GeneratedDocument
from collectguard.evidence.selectors import documents_for_case
from collectguard.evidence.services import document_generate

WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 "
    "Mobile Safari/537.36 MicroMessenger/8.0.50"
)


@pytest.fixture
def document(case: Case) -> GeneratedDocument:
    return document_generate(
        case=case, actor=case.owner, kind="stop_notice", inputs={"name": "王五"}
    )


def test_the_documents_page_offers_every_document(borrower_client: Client, case: Case) -> None:
    body = borrower_client.get(reverse("evidence:documents", args=[case.pk])).content.decode()
    for title in ("证据目录", "投诉书", "报案材料", "举报材料", "停止侵权告知函", "协商还款申请书"):
        assert title in body
    assert reverse("evidence:document_new", args=[case.pk, "evidence_list"]) in body


def test_generating_stores_a_snapshot_and_redirects_to_it(
    borrower_client: Client, case: Case
) -> None:
    url = reverse("evidence:document_new_channel", args=[case.pk, "complaint", "12378"])
    assert "你的姓名" in borrower_client.get(url).content.decode()

    response = borrower_client.post(url, {"name": "赵六", "phone": "13900000000"})

    document = GeneratedDocument.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == reverse("evidence:document", args=[case.pk, document.pk])
    assert (document.kind, document.channel) == ("complaint", "12378")
    assert document.variables["complainant"] == {
        "name": "赵六",
        "phone": "13900000000",
        "address": "",
    }


def test_bad_input_keeps_what_was_typed_and_generates_nothing(
    borrower_client: Client, case: Case
) -> None:
    url = reverse("evidence:document_new", args=[case.pk, "stop_notice"])
    response = borrower_client.post(url, {"name": "钱七", "phone": "1" * 31})
    assert response.status_code == 400
    assert "钱七" in response.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_the_download_serves_the_stored_bytes(
    borrower_client: Client, document: GeneratedDocument
) -> None:
    response = borrower_client.get(
        reverse("evidence:document_pdf", args=[document.case_id, document.pk])
    )

    body = b"".join(response.streaming_content)
    with default_storage.open(document.pdf_key, "rb") as handle:
        assert body == handle.read()
    assert hashlib.sha256(body).hexdigest() == document.pdf_sha256
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert CustodyEntry.objects.filter(action="exported", target=f"document:{document.pk}").exists()


def test_the_download_is_the_snapshot_even_after_the_case_changed(
    borrower_client: Client, document: GeneratedDocument
) -> None:
    case = document.case
    case.lender = "后来改过的名字"
    case.save()
    response = borrower_client.get(reverse("evidence:document_pdf", args=[case.pk, document.pk]))
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == document.pdf_sha256


def test_wechat_users_are_told_how_to_open_the_pdf(
    borrower_client: Client, document: GeneratedDocument
) -> None:
    url = reverse("evidence:document", args=[document.case_id, document.pk])
    plain = borrower_client.get(url).content.decode()
    wechat = borrower_client.get(url, HTTP_USER_AGENT=WECHAT_UA).content.decode()

    assert "在浏览器打开" not in plain
    assert "在浏览器打开" in wechat
    assert reverse("evidence:document_page", args=[document.case_id, document.pk]) in wechat


def test_the_web_version_is_the_stored_html(
    borrower_client: Client, document: GeneratedDocument
) -> None:
    response = borrower_client.get(
        reverse("evidence:document_page", args=[document.case_id, document.pk])
    )
    body = response.content.decode()
    assert body == document.html
    assert "王五" in body and "不构成法律意见" in body
    assert "<script" not in body and "style=" not in body


def test_a_volunteer_can_read_but_not_generate(
    shared_volunteer_client: Client, document: GeneratedDocument
) -> None:
    case = document.case
    detail = reverse("evidence:document", args=[case.pk, document.pk])
    assert shared_volunteer_client.get(detail).status_code == 200
    assert (
        shared_volunteer_client.get(
            reverse("evidence:document_pdf", args=[case.pk, document.pk])
        ).status_code
        == 200
    )
    new = reverse("evidence:document_new", args=[case.pk, "evidence_list"])
    assert shared_volunteer_client.get(new).status_code == 403
    assert shared_volunteer_client.post(new, {"name": "x"}).status_code == 403
    assert GeneratedDocument.objects.count() == 1


@pytest.mark.parametrize("name", ["document", "document_pdf", "document_page"])
def test_someone_elses_document_is_a_404(
    other_client: Client, document: GeneratedDocument, name: str
) -> None:
    assert (
        other_client.get(
            reverse(f"evidence:{name}", args=[document.case_id, document.pk])
        ).status_code
        == 404
    )


def test_someone_elses_case_cannot_be_used_to_generate(other_client: Client, case: Case) -> None:
    url = reverse("evidence:document_new", args=[case.pk, "evidence_list"])
    assert other_client.post(url, {}).status_code == 404
    assert not GeneratedDocument.objects.exists()


def test_unknown_documents_are_a_404(borrower_client: Client, case: Case) -> None:
    url = reverse("evidence:document_new_channel", args=[case.pk, "complaint", "nowhere"])
    assert borrower_client.get(url).status_code == 404


def test_login_is_required(client: Client, document: GeneratedDocument) -> None:
    url = reverse("evidence:document_pdf", args=[document.case_id, document.pk])
    assert client.get(url).status_code == 302


def test_documents_for_case_is_newest_first(case: Case, document: GeneratedDocument) -> None:
    newer = document_generate(case=case, actor=case.owner, kind="stop_notice")
    assert list(documents_for_case(case)) == [newer, document]
