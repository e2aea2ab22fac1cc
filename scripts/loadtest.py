"""Load test: N concurrent borrowers walking the journey against gunicorn on loopback.

Usage:
    .venv/bin/python scripts/loadtest.py [--users 50] [--seconds 60] [--database sqlite|postgres]

Prepares a fresh database (SQLite file under var/, or a `loadtest` database on the local
PostgreSQL server), creates one borrower per virtual user with a case holding the sample phone
backup and a generated evidence list, starts gunicorn (with --preload unless --no-preload),
logs every user in, then starts the clock and lets each user walk the pages of the three steps
and download the PDF, in a loop, for the given time. Prints
throughput, p50/p95/p99 per request class and the errors, as Markdown for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PORT = 8765
PASSWORD = "load-test-password-2026"  # noqa: S105  (synthetic accounts on a throwaway database)
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test"
PG_URL = "postgres://postgres@127.0.0.1:5432/loadtest"


def prepare(env: dict[str, str], users: int) -> list[tuple[str, int, int]]:
    """Create the accounts and cases in a child process (Django configured for that database)."""
    code = f"""
import os, django, json
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from collectguard.accounts.models import User
from collectguard.cases.services import case_create
from collectguard.intake.services import backup_import
from collectguard.evidence.services import document_generate
out = []
for i in range({users}):
    user = User.objects.create_user(f"load{{i:03d}}", password={PASSWORD!r})
    case = case_create(owner=user, title="压力测试案件", lender="某某消费金融有限公司",
                       loan_type="consumer_finance", contract_numbers="XF20251120003",
                       amount_owed="12000.00")
    for name in ("sms-sample.xml", "calls-sample.xml"):
        with open("tests/intake/data/" + name, "rb") as fh:
            backup_import(case=case, user=user, fileobj=fh, original_name=name, keep_all=True)
    doc = document_generate(case=case, actor=user, kind="evidence_list")
    out.append([user.username, case.pk, doc.pk])
print("PREPARED " + json.dumps(out))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(result.stderr[-3000:])
    import json

    line = next(x for x in result.stdout.splitlines() if x.startswith("PREPARED "))
    return [tuple(row) for row in json.loads(line.removeprefix("PREPARED "))]


def journey(case: int, doc: int) -> list[tuple[str, str]]:
    base = f"/cases/{case}"
    return [
        ("page", "/cases/"),
        ("page", f"{base}/"),
        ("page", f"{base}/intake/"),
        ("page", f"{base}/intake/messages/"),
        ("page", f"{base}/intake/senders/"),
        ("page", f"{base}/intake/statistics/"),
        ("page", f"{base}/negotiation/"),
        ("page", f"{base}/negotiation/script/"),
        ("page", f"{base}/evidence/"),
        ("page", f"{base}/documents/"),
        ("page", f"{base}/documents/{doc}/"),
        ("pdf", f"{base}/documents/{doc}/pdf/"),
    ]


async def login(client: Any, username: str, errors: list) -> bool:
    page = await client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the login page"
    response = await client.post(
        "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
        headers={"Referer": str(client.base_url) + "/accounts/login/"},
    )
    if response.status_code != 302:
        errors.append(("login", response.status_code))
        return False
    return True


