from __future__ import annotations

from django.test import Client
from django.urls import reverse

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.review.models import Comment, CommentKind, Share
from collectguard.review.selectors import case_feedback
from collectguard.review.services import comment_create
from collectguard.review.targets import resolve_target


def add_feedback(case: Case, volunteer: User) -> tuple[Comment, Comment]:
    whole_case = resolve_target(case, "case", None)
    assert whole_case is not None
    organisation = volunteer.memberships.get().organisation
    comment = comment_create(
        case=case,
        author=volunteer,
        target=whole_case,
        body="材料整理得很清楚。",
        organisation=organisation,
    )
    changes = comment_create(
        case=case,
        author=volunteer,
        target=whole_case,
        body="请补充通话录音。",
        kind=CommentKind.CHANGES,
        reasons=["missing_evidence"],
        organisation=organisation,
    )
    return comment, changes


def test_the_selector_groups_comments_and_change_requests(
    share: Share, case: Case, volunteer: User
) -> None:
    comment, changes = add_feedback(case, volunteer)
    feedback = case_feedback(case)
    assert feedback.comments == [comment]
    assert feedback.open_changes == [changes]
    assert feedback.resolved_changes == []
    assert feedback.live_shares == 1


def test_the_borrower_sees_comments_and_change_requests_on_the_case_page(
    borrower_client: Client, share: Share, case: Case, volunteer: User
) -> None:
    add_feedback(case, volunteer)
    body = borrower_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "材料整理得很清楚。" in body
    assert "请补充通话录音。" in body
    assert "缺少证据" in body
    assert "vera" in body
    assert share.organisation.name in body


def test_the_borrower_marks_a_change_request_as_handled(
    borrower_client: Client, share: Share, case: Case, volunteer: User
) -> None:
    _comment, changes = add_feedback(case, volunteer)
    url = reverse("review:comment_resolve", args=[case.pk, changes.pk])
    assert borrower_client.post(url, {"resolved": "1"}).status_code == 302
    changes.refresh_from_db()
    assert changes.resolved_at is not None
    borrower_client.post(url, {"resolved": "0"})
    changes.refresh_from_db()
    assert changes.resolved_at is None


def test_only_the_owner_marks_change_requests(
    volunteer_client: Client, other_client: Client, share: Share, case: Case, volunteer: User
) -> None:
    _comment, changes = add_feedback(case, volunteer)
    url = reverse("review:comment_resolve", args=[case.pk, changes.pk])
    assert volunteer_client.post(url).status_code == 403
    assert other_client.post(url).status_code == 404
    changes.refresh_from_db()
    assert changes.resolved_at is None


def test_comments_stay_when_the_volunteer_deletes_their_account(
    borrower_client: Client, share: Share, case: Case, volunteer: User
) -> None:
    add_feedback(case, volunteer)
    volunteer.delete()
    body = borrower_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "请补充通话录音。" in body
    assert "已注销的账户" in body


def test_the_case_page_links_to_sharing_the_log_and_the_export(
    borrower_client: Client, case: Case
) -> None:
    body = borrower_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    for name in ("review:sharing", "review:access_log", "review:export"):
        assert reverse(name, args=[case.pk]) in body
