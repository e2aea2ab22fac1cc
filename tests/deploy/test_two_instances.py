"""Two app servers, one database, one bucket: a borrower's journey alternating between them.

Two gunicorn processes (A and B), each with its own empty MEDIA_ROOT and its own local-memory
cache, share the test's PostgreSQL database and a bucket on the loopback S3 server. One browser
(one cookie jar) signs up on A, creates a case on B, uploads evidence on A, imports a phone
backup on B, downloads on A, generates a PDF on B, downloads it on A and logs out on B, after
which its old session cookie no longer works on A. Neither server writes anything locally.

Runs on PostgreSQL only (SQLite is one file on one machine: nothing to share); CI runs the
suite on PostgreSQL as well, so this runs there.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from django.db import connection

from collectguard.evidence.models import EvidenceItem, GeneratedDocument
from collectguard.intake.models import ImportBatch
from tests.deploy.conftest import FAKE_KEY_ID, FAKE_SECRET, REGION, bucket_keys, object_sha256
from tests.evidence.conftest import jpeg_bytes
from tests.intake.conftest import SMS_SAMPLE

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Two servers, one truth 2026!"
# Booting takes a few CPU seconds; generous, for a machine busy with other work.
START_TIMEOUT = 90.0
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_url() -> str:
    """The test database (created by pytest-django) as a DATABASE_URL for the servers."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or "5432"
    return f"postgres://{credentials}@{host}:{port}/{quote(db['NAME'], safe='')}"


@contextmanager
def app_servers(env: dict[str, str], media_roots: list[Path]) -> Iterator[list[str]]:
    """Start one gunicorn per media root; yield their base URLs; always stop them."""
    processes: list[subprocess.Popen[bytes]] = []
    logs: list[Path] = []
    urls: list[str] = []
    try:
        for media in media_roots:
            port = _free_port()
            log = media.parent / f"{media.name}.log"
            with log.open("wb") as out:
                processes.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "gunicorn",
                            "collectguard.wsgi:application",
                            "--bind",
                            f"127.0.0.1:{port}",
                            "--workers",
                            "1",
                            "--threads",
                            "2",
                            "--timeout",
                            "60",
                            # Its default path is per user, not per instance: two servers on
                            # one machine would fight over it.
                            "--no-control-socket",
                        ],
                        cwd=ROOT,
                        env={**env, "MEDIA_ROOT": str(media)},
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
            logs.append(log)
            urls.append(f"http://127.0.0.1:{port}")
        for url, process, log in zip(urls, processes, logs, strict=True):
            _wait_until_healthy(url, process, log)
        yield urls
    except BaseException:
        for log in logs:
            sys.stderr.write(f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}\n")
        raise
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{url} exited with {process.returncode}: {log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2, trust_env=False).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer /healthz within {START_TIMEOUT:.0f} s")


def csrf_token(browser: httpx.Client, url: str) -> str:
    page = browser.get(url)
    assert page.status_code == 200, (url, page.status_code)
    match = CSRF_INPUT.search(page.text)
    assert match, f"no CSRF token in the form at {url}"
    return match.group(1)


