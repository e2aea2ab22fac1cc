"""State changes of cases. Services never see a request."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from collectguard.accounts.models import User
from collectguard.cases.models import Case, CaseStatus

EDITABLE_FIELDS = (
    "title",
    "lender",
    "loan_type",
    "contract_numbers",
    "amount_owed",
    "overdue_since",
    "notes",
)


class StaleCaseError(Exception):
    """The case changed since the editor loaded it (another tab or device saved first)."""

    def __init__(self, current: Case) -> None:
        super().__init__("case was changed elsewhere")
        self.current = current


def case_lock(case: Case) -> None:
    """Hold the case's row lock until the surrounding transaction ends (call it first).

    Writers that read what they are about to write on (sender summaries recounted from the
    rows, the custody chain's last entry, "already imported?" checks) serialise on it, so two
    requests for one case cannot both build on the same stale reading. PostgreSQL waits here;
    on SQLite write transactions start with BEGIN IMMEDIATE and are exclusive anyway. Raises
    `Case.DoesNotExist` when the case has been deleted meanwhile.
    """
    if Case.objects.select_for_update().filter(pk=case.pk).values_list("pk").first() is None:
        raise Case.DoesNotExist


def case_create(*, owner: User, **fields: Any) -> Case:
    case = Case(owner=owner, **{k: v for k, v in fields.items() if k in EDITABLE_FIELDS})
    case.full_clean()
    case.save()
    return case


def case_update(*, case: Case, expected_version: int, **fields: Any) -> Case:
    """Save the edit only if nobody saved since `expected_version` was read.

    The version check and the write are one UPDATE, so two tabs racing cannot both win.
    """
    changes = {k: v for k, v in fields.items() if k in EDITABLE_FIELDS}
    for name, value in changes.items():
        setattr(case, name, value)
    case.full_clean()
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, version=expected_version).update(
            **changes, version=F("version") + 1, updated_at=timezone.now()
        )
        if not updated:
            current = Case.objects.filter(pk=case.pk).first()
            if current is None:
                raise Case.DoesNotExist
            raise StaleCaseError(current)
    case.refresh_from_db()
    return case


def case_set_archived(*, case: Case, archived: bool) -> Case:
    """Archive or restore; raises `Case.DoesNotExist` if the case was deleted meanwhile."""
    status = CaseStatus.ARCHIVED if archived else CaseStatus.ACTIVE
    updated = Case.objects.filter(pk=case.pk).update(
        status=status, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise Case.DoesNotExist
    case.status = status
    case.refresh_from_db(fields=["version", "updated_at"])
    return case


def case_delete(*, case: Case) -> None:
    """Delete a case with everything in it, files in storage included.

    Apps that store files for a case connect to `case_deleting` to remove them once the
    database rows are gone (so a failed delete leaves no orphaned rows pointing at nothing).
    """
    from collectguard.cases.signals import collect_case_files

    with transaction.atomic():
        # Concurrency: files are listed under the case lock, so an upload committing just
        # before is listed and one still running finds the case gone (and removes its file).
        try:
            case_lock(case)
        except Case.DoesNotExist:
            return  # deleted already (a double submit): nothing left to do
        paths = collect_case_files(case)
        case.delete()
        transaction.on_commit(lambda: _delete_files(paths))


def _delete_files(paths: list[str]) -> None:
    from django.core.files.storage import default_storage

    for path in paths:
        default_storage.delete(path)
