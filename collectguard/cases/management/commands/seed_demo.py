"""Load the synthetic demo case once, import its synthetic phone backups, and say how to log in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from collectguard.accounts.models import User

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105  (synthetic demo account, documented in README)
DEMO_CASE_ID = 900001
# Made-up SMS and call-log exports in the "SMS Backup & Restore" format. They go through the
# real import (analysis, data minimisation, evidence with SHA-256), so the demo case shows
# what a borrower's own export would.
DEMO_BACKUPS = ("demo-sms.xml", "demo-calls.xml")


class Command(BaseCommand):
    help = "Load fixtures/demo.json (a synthetic borrower and case) and its backups, once."

    def handle(self, *args: Any, **options: Any) -> None:
        if not User.objects.filter(username=DEMO_USERNAME).exists():
            call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "demo.json"), verbosity=0)
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._import_backups()
        self.stdout.write(
            "\n  CollectGuard is starting at http://127.0.0.1:8000/\n"
            f"  Log in as “{DEMO_USERNAME}” with password “{DEMO_PASSWORD}”,"
            " or sign up for a new account.\n"
        )

    def _import_backups(self) -> None:
        from collectguard.cases.models import Case
        from collectguard.intake.services import BackupRejected, backup_import

        case = Case.objects.filter(pk=DEMO_CASE_ID, owner__username=DEMO_USERNAME).first()
        if case is None:
            return
        for name in DEMO_BACKUPS:
            path = settings.BASE_DIR / "fixtures" / name
            try:
                with path.open("rb") as handle:
                    result = backup_import(
                        case=case, user=case.owner, fileobj=handle, original_name=name
                    )
            except BackupRejected as exc:
                self.stderr.write(f"Demo backup {name} was not imported: {exc.message}")
                continue
            if not result.already_imported:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Demo backup {name}: {result.messages_imported} messages, "
                        f"{result.calls_imported} calls imported, "
                        f"{result.left_out_messages + result.left_out_calls} left out."
                    )
                )
