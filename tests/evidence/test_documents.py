"""Documents read back from the PDF: the case's own facts, current law, page numbers, safety."""

from __future__ import annotations

import hashlib
import http.server
import io
import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from pypdf import PdfReader

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.evidence.models import CustodyEntry, GeneratedDocument
from collectguard.evidence.services import document_generate, evidence_add
from tests.evidence.conftest import make_flagged_message, png_bytes

THREAT = "【某某金融】张先生，今天再不还款，我们的人晚上就到你家门口，后果自负。"
CONTACTS = "你的通讯录我们已经拿到了，明天就给你单位领导和你妈妈打电话。"


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def compact(text: str) -> str:
    """Text without whitespace: titles are letter-spaced, and lines wrap anywhere."""
    return "".join(text.split())


def stored_pdf(document: GeneratedDocument) -> bytes:
    with default_storage.open(document.pdf_key, "rb") as handle:
        return handle.read()


def complaint_to_12378(case: Case, borrower: User) -> GeneratedDocument:
    return document_generate(
        case=case,
        actor=borrower,
        kind="complaint",
        channel="12378",
        inputs={"name": "张三", "phone": "13800000000", "address": "", "extra_facts": ""},
    )


@pytest.fixture
def facts_case(case: Case) -> Case:
    """A credit-card case with flagged messages (one at night) and two pieces of evidence."""
    case.overdue_since = timezone.localdate() - timedelta(days=90)
    case.save()
    night = timezone.now().replace(hour=15, minute=40, second=0, microsecond=0)  # 23:40 China
    make_flagged_message(
        case,
        THREAT,
        sender="17012345678",
        received_at=night - timedelta(days=2),
        is_night=True,
        categories=["intimidation", "visit_threat"],
        findings=[
            {"category": "intimidation", "start": 0, "end": 4, "provisions": ["PSL-50-1"]},
            {"category": "visit_threat", "start": 5, "end": 9, "provisions": ["PSL-47"]},
        ],
    )
    make_flagged_message(
        case,
        CONTACTS,
        sender="16512345678",
        hours_ago=30,
        categories=["third_party"],
        findings=[{"category": "third_party", "start": 0, "end": 3, "provisions": ["CC-1033"]}],
    )
    for n, text in enumerate(["深夜威胁短信截图", "通讯录威胁截图"]):
        evidence_add(
            case=case,
            uploaded_by=case.owner,
            file=ContentFile(png_bytes(colour=(n, 9, 9)), name=f"shot{n}.png"),
            description=text,
            purpose="证明对方威胁上门并联系我的家人",
            kind="screenshot",
        )
    return case


def test_the_evidence_list_lists_every_item_with_hash_and_page(
    facts_case: Case, borrower: User
) -> None:
    document = document_generate(case=facts_case, actor=borrower, kind="evidence_list")

    raw = pdf_text(stored_pdf(document))
    assert "第 1 页 共" in raw
    text = compact(raw)
    for heading in ("证据目录", "序号", "证据名称", "证据来源", "证明目的", "页码", "SHA-256"):
        assert heading in text
    assert "深夜威胁短信截图" in text and "通讯录威胁截图" in text
    for item in facts_case.evidence_items.all():
        assert item.sha256[:16] in text
    # 页码: each picture takes one page of the printed evidence bundle, in list order.
    assert [item["page_range"] for item in document.variables["items"]] == ["1", "2"]
    # The appendix quotes the flagged messages exactly as received.
    assert "后果自负" in text and "17012345678" in text


def test_a_complaint_to_12378_cites_current_law_and_the_cases_facts(
    facts_case: Case, borrower: User
) -> None:
    document = complaint_to_12378(facts_case, borrower)

    raw = pdf_text(stored_pdf(document))
    assert "第 1 页 共" in raw
    text = compact(raw)
    for part in (
        "投诉书",
        "投诉人",
        "被投诉人",
        "投诉事项",
        "事实与理由",
        "法律依据",
        "诉求",
        "附件",
    ):
        assert part in text
    assert "张三" in text and "某某银行" in text and "XF20251120003" in text
    assert "12,000.00" in text
    assert "治安管理处罚法" in text and "第50条" in text
    assert "第42条" not in text  # the 2012 numbering is not current law
    assert "金融机构个人消费类贷款催收工作指引" in text  # cited with its caution mark
    assert "※" in text
    assert "国家金融监督管理总局" in text and "12378" in text
    assert "怎样提交" in text
    assert "不构成法律意见" in text and "12348" in text


