from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.review.models import LetterApproval, Share
from tests.review.factories import fake_pdf, make_case, make_letter


def approve(client: Client, case: Case, letter, sha256: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("review:letter_approve", args=[case.pk, letter.pk]),
        {"sha256": sha256 or letter.pdf_sha256, "note": "可以打印提交。"},
    )


def test_it_approves_the_version_the_volunteer_saw(
    volunteer_client: Client, share: Share, case: Case, volunteer: User
) -> None:
    letter = make_letter(case)
    response = approve(volunteer_client, case, letter)
    assert response.status_code == 302
    approval = LetterApproval.objects.get(case=case)
    assert approval.document_id == letter.pk
    assert approval.pdf_sha256 == letter.pdf_sha256
    assert approval.approved_by == volunteer
    assert approval.organisation == share.organisation
    # Approving twice keeps one approval.
    approve(volunteer_client, case, letter)
    assert LetterApproval.objects.count() == 1


def test_it_refuses_when_the_letter_is_not_the_version_seen(
    volunteer_client: Client, share: Share, case: Case
) -> None:
    letter = make_letter(case)
    response = approve(volunteer_client, case, letter, sha256="0" * 64)
    assert response.status_code == 409
    assert "请重新查看最新版本" in response.content.decode()
    bad = approve(volunteer_client, case, letter, sha256="not-a-hash")
    assert bad.status_code == 400
    assert not LetterApproval.objects.exists()


def test_a_letter_of_another_case_cannot_be_approved(
    volunteer_client: Client, share: Share, case: Case, other_borrower: User
) -> None:
    foreign = make_letter(make_case(other_borrower, "别人的案件"))
    response = volunteer_client.post(
        reverse("review:letter_approve", args=[case.pk, foreign.pk]), {"sha256": foreign.pdf_sha256}
    )
    assert response.status_code == 404
    assert not LetterApproval.objects.exists()


def test_the_borrower_downloads_exactly_the_approved_version(
    volunteer_client: Client, borrower_client: Client, share: Share, case: Case
) -> None:
    data = fake_pdf("approved version")
    letter = make_letter(case, data)
    approve(volunteer_client, case, letter)
    approval = LetterApproval.objects.get()
    page = borrower_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    url = reverse("review:approved_pdf", args=[case.pk, approval.pk])
    assert url in page
    response = borrower_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == data  # type: ignore[attr-defined]


def test_a_stored_pdf_that_changed_is_not_served(
    volunteer_client: Client, borrower_client: Client, share: Share, case: Case
) -> None:
    letter = make_letter(case)
    approve(volunteer_client, case, letter)
    approval = LetterApproval.objects.get()
    default_storage.delete(letter.pdf_key)
    default_storage.save(letter.pdf_key, ContentFile(fake_pdf("tampered")))
    assert (
        hashlib.sha256(default_storage.open(letter.pdf_key).read()).hexdigest()
        != approval.pdf_sha256
    )
    response = borrower_client.get(reverse("review:approved_pdf", args=[case.pk, approval.pk]))
    assert response.status_code == 409
    assert "不一致" in response.content.decode()


def test_other_borrowers_cannot_download_an_approved_letter(
    volunteer_client: Client, other_client: Client, share: Share, case: Case
) -> None:
    letter = make_letter(case)
    approve(volunteer_client, case, letter)
    approval = LetterApproval.objects.get()
    response = other_client.get(reverse("review:approved_pdf", args=[case.pk, approval.pk]))
    assert response.status_code == 404
