"""Analyse messages given as JSON Lines: one result line per input line, in order (DESIGN.md).

    python manage.py analyze_messages messages.jsonl > results.jsonl
    cat messages.jsonl | python manage.py analyze_messages -

Input lines: {"sender": "...", "body": "...", "received_at": "2026-06-01T23:40:00+08:00"}
(``received_at`` optional; without an offset it is China time). Output lines:
{"sender_kind", "categories", "signals", "findings": [{"category", "start", "end",
"provisions"}]}. A line that cannot be read gives {"error": "..."} and the rest go on.
The input is streamed: memory does not grow with the file.

Collection SMS repeat templates, so with the result cache on (as shipped) one run also keeps the
output lines it wrote, keyed on what a line depends on: the body, the sender's kind and
institution role (the only sender facts a rule or the output reads) and the day the message
arrived in China (which version of the law is cited). A repeat costs the JSON decoding and a
dictionary look-up instead of an analysis and an encoding. Like the result cache it holds
``result_cache.size`` entries (oldest dropped first) and skips bodies longer than
``result_cache.max_body``; ``result_cache.configure(0)`` turns both off.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from collectguard.intake.analysis import classify_sender, result_cache
from collectguard.intake.analysis.findings import SHANGHAI, act_date, analysis_json

_FLUSH_EVERY = 500
# What ``json.dumps(obj, ensure_ascii=False)`` does, without building an encoder per call (it
# does for any non-default argument; about a quarter of the cost of encoding a result line).
_dumps = json.JSONEncoder(ensure_ascii=False).encode


def _error(message: str) -> str:
    return _dumps({"error": message})


# ``json.loads`` checks its argument, builds a decoder call and skips whitespace with a regex
# before and after the C scanner; for a stripped line the scanner alone does the work.
# (``scan_once`` is set in ``JSONDecoder.__init__``; typeshed does not declare it.)
_scan_once: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _loads(text: str) -> Any:
    """``json.loads(text)`` for a line without surrounding whitespace (``text.strip()``).

    The scanner reads one JSON value from the start; whenever it cannot or stops before the end,
    ``json.loads`` runs instead, so an invalid line raises exactly its error.
    """
    try:
        item, end = _scan_once(text, 0)
    except StopIteration:
        return json.loads(text)
    if end != len(text):
        return json.loads(text)
    return item


# Output lines of one run, keyed on (body, sender kind, institution role, act date).
LineMemo = dict[tuple[str, str, str | None, date], str]


def analyse_line(raw: bytes, memo: LineMemo | None = None) -> str:
    """The output line (without newline) for one input line; ``memo``: see the module docstring."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _error("line is not valid UTF-8")
    text = text.strip()
    if not text:
        return _error("empty line")
    try:
        item = _loads(text)
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
    if memo is None or when is None or len(body) > result_cache.max_body:
        # Without a date the act date is today's, which could change between key and analysis.
        return analysis_json(body, sender=sender, received_at=when)
    info = classify_sender(sender)
    key = (body, info.kind, info.institution_role, act_date(when))
    line = memo.get(key)
    if line is None:
        line = analysis_json(body, sender=sender, received_at=when)
        if len(memo) >= result_cache.size:
            del memo[next(iter(memo))]
        memo[key] = line
    return line


def analyse_lines(lines: Iterable[bytes]) -> Iterator[str]:
    """Output lines for ``lines``, in order (one run: its memo lives as long as the iteration)."""
    memo: LineMemo | None = {} if result_cache.size else None
    for raw in lines:
        yield analyse_line(raw, memo)


class Command(BaseCommand):
    help = "Analyse JSON Lines messages (sender, body, received_at) into JSON Lines findings."
    # Reads no database and no URL: Django's system checks would import every URLconf (and
    # with it WeasyPrint, about a second) before the first line is read.
    requires_system_checks: list[str] = []

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
