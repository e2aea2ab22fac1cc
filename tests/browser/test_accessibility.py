"""axe-core (vendored, MPL-2.0) on the main borrower pages: zh and en, phone and desktop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from collectguard.cases.models import Case
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
PAGES = [
    "/cases/",
    "/cases/{pk}/",
    "/cases/{pk}/intake/",
    "/cases/{pk}/intake/paste/",
    "/cases/{pk}/negotiation/",
    "/cases/{pk}/evidence/",
    "/cases/{pk}/documents/",
]


def _violations(page: Any) -> list[str]:
    page.add_script_tag(content=AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_main_pages_have_no_serious_accessibility_violations(
    browser: Any, live_server: Any, case: Case, width: int, language: str
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        found = {"/": _violations(page)}
        log_in(page, live_server, case.owner.username, PASSWORD)
        page.wait_for_url("**/cases/**")
        if language == "en":
            page.click("footer button[value=en]")
        for path in PAGES:
            page.goto(live_server.url + path.format(pk=case.pk))
            found[path] = _violations(page)
        assert {path: v for path, v in found.items() if v} == {}
    finally:
        context.close()


def test_the_checker_itself_reports_a_known_violation(browser: Any) -> None:
    page = browser.new_page()
    try:
        page.set_content('<html lang="en"><body><main><img src="x.png"></main></body></html>')
        assert any(v.startswith("image-alt") for v in _violations(page))
    finally:
        page.close()
