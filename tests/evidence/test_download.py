"""Downloading originals and previews: access-checked, never rendered in our origin."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from collectguard.cases.models import Case
from collectguard.evidence.models import CustodyEntry, EvidenceItem
from tests.evidence.conftest import jpeg_bytes, png_bytes, upload

POLYGLOT = png_bytes() + b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture
def item(borrower_client: Client, case: Case) -> EvidenceItem:
    upload(borrower_client, case, POLYGLOT, "截图 2025.11.03.png")
    return EvidenceItem.objects.get(case=case)


def _url(name: str, item: EvidenceItem) -> str:
    return reverse(f"evidence:{name}", args=[item.case_id, item.uuid])


def test_it_serves_the_exact_bytes_as_an_attachment(
    borrower_client: Client, item: EvidenceItem
) -> None:
    response = borrower_client.get(_url("download", item))

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == item.sha256
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E6%88%AA%E5%9B%BE" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_each_download_is_in_the_custody_log(borrower_client: Client, item: EvidenceItem) -> None:
    borrower_client.get(_url("download", item))
    entry = CustodyEntry.objects.filter(case=item.case).last()
    assert entry is not None
    assert (entry.action, entry.target, entry.details["sha256"]) == (
        "downloaded",
        f"evidence:{item.uuid}",
        item.sha256,
    )


def test_the_preview_is_a_derived_jpeg_not_the_original(
    borrower_client: Client, case: Case
) -> None:
    upload(borrower_client, case, jpeg_bytes(size=(900, 600)), "a.jpg")
    item = EvidenceItem.objects.get(case=case)

    response = borrower_client.get(_url("preview", item))

    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(body).hexdigest() != item.sha256


def test_a_volunteer_the_case_is_shared_with_may_download(
    shared_volunteer_client: Client, item: EvidenceItem
) -> None:
    response = shared_volunteer_client.get(_url("download", item))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert CustodyEntry.objects.filter(action="downloaded").get().actor_label.startswith("vera")


@pytest.mark.parametrize("name", ["download", "preview", "item", "edit", "delete"])
def test_someone_elses_evidence_is_a_404(
    other_client: Client, item: EvidenceItem, name: str
) -> None:
    assert other_client.get(_url(name, item)).status_code == 404
    assert other_client.post(_url(name, item), {"confirm": "yes"}).status_code in {404, 405}
    assert EvidenceItem.objects.filter(pk=item.pk).exists()


def test_evidence_of_another_case_cannot_be_reached_through_my_case(
    borrower_client: Client, item: EvidenceItem
) -> None:
    mine = Case.objects.create(owner=item.case.owner, title="我的另一笔")
    url = reverse("evidence:download", args=[mine.pk, item.uuid])
    assert borrower_client.get(url).status_code == 404


@pytest.mark.parametrize("name", ["download", "preview", "item"])
def test_login_is_required(client: Client, item: EvidenceItem, name: str) -> None:
    response = client.get(_url(name, item))
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]


def test_media_files_have_no_public_url(client: Client, item: EvidenceItem) -> None:
    assert client.get(f"/private-media-not-served/{item.storage_key}").status_code == 404
