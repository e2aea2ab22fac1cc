"""What is done in each of the three steps, for the case page's progress indicator.

Each step app contributes a summary function; the case page never queries their models itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from collectguard.cases.models import Case


@dataclass
class StepStatus:
    number: int
    title: Any
    url_name: str
    done: list[Any] = field(default_factory=list)
    todo: list[Any] = field(default_factory=list)

    @property
    def state(self) -> str:
        if self.done and not self.todo:
            return "done"
        if self.done:
            return "started"
        return "todo"


def case_progress(case: Case) -> list[StepStatus]:
    from collectguard.evidence.progress import evidence_step
    from collectguard.intake.progress import intake_step
    from collectguard.negotiation.progress import negotiation_step

    return [
        StepStatus(1, _("识别来源"), "intake:overview", *intake_step(case)),
        StepStatus(2, _("主动沟通"), "negotiation:overview", *negotiation_step(case)),
        StepStatus(3, _("保留证据"), "evidence:overview", *evidence_step(case)),
    ]
