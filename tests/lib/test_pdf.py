"""collectguard.lib.pdf: Chinese PDFs that are correct, small, fast, and fetch nothing.

Needs the Debian packages fonts-noto-cjk and libharfbuzz-subset0 (installed by the set-up
scripts). The only network use is a listener on 127.0.0.1 that these tests start themselves, to
prove WeasyPrint never calls it.
"""

from __future__ import annotations

import copy
import logging
import re
import time
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.template import engines
from django.test import RequestFactory
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, StreamObject

from collectguard.lib import pdf
from tests.loopback import Listener, listening

STATIC_CSS = Path(django_settings.BASE_DIR) / "static" / "css" / "pdf.css"

LETTER = """{% extends "pdf/base.html" %}
{% block title %}投诉书{% endblock %}
{% block content %}
<h1>投诉书</h1>
<p class="addressee">{{ authority }}：</p>
<dl class="parties">
  <dt>投诉人</dt><dd>{{ complainant }}</dd>
  <dt>被投诉人</dt><dd>{{ respondent }}</dd>
</dl>
<div class="sections">
  <h2>投诉事项</h2><p>{{ summary }}</p>
  <h2>事实与理由</h2>{% for fact in facts %}<p>{{ fact }}</p>{% endfor %}
  <h2>诉求</h2>
  <ol class="zh-parenthesized">{% for demand in demands %}<li>{{ demand }}</li>{% endfor %}</ol>
</div>
<table>
  <thead><tr><th>序号</th><th>证据名称</th><th>证明目的</th></tr></thead>
  <tbody>{% for item in evidence %}
    <tr><td>{{ forloop.counter }}</td><td>{{ item.name }}</td><td>{{ item.purpose }}</td></tr>
  {% endfor %}</tbody>
</table>
<div class="signature">
  <p>投诉人（签名）：<span class="signature-line"></span></p>
  <p class="date-line"><span class="signature-line">{{ date }}</span></p>
</div>
{% endblock %}
"""

PLAIN = """{% extends "pdf/base.html" %}
{% block title %}{{ title }}{% endblock %}
{% block disclaimer %}{% endblock %}
{% block content %}{% for paragraph in paragraphs %}<p>{{ paragraph }}</p>{% endfor %}{% endblock %}
"""

FACT = (
    "被投诉人委托的催收人员自2025年3月起在夜间多次拨打投诉人电话，"
    "并向投诉人的亲友发送短信，严重影响投诉人的正常生活。"
)

PAGE_OF_TEXT = [
    FACT,
    "催收人员向投诉人的父母、同事及通讯录中与债务无关的第三人发送短信，"
    "称投诉人“涉嫌诈骗、即将被起诉”，对投诉人的名誉造成严重损害。",
    "投诉人已多次表示愿意协商还款，并提出分期还款方案，但被投诉人未予回应，反而加大催收频率。",
    "催收人员在通话中使用侮辱性语言，并威胁将投诉人的照片和身份证信息发布到网络上。",
    "《中华人民共和国民法典》第一千零三十二条：自然人享有隐私权。任何组织或者个人"
    "不得以刺探、侵扰、泄露、公开等方式侵害他人的隐私权。",
    "《中华人民共和国个人信息保护法》第十条：任何组织、个人不得非法收集、使用、加工、"
    "传输他人个人信息，不得非法买卖、提供或者公开他人个人信息。",
    "请求责令被投诉人停止在夜间拨打催收电话，停止使用侮辱、威胁性语言，并书面答复。",
]


def letter_context(**overrides: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "authority": "国家金融监督管理总局北京监管局",
        "complainant": "张三，联系电话13800000000",
        "respondent": "某某消费金融有限公司",
        "summary": "请求责令被投诉人停止违规催收。",
        "facts": [FACT],
        "demands": ["停止向第三人催收；", "停止夜间催收。"],
        "evidence": [{"name": "短信截图", "purpose": "证明催收人员骚扰第三人"}],
        "date": "2026年5月20日",
    }
    context.update(overrides)
    return context


