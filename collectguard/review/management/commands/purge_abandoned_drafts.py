"""Delete abandoned draft cases (docs/retention.md). Run daily from cron; --dry-run lists only."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from collectguard.cases.services import case_delete
from collectguard.review.retention import (
    DRAFT_DAYS,
    ORPHAN_LOG_DAYS,
    abandoned_drafts,
    orphaned_access_log,
)


class Command(BaseCommand):
    help = (
        "Delete cases nothing was ever added to, untouched (and their owner absent) for "
        f"{DRAFT_DAYS} days, with their files; drop access-log rows of deleted cases after "
        f"{ORPHAN_LOG_DAYS} days. Prints one JSON object."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=DRAFT_DAYS)
        parser.add_argument("--log-days", type=int, default=ORPHAN_LOG_DAYS)
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be deleted; delete nothing."
        )

    def handle(self, *args: Any, days: int, log_days: int, dry_run: bool, **options: Any) -> None:
        if days < 30 or log_days < 30:
            self.stderr.write("Refusing to purge anything younger than 30 days.")
            raise SystemExit(2)
        drafts = list(abandoned_drafts(days=days))
        orphans = orphaned_access_log(days=log_days)
        report = {
            "dry_run": dry_run,
            "days": days,
            "cases": [case.pk for case in drafts],
            "cases_deleted": 0,
            "access_log_rows_deleted": 0,
        }
        if dry_run:
            report["access_log_rows_deleted"] = 0
            report["access_log_rows_due"] = orphans.count()
        else:
            for case in drafts:
                case_delete(case=case)
                report["cases_deleted"] += 1  # type: ignore[operator]
            report["access_log_rows_deleted"], _detail = orphans.delete()
        self.stdout.write(json.dumps(report))
