"""Every lookup of a case goes through here.

Someone else's case is a 404, never a 403, so its existence is not revealed. Read-only access
(a volunteer the borrower shared the case with) to a write view is a 403.

Every access by someone other than the owner is written to the case's access log (view,
download or change, with path, time and address), and so is every refused attempt by a
volunteer who once had access: the borrower can read both.
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


def _shared_case(user: User, pk: int) -> Case | None:
    if not user.is_volunteer:
        return None
    return _shared_case_ids(user).filter(pk=pk).select_related("owner").first()


def _record_denied(user: User, pk: int, *, read_only: bool) -> None:
    from collectguard.review.audit import case_access_denied

    case_access_denied(user=user, case_id=pk, read_only=read_only)


def get_case_for_user(user: User, pk: int) -> Case:
    """A case the user may read: their own, or one shared with them right now."""
    case = cases_owned_by(user).filter(pk=pk).select_related("owner").first()
    if case is not None:
        return case
    case = _shared_case(user, pk)
    if case is None:
        log.warning("failed authorization: user=%s case=%s", user.pk, pk)
        _record_denied(user, pk, read_only=False)
        raise Http404("No such case")
    from collectguard.review.audit import case_access_record

    case_access_record(user=user, case=case, case_ref=case.pk)
    return case


def get_rw_case_for_user(user: User, pk: int) -> Case:
    """A case the user may change: only their own."""
    case = cases_owned_by(user).filter(pk=pk).select_related("owner").first()
    if case is not None:
        return case
    if _shared_case(user, pk) is not None:
        log.warning("failed authorization (read-only): user=%s case=%s", user.pk, pk)
        _record_denied(user, pk, read_only=True)
        raise PermissionDenied("Read-only access")
    log.warning("failed authorization: user=%s case=%s", user.pk, pk)
    _record_denied(user, pk, read_only=False)
    raise Http404("No such case")


def is_owner(user: User, case: Case) -> bool:
    return case.owner_id == user.pk