async def virtual_user(
    client: Any,
    case: int,
    doc: int,
    deadline: float,
    results: list,
    errors: list,
    think: float,
    rng: random.Random,
) -> None:
    import httpx

    steps = journey(case, doc)
    if think:
        # Users arrive at random moments, not all on the same click (everyone logged in first).
        await asyncio.sleep(rng.uniform(0, think))
    while time.monotonic() < deadline:
        for kind, path in steps:
            if time.monotonic() >= deadline:
                return
            started = time.perf_counter()
            try:
                response = await client.get(path)
                ok = response.status_code == 200
                if kind == "pdf":
                    ok = ok and response.content.startswith(b"%PDF")
            except httpx.HTTPError as exc:
                errors.append((path, repr(exc)))
                continue
            elapsed = time.perf_counter() - started
            results.append(
                (kind, elapsed, path.replace(f"/{case}/", "/N/").replace(f"/{doc}/", "/D/"))
            )
            if not ok:
                errors.append((path, response.status_code))
            if think:
                # A reader looks at the page before the next click: uniform around the mean.
                await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    index = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[index]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a user spends on a page before the next click (0: back to back)",
    )
    parser.add_argument(
        "--no-preload",
        action="store_true",
        help="load the application in each worker instead of once before forking (gunicorn "
        "--preload, as docs/deploy.md recommends)",
    )
    args = parser.parse_args()

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "collectguard.settings", "DJANGO_DEBUG": "0"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    media = ROOT / "var" / "loadtest-media"
    env["MEDIA_ROOT"] = str(media)
    if args.database == "sqlite":
        db = ROOT / "var" / "loadtest.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        env["SQLITE_PATH"] = str(db)
        env.pop("DATABASE_URL", None)
    else:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS loadtest")
            conn.execute("CREATE DATABASE loadtest")
        env["DATABASE_URL"] = PG_URL

    print(f"preparing {args.users} users on {args.database}…", file=sys.stderr)
    accounts = prepare(env, args.users)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "collectguard.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--log-level",
            "warning",
            *([] if args.no_preload else ["--preload"]),
            # Keep idle connections open longer than a user's longest pause: with gunicorn's
            # default 2 s, a click after a longer pause could race the server closing the
            # connection and fail with "Server disconnected". (In production nginx holds the
            # browsers' connections.)
            "--keep-alive",
            str(int(1.5 * args.think) + 5),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        import httpx

        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        load_before = Path("/proc/loadavg").read_text().split()[0]
        results: list[tuple[str, float, str]] = []
        errors: list[tuple[str, object]] = []
        clock: dict[str, float] = {}

        async def run_all() -> None:
            rng = random.Random(2026)
            async with contextlib.AsyncExitStack() as stack:
                clients = [
                    await stack.enter_async_context(
                        httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORT}", timeout=30)
                    )
                    for _ in accounts
                ]
                # Everyone logs in before the clock starts: 50 Argon2 checks at once would
                # otherwise hold up the first pages for seconds and be counted as page time.
                logging_in = time.monotonic()
                gate = asyncio.Semaphore(8)  # each check takes ~100 MB for a moment

                async def gated_login(client: Any, username: str) -> bool:
                    async with gate:
                        return await login(client, username, errors)

                logged_in = await asyncio.gather(
                    *(
                        gated_login(client, u)
                        for client, (u, _, _) in zip(clients, accounts, strict=True)
                    )
                )
                print(
                    f"{sum(logged_in)} users logged in in {time.monotonic() - logging_in:.1f} s",
                    file=sys.stderr,
                )
                clock["started"] = time.monotonic()
                deadline = clock["started"] + args.seconds
                await asyncio.gather(
                    *(
                        virtual_user(client, c, d, deadline, results, errors, args.think, rng)
                        for client, ok, (_, c, d) in zip(clients, logged_in, accounts, strict=True)
                        if ok
                    )
                )

        asyncio.run(run_all())
        duration = time.monotonic() - clock["started"]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    print(
        f"\n{args.users} users, {args.seconds} s, {args.database}, gunicorn "
        f"{args.workers} workers × 4 threads, think time {args.think:g} s, "
        f"load average before {load_before}\n"
    )
    print("| requests | class | throughput (req/s) | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|")
    for kind in ("page", "pdf"):
        times = [t for k, t, _ in results if k == kind]
        if not times:
            continue
        print(
            f"| {len(times)} | {kind} | {len(times) / duration:.1f} | "
            f"{statistics.median(times) * 1000:.0f} | {percentile(times, 95) * 1000:.0f} | "
            f"{percentile(times, 99) * 1000:.0f} | {max(times) * 1000:.0f} |"
        )
    print("\n| path | requests | p50 ms | p95 ms |")
    print("|---|---|---|---|")
    for path in dict.fromkeys(p for _, _, p in results):
        times = [t for _, t, p in results if p == path]
        print(
            f"| `{path}` | {len(times)} | {statistics.median(times) * 1000:.0f} | "
            f"{percentile(times, 95) * 1000:.0f} |"
        )
    print(f"\nerrors: {len(errors)}")
    for error in errors[:20]:
        print(f"  {error}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
