"""What volunteers can comment on, looked up in the other apps' models.

Comments and approvals refer to messages, evidence items and letters by (kind, id). This is the
one module that knows where those live; every id is checked against the case before it is
stored or shown, so a volunteer cannot comment on (or learn about) another case's evidence by
changing an id in a form.

The models are looked up lazily: the review app works, with fewer targets, while an app has
not created its models yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from collectguard.cases.models import Case
from collectguard.review.models import TargetKind


@dataclass(frozen=True)
class TargetSpec:
    app_label: str
    model_name: str
    case_path: str  # lookup from the model to its case, e.g. "case" or "message__case"


SPECS: dict[str, TargetSpec] = {
    TargetKind.MESSAGE: TargetSpec("intake", "Message", "case"),
    TargetKind.EVIDENCE: TargetSpec("evidence", "EvidenceItem", "case"),
    TargetKind.LETTER: TargetSpec("evidence", "GeneratedDocument", "case"),
}


@dataclass(frozen=True)
class Target:
    kind: str
    id: int | None
    label: str
    obj: Any = None

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.id}" if self.id is not None else self.kind


def target_model(kind: str) -> type[models.Model] | None:
    spec = SPECS.get(kind)
    if spec is None:
        return None
    try:
        return apps.get_model(spec.app_label, spec.model_name)
    except LookupError:
        return None


def objects_in_case(case: Case, kind: str) -> models.QuerySet[Any] | None:
    """All objects of one kind in this case, or None when that app has no such model yet."""
    model = target_model(kind)
    if model is None:
        return None
    return model._default_manager.filter(**{SPECS[kind].case_path: case})


def _first_attr(obj: Any, names: tuple[str, ...], default: Any = "") -> Any:
    for name in names:
        value = getattr(obj, name, None)
        if value not in (None, ""):
            return value() if callable(value) and not isinstance(value, models.Model) else value
    return default


def _when(obj: Any) -> str:
    value = _first_attr(obj, ("received_at", "occurred_at", "uploaded_at", "created_at"), None)
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def target_label(kind: str, obj: Any) -> str:
    """A short description of a target for comment headers: no message text, no names."""
    when = _when(obj)
    if kind == TargetKind.MESSAGE:
        sender = _first_attr(obj, ("sender_number", "sender", "number", "address"))
        label = _("短信 / 通话 #{id}").format(id=obj.pk)
        extra = " · ".join(str(part) for part in (when, sender) if part)
    elif kind == TargetKind.EVIDENCE:
        label = _("证据 #{id}").format(id=obj.pk)
        extra = " · ".join(
            str(part)
            for part in (_first_attr(obj, ("display_name", "title", "description")), when)
            if part
        )
    else:
        label = _("文书 #{id}").format(id=obj.pk)
        extra = " · ".join(
            str(part)
            for part in (_first_attr(obj, ("title", "get_kind_display", "kind")), when)
            if part
        )
    return f"{label}（{extra}）"[:200] if extra else label[:200]


def resolve_target(case: Case, kind: str, target_id: int | None) -> Target | None:
    """The target if it belongs to this case, else None."""
    if kind == TargetKind.CASE:
        return Target(TargetKind.CASE, None, str(TargetKind.CASE.label))
    if target_id is None:
        return None
    queryset = objects_in_case(case, kind)
    if queryset is None:
        return None
    obj = queryset.filter(pk=target_id).first()
    if obj is None:
        return None
    return Target(kind, obj.pk, target_label(kind, obj), obj)


def parse_target_value(value: str) -> tuple[str, int | None] | None:
    """'message:12' -> ('message', 12); 'case' -> ('case', None); anything else -> None."""
    kind, _sep, raw_id = value.partition(":")
    if kind == TargetKind.CASE and not raw_id:
        return kind, None
    if kind not in SPECS or not raw_id.isdigit():
        return None
    return kind, int(raw_id)


def letter_pdf(obj: Any) -> tuple[str, str]:
    """(storage name of the PDF, its recorded SHA-256) of a generated letter."""
    stored = _first_attr(obj, ("pdf_key", "pdf", "pdf_file"), "")
    name = str(getattr(stored, "name", stored) or "")
    sha256 = str(_first_attr(obj, ("pdf_sha256", "sha256"), ""))
    return name, sha256
