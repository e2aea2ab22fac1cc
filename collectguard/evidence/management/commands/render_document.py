"""Render one of a case's documents to PDF (and keep the snapshot, as the app does).

    python manage.py render_document --case ID --document KIND [--channel CH] --output FILE.pdf

KIND is evidence_list, complaint (with --channel), stop_notice or negotiation_request. Prints
one JSON object: document (snapshot id), kind, channel, sha256, pages, bytes, output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from collectguard.cases.models import Case
from collectguard.evidence.documents import all_specs, get_spec
from collectguard.evidence.services import document_generate


class Command(BaseCommand):
    help = "Render a case document to a PDF file (stores a snapshot like the web app)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--case", type=int, required=True, help="case id")
        parser.add_argument("--document", required=True, help="document kind")
        parser.add_argument("--channel", default="", help="complaint channel, e.g. 12378")
        parser.add_argument("--output", required=True, help="where to write the PDF")
        parser.add_argument("--name", default="", help="the borrower's name to print")

    def handle(self, *args: Any, **options: Any) -> None:
        case = Case.objects.filter(pk=options["case"]).first()
        if case is None:
            raise CommandError(f"no case with id {options['case']}")
        kind, channel = options["document"], options["channel"]
        if get_spec(kind, channel) is None:
            known = ", ".join(
                f"{spec.kind}" + (f" --channel {spec.channel}" if spec.channel else "")
                for spec in all_specs()
            )
            raise CommandError(f"unknown document {kind!r} {channel!r}; known: {known}")
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"directory does not exist: {output.parent}")

        document = document_generate(
            case=case, actor=None, kind=kind, channel=channel, inputs={"name": options["name"]}
        )
        with default_storage.open(document.pdf_key, "rb") as handle:
            data = handle.read()
        output.write_bytes(data)
        self.stdout.write(
            json.dumps(
                {
                    "document": document.pk,
                    "kind": kind,
                    "channel": channel,
                    "sha256": document.pdf_sha256,
                    "pages": document.pages,
                    "bytes": len(data),
                    "output": str(output),
                },
                ensure_ascii=False,
            )
        )
