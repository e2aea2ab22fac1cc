from __future__ import annotations

from django.test import Client
from django.urls import reverse

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.review.models import AccessAction, AccessLogEntry, Share
from tests.review.factories import revoke


def test_every_view_by_a_volunteer_is_logged_with_path_and_address(
    volunteer_client: Client, share: Share, case: Case, volunteer: User
) -> None:
    for name in ("review:case", "cases:detail", "intake:overview"):
        assert (
            volunteer_client.get(
                reverse(name, args=[case.pk]), REMOTE_ADDR="203.0.113.7"
            ).status_code
            == 200
        )
    entries = list(AccessLogEntry.objects.filter(case=case).order_by("at", "pk"))
    assert [entry.path for entry in entries] == [
        reverse("review:case", args=[case.pk]),
        reverse("cases:detail", args=[case.pk]),
        reverse("intake:overview", args=[case.pk]),
    ]
    assert {entry.action for entry in entries} == {AccessAction.VIEW}
    assert {entry.ip for entry in entries} == {"203.0.113.7"}
    assert {entry.user_id for entry in entries} == {volunteer.pk}
    assert {entry.username for entry in entries} == {"vera"}


def test_a_spoofed_forwarded_for_header_does_not_change_the_logged_address(
    volunteer_client: Client, share: Share, case: Case
) -> None:
    volunteer_client.get(
        reverse("review:case", args=[case.pk]),
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="1.2.3.4",
    )
    assert AccessLogEntry.objects.get().ip == "203.0.113.7"


def test_changes_are_logged_as_changes(volunteer_client: Client, share: Share, case: Case) -> None:
    volunteer_client.post(
        reverse("review:comment_create", args=[case.pk]),
        {"comment-target": "case", "comment-body": "好"},
    )
    entry = AccessLogEntry.objects.get()
    assert entry.action == AccessAction.CHANGE
    assert entry.method == "POST"


def test_downloads_are_logged_as_downloads(
    volunteer_client: Client, share: Share, case: Case
) -> None:
    from collectguard.review.models import LetterApproval
    from tests.review.factories import make_letter

    letter = make_letter(case)
    volunteer_client.post(
        reverse("review:letter_approve", args=[case.pk, letter.pk]), {"sha256": letter.pdf_sha256}
    )
    approval = LetterApproval.objects.get()
    AccessLogEntry.objects.all().delete()
    volunteer_client.get(reverse("review:approved_pdf", args=[case.pk, approval.pk]))
    assert AccessLogEntry.objects.get().action == AccessAction.DOWNLOAD


def test_the_owner_is_not_logged(borrower_client: Client, case: Case) -> None:
    borrower_client.get(reverse("cases:detail", args=[case.pk]))
    assert not AccessLogEntry.objects.exists()


def test_refused_attempts_after_revocation_and_on_write_views_are_logged(
    volunteer_client: Client, share: Share, case: Case
) -> None:
    volunteer_client.post(reverse("cases:edit", args=[case.pk]), {"title": "改掉"})
    revoke(share)
    volunteer_client.get(reverse("cases:detail", args=[case.pk]))
    denied = AccessLogEntry.objects.filter(case=case, action=AccessAction.DENIED)
    assert denied.count() == 2


def test_strangers_guessing_ids_do_not_fill_the_borrowers_log(
    other_client: Client, other_volunteer_client: Client, case: Case
) -> None:
    other_client.get(reverse("cases:detail", args=[case.pk]))
    other_volunteer_client.get(reverse("cases:detail", args=[case.pk]))
    assert not AccessLogEntry.objects.exists()


def test_the_borrower_reads_the_log(
    borrower_client: Client, volunteer_client: Client, share: Share, case: Case
) -> None:
    volunteer_client.get(reverse("review:case", args=[case.pk]), REMOTE_ADDR="203.0.113.7")
    body = borrower_client.get(reverse("review:access_log", args=[case.pk])).content.decode()
    assert "vera" in body
    assert "203.0.113.7" in body
    assert "查看" in body


def test_volunteers_and_others_cannot_read_the_log(
    volunteer_client: Client, other_client: Client, share: Share, case: Case
) -> None:
    assert volunteer_client.get(reverse("review:access_log", args=[case.pk])).status_code == 403
    assert other_client.get(reverse("review:access_log", args=[case.pk])).status_code == 404


def test_the_log_outlives_the_case_without_content(
    borrower_client: Client, volunteer_client: Client, share: Share, case: Case
) -> None:
    volunteer_client.get(reverse("review:case", args=[case.pk]))
    pk, title = case.pk, case.title
    borrower_client.post(reverse("cases:delete", args=[pk]), {"confirm_title": title})
    entry = AccessLogEntry.objects.get()
    assert entry.case is None
    assert entry.case_ref == pk
    assert title not in str(entry.__dict__)
