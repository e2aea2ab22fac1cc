"""Print a case's contact statistics as JSON (DESIGN.md `case_report` contract).

    python manage.py case_report --case ID

totals (messages_received, call_attempts, calls_connected, night_contacts, senders), senders
(per number), days and categories: see `collectguard.intake.stats.case_statistics`.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from collectguard.cases.models import Case
from collectguard.intake.stats import case_statistics


class Command(BaseCommand):
    help = "Print the contact statistics of a case as one JSON object."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--case", type=int, required=True, help="case id")

    def handle(self, *args: Any, **options: Any) -> None:
        case = Case.objects.filter(pk=options["case"]).first()
        if case is None:
            raise CommandError(f"no case {options['case']}")
        self.stdout.write(json.dumps(case_statistics(case), ensure_ascii=False, indent=2))
