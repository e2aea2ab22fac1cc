"""Bring stored message analyses up to date after the rules, the model or the law changed.

    python manage.py reanalyse_messages             # every case
    python manage.py reanalyse_messages --case 12   # one case (repeatable)

Each incoming message is analysed again; those whose categories, signals, findings or urgency
differ are updated and the case's sender summaries rebuilt, one case per transaction
(``services.messages_reanalyse``). Bodies, times and the stored originals are never touched.
Prints one line per case and a total; run it after deploying a changed rules.json or model.json.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from collectguard.cases.models import Case
from collectguard.intake.services import messages_reanalyse


class Command(BaseCommand):
    help = "Analyse stored messages again and update those whose findings changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--case", type=int, action="append", default=[], help="case id (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        wanted: list[int] = options["case"]
        cases = Case.objects.order_by("pk")
        if wanted:
            cases = cases.filter(pk__in=wanted)
            missing = sorted(set(wanted) - set(cases.values_list("pk", flat=True)))
            if missing:
                raise CommandError("no case " + ", ".join(str(pk) for pk in missing))
        total = count = 0
        for case in cases.iterator():
            changed = messages_reanalyse(case=case)
            self.stdout.write(f"case {case.pk}: {changed} messages changed")
            total += changed
            count += 1
        self.stdout.write(f"{count} cases, {total} messages changed")
