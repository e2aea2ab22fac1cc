"""Template helpers for shared cases.

`{{ message.body|redact:reveal }}` masks third parties' names and numbers unless `reveal` is
true (pass `share_reveals_third_parties(case, request.user)` from the view, which is True for
the owner). `{% case_feedback case as feedback %}` loads what volunteers said, for
`review/_case_feedback.html`.
"""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

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


CATEGORY_LABELS = {
    "third_party": _("联系第三方"),
    "privacy_disclosure": _("泄露隐私"),
    "intimidation": _("威胁恐吓"),
    "insult": _("侮辱谩骂"),
    "false_legal_claim": _("虚假法律后果"),
    "impersonation": _("冒充公检法或监管"),
    "visit_threat": _("威胁上门"),
    "personal_account": _("要求转入个人账户"),
}


@register.filter
def category_label(code: str) -> str:
    return str(CATEGORY_LABELS.get(code, code))


@register.filter
def get_item(mapping: object, key: object) -> object:
    return mapping.get(key) if isinstance(mapping, dict) else None
