"""Every page of both journeys on a 360 px phone, in Chinese and English (issue #7): no sideways
scrolling and nothing cut off at the right edge.

Set LAYOUT_SCREENSHOTS=/some/dir to also save a full-page screenshot of every page there, for a
person to look at (what these checks cannot see: overlaps, unreadable text).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.pages import build_site, page_count, walk_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}

# Elements sticking out of the viewport, or whose content is clipped by an ancestor that hides
# its overflow, or text squeezed into a column a character or two wide (one word a line).
# Content inside a container that scrolls on purpose (a wide table in .table-scroll,
# overflow-x: auto) may stick out as long as the container itself fits. Elements entirely off
# screen on purpose (the skip link until focused) are not "cut off".
CUT_OFF = """
() => {
  const width = document.documentElement.clientWidth;
  const describe = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += '#' + el.id;
    if (el.classList.length) text += '.' + [...el.classList].join('.');
    const words = (el.innerText || el.value || '').trim().slice(0, 30);
    return words ? `${text} "${words}"` : text;
  };
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const clips = (el) => ['hidden', 'clip'].includes(getComputedStyle(el).overflowX);
  const problems = [];
  const reported = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right <= 0 || box.bottom <= 0) continue;  // hidden off screen on purpose
    const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent);
    const fontSize = parseFloat(getComputedStyle(el).fontSize);
    if (own.join('').trim().length >= 4 && box.width < 2.5 * fontSize
        && box.height > 3.5 * fontSize) {
      problems.push(`${describe(el)} is squeezed into ${Math.round(box.width)}px`);
    }
    let inScroller = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (scrolls(up)) { inScroller = true; break; }
    }
    if (inScroller) continue;
    let parentReported = false;
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (reported.has(up)) { parentReported = true; break; }
    }
    if (parentReported) continue;
    if (box.right > width + 1 || box.left < -1) {
      reported.add(el);
      problems.push(`${describe(el)} spans ${Math.round(box.left)}..${Math.round(box.right)}px`);
    } else if (clips(el) && el.scrollWidth > el.clientWidth + 1) {
      reported.add(el);
      problems.push(`${describe(el)} clips ${el.scrollWidth - el.clientWidth}px of its content`);
    }
  }
  return problems;
}
"""
SIDEWAYS = "document.scrollingElement.scrollWidth - window.innerWidth"


def layout_problems(page: Any) -> list[str]:
    problems = []
    overflow = page.evaluate(SIDEWAYS)
    if overflow > 0:
        problems.append(f"scrolls sideways by {overflow}px")
    problems.extend(page.evaluate(CUT_OFF))
    return problems


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_fits_a_phone(browser: Any, live_server: Any, language: str) -> None:
    world = build_site()
    context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(30_000)
    shots = os.environ.get("LAYOUT_SCREENSHOTS")
    found: dict[str, list[str]] = {}
    visited: list[str] = []

    def check(page: Any, label: str) -> None:
        visited.append(label)
        problems = layout_problems(page)
        if problems:
            found[f"{label} ({page.url})"] = problems
        if shots:
            name = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
            page.screenshot(path=str(Path(shots) / f"{language}-{name}.png"), full_page=True)

    try:
        walk_site(context, live_server.url, world, language, check)
    finally:
        context.close()
    assert found == {}, "\n".join(f"{page}: {v}" for page, v in found.items())
    assert len(visited) == len(set(visited)) == page_count()


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<p style="width: 500px">too wide</p>', "scrolls sideways"),
        ('<div style="overflow: hidden"><p style="width: 500px">clipped</p></div>', "clips"),
        ('<div style="overflow-x: auto"><p style="width: 900px">wide</p></div>', None),
        ('<a href="#m" style="position: absolute; left: -999px">skip</a><p>ok</p>', None),
        (
            '<div style="display: grid; grid-template-columns: max-content 1fr">'
            "<span>a label long enough to take the whole width</span><span>某某银行</span></div>",
            "squeezed",
        ),
    ],
)
def test_the_checks_themselves(browser: Any, html: str, expected: str | None) -> None:
    page = browser.new_page(viewport=PHONE)
    try:
        page.set_content(f'<html lang="en"><body style="margin: 0">{html}</body></html>')
        problems = layout_problems(page)
        if expected is None:
            assert problems == []
        else:
            assert any(expected in problem for problem in problems), problems
    finally:
        page.close()