@pytest.mark.parametrize(
    "channel", ["lender-hq", "local-financial-regulator", "110", "12321", "12377"]
)
def test_every_channel_has_a_letter(facts_case: Case, borrower: User, channel: str) -> None:
    document = document_generate(case=facts_case, actor=borrower, kind="complaint", channel=channel)
    text = pdf_text(stored_pdf(document)).replace("\n", "")
    assert "事实与理由" in text
    if channel == "12321":
        assert "17012345678" in text and "举报号码" in text
    if channel == "110":
        assert "报案人" in text and "受案回执" in text


def test_the_stop_notice_is_addressed_to_the_lender(facts_case: Case, borrower: User) -> None:
    document = document_generate(case=facts_case, actor=borrower, kind="stop_notice")
    text = pdf_text(stored_pdf(document)).replace("\n", "")
    assert "停止侵权告知函" in "".join(text.split())  # the title is letter-spaced
    assert "某某银行及其委托的催收机构" in text
    assert "民法典" in text


def test_a_snapshot_keeps_inputs_html_version_and_the_pdf_hash(
    facts_case: Case, borrower: User
) -> None:
    document = document_generate(
        case=facts_case,
        actor=borrower,
        kind="complaint",
        channel="lender-hq",
        inputs={"name": "李四"},
    )

    data = stored_pdf(document)
    assert hashlib.sha256(data).hexdigest() == document.pdf_sha256
    assert document.pdf_size == len(data)
    assert document.variables["complainant"]["name"] == "李四"
    assert "李四" in document.html
    assert len(document.template_version) == 64
    entry = CustodyEntry.objects.get(action="generated")
    assert entry.details["sha256"] == document.pdf_sha256


def test_a_later_change_to_the_case_does_not_change_a_snapshot(
    facts_case: Case, borrower: User
) -> None:
    document = document_generate(case=facts_case, actor=borrower, kind="stop_notice")
    before = stored_pdf(document)

    facts_case.lender = "完全不同的银行"
    facts_case.save()
    newer = document_generate(case=facts_case, actor=borrower, kind="stop_notice")

    assert stored_pdf(GeneratedDocument.objects.get(pk=document.pk)) == before
    assert "完全不同的银行" in pdf_text(stored_pdf(newer))
    assert "完全不同的银行" not in pdf_text(before)


# --- Hostile input --------------------------------------------------------------------------


class _Listener(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"CANARY-FROM-LISTENER")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    _Listener.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Listener)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Listener.hits
    server.shutdown()


def test_hostile_text_is_printed_as_text_and_nothing_is_fetched(
    facts_case: Case, borrower: User, listener: tuple[str, list[str]], tmp_path: Any
) -> None:
    base, hits = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY-LOCAL-FILE")
    payloads = [
        "<script>alert(1)</script>",
        f'<img src="{base}/img">',
        f'<link rel="attachment" href="file://{secret}">',
        f'<a rel="attachment" href="{base}/attach">x</a>',
        f"<style>@import url({base}/css);</style>",
        f'<p style="background:url({base}/bg)">y</p>',
    ]
    hostile = " ".join(payloads)
    facts_case.lender = hostile[:120]
    facts_case.notes = hostile
    facts_case.save()
    make_flagged_message(facts_case, hostile, hours_ago=3)
    evidence_add(
        case=facts_case,
        uploaded_by=borrower,
        file=ContentFile(png_bytes(colour=(77, 7, 7)), name=f"{payloads[1]}.png"),
        description=hostile[:200],
        purpose=hostile,
        kind="screenshot",
    )

    for kind, channel in [("evidence_list", ""), ("complaint", "12378"), ("stop_notice", "")]:
        document = document_generate(
            case=facts_case,
            actor=borrower,
            kind=kind,
            channel=channel,
            inputs={"name": payloads[0], "extra_facts": hostile, "phone": payloads[2]},
        )
        data = stored_pdf(document)
        text = pdf_text(data)
        assert "<script>alert(1)</script>" in text.replace("\n", "")
        assert b"CANARY" not in data
        assert "CANARY" not in text
        reader = PdfReader(io.BytesIO(data))
        assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
        assert "<script>" not in document.html
        assert "&lt;script&gt;" in document.html
    assert hits == []


def test_the_negotiation_request_is_registered_and_printable(case: Case, borrower: User) -> None:
    document = document_generate(case=case, actor=borrower, kind="negotiation_request")
    text = "".join(pdf_text(stored_pdf(document)).split())
    assert "协商还款申请" in text
    assert "某某银行" in text
    assert document.variables  # the step-2 context, stored as JSON


