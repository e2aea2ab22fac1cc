"""The SVG charts: drawn from the statistics alone, attributes only, no script or style."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template.loader import render_to_string

from collectguard.cases.models import Case
from collectguard.intake.stats import case_statistics

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["intake/_timeline_chart.svg.html", "intake/_hour_chart.svg.html"])
def test_charts_render_from_stored_statistics_without_style_or_script(
    name: str, imported_samples: Case
) -> None:
    import json

    stored: dict[str, Any] = json.loads(json.dumps(case_statistics(imported_samples)))
    svg = render_to_string(name, {"stats": stored})
    assert "<svg" in svg and "<rect" in svg
    assert "style" not in svg.lower() and "<script" not in svg.lower()
    assert not re.search(r"\son\w+=", svg), "no event handler attributes"
    heights = [
        float(h)
        for h in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"', svg)
    ]
    assert max(heights) > 0


def test_the_timeline_marks_night_contacts_in_red(imported_samples: Case) -> None:
    svg = render_to_string(
        "intake/_timeline_chart.svg.html", {"stats": case_statistics(imported_samples)}
    )
    assert 'fill="#b42318"' in svg
    assert "2026-06-01: 4" in svg  # a bar's tooltip: four contacts on 1 June


def test_the_hour_chart_has_a_bar_per_busy_hour(imported_samples: Case) -> None:
    svg = render_to_string(
        "intake/_hour_chart.svg.html", {"stats": case_statistics(imported_samples)}
    )
    assert "22:00–22:59 · 2" in svg


def test_no_contacts_no_chart() -> None:
    empty: dict[str, Any] = {"totals": {}, "senders": [], "days": [], "categories": {}}
    assert "<svg" not in render_to_string("intake/_timeline_chart.svg.html", {"stats": empty})
    assert "<svg" not in render_to_string("intake/_hour_chart.svg.html", {"stats": empty})
