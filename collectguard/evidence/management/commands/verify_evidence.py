"""Re-hash every stored original of a case and check its custody chain.

    python manage.py verify_evidence --case ID

Prints one line per file (OK / MISMATCH / MISSING) and a summary; exits non-zero, listing what
failed, when any file differs from the SHA-256 recorded at upload or the custody chain is
broken (DESIGN.md "Command-line contracts").
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from collectguard.cases.models import Case
from collectguard.evidence.custody import custody_head, custody_verify
from collectguard.evidence.documents import other_evidence_files
from collectguard.evidence.models import EvidenceItem, GeneratedDocument


def _rehash(key: str) -> tuple[str | None, int | None]:
    if not key or not default_storage.exists(key):
        return None, None
    digest = hashlib.sha256()
    size = 0
    with default_storage.open(key, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


class Command(BaseCommand):
    help = "Re-hash every stored original of a case; non-zero exit on any mismatch."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--case", type=int, required=True, help="case id")

    def handle(self, *args: Any, **options: Any) -> None:
        case = Case.objects.filter(pk=options["case"]).first()
        if case is None:
            raise CommandError(f"no case with id {options['case']}")

        checks: list[tuple[str, str, str, str, int | None]] = []
        for item in EvidenceItem.objects.filter(case=case).order_by("uploaded_at", "pk"):
            checks.append(
                (
                    f"evidence {item.uuid}",
                    item.original_name,
                    item.storage_key,
                    item.sha256,
                    item.size,
                )
            )
        for entry in other_evidence_files(case):
            checks.append(
                (
                    f"negotiation {entry.get('path', '')}",
                    str(entry.get("original_name", "")),
                    str(entry.get("path", "")),
                    str(entry.get("sha256", "")),
                    entry.get("size"),
                )
            )
        for document in GeneratedDocument.objects.filter(case=case).order_by("pk"):
            checks.append(
                (
                    f"document {document.pk}",
                    document.title,
                    document.pdf_key,
                    document.pdf_sha256,
                    document.pdf_size,
                )
            )

        failures: list[str] = []
        for label, name, key, expected, size in checks:
            actual, actual_size = _rehash(key)
            if actual is None:
                line = f"MISSING   {label}  {name}"
            elif actual != expected or (size is not None and actual_size != size):
                line = f"MISMATCH  {label}  {name}  recorded={expected} now={actual}"
            else:
                self.stdout.write(f"OK        {label}  {name}  sha256={actual}")
                continue
            self.stdout.write(line)
            failures.append(line)

        problems = custody_verify(case)
        head = custody_head(case)
        for problem in problems:
            line = f"CUSTODY   {problem}"
            self.stdout.write(line)
            failures.append(line)
        if not problems:
            entries = head.seq if head else 0
            head_hash = head.entry_hash if head else "-"
            self.stdout.write(f"OK        custody chain  entries={entries} head={head_hash}")

        summary = f"case {case.pk}: {len(checks)} files checked, {len(failures)} problem(s)"
        if failures:
            raise CommandError(summary + "\n" + "\n".join(failures))
        self.stdout.write(summary)