def test_rare_characters_in_names_are_printed_not_boxed(case: Case, borrower: User) -> None:
    name = "吉𠮷龘堃喆"
    document = document_generate(
        case=case, actor=borrower, kind="complaint", channel="lender-hq", inputs={"name": name}
    )
    assert name in pdf_text(stored_pdf(document))


def test_the_evidence_list_includes_step_two_files_and_linked_messages(
    facts_case: Case, borrower: User
) -> None:
    from collectguard.negotiation.models import NegotiationFile

    data = b"%PDF-1.4\n% synthetic medical certificate\n%%EOF\n"  # unreadable: counts 1 page
    NegotiationFile.objects.create(
        case=facts_case,
        kind="hardship",
        path=default_storage.save(f"cases/{facts_case.pk}/negotiation/x.pdf", ContentFile(data)),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        original_name="诊断证明.pdf",
        content_type="application/pdf",
        description="住院诊断证明",
    )
    item = facts_case.evidence_items.first()
    assert item is not None
    item.related_messages.set(facts_case.messages.all()[:1])

    document = document_generate(case=facts_case, actor=borrower, kind="evidence_list")

    text = "".join(pdf_text(stored_pdf(document)).split())
    assert "住院诊断证明" in text and "困难证明" in text
    assert hashlib.sha256(data).hexdigest()[:16] in text
    assert len(document.variables["items"]) == 3
    threat = next(m for m in document.variables["messages"] if m["body"] == THREAT)
    assert threat["evidence"] == [1]


def test_page_numbers_follow_the_printed_bundle(case: Case, borrower: User) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    notice = evidence_add(
        case=case,
        uploaded_by=borrower,
        file=ContentFile(out.getvalue(), name="律师函.pdf"),
        description="对方发来的律师函",
        purpose="",
        kind="document",
    )
    evidence_add(
        case=case,
        uploaded_by=borrower,
        file=ContentFile(png_bytes(), name="a.png"),
        description="截图",
        purpose="",
        kind="screenshot",
    )
    assert notice.print_pages == 3

    document = document_generate(case=case, actor=borrower, kind="evidence_list")

    assert [row["page_range"] for row in document.variables["items"]] == ["1–3", "4"]
    assert "1–3" in pdf_text(stored_pdf(document))


def test_a_200_item_list_prints_every_full_hash_as_text_with_page_numbers() -> None:
    """Issue #5's long list: every item's complete SHA-256 must be readable back from the PDF
    (not cut, not broken across lines into pieces that extraction cannot rejoin)."""
    from collectguard.lib.pdf import render_pdf

    items = [
        {
            "no": n,
            "name": f"第{n}张催收短信截图",
            "source": "本人手机截图",
            "purpose": "证明对方在夜间发送威胁短信",
            "page_range": str(n),
            "sha256": hashlib.sha256(f"item {n}".encode()).hexdigest(),
        }
        for n in range(1, 201)
    ]
    doc = _evidence_doc(items, [])

    rendered = render_pdf("pdf/evidence_list.html", {"doc": doc})

    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(rendered.pdf)).pages]
    assert rendered.pages == len(pages) > 1
    text = compact("\n".join(pages))
    missing = [item["no"] for item in items if item["sha256"] not in text]
    assert missing == []
    assert "第200张催收短信截图" in text and "证明对方在夜间发送威胁短信" in text
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in page


def _font_names(resources: Any, seen: set[str]) -> None:
    """Collect the /BaseFont of every font in `resources`, following Form XObjects (the SVG
    charts are drawn as forms with resources of their own)."""
    resources = resources.get_object() if resources is not None else {}
    for font in (resources.get("/Font") or {}).values():
        seen.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            _font_names(xobject.get("/Resources"), seen)


def test_the_evidence_list_charts_print_in_the_body_font_not_two_more_faces() -> None:
    """Issue #5: every font face is one more subset to cut and compress. The statistics
    appendix's SVG charts used the partials' sans-serif, which added two faces (a sans CJK
    face and DejaVu Sans) for a dozen labels; they now use the body's font."""
    from collectguard.lib.pdf import render_pdf

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
    item = {
        "no": 1,
        "name": "催收短信截图",
        "source": "本人手机截图",
        "purpose": "证明夜间催收",
        "page_range": "1",
        "sha256": hashlib.sha256(b"item").hexdigest(),
    }
    doc = {
        **_evidence_doc([item], []),
        "figures": {"messages_received": 75, "call_attempts": 90, "calls_connected": 30},
        "stats": {"totals": {}, "senders": [], "days": days, "categories": {}},
    }

    rendered = render_pdf("pdf/evidence_list.html", {"doc": doc})

    assert rendered.html.count("<svg") == 2  # both charts are drawn
    reader = PdfReader(io.BytesIO(rendered.pdf))
    fonts: set[str] = set()
    for page in reader.pages:
        _font_names(page.get("/Resources"), fonts)
    text_faces = {name for name in fonts if "Mono" not in name}
    assert len(text_faces) == 1, fonts


