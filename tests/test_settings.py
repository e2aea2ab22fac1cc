"""Production settings and the protections every response carries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]


def _run_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        # The browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE for its own process only.
        env={k: v for k, v in {**os.environ, **env}.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy() -> None:
    result = _run_check(
        {
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": "x" * 30 + "-a-long-random-production-secret-key",
            "DJANGO_ALLOWED_HOSTS": "collectguard.example.cn",
            "DJANGO_DEBUG": "0",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {"DJANGO_ENV": "production", "DJANGO_ALLOWED_HOSTS": "collectguard.example.cn"}
    result = _run_check({**env, "DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_pages_carry_security_headers(db: None) -> None:
    response = Client().get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_load_nothing_from_other_origins(db: None) -> None:
    body = Client().get(reverse("home")).content.decode()
    for marker in ("http://", "https://", "//cdn", "googleapis", "gstatic"):
        assert marker not in body


def test_bodies_over_the_limit_are_refused_before_being_read(db: None, settings) -> None:
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    client = Client()
    response = client.generic(
        "POST",
        reverse("accounts:login"),
        data=b"x" * 10,
        CONTENT_TYPE="application/octet-stream",
        CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert response.status_code == 413
    assert "文件太大" in response.content.decode()


def test_chunked_bodies_without_a_length_are_refused(db: None) -> None:
    response = Client().generic(
        "POST", reverse("accounts:login"), data=b"", HTTP_TRANSFER_ENCODING="chunked"
    )
    assert response.status_code == 413


def test_healthz_answers(db: None) -> None:
    assert Client().get(reverse("healthz")).json() == {"status": "ok"}


def test_the_admin_asks_staff_for_a_second_factor(staff) -> None:
    from tests.conftest import PASSWORD

    client = Client()
    page = client.get("/admin/login/")
    assert "otp_token" in page.content.decode()
    response = client.post(
        "/admin/login/", {"username": staff.username, "password": PASSWORD, "otp_token": ""}
    )
    assert response.status_code == 200  # refused: no device, no token
    assert client.get("/admin/").status_code == 302


def test_the_favicon_is_served_without_touching_the_csrf_cookie(db: None) -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert "csrftoken" not in response.cookies
