#!/usr/bin/env python
"""Benchmark step 3's real document templates: Noto CJK against the same layout in DejaVu Serif.

Issue #5's speed target: a 3-page complaint letter and a 200-item evidence list each render in
no more than 1.5x the time WeasyPrint needs for the same documents set in DejaVu Serif, and in
under 1.5 s.

The documents are templates/pdf/complaint.html and templates/pdf/evidence_list.html, rendered
from synthetic input variables shaped exactly like the builders' (no database needed). The
DejaVu baseline is the same rendered HTML with every non-ASCII text run replaced by Latin
pseudo-words about as wide, the Chinese strings of pdf.css overridden and DejaVu Serif forced,
so it measures layout and PDF writing without CJK fonts.

For the evidence list two figures are given: one layout ("render") and what the app does
("generate": a second layout that fills in the 页码 column from the first one's page anchors).

    .venv/bin/python scripts/bench_documents.py --runs 5
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collectguard.settings")

LATIN_STYLE = """<style>
  html, body, .hash, code { font-family: "DejaVu Serif", serif !important; }
  .page-footer__number::after { content: "Page " counter(page) " of " counter(pages); }
  .parties dt::after { content: ": "; }
  .date-line::before { content: "Date: "; }
  .sections > h2::before, .sections > section > h2::before { content: counter(section) ". "; }
  ol.zh-parenthesized { list-style: decimal; }
</style>"""


def _hanzi_pool() -> str:
    """GB2312 level 1: the 3 755 most common simplified characters (worst case for subsetting)."""
    chars = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


class Text:
    def __init__(self, seed: int) -> None:
        self.pick = random.Random(seed)
        self.pool = _hanzi_pool()

    def __call__(self, length: int) -> str:
        return "".join(self.pick.choices(self.pool, k=length))


def _provision(text: Text, n: int, caution: bool) -> dict[str, Any]:
    return {
        "id": f"P-{n}",
        "citation": f"《{text(10)}》第{n + 10}条",
        "key_phrase": text(30),
        "statement": text(40),
        "caution": caution,
    }


def letter_variables(text: Text) -> dict[str, Any]:
    """A complaint to 12378 shaped like documents.build_complaint's output: about 3 pages."""
    return {
        "title": "投诉书",
        "date": "2026年11月29日",
        "date_iso": "2026-11-29",
        "channel": "12378",
        "labels": {"party": "投诉人", "respondent": "被投诉人", "matter": "投诉事项", "demands": "诉求"},
        "addressee": "国家金融监督管理总局（12378 金融消费者投诉热线）",
        "complainant": {"name": "张三", "phone": "13800000000", "address": text(16)},
        "respondent": {
            "name": "某某消费金融有限公司",
            "type_note": "",
            "contracts": ["XF20251120003", "XF20251120004"],
        },
        "subject": text(60),
        "facts": [text(110), text(70), text(60), text(90)],
        "examples": [
            {
                "time": f"2026-11-{day:02d} 23:4{day % 10}",
                "sender": f"1701234{day:04d}",
                "body": text(45),
                "categories": [text(6), text(4)],
            }
            for day in range(1, 7)
        ],
        "extra_facts": text(120),
        "legal_basis": [_provision(text, n, caution=n % 3 == 0) for n in range(7)],
        "legal_caution": True,
        "demands": [text(35) for _ in range(5)],
        "attachments": {
            "count": 24,
            "items": [{"no": n, "name": text(12)} for n in range(1, 25)],
            "more": 0,
        },
        "numbers": [],
        "submission": {
            "name": "国家金融监督管理总局 12378 热线",
            "body": "国家金融监督管理总局",
            "phone": "12378",
            "website": "https://www.nfra.gov.cn",
            "handles": text(90),
            "steps": [text(40) for _ in range(6)],
            "caution": False,
        },
    }


def evidence_variables(text: Text, *, items: int = 200, messages: int = 40) -> dict[str, Any]:
    """An evidence list shaped like documents.build_evidence_list's output."""
    days = [
        {
            "date": f"2026-10-{day:02d}",
            "messages_received": day % 5,
            "call_attempts": day % 7,
            "calls_connected": day % 3,
            "night_contacts": day % 2,
            "contacts": day % 5 + day % 7,
            "over_limit": day % 9 == 0,
            "hours": [(day + hour) % 3 for hour in range(24)],
        }
        for day in range(1, 31)
    ]
    return {
        "title": "证据目录",
        "case_title": text(8),
        "date": "2026年11月29日",
        "date_iso": "2026-11-29",
        "complainant": {"name": "张三", "phone": "", "address": ""},
        "extra_facts": "",
        "lender": "某某消费金融有限公司",
        "items": [
            {
                "no": n,
                "anchor": f"item-{n}",
                "name": text(10),
                "source": text(8),
                "purpose": text(text.pick.randint(12, 24)),
                "kind": text(4),
                "type": "PNG",
                "file_name": f"IMG_{n:04d}.png",
                "size": 200_000 + n,
                "uploaded": "2026-11-20 10:00",
                "sha256": hashlib.sha256(str(n).encode()).hexdigest(),
                "messages": [],
                "page": None,
            }
            for n in range(1, items + 1)
        ],
        "messages": [
            {
                "time": f"2026-10-{1 + n % 28:02d} 2{n % 4}:10",
                "sender": f"1651234{n:04d}",
                "body": text(50),
                "categories": [text(6)],
                "findings": [{"label": text(6), "provisions": ["PSL-50-5"]}],
            }
            for n in range(messages)
        ],
        "provision_names": [],
        "figures": {
            "messages_received": 90,
            "call_attempts": 120,
            "calls_connected": 30,
            "night_contacts": 25,
            "senders": 12,
            "flagged": messages,
            "first": "2026年10月1日",
            "last": "2026年10月30日",
            "max_attempts_per_day": 9,
            "days_over_6_attempts": 3,
            "days_over_3_connected": 1,
        },
        "numbers": [
            {
                "number": f"1701234{n:04d}",
                "messages": n,
                "attempts": n * 2,
                "connected": n % 3,
                "night": n % 4,
                "max_attempts_per_day": n % 9,
            }
            for n in range(12)
        ],
        "stats": {"totals": {}, "senders": [], "days": days, "categories": {}},
    }


