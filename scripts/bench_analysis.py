#!/usr/bin/env python
"""Throughput of message analysis alone (issue #3: ≥ 30,000 messages/s on one core).

    .venv/bin/python scripts/bench_analysis.py              # default sizes
    .venv/bin/python scripts/bench_analysis.py --backup 50000 --repeat 7

Prints messages per second of CPU time (one core) for:

* the distinct bodies of the labelled corpus and hold-out set, result cache off;
* the bodies of a generated phone backup (``backup_fixtures.generate_backup``, parsed with
  ``backup.parse_backup``, as the importer sees them), result cache off and on;
* the same backup messages as JSON Lines through ``analyze_messages``: in this process (the
  command's ``analyse_lines``, sender classification caches emptied before each run so every
  number is seen for the first time, as in a fresh command) and in a child process running
  ``manage.py analyze_messages`` (its CPU time, less that of a run on one message per sender
  kind: Django start-up, rule compiling, phonenumbers' geocoder), with the result cache as
  shipped and turned off;

and the time of the first call in a fresh process (loading the data, compiling the rules), for a
bank number and for a mobile (which also loads phonenumbers' 19 MB geocoder), both as this
environment runs Python and with a warm bytecode cache (as a deployed app has; kept in a
temporary directory). A fixed pure-Python loop is timed too, so figures from different machines
can be compared.

Best of ``--repeat`` runs, in-process, no Django: the analyser is plain Python.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests" / "intake" / "data"

Item = tuple[str, str, datetime | None]

FIRST_CALL = """
import sys, time
sys.path.insert(0, {root!r})
started = time.perf_counter()
from collectguard.intake.analysis import analyze
imported = time.perf_counter()
analyze("再不还钱就联系你的家人和同事。", sender={sender!r})
done = time.perf_counter()
print(f"{{imported - started:.4f}} {{done - imported:.4f}}")
"""


def corpus_items() -> list[Item]:
    items: list[Item] = []
    seen: set[str] = set()
    for name in ("corpus.jsonl", "holdout.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row["body"] in seen:
                continue
            seen.add(row["body"])
            when = datetime.fromisoformat(row["received_at"]) if row.get("received_at") else None
            items.append((row["body"], row.get("sender", ""), when))
    return items


def backup_items(count: int) -> list[Item]:
    from collectguard.intake.backup import SmsRecord, parse_backup
    from collectguard.intake.backup_fixtures import generate_backup
    from collectguard.intake.records import datetime_from_ms

    items: list[Item] = []
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "sms.xml"
        generate_backup(count, path)
        with path.open("rb") as handle:
            for record in parse_backup(handle):
                if isinstance(record, SmsRecord) and record.body:
                    items.append((record.body, record.address, datetime_from_ms(record.date_ms)))
    return items


def rate(items: Sequence[Item], repeat: int, before_each: Callable[[], None]) -> float:
    """Best messages per CPU second over ``repeat`` runs; ``before_each`` resets the cache."""
    from collectguard.intake.analysis import analyze

    best = float("inf")
    for _ in range(repeat):
        before_each()
        started = time.process_time()
        for body, sender, when in items:
            analyze(body, sender=sender, received_at=when)
        best = min(best, time.process_time() - started)
    return len(items) / best


# ``manage.py analyze_messages FILE`` with the result cache turned off first.
COMMAND_NO_CACHE = """
import os, sys
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collectguard.settings")
from collectguard.intake.analysis import result_cache
result_cache.configure(0)
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", "analyze_messages", {path!r}])
"""


def child_cpu(argv: list[str]) -> float:
    """CPU seconds (user + system) of one child process, its output discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def command_rate(items: Sequence[Item], repeat: int, *, cache: bool) -> float:
    """Messages per CPU second through ``analyze_messages``, start-up subtracted (best runs).

    The start-up run reads one message of each sender kind, so it loads everything the full run
    loads once (a mobile number loads phonenumbers' geocoder, about a second).
    """
    from collectguard.intake.analysis import classify_sender

    with tempfile.TemporaryDirectory() as directory:
        full = Path(directory) / "messages.jsonl"
        few = Path(directory) / "few.jsonl"
        lines = json_lines(items)
        first_of_kind: dict[str, str] = {}
        for line, (_body, sender, _when) in zip(lines, items, strict=True):
            first_of_kind.setdefault(classify_sender(sender).kind, line)
        full.write_text("\n".join(lines) + "\n", encoding="utf-8")
        few.write_text("\n".join(first_of_kind.values()) + "\n", encoding="utf-8")

        def argv(path: Path) -> list[str]:
            if cache:
                return [sys.executable, str(ROOT / "manage.py"), "analyze_messages", str(path)]
            return [sys.executable, "-c", COMMAND_NO_CACHE.format(root=str(ROOT), path=str(path))]

        startup = min(child_cpu(argv(few)) for _ in range(repeat))
        best = min(child_cpu(argv(full)) for _ in range(repeat))
    return (len(items) - len(first_of_kind)) / max(best - startup, 1e-9)


def json_lines(items: Sequence[Item]) -> list[str]:
    return [
        json.dumps(
            {"sender": sender, "body": body, "received_at": when.isoformat() if when else ""},
            ensure_ascii=False,
        )
        for body, sender, when in items
    ]


