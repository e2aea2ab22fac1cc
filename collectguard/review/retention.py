"""The retention rules of docs/retention.md, as queries. The command only runs them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from collectguard.cases.models import Case
from collectguard.review.models import AccessLogEntry, Share

DRAFT_DAYS = 180
ORPHAN_LOG_DAYS = 365
# Relations that do not make a case "used": the log of who looked at it, and shares (a live
# share is handled separately: a case someone is reviewing is never a draft).
_NOT_CONTENT = {AccessLogEntry, Share}


def abandoned_drafts(*, now: datetime | None = None, days: int = DRAFT_DAYS) -> QuerySet[Case]:
    """Cases nobody used: nothing was ever added to them (no messages, calls, evidence,
    negotiation notes, documents, comments, …), the case itself was not edited for `days`
    days, its owner has not logged in for `days` days, and no live share is open.

    "Nothing added" is checked on every model that points at the case, so a new app's data
    protects a case without this function being changed.
    """
    cutoff = (now or timezone.now()) - timedelta(days=days)
    cases = Case.objects.filter(updated_at__lt=cutoff, created_at__lt=cutoff).filter(
        Q(owner__last_login__isnull=True) | Q(owner__last_login__lt=cutoff)
    )
    for relation in Case._meta.related_objects:
        model = relation.related_model
        if model in _NOT_CONTENT or not relation.field.concrete:
            continue
        related = model._default_manager.filter(**{relation.field.name: OuterRef("pk")})
        cases = cases.exclude(Exists(related))
    live = Share.objects.live(now).filter(case=OuterRef("pk"))
    return cases.exclude(Exists(live)).order_by("pk")


def orphaned_access_log(
    *, now: datetime | None = None, days: int = ORPHAN_LOG_DAYS
) -> QuerySet[AccessLogEntry]:
    """Access-log rows of deleted cases, kept `days` days so disputes can still be answered."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return AccessLogEntry.objects.filter(case__isnull=True, at__lt=cutoff)