@pytest.fixture
def pdf_templates(settings: Any, tmp_path: Path) -> Path:
    """Test documents in a template directory of their own, extending the real pdf/base.html."""
    directory = tmp_path / "templates"
    (directory / "doc").mkdir(parents=True)
    (directory / "doc" / "letter.html").write_text(LETTER, encoding="utf-8")
    (directory / "doc" / "plain.html").write_text(PLAIN, encoding="utf-8")
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [directory, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    return directory


@pytest.fixture
def listener() -> Iterator[Listener]:
    with listening(b"CANARY-HTTP-7f3a", "text/css") as server:
        yield server


@pytest.fixture
def canary_file(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY-FILE-91c2", encoding="utf-8")
    return secret


# --- Helpers that read PDFs back -------------------------------------------------------------


def reader_for(data: bytes) -> PdfReader:
    return PdfReader(BytesIO(data))


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in reader_for(data).pages)


def pdf_objects(data: bytes) -> Iterator[Any]:
    """Every indirect object, including those inside compressed object streams."""
    reader = reader_for(data)
    size: Any = reader.trailer["/Size"]
    for number in range(1, int(size)):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: S112  (free or unreadable entries hold nothing to find)
            continue
        if obj is not None:
            yield obj


def decompressed_bytes(data: bytes) -> bytes:
    """The raw file plus every decoded stream, to search for canary bytes."""
    parts = [data]
    for obj in pdf_objects(data):
        if isinstance(obj, StreamObject):
            parts.append(obj.get_data())
        elif isinstance(obj, DictionaryObject):
            parts.append(repr(obj).encode())
    return b"\n".join(parts)


def embedded_files(data: bytes) -> list[str]:
    found = []
    for obj in pdf_objects(data):
        if isinstance(obj, DictionaryObject):
            if obj.get("/Type") in ("/EmbeddedFile", "/Filespec"):
                found.append(str(obj.get("/Type")))
            if obj.get("/Subtype") == "/FileAttachment":
                found.append("/FileAttachment")
    root: Any = reader_for(data).trailer["/Root"]
    names = root.get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        found.append("/EmbeddedFiles")
    return found


def font_dicts(data: bytes) -> list[Any]:
    fonts = {}
    for page in reader_for(data).pages:
        resources: Any = page["/Resources"]
        for reference in resources.get("/Font", {}).values():
            font = reference.get_object()
            fonts[str(font["/BaseFont"])] = font
    return list(fonts.values())


# --- A Chinese letter ------------------------------------------------------------------------


@pytest.mark.usefixtures("pdf_templates")
def test_it_prints_a_chinese_letter_with_page_numbers() -> None:
    document = pdf.render_pdf("doc/letter.html", letter_context())

    text = text_of(document.pdf)
    assert document.pdf.startswith(b"%PDF-")
    assert FACT in text.replace("\n", "")
    assert "第 1 页 共 1 页" in text
    assert "本文件由催收应对助手生成，不构成法律意见。免费法律援助热线：12348" in text
    assert "一、投诉事项" in text  # section numbers from pdf.css's counter style
    assert document.pages == 1 == len(reader_for(document.pdf).pages)


@pytest.mark.usefixtures("pdf_templates")
def test_it_counts_pages_across_a_long_letter() -> None:
    document = pdf.render_pdf("doc/letter.html", letter_context(facts=[FACT] * 60))

    reader = reader_for(document.pdf)
    assert document.pages == len(reader.pages) > 1
    last = reader.pages[-1].extract_text()
    assert f"第 {document.pages} 页 共 {document.pages} 页" in last


@pytest.mark.usefixtures("pdf_templates")
def test_it_repeats_table_headers_on_every_page() -> None:
    rows = [{"name": f"通话录音{i}", "purpose": "证明夜间催收"} for i in range(120)]
    document = pdf.render_pdf("doc/letter.html", letter_context(evidence=rows))

    pages = reader_for(document.pdf).pages
    table_pages = [page.extract_text() for page in pages if "通话录音" in page.extract_text()]
    assert len(table_pages) > 1
    assert all("证明目的" in page for page in table_pages)


@pytest.mark.usefixtures("pdf_templates")
def test_it_embeds_only_font_subsets() -> None:
    document = pdf.render_pdf("doc/letter.html", letter_context())

    fonts = font_dicts(document.pdf)
    assert fonts
    for font in fonts:
        # "ABCDEF+Name" marks a subset (ISO 32000 9.6.4); a whole Noto CJK collection would be
        # 19-26 MB per weight.
        assert re.fullmatch(r"/[A-Z]{6}\+.+", str(font["/BaseFont"])), font["/BaseFont"]
        for descendant in font.get("/DescendantFonts", []):
            descriptor = descendant.get_object()["/FontDescriptor"].get_object()
            stream = next(
                descriptor[key].get_object()
                for key in ("/FontFile", "/FontFile2", "/FontFile3")
                if key in descriptor
            )
            # WeasyPrint keeps glyph ids, so a CJK subset still carries a ~60 000-entry glyph
            # table: ~140 KB compressed per face, whatever the text (see pdf.css).
            assert len(stream.get_data()) < 1_500_000
            assert len(stream._data) < 250_000
    # One CJK face (pdf.css sets no bold): a page is well under 200 KB, not 20-40 MB.
    assert [str(font["/BaseFont"]).split("+")[1] for font in fonts] == ["Noto-Serif-CJK-SC"]
    assert len(document.pdf) < 200_000


@pytest.mark.usefixtures("pdf_templates")
def test_a_page_of_text_in_one_face_is_under_200_kb() -> None:
    # About 200 distinct characters, in the regular face only (no headings).
    document = pdf.render_pdf("doc/plain.html", {"title": "说明", "paragraphs": PAGE_OF_TEXT * 2})

    assert document.pages == 1
    assert len(document.pdf) < 200_000


@pytest.mark.usefixtures("pdf_templates")
def test_documents_may_move_the_disclaimer_but_keep_page_numbers() -> None:
    document = pdf.render_pdf("doc/plain.html", {"title": "说明", "paragraphs": [FACT]})
    included = engines["django"].from_string('{% include "pdf/base.html#disclaimer" %}')

    text = text_of(document.pdf)
    assert "第 1 页 共 1 页" in text
    assert "不构成法律意见" not in text  # doc/plain.html empties the disclaimer block
    assert "不构成法律意见。免费法律援助热线：12348" in included.render({})


@pytest.mark.usefixtures("pdf_templates")
def test_it_subsets_fonts_with_harfbuzz_not_fonttools(caplog: pytest.LogCaptureFixture) -> None:
    # Settings silence WeasyPrint below ERROR; its fontTools fallback is a WARNING.
    caplog.set_level(logging.WARNING, logger="weasyprint")

    pdf.render_pdf("doc/letter.html", letter_context())

    assert pdf.font_support().harfbuzz_subset
    assert not [r for r in caplog.records if "instead of HarfBuzz" in r.getMessage()]


@pytest.mark.usefixtures("pdf_templates")
def test_a_one_page_letter_renders_in_well_under_a_second_or_two() -> None:
    pdf.render_pdf("doc/letter.html", letter_context())  # warm: fonts opened, CSS parsed
    started = time.perf_counter()
    pdf.render_pdf("doc/letter.html", letter_context())
    # ~0.3 s with HarfBuzz; the fontTools fallback took ~17 s (SECURITY-NOTES §6.2). The bound
    # is loose so a busy CI machine does not fail it.
    assert time.perf_counter() - started < 5


@pytest.mark.usefixtures("pdf_templates")
def test_rare_name_characters_print_without_boxes(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="weasyprint")
    name = "吉𠮷、龘、王堃、张喆"

    document = pdf.render_pdf("doc/letter.html", letter_context(complainant=name))

    assert not [r for r in caplog.records if ".notdef" in r.getMessage()]
    assert name in text_of(document.pdf)


@pytest.mark.usefixtures("pdf_templates")
def test_it_sets_title_language_and_pdfa_metadata() -> None:
    document = pdf.render_pdf("doc/letter.html", letter_context())

    reader = reader_for(document.pdf)
    root: Any = reader.trailer["/Root"]
    assert reader.metadata is not None and reader.metadata.title == "投诉书"
    assert root["/Lang"] == "zh-CN"
    assert "/OutputIntents" in root  # PDF/A-3b by default
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="B"' in xmp
    # No server paths in what we hand out.
    assert str(django_settings.BASE_DIR).encode() not in decompressed_bytes(document.pdf)


@pytest.mark.usefixtures("pdf_templates")
def test_plain_pdf_is_available_without_pdfa() -> None:
    document = pdf.render_pdf("doc/letter.html", letter_context(), pdf_variant=None)

    root: Any = reader_for(document.pdf).trailer["/Root"]
    assert "/OutputIntents" not in root
    with pytest.raises(ValueError, match="unsupported PDF variant"):
        pdf.render_pdf("doc/letter.html", letter_context(), pdf_variant="pdf/ua-1")


@pytest.mark.usefixtures("pdf_templates")
def test_the_same_input_prints_the_same_bytes() -> None:
    first = pdf.render_pdf("doc/letter.html", letter_context())
    second = pdf.html_to_pdf(first.html)

    # What a volunteer approved (the stored HTML) re-prints to the very same PDF.
    assert first.sha256 == second.sha256
    assert first.pdf == second.pdf


@pytest.mark.usefixtures("pdf_templates")
def test_the_preview_is_the_html_that_prints(rf: RequestFactory) -> None:
    request = rf.get("/cases/1/letter/preview")

    response = pdf.render_preview("doc/letter.html", letter_context(), request)

    assert response.status_code == 200
    html = response.content.decode()
    assert html == pdf.render_pdf("doc/letter.html", letter_context(), request=request).html
    assert '<link rel="stylesheet" href="/static/css/pdf.css">' in html
    assert 'style="' not in html  # the app's CSP (style-src 'self') would drop inline styles


def test_it_refuses_an_engine_without_autoescaping(settings: Any, pdf_templates: Path) -> None:
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["autoescape"] = False
    settings.TEMPLATES = templates

    with pytest.raises(ImproperlyConfigured):
        pdf.render_pdf("doc/letter.html", letter_context())


def test_the_stylesheet_asks_for_the_fonts_the_check_probes() -> None:
    css = STATIC_CSS.read_text(encoding="utf-8")
    match = re.search(r"^html \{[^}]*font-family: ([^;]+);", css, re.MULTILINE)
    assert match is not None
    families = tuple(name.strip().strip('"') for name in match.group(1).split(","))
    assert families == pdf.CJK_FONT_FAMILIES
    assert not re.search(r"@font-face\s*\{", css)  # system fonts only, nothing to download


def test_only_the_pdf_module_imports_weasyprint() -> None:
    package = Path(django_settings.BASE_DIR) / "collectguard"
    importers = {
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if re.search(r"^\s*(from|import) weasyprint", path.read_text(encoding="utf-8"), re.M)
    }
    assert importers == {"lib/pdf.py"}


# --- Hostile input (SECURITY-NOTES §2) --------------------------------------------------------


def hostile_payloads(listener: Listener, secret: Path) -> list[str]:
    return [
        f'<link rel="attachment" href="file://{secret}">',
        '<link rel="attachment" href="file:///etc/passwd">',
        f'<a rel="attachment" href="file://{secret}">证据</a>',
        f'<a rel=attachment href="{listener.url}/metadata">证据</a>',
        f'<link rel="attachment" href="{listener.url}/latest/meta-data">',
        f'<link rel="attachment" href="{listener.url}/redirect">',
        f'<img src="{listener.url}/pixel.png">',
        f'<style>@import url("{listener.url}/import.css");</style>',
        f'<p style="background:url({listener.url}/background.png)">背景</p>',
        f'<link rel="stylesheet" href="{listener.url}/sheet.css">',
        '<img src="file:///dev/urandom">',
        "</p><style>@page { size: 100000cm }</style><p>",
    ]


def assert_nothing_leaked(data: bytes, listener: Listener) -> None:
    everything = decompressed_bytes(data)
    assert b"CANARY-FILE-91c2" not in everything
    assert b"CANARY-HTTP-7f3a" not in everything
    assert b"root:x:0:0" not in everything
    assert embedded_files(data) == []
    assert listener.hits == []


@pytest.mark.usefixtures("pdf_templates")
def test_user_text_is_printed_as_text_not_markup(listener: Listener, canary_file: Path) -> None:
    payloads = hostile_payloads(listener, canary_file)
    context = letter_context(
        complainant=payloads[0],
        respondent=payloads[3],
        summary=payloads[-1],
        facts=payloads,
        evidence=[{"name": payload, "purpose": payload} for payload in payloads[:4]],
    )

    document = pdf.render_pdf("doc/letter.html", context)

    assert "&lt;link rel=&quot;attachment&quot;" in document.html
    assert "<link rel=" not in document.html.split("</head>", 1)[1]
    text = text_of(document.pdf).replace("\n", "")
    assert '<link rel="attachment" href="file:///etc/passwd">' in text
    assert "@page { size: 100000cm }" in text
    assert_nothing_leaked(document.pdf, listener)


def test_even_unescaped_markup_fetches_and_embeds_nothing(
    listener: Listener, canary_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Defence in depth: if a template ever marked user text |safe, the fetcher and the
    # attachment stripping still hold.
    caplog.set_level(logging.WARNING, logger="collectguard.lib.pdf")
    payloads = "\n".join(hostile_payloads(listener, canary_file))
    html = (
        '<html lang="zh-CN"><head><title>测试</title></head>'
        f"<body><p>测试</p>{payloads}</body></html>"
    )

    started = time.perf_counter()
    document = pdf.html_to_pdf(html)

    assert time.perf_counter() - started < 10  # /dev/urandom is refused, not read
    assert_nothing_leaked(document.pdf, listener)
    assert "PDF resource refused" in caplog.text


def test_attachments_are_dropped_even_for_allowed_static_files() -> None:
    html = (
        '<html lang="zh-CN"><head><link rel="attachment" href="/static/css/pdf.css"></head>'
        '<body><p><a rel="attachment" href="/static/css/pdf.css">样式</a></p></body></html>'
    )

    document = pdf.html_to_pdf(html)

    assert embedded_files(document.pdf) == []
    assert b"counter-style" not in decompressed_bytes(document.pdf)


# --- The fetcher itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/static/css/pdf.css",
        "https://example.com/static/css/pdf.css",
        "http://169.254.169.254/latest/meta-data/",
        "ftp://127.0.0.1/static/css/pdf.css",
        "file:///etc/passwd",
        "file:///dev/urandom",
        "file://localhost/etc/passwd",
        "file://otherhost/static/css/pdf.css",
        "/static/../../collectguard/settings.py",
        "/static/css/../../../collectguard/settings.py",
        "/static/%2e%2e/%2e%2e/collectguard/settings.py",
        "/static//etc/passwd",
        f"/static/{STATIC_CSS}",
        "/static/css%2f..%2f..%2fmanage.py",
        "https://collectguard.invalid/static/../manage.py",
        "https://collectguard.invalid/private-media-not-served/evidence.png",
        "/static/css/pdf.css%00.png",
        "/static/css/missing.css",
        "static/css/pdf.css",
        "data:text/css,body{background:red}",
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk",
        "javascript:alert(1)",
    ],
)
def test_the_fetcher_refuses(url: str) -> None:
    with pytest.raises(pdf.ResourceRefused):
        pdf.safe_url_fetcher(url)


