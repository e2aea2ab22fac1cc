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

The evidence list's texts are realistic by default: item names, sources and purposes drawn from
the vocabulary of real lists ("催收短信截图", "通话录音", "证明对方在夜间多次致电"…), the appendix
quoting collection messages like those in samples/, and people's names with rare characters
(吉𠮷, 龘, 堃…) in some items so that uncommon glyphs stay in the font subset. That is a few
hundred distinct characters, like a real case. ``--worst-case`` draws every text from the 3 755
characters of GB2312 level 1 instead (until 2026-11-29 the only mode): ~3 500 distinct
characters, a 1.7 MB font subset whose HarfBuzz subsetting and zlib compression take ~0.2
CPU s more. The script prints the number of distinct characters.

Each figure is the median over the runs after one warm-up render (fonts opened, caches filled,
as in a long-lived worker; the renders share one FontConfiguration, as collectguard.lib.pdf's
renders in one thread do): wall-clock seconds, and the CPU seconds of this process, which
stay meaningful when other processes share the machine.

    .venv/bin/python scripts/bench_documents.py --runs 5 [--worst-case]
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


# The vocabulary of real evidence lists (see the module docstring).
ITEM_NAMES = [
    "{date}催收短信截图",
    "{date}通话录音（{clock}，{minutes}分钟）",
    "{date}微信聊天记录截图",
    "{date}夜间来电记录截图",
    "{person}收到的催收短信截图",
    "{person}接到催收电话的通话录音",
    "催收人员冒充法院发来的短信截图",
    "借款App内的逾期催收通知截图",
    "对方发来的所谓“律师函”照片",
    "借款合同及还款计划表（{contract}）",
    "{date}还款记录截图",
    "运营商通话详单（{month}月）",
]
ITEM_SOURCES = [
    "本人手机截图",
    "本人手机通话录音",
    "本人微信聊天记录",
    "{person}提供",
    "借款App页面截图",
    "运营商营业厅打印",
    "银行转账记录",
    "邮寄信件原件",
]
ITEM_PURPOSES = [
    "证明对方在夜间多次致电",
    "证明催收人员冒充公检法人员",
    "证明对方联系我的家人、同事等第三人",
    "证明对方威胁上门",
    "证明对方以恐吓、辱骂的方式催收",
    "证明欠款金额、合同编号及逾期日期",
    "证明同一号码单日呼叫超过6次",
    "证明对方向第三人泄露我的欠款信息",
    "证明催收人员虚构或夸大法律后果",
    "证明我曾多次申请协商还款，对方拒绝沟通",
    "",
]
RELATIONS = ["母亲", "父亲", "妻子", "同事", "单位领导", "朋友", "表哥"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
# Rare given-name characters: all but 淼 are outside GB2312 (GBK or later), 𠮷 outside the BMP.
GIVEN_NAMES = ["吉𠮷", "龘", "堃", "喆", "燊", "赟", "犇", "淼", "珺", "玥", "昇", "翀", "旻", "昉"]
CATEGORIES = [
    "恐吓、威胁人身安全",
    "威胁上门",
    "冒充公检法或监管部门",
    "联系或威胁联系家人、同事等第三人",
    "虚构或夸大法律后果",
    "夜间催收",
    "辱骂、侮辱",
]


def realistic_evidence_texts(pick: random.Random, items: int, messages: int) -> dict[str, Any]:
    """Names, sources, purposes and message texts as real evidence lists have them."""

    def fill(template: str) -> str:
        day = pick.randint(1, 30)
        return template.format(
            date=f"2026年{pick.choice((9, 10, 11))}月{day}日",
            clock=f"{pick.choice((22, 23, 0, 1, 7))}:{pick.randint(0, 59):02d}",
            minutes=pick.randint(1, 12),
            person=f"{pick.choice(RELATIONS)}{pick.choice(SURNAMES)}{pick.choice(GIVEN_NAMES)}",
            contract=f"XF2025112{pick.randint(0, 9):04d}",
            month=pick.choice((9, 10, 11)),
        )

    return {
        "items": [
            {
                "name": fill(pick.choice(ITEM_NAMES)),
                "source": fill(pick.choice(ITEM_SOURCES)),
                "purpose": pick.choice(ITEM_PURPOSES),
                "kind": pick.choice(("截图", "录音", "文件", "照片")),
            }
            for _ in range(items)
        ],
        "messages": [
            {
                "body": MESSAGES[n % len(MESSAGES)],
                "categories": [pick.choice(CATEGORIES)],
                "label": pick.choice(CATEGORIES),
            }
            for n in range(messages)
        ],
    }


def worst_case_evidence_texts(text: Text, items: int, messages: int) -> dict[str, Any]:
    """Every text drawn at random from GB2312 level 1: ~3 500 distinct characters."""
    return {
        "items": [
            {
                "name": text(10),
                "source": text(8),
                "purpose": text(text.pick.randint(12, 24)),
                "kind": text(4),
            }
            for _ in range(items)
        ],
        "messages": [
            {"body": text(50), "categories": [text(6)], "label": text(6)} for _ in range(messages)
        ],
    }


MESSAGES = [
    "【某某金融】张先生，您已逾期92天，今天18点前不处理，我们将安排人员到您单位和家里上门核实。",
    "你的通讯录我们已经全部导出，明天开始逐个通知你的亲戚朋友和单位领导，让大家看看你是什么人。",
    "再不还钱就是恶意逃废债，已经移交法院立案，马上上征信黑名单，你的孩子以后考公政审都过不了。",
    "我是经侦大队的，你这个案子已经立案了，现在还款还来得及，否则明天就来拘留你。",
    "老赖，欠钱不还还有脸接电话？出门小心点，我们知道你住在哪个小区。",
    "今晚十二点前把钱转到这个账户：6222 0000 0000 0000，收款人王某，转完截图发我。",
]


def letter_variables(text: Text) -> dict[str, Any]:
    """A complaint to 12378 shaped like documents.build_complaint's output, with realistic text
    (real provisions and channel data, collection messages like those in samples/): 3 pages
    with the page on how to submit it."""
    from collectguard.evidence import documents, legal

    return {
        "title": "投诉书",
        "date": "2026年11月29日",
        "date_iso": "2026-11-29",
        "channel": "12378",
        "labels": {
            "party": "投诉人",
            "respondent": "被投诉人",
            "matter": "投诉事项",
            "demands": "诉求",
        },
        "addressee": "国家金融监督管理总局（12378 金融消费者投诉热线）",
        "complainant": {
            "name": "张三",
            "phone": "13800000000",
            "address": "北京市东城区某某街道1号",
        },
        "respondent": {
            "name": "某某消费金融有限公司",
            "type_note": "",
            "contracts": ["XF20251120003", "XF20251120004"],
        },
        "subject": (
            "投诉某某消费金融有限公司及其委托的催收机构不当催收：联系或威胁联系家人、同事等第三人、"
            "恐吓、威胁人身安全、冒充公检法或监管部门、夜间（22:00至次日8:00）催收。"
        ),
        "facts": [
            "我是某某消费金融有限公司的消费金融公司贷款客户（合同号 / 借款编号：XF20251120003、"
            "XF20251120004），自2026年8月29日起逾期，对方告知的欠款金额为人民币 12,431.50 元。"
            "本次反映的是催收方式的问题，不涉及对债务本身的承认或否认；我愿意依法协商还款。",
            "2026年9月3日至2026年11月27日期间，我共收到催收短信 86 条、"
            "来电 143 次（其中接通 31 次），来自 17 个不同号码；"
            "其中 29 次发生在晚上 22 点至次日早上 8 点之间。",
            "按通话记录统计，同一号码单日呼叫超过 6 次的情况有 4 天次，"
            "单日接通超过 3 次的情况有 2 天次，单日最多呼叫 11 次。",
            "在这些消息中，有以下内容：恐吓、威胁人身安全（7 条）；威胁上门（5 条）；"
            "冒充公检法或监管部门（2 条）；联系或威胁联系家人、同事等第三人（9 条）；"
            "虚构或夸大法律后果（6 条）。部分原文摘录如下（按原样引用，未作修改）：",
        ],
        "examples": [
            {
                "time": f"2026-11-{day:02d} 23:4{day}",
                "sender": f"1701234{day:04d}",
                "body": body,
                "categories": ["恐吓、威胁人身安全", "威胁上门"],
            }
            for day, body in enumerate(MESSAGES[:4], start=1)
        ],
        "extra_facts": (
            "2026年11月20日，催收人员给我母亲打电话，告诉她我欠钱不还，并要求她代为还款；"
            "我母亲因此受到惊吓，当晚血压升高去了医院。"
        ),
        **documents.legal_basis(["CBA-2026", "GBT-45251", "CC-1033", "PSL-50-1", "CMP-2020"]),
        "demands": [
            "立即停止联系我的家人、同事、朋友等第三人，停止泄露我的欠款信息和个人信息。",
            "立即停止恐吓、辱骂、冒充公检法、虚构法律后果、威胁上门等行为。",
            "不在晚上 22 点至次日早上 8 点催收，不频繁拨打我的电话。",
            "告知委托的催收机构名称和催收人员的身份（姓名或工号），核查并纠正其违规行为。",
            "依法调查某某消费金融有限公司及其委托催收机构的上述行为，责令改正并依法处理，将结果告知我。",
        ],
        "attachments": {
            "count": 12,
            "items": [{"no": n, "name": f"2026年11月{n}日催收短信截图"} for n in range(1, 13)],
            "more": 0,
        },
        "numbers": [],
        "submission": {
            **documents.submission_info("12378"),
            "confidence_label": legal.confidence_label("High"),
        },
    }


def evidence_variables(
    text: Text, *, items: int = 200, messages: int = 40, worst_case: bool = False
) -> dict[str, Any]:
    """An evidence list shaped like documents.build_evidence_list's output."""
    if worst_case:
        texts = worst_case_evidence_texts(text, items, messages)
    else:
        texts = realistic_evidence_texts(text.pick, items, messages)
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
        "case_title": text(8) if worst_case else "张三与某某消费金融的催收纠纷",
        "date": "2026年11月29日",
        "date_iso": "2026-11-29",
        "complainant": {"name": "张三", "phone": "", "address": ""},
        "extra_facts": "",
        "lender": "某某消费金融有限公司",
        "items": [
            {
                "no": n,
                "anchor": f"item-{n}",
                **texts["items"][n - 1],
                "type": "PNG",
                "file_name": f"IMG_{n:04d}.png",
                "size": 200_000 + n,
                "uploaded": "2026-11-20 10:00",
                "sha256": hashlib.sha256(str(n).encode()).hexdigest(),
                "pages": 1,
                "page_range": str(n),
            }
            for n in range(1, items + 1)
        ],
        "messages": [
            {
                "time": f"2026-10-{1 + n % 28:02d} 2{n % 4}:10",
                "sender": f"1651234{n:04d}",
                "body": texts["messages"][n]["body"],
                "categories": texts["messages"][n]["categories"],
                "findings": [{"label": texts["messages"][n]["label"], "provisions": ["PSL-50-5"]}],
                "evidence": [n + 1],
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


def timed(function: Callable[[], Any], runs: int) -> tuple[list[float], list[float], Any]:
    function()  # warm-up: fonts opened, caches filled, as in a long-lived worker
    times: list[float] = []
    cpu_times: list[float] = []
    result = None
    for _ in range(runs):
        start, cpu_start = time.perf_counter(), time.process_time()
        result = function()
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    return times, cpu_times, result


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
    parser.add_argument(
        "--worst-case",
        action="store_true",
        help="evidence list texts drawn from 3 755 characters instead of a realistic vocabulary",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.utils import translation

    from collectguard.lib.pdf import font_support, html_to_pdf, render_html

    counter = FallbackCounter()
    weasy = logging.getLogger("weasyprint")
    weasy.addHandler(counter)
    weasy.setLevel(logging.WARNING)

    support = font_support()
    print(f"HarfBuzz subsetting: {'yes' if support.harfbuzz_subset else 'NO (fontTools)'}")
    print(f"CJK fonts: {', '.join(support.cjk_families) or 'none'}")
    print(f"runs per figure: {args.runs} (after one warm-up)")

    with translation.override("zh-hans"):
        letter = letter_variables(Text(1))
    evidence = evidence_variables(Text(2), worst_case=args.worst_case)
    hanzi = {
        char
        for char in render_html("pdf/evidence_list.html", {"doc": evidence})
        if char >= "\u3400"
    }
    mode = "worst case (GB2312 level 1)" if args.worst_case else "realistic vocabulary"
    print(f"evidence list texts: {mode}, {len(hanzi)} distinct CJK characters\n")

    def render(template: str, variables: dict[str, Any], latin: bool) -> Callable[[], Any]:
        html = render_html(template, {"doc": variables})
        if latin:
            html = latinize(html)
        return lambda: html_to_pdf(html)

    cases = [
        ("complaint letter", lambda latin: render("pdf/complaint.html", letter, latin)),
        (
            "evidence list, 200 items",
            lambda latin: render("pdf/evidence_list.html", evidence, latin),
        ),
    ]
    header = (
        f"{'document':26} {'font':12} {'pages':>5} {'wall s':>7} {'min s':>6} {'cpu s':>6} "
        f"{'KB':>6}"
    )
    print(header)
    print("-" * len(header))
    verdicts = []
    for name, make in cases:
        walls, cpus = {}, {}
        for latin in (False, True):
            times, cpu_times, result = timed(make(latin), args.runs)
            walls[latin] = statistics.median(times)
            cpus[latin] = statistics.median(cpu_times)
            font = "DejaVu Serif" if latin else "Noto CJK"
            print(
                f"{name:26} {font:12} {result.pages:>5} {walls[latin]:>7.3f} {min(times):>6.3f} "
                f"{cpus[latin]:>6.3f} {len(result.pdf) // 1024:>6}"
            )
        ratio = walls[False] / walls[True]
        cpu_ratio = cpus[False] / cpus[True]
        ok = ratio <= 1.5 and walls[False] < 1.5
        verdicts.append(ok)
        print(
            f"{'':26} {'CJK/DejaVu':12} {'':>5} {ratio:>7.2f} {'':>6} {cpu_ratio:>6.2f}  "
            f"{'meets target' if ok else 'MISSES target (<=1.5x and <1.5 s wall)'}"
        )
    print(f"\nfontTools fallbacks logged: {counter.fallbacks}")
    sys.exit(0 if all(verdicts) else 1)


if __name__ == "__main__":
    main()
