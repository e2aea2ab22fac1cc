"""Every lookup of a case goes through here.

Someone else's case is a 404, never a 403, so its existence is not revealed. Read-only access
(a volunteer the borrower shared the case with) to a write view is a 403.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from collectguard.accounts.models import User
from collectguard.cases.models import Case

log = logging.getLogger("collectguard.access")


def cases_owned_by(user: User) -> QuerySet[Case]:
    return Case.objects.filter(owner=user)


def _shared_case_ids(user: User) -> QuerySet[Case]:
    # Volunteers see a case only while a live share names them or their organisation.
    from collectguard.review.access import cases_shared_with

    return cases_shared_with(user)


def get_case_for_user(user: User, pk: int) -> Case:
    """A case the user may read: their own, or one shared with them right now."""
    case = cases_owned_by(user).filter(pk=pk).select_related("owner").first()
    if case is None and user.is_volunteer:
        case = _shared_case_ids(user).filter(pk=pk).select_related("owner").first()
    if case is None:
        log.warning("failed authorization: user=%s case=%s", user.pk, pk)
        raise Http404("No such case")
    return case


def get_rw_case_for_user(user: User, pk: int) -> Case:
    """A case the user may change: only their own."""
    case = get_case_for_user(user, pk)
    if case.owner_id != user.pk:
        log.warning("failed authorization (read-only): user=%s case=%s", user.pk, pk)
        raise PermissionDenied("Read-only access")
    return case


def is_owner(user: User, case: Case) -> bool:
    return case.owner_id == user.pk
