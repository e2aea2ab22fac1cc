"""Playwright driving Debian's Chromium (Playwright's own browser download does not work here).

With CI=true the browser tests must run: a missing Chromium fails them instead of skipping.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests'
# own set-up are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 360, "height": 740}


def _require_chromium() -> None:
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return
    message = f"Chromium not found at {CHROMIUM}; run scripts/bootstrap --browser"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    # The live server runs in this process: pay for phonenumbers' 19 MB geocoder and the rule
    # compilation once here, not inside the first page load of whichever test comes first.
    from collectguard.intake.analysis import analyze, classify_sender

    classify_sender("13612345678")
    analyze("warm-up", sender="13612345678")

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


def _new_page(browser: Any, *, javascript: bool, viewport: dict[str, int]) -> Any:
    context = browser.new_context(
        viewport=viewport,
        java_script_enabled=javascript,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A phone-sized page with JavaScript."""
    page = _new_page(browser, javascript=True, viewport=PHONE)
    yield page
    page.context.close()


@pytest.fixture
def page_nojs(browser: Any, live_server: Any) -> Iterator[Any]:
    """A phone-sized page with JavaScript disabled: every page must still work."""
    page = _new_page(browser, javascript=False, viewport=PHONE)
    yield page
    page.context.close()


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_no_horizontal_scroll(page: Any) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page scrolls sideways by {overflow}px at {page.viewport_size}"


def log_in(page: Any, live_server: Any, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
