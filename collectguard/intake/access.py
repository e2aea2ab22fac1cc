"""Lookups of step-1 objects, always through the case the user may see."""

from __future__ import annotations

from django.http import Http404

from collectguard.accounts.models import User
from collectguard.cases.access import get_case_for_user, get_rw_case_for_user
from collectguard.cases.models import Case
from collectguard.intake.models import ImportBatch


def _batch_in_case(case: Case, batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.filter(case=case, pk=batch_id).select_related("case").first()
    if batch is None:
        raise Http404("No such import")
    return batch


def get_batch_for_user(user: User, pk: int, batch_id: int) -> tuple[Case, ImportBatch]:
    """An import of a case the user may read (404 for anyone else's)."""
    case = get_case_for_user(user, pk)
    return case, _batch_in_case(case, batch_id)


def get_rw_batch_for_user(user: User, pk: int, batch_id: int) -> tuple[Case, ImportBatch]:
    """An import of a case the user may change (403 for read-only access)."""
    case = get_rw_case_for_user(user, pk)
    return case, _batch_in_case(case, batch_id)
