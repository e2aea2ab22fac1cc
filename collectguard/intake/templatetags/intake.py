"""Template helpers of step 1: language-aware picks from the legal data, labels and charts.

The chart tags turn `case_statistics` output into bar geometry, so the SVG partials
(``intake/_timeline_chart.svg.html``, ``intake/_hour_chart.svg.html``) need nothing but the
statistics dictionary: the PDF documents include them with the stored statistics.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collectguard.intake.labels import category_label, english, signal_label
from collectguard.intake.models import Channel, SenderKind
from collectguard.intake.stats import NIGHT_HOURS, day_series, hour_totals
from collectguard.legal.reference import verdict_texts

register = template.Library()

# Chart colours: the app's brand blue for day-time, its danger red for night-time contacts.
DAY_FILL = "#1d5e8c"
NIGHT_FILL = "#b42318"
OVER_STROKE = "#8a5a00"
AXIS = "#9aa8b4"
TEXT = "#5a6875"


@register.filter
def localized(obj: Any, name: str) -> Any:
    """``obj.<name>_en`` when the interface is in English, else ``obj.<name>_zh``."""
    suffix = "en" if english() else "zh"
    if isinstance(obj, dict):
        return obj.get(f"{name}_{suffix}") or obj.get(f"{name}_zh", "")
    return getattr(obj, f"{name}_{suffix}", None) or getattr(obj, f"{name}_zh", "")


@register.filter
def category_name(code: str) -> str:
    return category_label(code)


@register.filter
def signal_name(code: str) -> str:
    return signal_label(code)


@register.filter
def sender_kind_name(code: str) -> str:
    try:
        return str(SenderKind(code).label)
    except ValueError:
        return str(SenderKind.UNKNOWN.label)


@register.filter
def channel_name(code: str) -> str:
    try:
        return str(Channel(code).label)
    except ValueError:
        return code


@register.simple_tag
def spoofing_caution() -> dict[str, Any]:
    """The caution that caller IDs can be spoofed, and how to check a number."""
    texts = verdict_texts()
    suffix = "en" if english() else "zh"
    return {
        "caution": texts.get(f"caution_{suffix}") or texts.get("caution_zh", ""),
        "verify": [step.get(suffix) or step.get("zh", "") for step in texts.get("verify", [])],
    }


def _nice_max(value: int) -> int:
    """A round axis maximum at or above ``value``.

    >>> _nice_max(0), _nice_max(7), _nice_max(23), _nice_max(180)
    (1, 8, 25, 200)
    """
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000):
        if value <= step * 4:
            return -(-value // step) * step
    magnitude = 10 ** (len(str(value)) - 1)
    return -(-value // magnitude) * magnitude


@register.simple_tag
def timeline_chart(stats: dict[str, Any] | None, max_days: int = 92) -> dict[str, Any]:
    """Bars per day (contacts, night part, days over a call limit) for the timeline SVG."""
    series = day_series(stats or {"days": []}, max_days=max_days)
    # Drawn at phone width, so text is legible at 360 px; PDFs scale it up.
    width, height = 360, 200
    left, right, top, bottom = 30, 6, 26, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max((d.get("contacts", 0) for d in series), default=0))
    slot = plot_w / max(len(series), 1)
    bar_w = max(slot * 0.75, 1.0)
    bars = []
    for index, day in enumerate(series):
        total = int(day.get("contacts", 0))
        night = int(day.get("night_contacts", 0))
        h = plot_h * total / peak
        nh = plot_h * night / peak
        x = left + index * slot + (slot - bar_w) / 2
        bars.append(
            {
                "x": round(x, 2),
                "w": round(bar_w, 2),
                "y": round(top + plot_h - h, 2),
                "h": round(h, 2),
                "ny": round(top + plot_h - nh, 2),
                "nh": round(nh, 2),
                "date": day["date"],
                "total": total,
                "night": night,
                "over": bool(day.get("over_limit")),
            }
        )
    labels = []
    if series:
        picks = sorted({0, len(series) // 2, len(series) - 1})
        for index in picks:
            day_value = date.fromisoformat(series[index]["date"])
            labels.append(
                {
                    "x": round(left + index * slot + slot / 2, 2),
                    "text": f"{day_value.month}/{day_value.day}",
                }
            )
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "labels": labels,
        "peak": peak,
        "axis_y": top + plot_h,
        "top": top,
        "left": left,
        "right": width - right,
        "first": series[0]["date"] if series else "",
        "last": series[-1]["date"] if series else "",
        "days": len(series),
        "truncated": bool(stats and len(stats.get("days", [])) and len(series) >= max_days),
        "colors": {
            "day": DAY_FILL,
            "night": NIGHT_FILL,
            "over": OVER_STROKE,
            "axis": AXIS,
            "text": TEXT,
        },
    }


@register.simple_tag
def hour_chart(stats: dict[str, Any] | None) -> dict[str, Any]:
    """Bars per hour of day (China time); night hours in red."""
    totals = hour_totals(stats or {"days": []})
    width, height = 360, 180
    left, right, top, bottom = 30, 6, 26, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max(totals, default=0))
    slot = plot_w / 24
    bar_w = slot * 0.75
    bars = []
    for hour, count in enumerate(totals):
        h = plot_h * count / peak
        bars.append(
            {
                "x": round(left + hour * slot + (slot - bar_w) / 2, 2),
                "w": round(bar_w, 2),
                "y": round(top + plot_h - h, 2),
                "h": round(h, 2),
                "hour": hour,
                "count": count,
                "night": hour in NIGHT_HOURS,
            }
        )
    labels = [
        {"x": round(left + hour * slot + slot / 2, 2), "text": str(hour)}
        for hour in (0, 6, 8, 12, 18, 22)
    ]
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "labels": labels,
        "peak": peak,
        "axis_y": top + plot_h,
        "top": top,
        "left": left,
        "right": width - right,
        "total": sum(totals),
        "night_total": sum(c for h, c in enumerate(totals) if h in NIGHT_HOURS),
        "colors": {"day": DAY_FILL, "night": NIGHT_FILL, "axis": AXIS, "text": TEXT},
    }


@register.filter
def percent_of(value: int, total: int) -> str:
    if not total:
        return "0"
    return f"{100 * value / total:.0f}"


@register.simple_tag
def yes_no(value: bool) -> str:
    return _("是") if value else _("否")


_CONFIDENCE_LABELS = {
    "High": gettext_lazy("高"),
    "Medium-High": gettext_lazy("中高"),
    "Medium": gettext_lazy("中"),
    "Low": gettext_lazy("低"),
    "UNVERIFIED": gettext_lazy("未核实"),
}


@register.filter
def confidence_name(level: str) -> str:
    """The confidence scale of legal/reference.md in the user's language."""
    return str(_CONFIDENCE_LABELS.get(level, level))


@register.filter
def citation(provision: Any) -> str:
    """《法名》第X条, without doubling the brackets of a name that already has them."""
    law = str(getattr(provision, "law", ""))
    article = str(getattr(provision, "article", ""))
    name = law if law.startswith("《") or "《" in law else f"《{law}》"
    return f"{name}{article}"
