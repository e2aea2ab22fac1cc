"""Read-side queries of the review app: the volunteer's queue and the borrower's feedback.

Each list is built in a fixed number of queries: counts and dates from other apps come in as
correlated subqueries, never one query per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import (
    Count,
    DateTimeField,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from collectguard.accounts.models import User
from collectguard.cases.models import Case, CaseStatus
from collectguard.review.access import cases_shared_with, live_shares_for
from collectguard.review.models import (
    AccessLogEntry,
    Comment,
    CommentKind,
    LetterApproval,
    Share,
    TargetKind,
)
from collectguard.review.targets import SPECS, TargetSpec, objects_in_case, target_model

# Findings (step 1) are stored on each message as a JSON list.
FINDINGS = TargetSpec("intake", "Message", "case")
FINDINGS_FIELD = "findings"
# Date fields that count as "activity" on each kind of target, first match wins.
ACTIVITY_FIELDS = ("created_at", "received_at", "uploaded_at", "occurred_at")


def _model(spec: TargetSpec) -> type[models.Model] | None:
    try:
        return apps.get_model(spec.app_label, spec.model_name)
    except LookupError:
        return None


def _count_in_case(queryset: QuerySet[Any], case_path: str) -> Subquery:
    counted = (
        queryset.filter(**{case_path: OuterRef("pk")})
        .order_by()
        .values(case_path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(counted, output_field=IntegerField())


def _zero() -> Value:
    return Value(0, output_field=IntegerField())


class JSONArrayLength(Func):
    """Length of a JSON array column (SQLite and PostgreSQL)."""

    function = "JSON_ARRAY_LENGTH"
    output_field = IntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="JSONB_ARRAY_LENGTH", **extra)


def findings_count() -> Any:
    """Message-level findings in the case (the sum of each message's findings list)."""
    model = _model(FINDINGS)
    if model is None or FINDINGS_FIELD not in {f.name for f in model._meta.get_fields()}:
        return _zero()
    total = (
        model._default_manager.filter(**{FINDINGS.case_path: OuterRef("pk")})
        .order_by()
        .values(FINDINGS.case_path)
        .annotate(n=Sum(JSONArrayLength(FINDINGS_FIELD)))
        .values("n")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def letters_awaiting_count() -> Any:
    """Generated letters of the case that no volunteer has approved yet."""
    model = target_model(TargetKind.LETTER)
    if model is None:
        return _zero()
    path = SPECS[TargetKind.LETTER].case_path
    approved = LetterApproval.objects.filter(case=OuterRef(OuterRef("pk"))).values("document_id")
    pending = model._default_manager.exclude(pk__in=approved)
    return Coalesce(_count_in_case(pending, path), 0)


def _latest_in_case(model: type[models.Model], case_path: str) -> Any | None:
    names = {f.name for f in model._meta.get_fields()}
    for name in ACTIVITY_FIELDS:
        if name in names:
            latest = (
                model._default_manager.filter(**{case_path: OuterRef("pk")})
                .order_by()
                .values(case_path)
                .annotate(latest=Max(name))
                .values("latest")
            )
            return Subquery(latest, output_field=DateTimeField())
    return None


def last_activity() -> Any:
    """The newest of: the case's own update, its messages, evidence, letters and comments."""
    parts: list[Any] = [F("updated_at")]
    for kind in (TargetKind.MESSAGE, TargetKind.EVIDENCE, TargetKind.LETTER):
        model = target_model(kind)
        if model is not None:
            latest = _latest_in_case(model, SPECS[kind].case_path)
            if latest is not None:
                parts.append(Coalesce(latest, F("updated_at")))
    comments = (
        Comment.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(latest=Max("created_at"))
        .values("latest")
    )
    parts.append(Coalesce(Subquery(comments, output_field=DateTimeField()), F("updated_at")))
    return Greatest(*parts, output_field=DateTimeField())


def queue_for(
    user: User,
    *,
    q: str = "",
    status: str = "active",
    awaiting: bool = False,
    sort: str = "activity",
) -> QuerySet[Case]:
    """The volunteer's review queue, annotated for the dashboard, filtered and sorted."""
    shares = live_shares_for(user).filter(case=OuterRef("pk"))
    # Access ends when the last live share ends; a share without end date sorts as never.
    ends = shares.order_by(F("expires_at").desc(nulls_first=True)).values("expires_at")[:1]
    via = shares.order_by("volunteer_id", "pk").values("organisation__name")[:1]
    cases = (
        cases_shared_with(user)
        .select_related("owner")
        .annotate(
            findings=findings_count(),
            letters_awaiting=letters_awaiting_count(),
            open_changes=Coalesce(
                _count_in_case(
                    Comment.objects.filter(kind=CommentKind.CHANGES, resolved_at__isnull=True),
                    "case",
                ),
                0,
            ),
            last_activity=last_activity(),
            access_ends=Subquery(ends, output_field=DateTimeField()),
            via_organisation=Subquery(via),
        )
    )
    if status == "active":
        cases = cases.filter(status=CaseStatus.ACTIVE)
    elif status == "archived":
        cases = cases.filter(status=CaseStatus.ARCHIVED)
    if q:
        cases = cases.filter(title__icontains=q)
    if awaiting:
        cases = cases.filter(letters_awaiting__gt=0)
    orderings: dict[str, list[Any]] = {
        "activity": [F("last_activity").desc(), "-pk"],
        "expires": [F("access_ends").asc(nulls_last=True), "-pk"],
        "findings": ["-findings", "-pk"],
        "letters": ["-letters_awaiting", "-pk"],
        "title": ["title", "pk"],
    }
    return cases.order_by(*orderings.get(sort, orderings["activity"]))


@dataclass
class CaseFeedback:
    comments: list[Comment] = field(default_factory=list)
    open_changes: list[Comment] = field(default_factory=list)
    resolved_changes: list[Comment] = field(default_factory=list)
    approvals: list[LetterApproval] = field(default_factory=list)
    live_shares: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.comments or self.open_changes or self.resolved_changes or self.approvals)


def case_feedback(case: Case) -> CaseFeedback:
    """What volunteers said about the case, for the borrower's case page (three queries)."""
    feedback = CaseFeedback()
    for comment in Comment.objects.filter(case=case).select_related("author", "organisation"):
        if comment.kind == CommentKind.CHANGES:
            target = feedback.resolved_changes if comment.resolved_at else feedback.open_changes
            target.append(comment)
        else:
            feedback.comments.append(comment)
    feedback.approvals = list(
        LetterApproval.objects.filter(case=case).select_related("approved_by", "organisation")
    )
    feedback.live_shares = Share.objects.live().filter(case=case).count()
    return feedback


def shares_of(case: Case) -> QuerySet[Share]:
    return Share.objects.filter(case=case).select_related("organisation", "volunteer")


def access_log_of(case: Case) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(case=case)


@dataclass
class ReviewMaterial:
    """What a volunteer reviews: the case's messages, evidence and letters (when those apps
    have them), with approval state per letter."""

    messages: list[Any] = field(default_factory=list)
    evidence: list[Any] = field(default_factory=list)
    letters: list[Any] = field(default_factory=list)
    approvals: dict[int, list[LetterApproval]] = field(default_factory=dict)


MAX_MESSAGES_ON_PAGE = 300


def review_material(case: Case) -> ReviewMaterial:
    material = ReviewMaterial()
    messages = objects_in_case(case, TargetKind.MESSAGE)
    if messages is not None:
        material.messages = list(messages[:MAX_MESSAGES_ON_PAGE])
    evidence = objects_in_case(case, TargetKind.EVIDENCE)
    if evidence is not None:
        material.evidence = list(evidence)
    letters = objects_in_case(case, TargetKind.LETTER)
    if letters is not None:
        material.letters = list(letters)
    for approval in LetterApproval.objects.filter(case=case).select_related("approved_by"):
        material.approvals.setdefault(approval.document_id, []).append(approval)
    return material
