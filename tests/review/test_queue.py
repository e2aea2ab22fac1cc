from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collectguard.accounts.models import User
from collectguard.cases.models import Case, CaseStatus
from collectguard.review.models import Organisation, Share
from tests.review.factories import (
    make_case,
    make_letter,
    make_message,
    revoke,
    share_with,
)


def titles(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [case.title for case in response.context["page"].object_list]


def test_it_lists_the_cases_shared_with_me_and_nothing_else(
    volunteer_client: Client,
    share: Share,
    case: Case,
    other_borrower: User,
    organisation: Organisation,
) -> None:
    make_case(other_borrower, "没有分享的案件")
    revoked = share_with(make_case(other_borrower, "已收回的案件"), organisation=organisation)
    revoke(revoked)
    response = volunteer_client.get(reverse("review:queue"))
    assert response.status_code == 200
    assert titles(response) == [case.title]
    assert "没有分享的案件" not in response.content.decode()
    assert "已收回的案件" not in response.content.decode()


def test_it_shows_findings_letters_awaiting_and_open_change_requests(
    volunteer_client: Client, share: Share, case: Case, volunteer: User
) -> None:
    make_message(case)
    make_message(case)
    make_letter(case)
    response = volunteer_client.get(reverse("review:queue"))
    row = response.context["page"].object_list[0]
    assert row.findings == 2
    assert row.letters_awaiting == 1
    assert row.open_changes == 0
    assert row.via_organisation == share.organisation.name


def test_it_filters_and_sorts(
    volunteer_client: Client, borrower: User, organisation: Organisation
) -> None:
    quiet = make_case(borrower, "安静的案件")
    busy = make_case(borrower, "很多问题的案件")
    archived = make_case(borrower, "已归档的案件", status=CaseStatus.ARCHIVED)
    for case in (quiet, busy, archived):
        share_with(case, organisation=organisation)
    for _ in range(3):
        make_message(busy)
    make_letter(quiet)
    url = reverse("review:queue")
    assert titles(volunteer_client.get(url, {"sort": "findings"}))[0] == busy.title
    assert titles(volunteer_client.get(url, {"sort": "letters"}))[0] == quiet.title
    assert titles(volunteer_client.get(url, {"awaiting": "on"})) == [quiet.title]
    assert titles(volunteer_client.get(url, {"status": "archived"})) == [archived.title]
    assert len(titles(volunteer_client.get(url, {"status": "all"}))) == 3
    assert titles(volunteer_client.get(url, {"q": "安静"})) == [quiet.title]
    # Nonsense in the query string falls back to the defaults instead of failing.
    assert volunteer_client.get(url, {"sort": "drop table", "status": "?"}).status_code == 200


def test_it_sorts_by_the_share_that_ends_first(
    volunteer_client: Client, borrower: User, organisation: Organisation
) -> None:
    later = make_case(borrower, "晚到期")
    sooner = make_case(borrower, "早到期")
    never = make_case(borrower, "不到期")
    for case, days in ((later, 20), (sooner, 2), (never, None)):
        share = share_with(case, organisation=organisation)
        if days:
            Share.objects.filter(pk=share.pk).update(
                expires_at=timezone.now() + timedelta(days=days)
            )
    response = volunteer_client.get(reverse("review:queue"), {"sort": "expires"})
    assert titles(response) == ["早到期", "晚到期", "不到期"]


def test_forty_cases_take_a_bounded_number_of_queries(
    volunteer_client: Client,
    organisation: Organisation,
    borrower: User,
    django_assert_max_num_queries,
) -> None:
    for i in range(40):
        case = make_case(borrower, f"案件{i:02d}")
        share_with(case, organisation=organisation)
        make_message(case)
        if i % 3 == 0:
            make_letter(case)
    url = reverse("review:queue")
    with django_assert_max_num_queries(12):
        first = volunteer_client.get(url)
    assert first.status_code == 200
    assert first.context["page"].paginator.count == 40
    assert len(first.context["page"].object_list) == 20
    with django_assert_max_num_queries(12):
        second = volunteer_client.get(url, {"page": 2, "sort": "title"})
    assert titles(second)[0] == "案件20"


def test_htmx_requests_get_only_the_results(
    volunteer_client: Client, share: Share, case: Case
) -> None:
    response = volunteer_client.get(reverse("review:queue"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="queue-results"' in body
    assert "<html" not in body
    assert case.title in body


def test_borrowers_have_no_queue(borrower_client: Client) -> None:
    assert borrower_client.get(reverse("review:queue")).status_code == 404


def test_a_volunteer_without_second_factor_is_sent_to_verify(volunteer: User) -> None:
    client = Client()
    client.force_login(volunteer)
    response = client.get(reverse("review:queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_a_new_volunteer_without_device_is_sent_to_set_one_up(db: None) -> None:
    from tests.conftest import make_user

    client = Client()
    client.force_login(make_user("newbie", is_volunteer=True))
    response = client.get(reverse("review:queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
