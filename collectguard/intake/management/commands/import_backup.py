"""Import phone backups into a case from the command line (DESIGN.md contract).

    python manage.py import_backup --user NAME (--case ID | --new-case TITLE) [--all] FILE...

Prints one JSON object: case, messages_imported, calls_imported, duplicates_skipped,
left_out_senders (how many numbers were left out), left_out_messages (messages and calls left
out), errors (one entry per file that was not imported, with the line and column where it
broke). Each file is all or nothing; the other files still go in. Re-importing a file adds
nothing. The originals are kept as evidence, as with an upload.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from collectguard.accounts.models import User
from collectguard.cases.access import cases_owned_by
from collectguard.cases.models import Case
from collectguard.cases.services import case_create
from collectguard.intake.services import BackupRejected, backup_import


class Command(BaseCommand):
    help = "Import SMS Backup & Restore XML files (SMS and call logs) into a case."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="username of the case owner")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--case", type=int, help="id of an existing case of that user")
        target.add_argument("--new-case", metavar="TITLE", help="create a new case")
        parser.add_argument(
            "--all",
            action="store_true",
            help="keep every conversation (no data minimisation)",
        )
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user named {options['user']!r}")
        case = self._case(user, options)
        report: dict[str, Any] = {
            "case": case.pk,
            "messages_imported": 0,
            "calls_imported": 0,
            "duplicates_skipped": 0,
            "left_out_senders": 0,
            "left_out_messages": 0,
            "errors": [],
        }
        for name in options["files"]:
            path = Path(name)
            try:
                with path.open("rb") as handle:
                    result = backup_import(
                        case=case,
                        user=user,
                        fileobj=handle,
                        original_name=path.name,
                        keep_all=options["all"],
                    )
            except BackupRejected as exc:
                report["errors"].append(
                    {"file": name, "error": exc.message, "line": exc.line, "column": exc.column}
                )
                continue
            except OSError as exc:
                report["errors"].append(
                    {"file": name, "error": exc.strerror or str(exc), "line": None, "column": None}
                )
                continue
            report["messages_imported"] += result.messages_imported
            report["calls_imported"] += result.calls_imported
            report["duplicates_skipped"] += result.duplicates_skipped
            report["left_out_senders"] += result.left_out_sender_count
            report["left_out_messages"] += result.left_out_messages + result.left_out_calls
        self.stdout.write(json.dumps(report, ensure_ascii=False))

    def _case(self, user: User, options: dict[str, Any]) -> Case:
        if options.get("new_case"):
            return case_create(owner=user, title=options["new_case"])
        case = cases_owned_by(user).filter(pk=options["case"]).first()
        if case is None:
            raise CommandError(f"user {user.username!r} has no case {options['case']}")
        return case
