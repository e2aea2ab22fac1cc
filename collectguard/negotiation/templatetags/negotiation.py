"""Template filters of step 2."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from collectguard.negotiation.content import CONFIDENCE_LABELS
from collectguard.negotiation.script import yuan as _yuan

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    """Money with thousands separators and two decimals; empty for no value."""
    if value is None or value == "":
        return ""
    try:
        return _yuan(Decimal(value))
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


@register.filter
def any_caution(provisions: Iterable[Any]) -> bool:
    """Whether any of these provisions (objects or dicts) is below High confidence."""
    for p in provisions:
        caution = p.get("needs_caution") if isinstance(p, dict) else p.needs_caution
        if caution:
            return True
    return False


@register.filter
def confidence_label(confidence: str) -> str:
    """“高 / 中高 / 中 / 低” for a reference confidence level."""
    label = CONFIDENCE_LABELS.get(confidence)
    return str(label) if label is not None else confidence
