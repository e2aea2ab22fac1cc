"""Who may see which shared case, and lookups of review objects through their case.

Nothing here is cached: every request asks the database again, so a revoked or expired share
closes the case on the volunteer's very next request, including pages already open.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.review.models import (
    Comment,
    Invitation,
    LetterApproval,
    Membership,
    Organisation,
    Share,
)


def is_verified(user: Any) -> bool:
    """True when this request's user passed the second factor (django-otp's OTPMiddleware).

    A user object loaded outside a request has no `is_verified` and counts as unverified:
    shared cases are never opened on the strength of a password alone.
    """
    check = getattr(user, "is_verified", None)
    return bool(callable(check) and check())


def is_verified_volunteer(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "is_volunteer", False)
        and is_verified(user)
    )


def active_organisation_ids(user: User) -> QuerySet[Membership, Any]:
    return Membership.objects.filter(
        user=user, is_active=True, organisation__is_active=True
    ).values("organisation_id")


def live_shares_for(user: User, now: datetime | None = None) -> QuerySet[Share]:
    """Live shares naming this user or an organisation they are an active member of."""
    return Share.objects.live(now).filter(
        Q(volunteer=user) | Q(organisation_id__in=active_organisation_ids(user))
    )


def cases_shared_with(user: User) -> QuerySet[Case]:
    """Cases that a live share currently opens to this volunteer.

    Empty unless the user is an active volunteer who passed two-factor verification in this
    session.
    """
    if not is_verified_volunteer(user):
        return Case.objects.none()
    return Case.objects.filter(pk__in=live_shares_for(user).values("case_id"))


def share_reveals_third_parties(case: Case, user: User) -> bool:
    """Whether this user sees third parties' names and numbers in the case's messages.

    The owner always does; a volunteer only through a live share on which the borrower
    chose to reveal them.
    """
    if case.owner_id == user.pk:
        return True
    if not is_verified_volunteer(user):
        return False
    return live_shares_for(user).filter(case=case, reveal_third_parties=True).exists()


def share_used_by(user: User, case: Case) -> Share | None:
    """The live share through which a volunteer reads this case (a personal share first)."""
    if not is_verified_volunteer(user):
        return None
    shares = live_shares_for(user).filter(case=case).select_related("organisation")
    return min(shares, key=lambda share: (share.volunteer_id is None, share.pk), default=None)


def get_share_for_case(case: Case, share_id: int) -> Share:
    share = (
        Share.objects.filter(case=case, pk=share_id)
        .select_related("organisation", "volunteer")
        .first()
    )
    if share is None:
        raise Http404("No such share")
    return share


def get_share_by_code(user: User, code: str) -> Share:
    """A live share for this volunteer by its code; any other code is a 404, alike."""
    normalised = normalise_share_code(code)
    share = None
    if normalised and is_verified_volunteer(user):
        share = live_shares_for(user).filter(code=normalised).first()
    if share is None:
        raise Http404("No such share")
    return share


def normalise_share_code(code: str) -> str:
    """Accept what people type: lower case, spaces, dashes, and the easily confused letters.

    >>> normalise_share_code(" k7qm-4p2x ")
    'K7QM4P2X'
    >>> normalise_share_code("ab0o-1il2")
    ''
    """
    from collectguard.review.models import SHARE_CODE_ALPHABET, SHARE_CODE_LENGTH

    cleaned = "".join(ch for ch in code.upper() if ch not in " -\u2010\u2013\u2014")
    if len(cleaned) != SHARE_CODE_LENGTH or any(ch not in SHARE_CODE_ALPHABET for ch in cleaned):
        return ""
    return cleaned


def get_comment_for_case(case: Case, comment_id: int) -> Comment:
    comment = Comment.objects.filter(case=case, pk=comment_id).first()
    if comment is None:
        raise Http404("No such comment")
    return comment


def get_approval_for_case(case: Case, approval_id: int) -> LetterApproval:
    approval = LetterApproval.objects.filter(case=case, pk=approval_id).first()
    if approval is None:
        raise Http404("No such approval")
    return approval


def get_organisation_for_staff(pk: int) -> Organisation:
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise Http404("No such organisation")
    return organisation


def get_invitation_for_staff(organisation: Organisation, pk: int) -> Invitation:
    invitation = Invitation.objects.filter(organisation=organisation, pk=pk).first()
    if invitation is None:
        raise Http404("No such invitation")
    return invitation


def get_membership_for_staff(organisation: Organisation, pk: int) -> Membership:
    membership = (
        Membership.objects.filter(organisation=organisation, pk=pk).select_related("user").first()
    )
    if membership is None:
        raise Http404("No such membership")
    return membership