def command_in_process_rate(items: Sequence[Item], repeat: int, *, cache: bool) -> float:
    """Messages per CPU second through the command's ``analyse_lines`` in this process (best run).

    Before each run the result cache is set, the plan memo emptied and the sender caches too:
    a fresh ``analyze_messages`` classifies each number on first sight.
    """
    from collectguard.intake.analysis import result_cache
    from collectguard.intake.analysis.findings import _compiled
    from collectguard.intake.analysis.senders import _classify_number, classify_sender
    from collectguard.intake.management.commands.analyze_messages import analyse_lines

    lines = [line.encode("utf-8") for line in json_lines(items)]
    best = float("inf")
    for _ in range(repeat):
        result_cache.configure(result_cache.DEFAULT_SIZE if cache else 0)
        _compiled().plans.clear()
        classify_sender.cache_clear()
        _classify_number.cache_clear()
        started = time.process_time()
        for _line in analyse_lines(lines):
            pass
        best = min(best, time.process_time() - started)
    return len(lines) / best


def calibration_ms() -> float:
    """CPU time of a fixed pure-Python loop (about 100–150 ms on a quiet current core)."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for i in range(3_000_000):
            total += i
        best = min(best, time.process_time() - started)
    return best * 1000


def first_call(sender: str, env: dict[str, str]) -> tuple[float, float]:
    script = FIRST_CALL.format(root=str(ROOT), sender=sender)
    output = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True, env=env
    ).stdout.split()
    return float(output[0]), float(output[1])


def report_first_calls() -> None:
    as_is = dict(os.environ)
    with tempfile.TemporaryDirectory() as cache_dir:
        warm = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        warm["PYTHONPYCACHEPREFIX"] = cache_dir
        for sender in ("95588", "13612345678"):
            first_call(sender, warm)  # fills the bytecode cache
        for label, env in (("as this environment runs", as_is), ("warm bytecode cache", warm)):
            for sender in ("95588", "13612345678"):
                imported, first = first_call(sender, env)
                print(
                    f"first call ({label}), sender {sender}: import {imported * 1000:,.0f} ms, "
                    f"first analyze {first * 1000:,.0f} ms"
                )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backup", type=int, default=20_000, help="messages in the backup")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-first-call", action="store_true")
    parser.add_argument("--skip-command", action="store_true", help="no analyze_messages runs")
    args = parser.parse_args()

    from collectguard.intake.analysis import analyze, classify_sender, result_cache
    from collectguard.intake.analysis.findings import _compiled

    def cache_off() -> None:
        result_cache.configure(0)
        # And the prefilter's plan memo (not a result cache: every candidate regex still runs
        # on every text), so a run reuses only plans of its own messages.
        _compiled().plans.clear()

    def cache_on() -> None:
        result_cache.configure(result_cache.DEFAULT_SIZE)
        _compiled().plans.clear()

    if not args.skip_first_call:
        report_first_calls()
    print(f"calibration: 3M-iteration Python loop takes {calibration_ms():,.0f} ms CPU here")

    corpus = corpus_items()
    backup = backup_items(args.backup)
    # Warm-up outside the timing: rule compile, form tables, and every sender's classification
    # (phonenumbers' parse, carrier and region: a per-number cost, timed on its own below).
    cache_off()
    senders = sorted({sender for _body, sender, _when in backup})
    started = time.process_time()
    for sender in senders:
        classify_sender(sender)
    per_sender = (time.process_time() - started) / max(1, len(senders))
    for body, sender, when in corpus + backup:
        analyze(body, sender=sender, received_at=when)
    print(
        f"sender classification, first sight of each of {len(senders):,} numbers: "
        f"{per_sender * 1e6:,.0f} µs per number (cached afterwards)"
    )

    distinct = len({body for body, _s, _w in backup})
    from collectguard.intake.analysis.findings import act_date

    # What analyze_messages' line memo is keyed on (with the result cache on): repeats of these
    # are served without an analysis, so the figure depends on how templated the input is.
    keys = {
        (body, classify_sender(s).kind, classify_sender(s).institution_role, act_date(w))
        for body, s, w in backup
        if w is not None
    }
    print(
        f"generated backup: {distinct:,} distinct bodies, {len(keys):,} distinct "
        f"(body, sender kind, role, day) of {len(backup):,} messages"
    )
    print(
        f"corpus + hold-out, {len(corpus)} distinct bodies, cache off: "
        f"{rate(corpus, args.repeat, cache_off):,.0f} messages/s"
    )
    print(
        f"generated backup, {len(backup)} messages ({distinct} distinct bodies), cache off: "
        f"{rate(backup, args.repeat, cache_off):,.0f} messages/s"
    )
    print(
        f"generated backup, {len(backup)} messages, cache on (emptied before each run): "
        f"{rate(backup, args.repeat, cache_on):,.0f} messages/s"
    )
    for cache in (False, True):
        print(
            f"analyze_messages in this process (analyse_lines), the {len(backup)} backup "
            f"messages, cache {'on' if cache else 'off'}: "
            f"{command_in_process_rate(backup, args.repeat, cache=cache):,.0f} messages/s "
            "(every sender seen for the first time)"
        )
    if not args.skip_command:
        for cache in (False, True):
            print(
                f"manage.py analyze_messages, the {len(backup)} backup messages as JSON Lines, "
                f"cache {'on' if cache else 'off'}: "
                f"{command_rate(backup, min(args.repeat, 3), cache=cache):,.0f} messages/s "
                "(child CPU time, less a start-up run)"
            )
    cache_on()
    print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
