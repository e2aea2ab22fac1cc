from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.review.models import Organisation, Share


def test_it_shares_a_case_with_an_organisation(
    borrower_client: Client, case: Case, organisation: Organisation
) -> None:
    expires = timezone.localdate() + timedelta(days=10)
    response = borrower_client.post(
        reverse("review:share_create", args=[case.pk]),
        {"recipient": "organisation", "organisation": organisation.pk, "expires_on": expires},
    )
    share = Share.objects.get(case=case)
    assert response.status_code == 302
    assert share.organisation == organisation
    assert share.volunteer is None
    assert not share.reveal_third_parties
    # Access lasts to the end of the chosen day, Beijing time.
    assert timezone.localtime(share.expires_at).date() == expires + timedelta(days=1)
    assert timezone.localtime(share.expires_at).hour == 0
    page = borrower_client.get(reverse("review:sharing", args=[case.pk])).content.decode()
    assert share.display_code in page
    assert reverse("review:share_link", args=[share.code]) in page


def test_it_shares_a_case_with_a_named_volunteer(
    borrower_client: Client, case: Case, other_volunteer: User
) -> None:
    response = borrower_client.post(
        reverse("review:share_create", args=[case.pk]),
        {"recipient": "volunteer", "volunteer_username": "victor", "reveal_third_parties": "on"},
    )
    assert response.status_code == 302
    share = Share.objects.get(case=case)
    assert share.volunteer == other_volunteer
    assert share.reveal_third_parties
    assert share.expires_at is None


