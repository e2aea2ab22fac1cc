"""Chinese reference text on English pages, marked up as Chinese.

Law names, articles, sources and the Chinese names of authorities stay in Chinese on English
pages (the borrower cites them in Chinese to Chinese authorities), but they must say so: text in
an element marked ``lang="zh-CN"`` is read by screen readers with a Chinese voice and shaped with
Chinese fonts. On Chinese pages both filters return the value as it is.
"""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from collectguard.legal import reference

register = template.Library()

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
# CJK punctuation, brackets and full-width forms: 《》「」（）、；：，。“” …
_CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d\u2026\u00b7"
_CJK = f"[{_HAN}{_CJK_PUNCT}]"
# A run of Chinese: starts and ends with a Chinese character or punctuation mark and may hold
# digits, Latin punctuation and spaces in between (第50条第(五)项, 治安管理处罚法(2025-06-27)).
_CHINESE_RUN = re.compile(f"{_CJK}(?:[{_HAN}{_CJK_PUNCT}0-9()\\-./ ]*{_CJK})?")
_HAS_HAN = re.compile(f"[{_HAN}]")


def _chinese_page() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


@register.filter
def lang_zh(value: Any) -> Any:
    """Wrap a Chinese value in ``<span lang="zh-CN">`` on pages in another language.

    >>> from django.utils import translation
    >>> with translation.override("en"):
    ...     lang_zh("《民法典》第1033条 <x>")
    '<span lang="zh-CN">《民法典》第1033条 &lt;x&gt;</span>'
    >>> with translation.override("en"):
    ...     lang_zh("Civil Code")
    'Civil Code'
    """
    if value in (None, "") or _chinese_page() or not _HAS_HAN.search(str(value)):
        return value
    return format_html('<span lang="zh-CN">{}</span>', value)


@register.filter
def mark_chinese(value: Any) -> Any:
    """Escape a mixed English and Chinese value and wrap each Chinese run in a ``zh-CN`` span.

    For texts that are mostly English but name Chinese things: a source ("中国证券报 via …"),
    a verdict naming an institution that has no English name, a gist quoting a legal term.

    >>> from django.utils import translation
    >>> with translation.override("en"):
    ...     mark_chinese("Source: 中国证券报 via x.cn <b>")
    'Source: <span lang="zh-CN">中国证券报</span> via x.cn &lt;b&gt;'
    """
    if value in (None, "") or _chinese_page():
        return value
    text = str(value)
    if not _HAS_HAN.search(text):
        return value
    escape_piece = conditional_escape if isinstance(value, SafeString) else _escape_text
    parts: list[str] = []
    position = 0
    for match in _CHINESE_RUN.finditer(text):
        if not _HAS_HAN.search(match.group()):
            continue  # punctuation only: leave it with the English around it
        parts.append(escape_piece(text[position : match.start()]))
        parts.append(format_html('<span lang="zh-CN">{}</span>', match.group()))
        position = match.end()
    parts.append(escape_piece(text[position:]))
    # Every part is escaped or built by format_html.
    return mark_safe("".join(parts))  # noqa: S308


def _escape_text(text: str) -> str:
    return str(conditional_escape(text))


@register.filter
def law_en(provision: Any) -> str:
    """The English title of a provision's law on pages not in Chinese, else ``""``.

    Works for reference ``Provision`` rows and for dicts holding their ``law_en`` or ``id``.
    """
    if _chinese_page():
        return ""
    if isinstance(provision, dict):
        row = reference.provisions().get(str(provision.get("id", "")))
        return str(provision.get("law_en") or (row.law_en if row is not None else ""))
    return str(getattr(provision, "law_en", "") or "")


@register.filter
def zh_original(text: Any) -> Any:
    """The Chinese of a bilingual text (anything with ``.zh``), marked up, on pages not in
    Chinese; ``""`` on Chinese pages, where the text itself is already the Chinese."""
    if _chinese_page():
        return ""
    return lang_zh(getattr(text, "zh", ""))


@register.filter
def institution_name(info: Any) -> Any:
    """The name of a sender's official institution in the page's language: its English name on
    English pages where the data has one, else the Chinese name (marked up as Chinese)."""
    name = getattr(info, "institution", None) or ""
    if _chinese_page() or not name:
        return name
    return getattr(info, "institution_en", None) or lang_zh(name)


@register.filter
def channel_name_en(channel_id: Any) -> str:
    """A complaint channel's English name on pages not in Chinese; ``""`` on Chinese pages and
    for unknown channels."""
    if _chinese_page() or not channel_id:
        return ""
    row = reference.channels().get(str(channel_id))
    return row.name_en if row is not None else ""
