"""The text of a message with its findings marked, as safe HTML.

Every piece of the message is escaped on its own and only our own ``<mark>`` tags are added, so
whatever a collector wrote (``<script>``, ``<link rel=attachment …>``) shows as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from collectguard.intake.labels import SEVERITY_ORDER, category_label


def _rank(category: str) -> int:
    return SEVERITY_ORDER.index(category) if category in SEVERITY_ORDER else len(SEVERITY_ORDER)


def highlight(body: str, findings: Iterable[Mapping[str, Any]]) -> SafeString:
    """``body`` as HTML with each finding's span in ``<mark class="cat-<category>">``.

    Overlapping spans are split at every boundary; a piece covered by several categories takes
    the most serious one's colour and names all of them in its title.

    >>> str(highlight("<b>别装死</b>，回电话", [{"category": "insult", "start": 3, "end": 6}]))
    '&lt;b&gt;<mark class="cat-insult" title="辱骂、侮辱">别装死</mark>&lt;/b&gt;，回电话'
    """
    spans: list[tuple[int, int, str]] = []
    for finding in findings:
        try:
            start, end = int(finding["start"]), int(finding["end"])
        except (KeyError, TypeError, ValueError):
            continue
        start, end = max(0, start), min(len(body), end)
        if start < end:
            spans.append((start, end, str(finding.get("category", ""))))
    if not spans:
        return escape(body)
    cuts = sorted({0, len(body), *(s for s, _e, _c in spans), *(e for _s, e, _c in spans)})
    parts: list[str] = []
    for left, right in pairwise(cuts):
        piece = body[left:right]
        covering = sorted({c for s, e, c in spans if s <= left and right <= e}, key=_rank)
        if covering:
            parts.append(
                format_html(
                    '<mark class="cat-{}" title="{}">{}</mark>',
                    covering[0],
                    "、".join(category_label(c) for c in covering),
                    piece,
                )
            )
        else:
            parts.append(escape(piece))
    return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped
