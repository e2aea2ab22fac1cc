#!/usr/bin/env python
"""Benchmark step 1 (intake): analysis throughput, a 100,000-message import, page rendering.

    .venv/bin/python scripts/bench_intake.py                 # SQLite, plus PostgreSQL when
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python scripts/bench_intake.py
    .venv/bin/python scripts/bench_intake.py --messages 20000 --skip-postgres   # quicker

What is measured (targets of issue #3 in brackets):

* analysis in-process: ``analyze()`` on the distinct bodies of the generated backup [≥ 30,000/s];
* analysis through ``manage.py analyze_messages`` on the same messages as JSON Lines, wall
  time including process start, and without it (a one-line run is subtracted) [≥ 30,000/s];
* a bare streaming parse of the generated backup (``parse_backup``), then ``backup_import`` of
  the same file into a fresh SQLite database, each in its own process: seconds, peak RSS and
  the import / parse ratio [≤ 15 s, ≤ 250 MB, ≤ 5×]; the same on PostgreSQL in a separate
  ``bench`` database when DATABASE_URL is set;
* the case page and the step-1 overview of the imported case (100,000 messages), median of
  repeated renders through Django's test client [≤ 300 ms]; the message list and the
  statistics page for information.

Every child process starts clean, so peak memory is the import's own (ru_maxrss).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
TARGETS = {
    "analysis_per_s": 30_000,
    "import_s": 15.0,
    "import_rss_mb": 250.0,
    "import_vs_parse": 5.0,
    "page_ms": 300.0,
}


# --- children (run in their own process) ----------------------------------------------------------


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collectguard.settings")
    import django

    django.setup()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    """CPU seconds of this process (user + system): on a shared machine, the honest measure."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _children_cpu_s() -> float:
    """CPU seconds of this process's finished children (the import's worker)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _pss_kb(pid: int | str) -> int:
    """Proportional set size: shared pages split between the processes sharing them, so the
    sum over a parent and its forked worker is the memory both really use."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def child_parse(path: str) -> dict[str, Any]:
    from collectguard.intake.backup import parse_backup

    start, cpu = time.perf_counter(), _cpu_s()
    count = 0
    with open(path, "rb") as handle:
        for _record in parse_backup(handle):
            count += 1
    return {
        "records": count,
        "seconds": time.perf_counter() - start,
        "cpu_s": _cpu_s() - cpu,
        "rss_mb": _rss_mb(),
    }


def child_analysis(path: str, limit: int) -> dict[str, Any]:
    _setup()
    from collectguard.intake.analysis import analyze
    from collectguard.intake.backup import SmsRecord, parse_backup
    from collectguard.intake.records import datetime_from_ms

    items = []
    with open(path, "rb") as handle:
        for record in parse_backup(handle):
            if isinstance(record, SmsRecord) and record.body:
                items.append((record.body, record.address, datetime_from_ms(record.date_ms)))
            if len(items) >= limit:
                break
    analyze("预热", sender="13612345678")  # compile the rules outside the timing
    start = time.perf_counter()
    for body, sender, when in items:
        analyze(body, sender=sender, received_at=when)
    seconds = time.perf_counter() - start
    return {
        "messages": len(items),
        "distinct_bodies": len({body for body, _s, _w in items}),
        "seconds": seconds,
        "per_s": len(items) / seconds,
    }


def child_import(path: str, analysis: str) -> dict[str, Any]:
    _setup()
    from django.core.management import call_command

    from collectguard.accounts.models import User
    from collectguard.cases.models import Case
    from collectguard.intake import importer
    from collectguard.intake.services import backup_import

    call_command("migrate", verbosity=0)
    # No password: hashing one with Argon2 takes ~100 MB for a moment, which would show as the
    # import's peak RSS. The pages child logs in with force_login.
    user = User.objects.create_user(f"bench-{os.getpid()}")  # several runs share PostgreSQL
    case = Case.objects.create(owner=user, title="bench", loan_type="consumer_finance")
    if analysis == "none":
        # Information only: the pipeline's own cost, with the analyser and the sender
        # classification (both in collectguard.intake.analysis) replaced by trivial stand-ins.
        from functools import cache

        from collectguard.intake.analysis import Analysis, SenderInfo, normalize_number

        @cache
        def plain_sender(raw: str) -> SenderInfo:
            return SenderInfo(raw=raw, number=normalize_number(raw), kind="mobile")

        def no_analysis(body: str, *, sender: str = "", received_at: Any = None) -> Analysis:
            return Analysis(
                body=body,
                sender=plain_sender(sender),
                categories=[],
                signals=["amount"],
                findings=[],
            )

        importer.analyze = no_analysis
        importer.classify_sender = plain_sender
    # The analysis rules are compiled once per process, on the first analysis (a server worker
    # pays it once, not per import): timed apart from the import, and added back for the
    # figure of a fresh process.
    warm_start, warm_cpu = time.perf_counter(), _cpu_s()
    if analysis != "none":
        from collectguard.intake.analysis import analyze

        analyze("您的借款已逾期，请尽快还款。", sender="13612345678")
    warm_seconds, warm_cpu = time.perf_counter() - warm_start, _cpu_s() - warm_cpu
    base_rss = _rss_mb()
    start, cpu, children_cpu = time.perf_counter(), _cpu_s(), _children_cpu_s()
    with open(path, "rb") as handle:
        result = backup_import(case=case, user=user, fileobj=handle, original_name=Path(path).name)
    seconds = time.perf_counter() - start
    cpu_s, worker_cpu_s = _cpu_s() - cpu, _children_cpu_s() - children_cpu
    return {
        "case": case.pk,
        "seconds": seconds,
        "cpu_s": cpu_s,
        "worker_cpu_s": worker_cpu_s,
        "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "rules_seconds": warm_seconds,
        "rules_cpu_s": warm_cpu,
        # Carrier and region data (~100 MB) must stay unloaded during an import.
        "geodata_loaded": any(
            name in sys.modules for name in ("phonenumbers.geocoder", "phonenumbers.carrier")
        ),
        "rss_mb": _rss_mb(),
        "rss_before_mb": base_rss,
        "messages_imported": result.messages_imported,
        "left_out_messages": result.left_out_messages,
        "duplicates_skipped": result.duplicates_skipped,
    }


def child_pages(case_id: int, repeat: int) -> dict[str, Any]:
    _setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from collectguard.cases.models import Case
    from collectguard.intake.models import Message

    client = Client()
    client.force_login(Case.objects.get(pk=case_id).owner)
    pages = {
        "case_page": f"/cases/{case_id}/",
        "intake_overview": f"/cases/{case_id}/intake/",
        "message_list": f"/cases/{case_id}/intake/messages/",
        "message_list_filtered": f"/cases/{case_id}/intake/messages/?flagged=on&night=on",
        "senders": f"/cases/{case_id}/intake/senders/",
        "statistics": f"/cases/{case_id}/intake/statistics/",
    }
    results: dict[str, Any] = {"messages": Message.objects.filter(case_id=case_id).count()}
    for name, url in pages.items():
        response = client.get(url)  # warm-up (template and rule caches)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        results[name] = {
            "median_ms": statistics.median(times),
            "max_ms": max(times),
            "queries": len(queries.captured_queries),
        }
    return results


# --- orchestration --------------------------------------------------------------------------


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        found.append(parent)
        try:
            for task in os.listdir(f"/proc/{parent}/task"):
                with open(f"/proc/{parent}/task/{task}/children", encoding="ascii") as listed:
                    todo.extend(int(child) for child in listed.read().split())
        except OSError:
            pass
    return found


def run_child(
    mode: str, *args: str, env: dict[str, str] | None = None, sample_memory: bool = False
) -> dict[str, Any]:
    """Run a child of this script; with ``sample_memory``, sample from out here (no load on
    the child's own interpreter) the PSS of the child and its descendants every 50 ms: the
    import's worker shares most pages with the child, and PSS splits them between the two,
    so the sum is the memory both really use."""
    with subprocess.Popen(
        [PYTHON, __file__, "--child", mode, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    ) as child:
        peak_kb = 0
        if sample_memory:
            while child.poll() is None:
                total = sum(_pss_kb(pid) for pid in _descendants(child.pid))
                peak_kb = max(peak_kb, total)
                time.sleep(0.05)
        stdout, stderr = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"{mode} failed:\n{stderr[-3000:]}")
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    if sample_memory:
        result["pss_peak_mb"] = peak_kb / 1024
    return result


def analyze_command(path: Path, limit: int, workdir: Path) -> dict[str, Any]:
    """analyze_messages on JSON Lines made from the backup's messages."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collectguard.settings")
    from collectguard.intake.backup import SmsRecord, parse_backup
    from collectguard.intake.records import datetime_from_ms

    lines = []
    with path.open("rb") as handle:
        for record in parse_backup(handle):
            if isinstance(record, SmsRecord) and record.body:
                lines.append(
                    json.dumps(
                        {
                            "sender": record.address,
                            "body": record.body,
                            "received_at": datetime_from_ms(record.date_ms).isoformat(),
                        },
                        ensure_ascii=False,
                    )
                )
            if len(lines) >= limit:
                break
    source = workdir / "messages.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = workdir / "one.jsonl"
    one.write_text(lines[0] + "\n", encoding="utf-8")

    def timed(file: Path) -> float:
        start = time.perf_counter()
        subprocess.run(
            [PYTHON, "manage.py", "analyze_messages", str(file)],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return time.perf_counter() - start

    startup = min(timed(one) for _ in range(2))
    total = timed(source)
    return {
        "messages": len(lines),
        "seconds": total,
        "startup_seconds": startup,
        "per_s_wall": len(lines) / total,
        "per_s_excluding_start": len(lines) / max(total - startup, 1e-9),
    }


def ensure_postgres_database(url: str, name: str) -> str:
    """A separate database for the benchmark on the server of DATABASE_URL (created if needed)."""
    import psycopg

    base = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def _fresh(work: Path, label: str, name: str, *, one_process: bool = False) -> dict[str, str]:
    """Settings for another import into an empty database (SQLite: a new file; PostgreSQL:
    the same database, a new case); ``one_process`` turns the reading worker off."""
    env = {"MEDIA_ROOT": str(work / f"media-{label}-{name}")}
    if one_process:
        env["IMPORT_WORKER_MIN_BYTES"] = "off"
    if label == "sqlite":
        env["SQLITE_PATH"] = str(work / f"bench-{name}.sqlite3")
    return env


def verdict(ok: bool) -> str:
    return "OK " if ok else "MISS"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--analysis-sample", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=7, help="renders per page")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating parse and import runs per database"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        mode, *rest = args.child
        if mode == "parse":
            out = child_parse(rest[0])
        elif mode == "analysis":
            out = child_analysis(rest[0], int(rest[1]))
        elif mode == "import":
            out = child_import(rest[0], rest[1])
        elif mode == "pages":
            out = child_pages(int(rest[0]), int(rest[1]))
        else:
            raise SystemExit(f"unknown child {mode}")
        print(json.dumps(out))
        return 0

    from collectguard.intake.backup_fixtures import generate_backup

    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-intake-") as tmp:
        work = Path(tmp)
        backup = work / "sms-bench.xml"
        started = time.perf_counter()
        generate_backup(args.messages, backup)
        size_mb = backup.stat().st_size / 1e6
        print(
            f"generated {args.messages:,} messages, {size_mb:.1f} MB "
            f"in {time.perf_counter() - started:.1f} s"
        )

        report["analysis"] = run_child("analysis", str(backup), str(args.analysis_sample))
        a = report["analysis"]
        print(
            f"analysis in-process: {a['per_s']:,.0f} msg/s ({a['messages']:,} messages, "
            f"{a['distinct_bodies']:,} distinct) "
            f"[{verdict(a['per_s'] >= TARGETS['analysis_per_s'])}]"
        )
        c = report["analyze_messages"] = analyze_command(backup, args.analysis_sample, work)
        print(
            f"analyze_messages: {c['per_s_wall']:,.0f} msg/s wall, "
            f"{c['per_s_excluding_start']:,.0f} msg/s excluding {c['startup_seconds']:.2f} s start "
            f"[{verdict(c['per_s_excluding_start'] >= TARGETS['analysis_per_s'])}]"
        )

        databases = [("sqlite", {"SQLITE_PATH": str(work / "bench.sqlite3")})]
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith("postgres") and not args.skip_postgres:
            databases.append(
                ("postgresql", {"DATABASE_URL": ensure_postgres_database(url, "bench")})
            )
        for label, db_env in databases:
            env = {
                **db_env,
                "MEDIA_ROOT": str(work / f"media-{label}"),
                "DJANGO_DEBUG": "0",
                "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
                "MAX_UPLOAD_BYTES": str(200 * 1024 * 1024),
            }
            if label == "sqlite":
                env["DATABASE_URL"] = ""
            # Parse and import take turns, ``--rounds`` times (each import into an empty
            # database or case), so a busy moment of the machine shows as one odd pair
            # instead of deciding the figure: the verdict is on the median pair, every
            # pair is printed.
            pairs = []
            for round_ in range(args.rounds):
                round_env = env if round_ == 0 else {**env, **_fresh(work, label, f"r{round_}")}
                parse = run_child("parse", str(backup), env=env)
                imported = run_child(
                    "import", str(backup), "full", env=round_env, sample_memory=True
                )
                pairs.append((parse, imported))
            ratios = [imported["seconds"] / parse["seconds"] for parse, imported in pairs]
            ratio = statistics.median(ratios)
            # The pair printed in full: the median one (with an even count, the higher).
            parse, imported = pairs[
                sorted(range(len(ratios)), key=ratios.__getitem__)[len(ratios) // 2]
            ]
            if args.rounds > 1:
                print(
                    f"[{label}] import / parse in {args.rounds} alternating rounds: "
                    + ", ".join(
                        f"{i['seconds']:.2f} s / {p['seconds']:.2f} s = {r:.1f}x"
                        for (p, i), r in zip(pairs, ratios, strict=True)
                    )
                )
            report[label] = {
                "parse": parse,
                "import": imported,
                "ratio": ratio,
                "rounds": [
                    {"parse_s": p["seconds"], "import_s": i["seconds"], "ratio": r}
                    for (p, i), r in zip(pairs, ratios, strict=True)
                ],
            }
            print(
                f"[{label}] bare parse: {parse['seconds']:.2f} s, {parse['cpu_s']:.2f} CPU s "
                f"({parse['records']:,} records, peak RSS {parse['rss_mb']:.0f} MB)"
            )
            # The verdict on memory is the worst import's, not the median pair's.
            memory = max(max(i["rss_mb"], i["pss_peak_mb"]) for _p, i in pairs)
            print(
                f"[{label}] import with analysis: {imported['seconds']:.2f} s, "
                f"{imported['cpu_s']:.2f} CPU s in this process + {imported['worker_cpu_s']:.2f} "
                f"in its reading worker; peak RSS {imported['rss_mb']:.0f} MB "
                f"(before: {imported['rss_before_mb']:.0f} MB), worker's peak RSS "
                f"{imported['worker_rss_mb']:.0f} MB (mostly pages shared with this process), "
                f"peak PSS of both together {imported['pss_peak_mb']:.0f} MB; "
                f"{imported['messages_imported']:,} imported, {imported['left_out_messages']:,} "
                f"left out [{verdict(imported['seconds'] <= TARGETS['import_s'])} time, "
                f"{verdict(memory <= TARGETS['import_rss_mb'])} memory]"
            )
            cpu_ratio = (imported["cpu_s"] + imported["worker_cpu_s"]) / parse["cpu_s"]
            report[label]["cpu_ratio"] = cpu_ratio
            print(
                f"[{label}] import / parse: {ratio:.1f}x wall (median of {args.rounds}, worst "
                f"{max(ratios):.1f}x) [{verdict(ratio <= TARGETS['import_vs_parse'])}], "
                f"{cpu_ratio:.1f}x CPU (both processes, the median pair)"
            )
            single = run_child(
                "import",
                str(backup),
                "full",
                env={**env, **_fresh(work, label, "single", one_process=True)},
                sample_memory=True,
            )
            report[label]["import_in_one_process"] = single
            print(
                f"[{label}] (information) the same import read in one process "
                f"(IMPORT_WORKER_MIN_BYTES=off, as on a one-core machine): "
                f"{single['seconds']:.2f} s, {single['cpu_s']:.2f} CPU s, "
                f"{single['seconds'] / parse['seconds']:.1f}x parse, peak RSS "
                f"{single['rss_mb']:.0f} MB, peak PSS {single['pss_peak_mb']:.0f} MB"
            )
            cold_cpu = imported["cpu_s"] + imported["rules_cpu_s"]
            print(
                f"[{label}] compiling the analysis rules (once per process, before the import): "
                f"{imported['rules_seconds']:.2f} s, {imported['rules_cpu_s']:.2f} CPU s; "
                f"import in a fresh process {cold_cpu:.2f} CPU s "
                f"({cold_cpu / parse['cpu_s']:.1f}x parse); carrier/region data loaded: "
                f"{'yes' if imported['geodata_loaded'] else 'no'}"
            )
            pages = run_child("pages", str(pairs[0][1]["case"]), str(args.repeat), env=env)
            report[label]["pages"] = pages
            for name, figures in pages.items():
                if name == "messages":
                    continue
                target = TARGETS["page_ms"] if name in {"case_page", "intake_overview"} else None
                mark = f" [{verdict(figures['median_ms'] <= target)}]" if target else ""
                print(
                    f"[{label}] {name}: median {figures['median_ms']:.0f} ms, max "
                    f"{figures['max_ms']:.0f} ms, {figures['queries']} queries "
                    f"({pages['messages']:,} messages){mark}"
                )
            # Information: the same import with the analyser replaced by a no-op, to show
            # what the pipeline itself costs.
            if label == "sqlite":
                env_none = {
                    **env,
                    "SQLITE_PATH": str(work / "bench-noanalysis.sqlite3"),
                    "MEDIA_ROOT": str(work / "media-none"),
                }
                bare = run_child("import", str(backup), "none", env=env_none)
                report[label]["import_without_analysis"] = bare
                print(
                    f"[{label}] (information) import with analysis and sender lookup stubbed: "
                    f"{bare['seconds']:.2f} s, {bare['cpu_s']:.2f} CPU s, "
                    f"peak RSS {bare['rss_mb']:.0f} MB"
                )
    report["loadavg"] = [round(value, 2) for value in os.getloadavg()]
    print(f"load average (1, 5, 15 min) at the end: {report['loadavg']}, {os.cpu_count()} CPUs")
    saved = ROOT / "var" / "bench-intake.json"
    saved.parent.mkdir(exist_ok=True)
    saved.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"figures saved to {saved.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
