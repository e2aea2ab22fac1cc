"""Analyse messages given as JSON Lines: one result line per input line, in order (DESIGN.md).

    python manage.py analyze_messages messages.jsonl > results.jsonl
    cat messages.jsonl | python manage.py analyze_messages -

Input lines: {"sender": "...", "body": "...", "received_at": "2026-06-01T23:40:00+08:00"}
(``received_at`` optional; without an offset it is China time). Output lines:
{"sender_kind", "categories", "signals", "findings": [{"category", "start", "end",
"provisions"}]}. A line that cannot be read gives {"error": "..."} and the rest go on.
The input is streamed: memory does not grow with the file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from collectguard.intake.analysis import analyze
from collectguard.intake.analysis.findings import SHANGHAI

_FLUSH_EVERY = 500
# What ``json.dumps(obj, ensure_ascii=False)`` does, without building an encoder per call (it
# does for any non-default argument; about a quarter of the cost of encoding a result line).
_dumps = json.JSONEncoder(ensure_ascii=False).encode


def _error(message: str) -> str:
    return _dumps({"error": message})


def analyse_line(raw: bytes) -> str:
    """The output line (without newline) for one input line."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _error("line is not valid UTF-8")
    text = text.strip()
    if not text:
        return _error("empty line")
    try:
        item = json.loads(text)
    except json.JSONDecodeError as exc:
        return _error(f"invalid JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(item, dict):
        return _error("each line must be a JSON object")
    body = item.get("body")
    sender = item.get("sender", "")
    if not isinstance(body, str):
        return _error('"body" must be a string')
    if sender is None:
        sender = ""
    if not isinstance(sender, str):
        return _error('"sender" must be a string')
    received_at = item.get("received_at")
    when: datetime | None = None
    if received_at not in (None, ""):
        if not isinstance(received_at, str):
            return _error('"received_at" must be an ISO-8601 string')
        try:
            when = datetime.fromisoformat(received_at)
        except ValueError:
            return _error(f'"received_at" is not ISO-8601: {received_at[:40]!r}')
        if when.tzinfo is None:
            when = when.replace(tzinfo=SHANGHAI)
    result: dict[str, Any] = analyze(body, sender=sender, received_at=when).as_dict()
    return _dumps(result)


def analyse_lines(lines: Iterable[bytes]) -> Iterator[str]:
    for raw in lines:
        yield analyse_line(raw)


class Command(BaseCommand):
    help = "Analyse JSON Lines messages (sender, body, received_at) into JSON Lines findings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default="-", help="JSON Lines file, or - for stdin")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        out = self.stdout
        if path == "-":
            self._run(sys.stdin.buffer, out)
            return
        try:
            handle: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise CommandError(f"cannot open {path}: {exc.strerror}") from exc
        with handle:
            self._run(handle, out)

    def _run(self, lines: IO[bytes], out: Any) -> None:
        buffer: list[str] = []
        for line in analyse_lines(lines):
            buffer.append(line)
            if len(buffer) >= _FLUSH_EVERY:
                out.write("\n".join(buffer))
                buffer.clear()
        if buffer:
            out.write("\n".join(buffer))
        out.flush()