def test_an_unknown_volunteer_is_refused_and_the_form_keeps_what_was_typed(
    borrower_client: Client, case: Case, other_borrower: User
) -> None:
    for username in ("nobody-here", other_borrower.username):
        response = borrower_client.post(
            reverse("review:share_create", args=[case.pk]),
            {"recipient": "volunteer", "volunteer_username": username, "expires_on": "2099-01-01"},
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "没有找到这个用户名的志愿者" in body
        assert f'value="{username}"' in body
    assert not Share.objects.exists()


def test_a_past_or_far_away_expiry_date_is_refused(
    borrower_client: Client, case: Case, organisation: Organisation
) -> None:
    today = timezone.localdate()
    for day, message in (
        (today - timedelta(days=1), "不能早于今天"),
        (today + timedelta(days=400), "最长可以分享一年"),
    ):
        response = borrower_client.post(
            reverse("review:share_create", args=[case.pk]),
            {"recipient": "organisation", "organisation": organisation.pk, "expires_on": day},
        )
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Share.objects.exists()


def test_an_organisation_must_be_chosen(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(
        reverse("review:share_create", args=[case.pk]), {"recipient": "organisation"}
    )
    assert response.status_code == 400
    assert "请选择一个机构" in response.content.decode()
    assert not Share.objects.exists()


def test_revoking_takes_effect_on_the_next_request_even_on_an_open_page(
    borrower_client: Client, volunteer_client: Client, case: Case, share: Share
) -> None:
    review_url = reverse("review:case", args=[case.pk])
    assert volunteer_client.get(review_url).status_code == 200
    response = borrower_client.post(reverse("review:share_revoke", args=[case.pk, share.pk]))
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.revoked_at is not None
    # The volunteer's page is still open: its next request and its form posts are refused.
    assert volunteer_client.get(review_url).status_code == 404
    assert volunteer_client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    posted = volunteer_client.post(
        reverse("review:comment_create", args=[case.pk]),
        {"comment-target": "case", "comment-body": "还在吗"},
    )
    assert posted.status_code == 404
    assert not case.review_comments.exists()
    assert case.title not in volunteer_client.get(reverse("review:queue")).content.decode()


def test_it_changes_the_expiry_and_reveals_third_parties(
    borrower_client: Client, case: Case, share: Share
) -> None:
    day = timezone.localdate() + timedelta(days=3)
    response = borrower_client.post(
        reverse("review:share_update", args=[case.pk, share.pk]),
        {"expires_on": day, "reveal_third_parties": "on"},
    )
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.reveal_third_parties
    assert timezone.localtime(share.expires_at).date() == day + timedelta(days=1)


def test_an_ended_share_cannot_be_changed(
    borrower_client: Client, case: Case, share: Share
) -> None:
    Share.objects.filter(pk=share.pk).update(revoked_at=timezone.now())
    borrower_client.post(
        reverse("review:share_update", args=[case.pk, share.pk]), {"reveal_third_parties": "on"}
    )
    share.refresh_from_db()
    assert not share.reveal_third_parties


def test_volunteers_cannot_manage_sharing(
    volunteer_client: Client, case: Case, share: Share
) -> None:
    assert volunteer_client.get(reverse("review:sharing", args=[case.pk])).status_code == 403
    response = volunteer_client.post(reverse("review:share_revoke", args=[case.pk, share.pk]))
    assert response.status_code == 403
    response = volunteer_client.post(
        reverse("review:share_create", args=[case.pk]),
        {"recipient": "volunteer", "volunteer_username": "vera"},
    )
    assert response.status_code == 403
    share.refresh_from_db()
    assert share.revoked_at is None
    assert Share.objects.count() == 1


def test_other_borrowers_see_nothing(other_client: Client, case: Case, share: Share) -> None:
    assert other_client.get(reverse("review:sharing", args=[case.pk])).status_code == 404
    assert (
        other_client.post(reverse("review:share_revoke", args=[case.pk, share.pk])).status_code
        == 404
    )
    share.refresh_from_db()
    assert share.revoked_at is None


def test_a_share_of_another_case_cannot_be_revoked_through_mine(
    borrower_client: Client,
    borrower: User,
    case: Case,
    other_borrower: User,
    organisation: Organisation,
) -> None:
    from tests.review.factories import make_case, share_with

    theirs = share_with(make_case(other_borrower, "别人的案件"), organisation=organisation)
    response = borrower_client.post(reverse("review:share_revoke", args=[case.pk, theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_sharing_pages_require_login(case: Case) -> None:
    response = Client().get(reverse("review:sharing", args=[case.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_share_link_opens_the_case_for_the_right_volunteer_only(
    volunteer_client: Client, other_volunteer_client: Client, case: Case, share: Share
) -> None:
    link = reverse("review:share_link", args=[share.code])
    response = volunteer_client.get(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("review:case", args=[case.pk])
    assert other_volunteer_client.get(link).status_code == 404
    # Anonymous visitors are sent to log in first and come back to the link.
    anonymous = Client().get(link)
    assert anonymous.status_code == 302
    assert "next=" in anonymous["Location"]


def test_a_typed_share_code_is_forgiving_about_case_and_dashes(
    volunteer_client: Client, case: Case, share: Share
) -> None:
    typed = f" {share.code[:4].lower()}-{share.code[4:].lower()} "
    response = volunteer_client.post(reverse("review:open_code"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("review:case", args=[case.pk])


def test_a_wrong_share_code_says_so(volunteer_client: Client, share: Share) -> None:
    response = volunteer_client.post(reverse("review:open_code"), {"code": "ZZZZ-ZZZZ"})
    assert response.status_code == 400
    assert "没有找到分享给你" in response.content.decode()
    response = volunteer_client.post(reverse("review:open_code"), {"code": "12"})
    assert response.status_code == 400
    assert "8 位字母和数字" in response.content.decode()


def test_the_chosen_last_day_is_shown_back_unchanged(
    borrower_client: Client, case: Case, share: Share
) -> None:
    day = timezone.localdate() + timedelta(days=3)
    url = reverse("review:share_update", args=[case.pk, share.pk])
    borrower_client.post(url, {"expires_on": day})
    page = borrower_client.get(reverse("review:sharing", args=[case.pk])).content.decode()
    assert f'value="{day:%Y-%m-%d}"' in page
    # Saving the form again as shown does not move the date.
    borrower_client.post(url, {"expires_on": day})
    share.refresh_from_db()
    assert share.last_day == day


def test_a_bad_date_in_the_settings_keeps_what_was_typed_and_changes_nothing(
    borrower_client: Client, case: Case, share: Share
) -> None:
    past = timezone.localdate() - timedelta(days=2)
    response = borrower_client.post(
        reverse("review:share_update", args=[case.pk, share.pk]),
        {"expires_on": past, "reveal_third_parties": "on"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "不能早于今天" in body
    assert f'value="{past:%Y-%m-%d}"' in body
    share.refresh_from_db()
    assert share.expires_at is None
    assert not share.reveal_third_parties