def post_form(
    browser: httpx.Client,
    form_url: str,
    data: dict[str, str],
    *,
    action: str = "",
    **extra: Any,
) -> httpx.Response:
    """GET the page with the form (for its CSRF token), then POST, like a browser without JS."""
    token = csrf_token(browser, form_url)
    return browser.post(action or form_url, data={**data, "csrfmiddlewaretoken": token}, **extra)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def local_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_a_journey_alternating_between_two_servers(
    tmp_path: Path, s3_endpoint: str, bucket: str
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("two app servers share a PostgreSQL database; run with DATABASE_URL=postgres")
    # No shared cache (each server gets a local-memory one) and no stray AWS configuration.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"} and not key.startswith("AWS_")
    }
    env.update(
        # Plain HTTP on loopback: production's __Host- cookies would need HTTPS.
        DJANGO_ENV="development",
        DATABASE_URL=_database_url(),
        DJANGO_SECRET_KEY="a-shared-secret-key-for-both-test-servers-0123456789",
        DJANGO_DEBUG="0",
        LOG_LEVEL="WARNING",
        AWS_STORAGE_BUCKET_NAME=bucket,
        AWS_S3_ENDPOINT_URL=s3_endpoint,
        AWS_S3_REGION_NAME=REGION,
        AWS_ACCESS_KEY_ID=FAKE_KEY_ID,
        AWS_SECRET_ACCESS_KEY=FAKE_SECRET,
        # Every phone backup is read in the import's forked worker process, as large ones are:
        # the fork happens inside a threaded gunicorn worker here.
        IMPORT_WORKER_MIN_BYTES="0",
    )
    media_roots = [tmp_path / "media-a", tmp_path / "media-b"]
    for media in media_roots:
        media.mkdir()
    photo = jpeg_bytes(size=(320, 240), comment=b"two servers")
    backup = SMS_SAMPLE.read_bytes()

    with (
        app_servers(env, media_roots) as (a, b),
        httpx.Client(timeout=60, trust_env=False) as browser,
    ):
        # Sign up on A: the session it starts is valid on B.
        signed_up = post_form(
            browser,
            f"{a}/accounts/signup/",
            {"username": "13800000077", "password1": PASSWORD, "password2": PASSWORD},
        )
        assert signed_up.status_code == 302, signed_up.text[:2000]
        session = browser.cookies["sessionid"]

        created = post_form(
            browser,
            f"{b}/cases/new/",
            {
                "title": "某某消费金融借款",
                "lender": "某某消费金融有限公司",
                "loan_type": "consumer_finance",
                "amount_owed": "2431.50",
            },
        )
        assert created.status_code == 302, created.text[:2000]
        match = re.fullmatch(r"/cases/(\d+)/", created.headers["Location"])
        assert match, created.headers["Location"]
        case_id = int(match.group(1))

        uploaded = post_form(
            browser,
            f"{a}/cases/{case_id}/evidence/",
            {"description": "催收短信截图", "purpose": "证明夜间威胁", "kind": "screenshot"},
            action=f"{a}/cases/{case_id}/evidence/upload/",
            files={"file": ("截图.jpg", photo, "image/jpeg")},
        )
        assert uploaded.status_code == 302, uploaded.text[:2000]

        imported = post_form(
            browser,
            f"{b}/cases/{case_id}/intake/import/",
            {},
            files={"file": ("sms-20260604.xml", backup, "text/xml")},
        )
        assert imported.status_code == 302, imported.text[:2000]

        photo_item = EvidenceItem.objects.get(case_id=case_id, sha256=sha256(photo))
        backup_item = EvidenceItem.objects.get(case_id=case_id, sha256=sha256(backup))
        batch = ImportBatch.objects.get(case_id=case_id)
        assert batch.evidence_item_id == backup_item.pk
        assert (batch.messages_imported, batch.left_out_messages) == (7, 2)
        assert browser.get(f"{a}/cases/{case_id}/evidence/{photo_item.uuid}/").status_code == 200
        for item, original in ((photo_item, photo), (backup_item, backup)):
            download = browser.get(f"{a}/cases/{case_id}/evidence/{item.uuid}/download/")
            assert download.status_code == 200
            assert download.content == original
            assert object_sha256(s3_endpoint, bucket, item.storage_key) == sha256(original)

        generated = post_form(
            browser,
            f"{b}/cases/{case_id}/documents/new/stop_notice/",
            {"name": "王五", "phone": "13900000000"},
        )
        assert generated.status_code == 302, generated.text[:2000]
        document = GeneratedDocument.objects.get(case_id=case_id)
        pdf = browser.get(f"{a}/cases/{case_id}/documents/{document.pk}/pdf/")
        assert pdf.status_code == 200
        assert pdf.content.startswith(b"%PDF-") and sha256(pdf.content) == document.pdf_sha256
        assert object_sha256(s3_endpoint, bucket, document.pdf_key) == document.pdf_sha256

        # Log out on B; the same session cookie, replayed on A, is no longer logged in.
        token = csrf_token(browser, f"{b}/cases/")  # the page's logout button carries it
        logout = browser.post(f"{b}/accounts/logout/", data={"csrfmiddlewaretoken": token})
        assert logout.status_code == 302
        replay = httpx.get(
            f"{a}/cases/", cookies={"sessionid": session}, trust_env=False, timeout=30
        )
        assert replay.status_code == 302
        assert replay.headers["Location"].startswith("/accounts/login/")

    assert bucket_keys(s3_endpoint, bucket) == {
        photo_item.storage_key,
        photo_item.thumbnail_key,
        backup_item.storage_key,
        document.pdf_key,
    }
    for media in media_roots:
        assert local_files(media) == [], f"{media.name} kept files on local disk"
