"""axe-core (vendored, MPL-2.0) on every page of the borrower and volunteer journeys (issue #7):
zh and en, phone and desktop. The pages and their content come from tests/browser/pages.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.pages import build_site, page_count, walk_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()


def _violations(page: Any, rules: tuple[str, ...] = ()) -> list[str]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=AXE)
    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": list(rules)}
    result = page.evaluate("async (options) => await axe.run(document, options)", options)
    return [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


# The rules whose outcome depends on the layout rather than on the markup: what text sits on
# which background, which boxes overflow and scroll.
LAYOUT_RULES = ("color-contrast", "scrollable-region-focusable", "target-size")
# Which elements are rendered at all: when a width shows or hides something (a media query
# with display: none), the markup axe sees differs and everything is checked again.
RENDERED = (
    "[...document.querySelectorAll('body *')].filter((e) => e.getClientRects().length).length"
)


WIDTHS = (360, 1280)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_has_no_serious_accessibility_violations(
    browser: Any, live_server: Any, language: str
) -> None:
    """Each page is checked at both widths in one visit: loaded on a phone and checked with
    every rule, then widened to a desktop window and checked again with the rules that depend
    on the layout (all of them if the wider page renders other elements)."""
    world = build_site()
    context = browser.new_context(
        viewport={"width": WIDTHS[0], "height": 800},
        bypass_csp=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(30_000)
    found: dict[str, list[str]] = {}
    visited: list[str] = []

    def check(page: Any, label: str) -> None:
        visited.append(label)
        rendered = page.evaluate(RENDERED)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            same = width == WIDTHS[0] or page.evaluate(RENDERED) == rendered
            violations = _violations(page, LAYOUT_RULES if width != WIDTHS[0] and same else ())
            if violations:
                found[f"{label} at {width}px ({page.url})"] = violations
        page.set_viewport_size({"width": WIDTHS[0], "height": 800})

    try:
        walk_site(context, live_server.url, world, language, check)
    finally:
        context.close()
    assert found == {}, "\n".join(f"{page}: {v}" for page, v in found.items())
    assert len(visited) == len(set(visited)) == page_count()


def test_the_checker_itself_reports_a_known_violation(browser: Any) -> None:
    page = browser.new_page()
    try:
        page.set_content('<html lang="en"><body><main><img src="x.png"></main></body></html>')
        assert any(v.startswith("image-alt") for v in _violations(page))
    finally:
        page.close()
