from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.review.access import cases_shared_with, share_reveals_third_parties
from collectguard.review.models import Membership, Organisation, Share
from collectguard.review.services import share_create
from tests.review.factories import expire, make_case, make_volunteer, revoke, share_with


def as_verified(user: User, verified: bool = True) -> User:
    """What OTPMiddleware does to request.user."""
    user.is_verified = lambda: verified  # type: ignore[attr-defined]
    return user


def test_a_live_organisation_share_opens_the_case_to_its_members(
    share: Share, volunteer: User, case: Case
) -> None:
    assert list(cases_shared_with(as_verified(volunteer))) == [case]


def test_a_personal_share_opens_the_case_only_to_that_volunteer(
    case: Case, other_volunteer: User, volunteer: User
) -> None:
    share_with(case, volunteer=other_volunteer)
    assert list(cases_shared_with(as_verified(other_volunteer))) == [case]
    assert list(cases_shared_with(as_verified(volunteer))) == []


@pytest.mark.parametrize(
    "close",
    [
        pytest.param(revoke, id="revoked"),
        pytest.param(expire, id="expired"),
    ],
)
def test_a_closed_share_opens_nothing(share: Share, volunteer: User, close: Any) -> None:
    close(share)
    assert not cases_shared_with(as_verified(volunteer)).exists()


def test_a_share_expiring_later_is_still_open(
    case: Case, organisation: Organisation, volunteer: User
) -> None:
    share = share_with(case, organisation=organisation)
    Share.objects.filter(pk=share.pk).update(expires_at=timezone.now() + timedelta(minutes=1))
    assert cases_shared_with(as_verified(volunteer)).exists()


def test_it_needs_a_verified_second_factor(share: Share, volunteer: User) -> None:
    assert not cases_shared_with(as_verified(volunteer, verified=False)).exists()
    # A user object loaded outside a request has no is_verified at all: closed.
    assert not cases_shared_with(User.objects.get(pk=volunteer.pk)).exists()


def test_it_needs_an_active_membership_and_organisation(
    share: Share, volunteer: User, organisation: Organisation
) -> None:
    Membership.objects.filter(user=volunteer).update(is_active=False)
    assert not cases_shared_with(as_verified(volunteer)).exists()
    Membership.objects.filter(user=volunteer).update(is_active=True)
    Organisation.objects.filter(pk=organisation.pk).update(is_active=False)
    assert not cases_shared_with(as_verified(volunteer)).exists()


def test_it_needs_a_volunteer_account(share: Share, volunteer: User) -> None:
    User.objects.filter(pk=volunteer.pk).update(is_volunteer=False)
    volunteer.refresh_from_db()
    assert not cases_shared_with(as_verified(volunteer)).exists()
    assert not cases_shared_with(AnonymousUser()).exists()  # type: ignore[arg-type]


def test_other_cases_of_the_same_borrower_stay_closed(
    share: Share, volunteer: User, borrower: User, case: Case
) -> None:
    make_case(borrower, "另一个借款")
    assert list(cases_shared_with(as_verified(volunteer))) == [case]


def test_third_parties_are_hidden_unless_the_borrower_reveals_them(
    share: Share, volunteer: User, borrower: User, case: Case
) -> None:
    assert share_reveals_third_parties(case, borrower) is True
    assert share_reveals_third_parties(case, as_verified(volunteer)) is False
    Share.objects.filter(pk=share.pk).update(reveal_third_parties=True)
    assert share_reveals_third_parties(case, as_verified(volunteer)) is True
    revoke(share)
    assert share_reveals_third_parties(case, as_verified(volunteer)) is False


def test_a_borrower_cannot_share_with_a_non_volunteer_or_with_themselves(
    case: Case, borrower: User, other_borrower: User
) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        share_create(case=case, volunteer=other_borrower)
    borrower.is_volunteer = True
    with pytest.raises(ValidationError):
        share_create(case=case, volunteer=borrower)
    assert not Share.objects.exists()


def test_share_codes_are_short_and_unambiguous(case: Case, organisation: Organisation) -> None:
    codes = {share_with(case, organisation=organisation).code for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert len(code) == 8
        assert not set(code) & set("01OIL")


def test_volunteers_in_several_organisations_see_each_case_once(
    case: Case, organisation: Organisation, volunteer: User
) -> None:
    second = Organisation.objects.create(name="第二个中心")
    Membership.objects.create(organisation=second, user=volunteer)
    share_with(case, organisation=organisation)
    share_with(case, organisation=second)
    share_with(case, volunteer=volunteer)
    assert list(cases_shared_with(as_verified(volunteer))) == [case]


def test_make_volunteer_helper_gives_a_device(db: None) -> None:
    volunteer = make_volunteer("helper-check")
    assert volunteer.is_volunteer
