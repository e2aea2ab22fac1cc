"""Template helpers for shared cases.

`{{ message.body|redact:reveal }}` masks third parties' names and numbers unless `reveal` is
true (pass `share_reveals_third_parties(case, request.user)` from the view, which is True for
the owner). `{% case_feedback case as feedback %}` loads what volunteers said, for
`review/_case_feedback.html`.
"""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

from collectguard.cases.models import Case
from collectguard.review.redaction import redact_text
from collectguard.review.selectors import CaseFeedback
from collectguard.review.selectors import case_feedback as select_case_feedback

register = template.Library()


@register.filter
def redact(value: object, reveal: bool = False) -> str:
    return redact_text("" if value is None else str(value), reveal=bool(reveal))


@register.simple_tag
def case_feedback(case: Case) -> CaseFeedback:
    return select_case_feedback(case)


@register.simple_tag
def optional_url(name: str, *args: object) -> str:
    """`{% url %}` that gives "" when another app does not (yet) have that page."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def category_label(code: str) -> str:
    """The finding category's name, as step 1 names it."""
    from collectguard.intake.labels import category_label as intake_category_label

    return intake_category_label(code)


@register.filter
def estimated_categories(findings: object) -> frozenset[str]:
    """The categories of a message's stored findings that only the statistical model found."""
    from collectguard.intake.analysis.model import estimated_only

    return estimated_only(findings if isinstance(findings, list) else None)


@register.filter
def get_item(mapping: object, key: object) -> object:
    return mapping.get(key) if isinstance(mapping, dict) else None