def test_the_fetcher_refuses_file_urls_outside_static(canary_file: Path) -> None:
    with pytest.raises(pdf.ResourceRefused):
        pdf.safe_url_fetcher.fetch(canary_file.as_uri())
    with pytest.raises(pdf.ResourceRefused):
        pdf.safe_url_fetcher.fetch((Path(django_settings.BASE_DIR) / "manage.py").as_uri())


@pytest.mark.parametrize(
    "url",
    [
        "/static/css/pdf.css",
        "https://collectguard.invalid/static/css/pdf.css",
        STATIC_CSS.as_uri(),
    ],
)
def test_the_fetcher_reads_the_apps_static_files(url: str) -> None:
    response = pdf.safe_url_fetcher(url)

    assert response.read() == STATIC_CSS.read_bytes()
    assert response.content_type == "text/css"


def test_the_fetcher_refuses_symlinks_out_of_static(settings: Any, tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    outside = tmp_path / "outside.css"
    outside.write_text("CANARY-FILE-91c2", encoding="utf-8")
    (static / "evil.css").symlink_to(outside)
    (static / "fine.css").write_text("p { color: black }", encoding="utf-8")
    settings.STATICFILES_DIRS = [static]

    assert pdf.safe_url_fetcher("/static/fine.css").read() == b"p { color: black }"
    with pytest.raises(pdf.ResourceRefused):
        pdf.safe_url_fetcher("/static/evil.css")


def test_the_fetcher_only_serves_allowed_file_types(settings: Any, tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "notes.txt").write_text("CANARY-FILE-91c2", encoding="utf-8")
    settings.STATICFILES_DIRS = [static]

    with pytest.raises(pdf.ResourceRefused):
        pdf.safe_url_fetcher("/static/notes.txt")
    with pytest.raises(pdf.ResourceRefused):
        pdf.safe_url_fetcher((static / "notes.txt").as_uri())
