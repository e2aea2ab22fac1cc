from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.review.models import Invitation, Membership, Organisation, Share
from collectguard.review.services import hash_token


def test_staff_create_an_organisation(staff_client: Client) -> None:
    response = staff_client.post(
        reverse("review:organisation_list"), {"name": "某某市法律援助中心", "region": "某某市"}
    )
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("review:organisation_detail", args=[organisation.pk])


def test_a_duplicate_name_is_refused_and_kept_in_the_form(
    staff_client: Client, organisation: Organisation
) -> None:
    response = staff_client.post(
        reverse("review:organisation_list"), {"name": organisation.name, "region": "某某县"}
    )
    assert response.status_code == 400
    assert 'value="某某县"' in response.content.decode()
    assert Organisation.objects.count() == 1


def test_an_invitation_link_is_shown_once_and_only_its_hash_is_stored(
    staff_client: Client, organisation: Organisation
) -> None:
    detail = reverse("review:organisation_detail", args=[organisation.pk])
    response = staff_client.post(
        reverse("review:invitation_create", args=[organisation.pk]), {"invitee_label": "周六值班"}
    )
    assert response.status_code == 302
    first = staff_client.get(detail).content.decode()
    match = re.search(r"/accounts/invitation/([A-Za-z0-9_-]+)/", first)
    assert match
    token = match.group(1)
    invitation = Invitation.objects.get()
    assert invitation.token_hash == hash_token(token)
    assert token not in invitation.token_hash
    assert token not in staff_client.get(detail).content.decode()


def test_staff_revoke_an_invitation(
    staff_client: Client, organisation: Organisation, staff: User
) -> None:
    from collectguard.review.services import invitation_create

    invitation, token = invitation_create(organisation=organisation, created_by=staff)
    staff_client.post(reverse("review:invitation_revoke", args=[organisation.pk, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert Client().get(reverse("accounts:invitation", args=[token])).status_code == 410


def test_removing_a_volunteer_closes_the_organisations_cases_at_once(
    staff_client: Client,
    volunteer_client: Client,
    volunteer: User,
    share: Share,
    case: Case,
    organisation: Organisation,
) -> None:
    assert volunteer_client.get(reverse("review:case", args=[case.pk])).status_code == 200
    membership = Membership.objects.get(user=volunteer)
    staff_client.post(
        reverse("review:membership_deactivate", args=[organisation.pk, membership.pk])
    )
    membership.refresh_from_db()
    assert not membership.is_active
    assert volunteer_client.get(reverse("review:case", args=[case.pk])).status_code == 404


def test_staff_pages_are_hidden_from_everyone_else(
    borrower_client: Client, volunteer_client: Client, organisation: Organisation
) -> None:
    for client in (borrower_client, volunteer_client):
        assert client.get(reverse("review:organisation_list")).status_code == 404
        assert (
            client.post(reverse("review:invitation_create", args=[organisation.pk])).status_code
            == 404
        )
    assert not Invitation.objects.exists()


def test_staff_need_their_second_factor_too(staff: User) -> None:
    client = Client()
    client.force_login(staff)
    response = client.get(reverse("review:organisation_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