_TAG = re.compile(r"(<[^>]*>)")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def latinize(html: str, seed: int = 7) -> str:
    """The same HTML with every non-ASCII text run replaced by Latin pseudo-words about as wide
    (a CJK character is about two Latin letters wide), and DejaVu Serif forced."""
    pick = random.Random(seed)

    def words(match: re.Match[str]) -> str:
        target = len(match.group(0)) * 2
        out: list[str] = []
        while sum(len(word) + 1 for word in out) < target:
            out.append("".join(pick.choices("abcdefghilmnoprstuv", k=pick.randint(2, 9))))
        return " ".join(out)

    parts = _TAG.split(html)
    in_style = False
    for index, part in enumerate(parts):
        if part.startswith("<"):
            in_style = part.lower().startswith("<style")
            continue
        if not in_style:
            parts[index] = _NON_ASCII.sub(words, part)
    return "".join(parts).replace("</head>", LATIN_STYLE + "</head>", 1)


def timed(function: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    function()  # warm-up: fonts opened, caches filled, as in a long-lived worker
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return times, result


class FallbackCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.fallbacks = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "fontTools" in record.getMessage():
            self.fallbacks += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from collectguard.evidence.documents import pdf_anchor_pages
    from collectguard.lib.pdf import font_support, html_to_pdf, render_html

    counter = FallbackCounter()
    weasy = logging.getLogger("weasyprint")
    weasy.addHandler(counter)
    weasy.setLevel(logging.WARNING)

    support = font_support()
    print(f"HarfBuzz subsetting: {'yes' if support.harfbuzz_subset else 'NO (fontTools)'}")
    print(f"CJK fonts: {', '.join(support.cjk_families) or 'none'}")
    print(f"runs per figure: {args.runs} (after one warm-up)\n")

    letter = letter_variables(Text(1))
    evidence = evidence_variables(Text(2))

    def render(template: str, variables: dict[str, Any], latin: bool) -> Callable[[], Any]:
        html = render_html(template, {"doc": variables})
        if latin:
            html = latinize(html)
        return lambda: html_to_pdf(html)

    def generate(variables: dict[str, Any], latin: bool) -> Callable[[], Any]:
        """What document_generate does for the evidence list: layout, read anchors, layout."""

        def run() -> Any:
            values = {**variables, "items": [dict(item) for item in variables["items"]]}
            html = render_html("pdf/evidence_list.html", {"doc": values})
            first = html_to_pdf(latinize(html) if latin else html)
            pages = pdf_anchor_pages(first.pdf)
            for item in values["items"]:
                item["page"] = pages.get(item["anchor"])
            html = render_html("pdf/evidence_list.html", {"doc": values})
            return html_to_pdf(latinize(html) if latin else html)

        return run

    cases = [
        ("complaint letter", lambda latin: render("pdf/complaint.html", letter, latin)),
        (
            "evidence list, 200 items (render)",
            lambda latin: render("pdf/evidence_list.html", evidence, latin),
        ),
        ("evidence list, 200 items (generate)", lambda latin: generate(evidence, latin)),
    ]
    header = f"{'document':38} {'font':12} {'pages':>5} {'median s':>9} {'min s':>7} {'KB':>6}"
    print(header)
    print("-" * len(header))
    verdicts = []
    for name, make in cases:
        medians = {}
        for latin in (False, True):
            times, result = timed(make(latin), args.runs)
            median = statistics.median(times)
            medians[latin] = median
            font = "DejaVu Serif" if latin else "Noto CJK"
            print(
                f"{name:38} {font:12} {result.pages:>5} {median:>9.3f} {min(times):>7.3f} "
                f"{len(result.pdf) // 1024:>6}"
            )
        ratio = medians[False] / medians[True]
        ok = ratio <= 1.5 and medians[False] < 1.5
        verdicts.append(ok)
        print(f"{'':38} {'ratio':12} {'':>5} {ratio:>9.2f}  {'meets target' if ok else 'MISSES'}")
    print(f"\nfontTools fallbacks logged: {counter.fallbacks}")
    sys.exit(0 if all(verdicts) else 1)


if __name__ == "__main__":
    main()
