"""Load the synthetic demo case once, and say how to log in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from collectguard.accounts.models import User

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105  (synthetic demo account, documented in README)


class Command(BaseCommand):
    help = "Load fixtures/demo.json (a synthetic borrower and case) unless already loaded."

    def handle(self, *args: Any, **options: Any) -> None:
        if not User.objects.filter(username=DEMO_USERNAME).exists():
            call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "demo.json"), verbosity=0)
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(
            "\n  CollectGuard is starting at http://127.0.0.1:8000/\n"
            f"  Log in as “{DEMO_USERNAME}” with password “{DEMO_PASSWORD}”,"
            " or sign up for a new account.\n"
        )
