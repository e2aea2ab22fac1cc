#!/usr/bin/env python
"""Throughput of message analysis alone (issue #3: ≥ 30,000 messages/s on one core).

    .venv/bin/python scripts/bench_analysis.py              # default sizes
    .venv/bin/python scripts/bench_analysis.py --backup 50000 --repeat 5

Prints messages/s for:

* the distinct bodies of the labelled corpus and hold-out set, result cache off;
* the bodies of a generated phone backup (``backup_fixtures.generate_backup``, parsed with
  ``backup.parse_backup``, as the importer sees them), result cache off and on;
* the time of the first call in a fresh process (loading the data and compiling the rules),
  with and without classifying a mobile number (which loads phonenumbers' geocoder).

Best of ``--repeat`` runs, one process, no Django: the analyser is plain Python.
"""

from __future__ import annotations

import argparse
import json
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
        path = DATA / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
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
    """Best messages/s over ``repeat`` runs; ``before_each`` resets state (e.g. the cache)."""
    from collectguard.intake.analysis import analyze

    best = float("inf")
    for _ in range(repeat):
        before_each()
        started = time.perf_counter()
        for body, sender, when in items:
            analyze(body, sender=sender, received_at=when)
        best = min(best, time.perf_counter() - started)
    return len(items) / best


def first_call(sender: str) -> tuple[float, float]:
    script = FIRST_CALL.format(root=str(ROOT), sender=sender)
    output = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout.split()
    return float(output[0]), float(output[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backup", type=int, default=20_000, help="messages in the backup")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from collectguard.intake import analysis
    from collectguard.intake.analysis import analyze

    cache_control = getattr(analysis, "result_cache", None)

    def cache_off() -> None:
        if cache_control is not None:
            cache_control.configure(0)

    def cache_on() -> None:
        if cache_control is not None:
            cache_control.configure(cache_control.DEFAULT_SIZE)
            cache_control.clear()

    for sender in ("95588", "13612345678"):
        imported, first = first_call(sender)
        print(
            f"first call, sender {sender}: import {imported * 1000:.0f} ms, "
            f"first analyze {first * 1000:.0f} ms"
        )

    corpus = corpus_items()
    backup = backup_items(args.backup)
    # Warm-up outside the timing: rule compile, sender classification, form tables.
    cache_off()
    for body, sender, when in corpus[:50] + backup[:50]:
        analyze(body, sender=sender, received_at=when)

    distinct = len({body for body, _s, _w in backup})
    print(
        f"corpus + hold-out, {len(corpus)} distinct bodies, cache off: "
        f"{rate(corpus, args.repeat, cache_off):,.0f} messages/s"
    )
    print(
        f"generated backup, {len(backup)} messages ({distinct} distinct bodies), cache off: "
        f"{rate(backup, args.repeat, cache_off):,.0f} messages/s"
    )
    if cache_control is None:
        print("generated backup, cache on: (no result cache in this version)")
    else:
        print(
            f"generated backup, {len(backup)} messages, cache on (cold at each run): "
            f"{rate(backup, args.repeat, cache_on):,.0f} messages/s"
        )
        cache_on()
    return 0


if __name__ == "__main__":
    sys.exit(main())
