from __future__ import annotations

from typing import Any

from collectguard.cases.models import Case


def negotiation_step(case: Case) -> tuple[list[Any], list[Any]]:
    """(done, to do) items for this step on the case page."""
    return [], []