def _evidence_doc(items: list[dict[str, Any]], messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "title": "证据目录",
        "case_title": "测试案件",
        "date": "2026年11月29日",
        "date_iso": "2026-11-29",
        "complainant": {"name": "张三"},
        "lender": "某某消费金融有限公司",
        "items": items,
        "messages": messages,
        "figures": {},
    }


def test_each_item_prints_three_lines_broken_by_newlines_not_br_elements() -> None:
    """Issue #5: a <br> is one more element to style and one more inline box on each line;
    the item's lines are newlines kept by `white-space: pre-line` instead (half the layout
    time of the 200-item list). The hash span stays the entry's only child element."""
    from collectguard.lib.pdf import render_pdf

    items = [
        {
            "no": n,
            "name": f"第{n}张催收短信截图",
            "source": "本人手机截图",
            "purpose": "证明对方在夜间发送威胁短信" if n == 1 else "",
            "page_range": str(n),
            "sha256": hashlib.sha256(f"item {n}".encode()).hexdigest(),
        }
        for n in (1, 2)
    ]

    rendered = render_pdf("pdf/evidence_list.html", {"doc": _evidence_doc(items, [])})

    entries = re.findall(r'<div class="evidence-item">(.*?)</div>', rendered.html, re.S)
    assert len(entries) == 2
    for entry in entries:
        assert re.findall(r"<(\w+)", entry) == ["span"]
    lines = [
        line.strip()
        for line in PdfReader(io.BytesIO(rendered.pdf)).pages[0].extract_text().splitlines()
    ]
    for item, purpose in zip(items, ["证明对方在夜间发送威胁短信", "—"], strict=True):
        first = lines.index(
            f"{item['no']}．{item['name']}\u3000证据来源：本人手机截图\u3000页码：{item['no']}"
        )
        assert lines[first + 1 : first + 3] == [
            f"证明目的：{purpose}",
            f"SHA-256：{item['sha256']}",
        ]


def test_a_line_break_in_a_message_body_prints_as_a_line_break() -> None:
    """The appendix quotes messages as received; with `pre-line` a multi-line message (MMS
    parts are joined with newlines) keeps its lines instead of running them together."""
    from collectguard.lib.pdf import render_pdf

    message = {
        "time": "2026-10-01 23:10",
        "sender": "16512340000",
        "body": "张先生，今晚再不还款\n我们就上门",
        "categories": ["威胁上门"],
        "findings": [],
        "evidence": [],
    }
    item = {
        "no": 1,
        "name": "催收短信截图",
        "source": "本人手机截图",
        "purpose": "证明对方威胁上门",
        "page_range": "1",
        "sha256": hashlib.sha256(b"item").hexdigest(),
    }

    rendered = render_pdf("pdf/evidence_list.html", {"doc": _evidence_doc([item], [message])})

    pages = PdfReader(io.BytesIO(rendered.pdf)).pages
    lines = [line.strip() for page in pages for line in (page.extract_text() or "").splitlines()]
    start = lines.index("张先生，今晚再不还款")
    assert lines[start + 1 : start + 3] == ["我们就上门", "问题及可能违反的规定：威胁上门"]


def test_a_category_only_the_model_estimated_is_marked_in_the_documents(
    case: Case, borrower: User
) -> None:
    """A letter must not state a statistical estimate as established: the evidence list and the
    complaint mark it, and a rule's finding stays unmarked."""
    for body, sender, category, rule, provision in (
        (
            "钱的事考虑好了吗？小区东门那个保安挺负责的。",
            "17012345678",
            "intimidation",
            "MODEL-intimidation",
            "PSL-50-1",
        ),
        (CONTACTS, "16512345678", "third_party", "TP-CONTACT", "CC-1033"),
    ):
        finding = {"category": category, "start": 0, "end": 4, "provisions": [provision]}
        make_flagged_message(
            case, body, sender=sender, categories=[category], findings=[{**finding, "rule": rule}]
        )
    listing = document_generate(case=case, actor=borrower, kind="evidence_list")
    complaint = complaint_to_12378(case, borrower)

    for document in (listing, complaint):
        text = compact(pdf_text(stored_pdf(document)))
        assert "恐吓、威胁人身安全（统计估计，请核对）" in text, document.kind
        assert "第三人（统计估计" not in text
