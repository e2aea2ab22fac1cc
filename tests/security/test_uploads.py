"""Hostile uploads on every upload endpoint (issue #7, SECURITY-NOTES §3, §4).

File names never reach storage paths and are shown escaped; files whose content lies about their
type are refused or classified by content and never served as HTML; XML bombs, external
entities and DTDs are refused with a clear message and import nothing; bodies over the limit are
refused before a byte is read.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from collectguard.cases.models import Case
from collectguard.evidence.models import EvidenceItem
from collectguard.intake.models import Call, ImportBatch, Message
from collectguard.negotiation.forms import EvidenceFilesField
from collectguard.negotiation.models import NegotiationFile
from collectguard.negotiation.services import contact_create
from tests.evidence.conftest import png_bytes
from tests.loopback import Listener
from tests.security.test_form_payloads import project_forms
from tests.test_permission_matrix import ALL_URLS

# --- The upload endpoints -------------------------------------------------------------------


def _contact_attach_url(case: Case) -> str:
    contact = contact_create(
        case=case,
        fields={
            "occurred_at": timezone.now() - timedelta(days=1),
            "channel": "phone_in",
            "their_number": "13800000000",
            "organisation": "某某资产管理公司",
            "their_name": "王经理",
            "summary": "对方要求今天全额还清。",
            "outcome": "considering",
        },
        uploaded_by=case.owner,
    )
    return reverse("negotiation:contact_attach", args=[case.pk, contact.pk])


# name -> (url for the case, file field, other fields). Every upload of evidence-like files;
# the phone backup import has its own tests below.
ENDPOINTS: dict[str, tuple[Callable[[Case], str], str, dict[str, str]]] = {
    "evidence:upload": (
        lambda case: reverse("evidence:upload", args=[case.pk]),
        "file",
        {"kind": "screenshot", "description": "截图", "purpose": "证明"},
    ),
    "negotiation:documents": (
        lambda case: reverse("negotiation:documents", args=[case.pk]),
        "uploads",
        {"description": "诊断证明"},
    ),
    "negotiation:contact_attach": (_contact_attach_url, "uploads", {}),
}

# Single-file fields and where they are tested; every multi-file field is an EvidenceFilesField
# (one check for all of them: negotiation.files.check_upload, tested through the endpoints above).
SINGLE_FILE_FIELDS = {
    ("EvidenceUploadForm", "file"): "evidence:upload",
    ("BackupUploadForm", "file"): "intake:upload (the XML tests below)",
}


def test_every_file_field_of_the_project_is_covered() -> None:
    uncovered = []
    seen = set()
    stack = list(forms.BaseForm.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__name__ not in project_forms():
            continue
        for name, form_field in cls.base_fields.items():
            if not isinstance(form_field, forms.FileField):
                continue
            seen.add((cls.__name__, name))
            if isinstance(form_field, EvidenceFilesField):
                continue
            if (cls.__name__, name) not in SINGLE_FILE_FIELDS:
                uncovered.append(f"{cls.__name__}.{name}")
    assert not uncovered, f"file fields not covered by tests/security/test_uploads.py: {uncovered}"
    assert set(SINGLE_FILE_FIELDS) <= seen


def rows(case: Case) -> tuple[int, int]:
    return (
        EvidenceItem.objects.filter(case=case).count(),
        NegotiationFile.objects.filter(case=case).count(),
    )


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path.relative_to(root) for path in root.rglob("*") if path.is_file())


def post_file(
    client: Client, endpoint: str, case: Case, name: str, data: bytes, *, follow: bool = False
) -> Any:
    url_for, field, extra = ENDPOINTS[endpoint]
    return client.post(
        url_for(case), {**extra, field: SimpleUploadedFile(name, data)}, follow=follow
    )


def says_what_went_wrong(body: str) -> bool:
    """A field error under the form, or an error message at the top of the page."""
    return 'class="error"' in body or "message-error" in body


# --- Names --------------------------------------------------------------------------------

HOSTILE_NAMES = [
    "../../etc/passwd.png",
    "..\\..\\x.png",
    "/etc/cron.d/evil.png",
    "C:\\Windows\\System32\\evil.png",
    "名字\x00.php.png",
    "a" * 400 + ".png",
    "\u202egnp.exe.png",
    "<img src=x onerror=alert(1)>.png",
    '"><script>alert(1)</script>.png',
]
# A stored key is a generated name: cases/<case>/<area>/<uuid or hex>[.suffix].
SAFE_KEY = re.compile(r"^cases/\d+/[a-z_]+/[0-9a-f-]{32,36}(\.[a-z0-9.]+)?$")


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_hostile_names_are_stored_under_generated_names_and_shown_escaped(
    borrower_client: Client, case: Case, endpoint: str
) -> None:
    for n, name in enumerate(HOSTILE_NAMES):
        response = post_file(borrower_client, endpoint, case, name, png_bytes(colour=(n, 1, 2)))
        assert response.status_code == 302, (name, response.status_code)

    keys = [path.as_posix() for path in stored_files()]
    assert keys, "nothing was stored"
    for key in keys:
        assert SAFE_KEY.match(key), key
        assert not any(part in key for part in ("..", "passwd", "etc", "\u202e", "\x00", "<"))
    names = list(EvidenceItem.objects.filter(case=case).values_list("original_name", flat=True))
    names += list(NegotiationFile.objects.filter(case=case).values_list("original_name", flat=True))
    assert len(names) >= len(HOSTILE_NAMES)
    for shown in names:
        assert "/" not in shown and "\\" not in shown and "\x00" not in shown
        assert "\u202e" not in shown  # direction overrides would disguise the extension
        assert len(shown) <= 255
    urls = [
        reverse("evidence:overview", args=[case.pk]),
        reverse("negotiation:situation", args=[case.pk]),
        reverse("negotiation:contacts", args=[case.pk]),
    ] + [
        reverse("evidence:item", args=[case.pk, item.uuid])
        for item in EvidenceItem.objects.filter(case=case)
    ]
    pages = "".join(borrower_client.get(url).content.decode() for url in urls)
    assert "<img src=x onerror" not in pages
    assert "<script>alert(1)" not in pages
    assert escape("<img src=x onerror=alert(1)>.png") in pages


@pytest.mark.parametrize(
    "raw_name",
    [b"\xff\xfe\xc0\xaf.png", b"\xed\xa0\x80.png", b"a\x00b.png", b"../x" * 200 + b".png"],
    ids=["invalid-utf8", "surrogate", "nul", "very-long-traversal"],
)
def test_undecodable_upload_names_get_an_answer_never_a_500(
    borrower_client: Client, case: Case, raw_name: bytes
) -> None:
    """The multipart body is built by hand: a browser can send any bytes as the file name."""
    boundary = "hostileboundary"
    body = b"".join(
        [
            f"--{boundary}\r\n".encode(),
            b'Content-Disposition: form-data; name="kind"\r\n\r\nscreenshot\r\n',
            f"--{boundary}\r\n".encode(),
            b'Content-Disposition: form-data; name="file"; filename="' + raw_name + b'"\r\n',
            b"Content-Type: image/png\r\n\r\n",
            png_bytes(),
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    response = borrower_client.generic(
        "POST",
        reverse("evidence:upload", args=[case.pk]),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )

    assert response.status_code in (302, 400)
    for key in (path.as_posix() for path in stored_files()):
        assert SAFE_KEY.match(key), key
    for item in EvidenceItem.objects.filter(case=case):
        assert "/" not in item.original_name and "\x00" not in item.original_name
        assert (
            borrower_client.get(reverse("evidence:item", args=[case.pk, item.uuid])).status_code
            == 200
        )
    if response.status_code == 400:
        assert not EvidenceItem.objects.filter(case=case).exists()
        assert stored_files() == []


# --- Content that lies about its type ---------------------------------------------------------


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", "<script>alert(1)</script>")
    return out.getvalue()


LIARS = {
    "html.png": b"<!doctype html><html><body><script>alert(1)</script></body></html>",
    "svg.png": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)'
    b"</script></svg>",
    "zip.pdf": _zip(),
    "png.xml": png_bytes(),
    "html.jpg": b"\xef\xbb\xbf<html><script>alert(1)</script></html>",
    "svg.svg": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)'
    b"</script></svg>",
}


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
@pytest.mark.parametrize("name", sorted(LIARS))
def test_files_that_lie_about_their_type_are_refused_and_nothing_is_kept(
    borrower_client: Client, case: Case, endpoint: str, name: str
) -> None:
    url_for, _field, _extra = ENDPOINTS[endpoint]
    url_for(case)  # objects the endpoint needs exist before counting
    before_rows, before_files = rows(case), stored_files()

    response = post_file(borrower_client, endpoint, case, name, LIARS[name], follow=True)

    assert response.status_code in (200, 400)
    assert says_what_went_wrong(response.content.decode())
    assert rows(case) == before_rows
    assert stored_files() == before_files


def test_a_png_carrying_html_after_its_header_is_served_as_an_image_attachment(
    borrower_client: Client, case: Case
) -> None:
    """A polyglot passes as the image it starts as; it must never be served as HTML."""
    data = png_bytes() + b"<html><script>alert(1)</script></html>"
    for endpoint in sorted(ENDPOINTS):
        response = post_file(borrower_client, endpoint, case, "poly.png", data)
        if response.status_code != 302:
            continue  # refused is fine too
    downloads = [
        reverse("evidence:download", args=[case.pk, item.uuid])
        for item in EvidenceItem.objects.filter(case=case)
    ] + [
        reverse("negotiation:file", args=[case.pk, file.pk])
        for file in NegotiationFile.objects.filter(case=case)
    ]
    assert downloads
    for url in downloads:
        response = borrower_client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].split(";")[0] == "image/png", url
        assert response["Content-Disposition"].startswith("attachment;"), url
        assert response["X-Content-Type-Options"] == "nosniff", url


# --- XML: bombs, entities, DTDs ---------------------------------------------------------------


def xml_attacks(listener: Listener, secret: Path) -> dict[str, bytes]:
    sms = '<sms protocol="0" address="10086" date="1700000000000" type="1" body="{}" />'
    laughs = "".join(
        f'<!ENTITY l{i} "{"".join(f"&l{i - 1};" for _ in range(10))}">' for i in range(1, 10)
    )
    return {
        "billion-laughs": (
            f'<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY l0 "lol">{laughs}]>'
            f'<smses count="1">{sms.format("&l9;")}</smses>'
        ).encode(),
        "quadratic": (
            f'<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY a "{"x" * 50_000}">]>'
            f'<smses count="1">{sms.format("&a;" * 2000)}</smses>'
        ).encode(),
        "external-file": (
            f'<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY s SYSTEM "file://{secret}">]>'
            f'<smses count="1">{sms.format("&s;")}</smses>'
        ).encode(),
        "external-http": (
            f'<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY s SYSTEM "{listener.url}/e">]>'
            f'<smses count="1">{sms.format("&s;")}</smses>'
        ).encode(),
        "external-dtd": (
            f'<?xml version="1.0"?><!DOCTYPE smses SYSTEM "{listener.url}/x.dtd">'
            f'<smses count="1">{sms.format("hi")}</smses>'
        ).encode(),
        "parameter-entity": (
            f'<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY % p SYSTEM "{listener.url}/p">%p;]>'
            f'<smses count="1">{sms.format("hi")}</smses>'
        ).encode(),
        "xinclude": (
            '<?xml version="1.0"?><smses count="1" xmlns:xi="http://www.w3.org/2001/XInclude">'
            f'<xi:include href="file://{secret}" parse="text"/>{sms.format("hi")}</smses>'
        ).encode(),
    }


@pytest.mark.parametrize(
    "attack",
    [
        "billion-laughs",
        "quadratic",
        "external-file",
        "external-http",
        "external-dtd",
        "parameter-entity",
        "xinclude",
    ],
)
def test_xml_attacks_get_a_clear_message_and_import_nothing(
    borrower_client: Client, case: Case, listener: Listener, tmp_path: Path, attack: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY-XML-FILE")
    data = xml_attacks(listener, secret)[attack]

    response = borrower_client.post(
        reverse("intake:upload", args=[case.pk]),
        {"file": SimpleUploadedFile("sms-20260101.xml", data, content_type="text/xml")},
    )

    body = response.content.decode()
    assert "CANARY" not in body
    assert listener.hits == []
    assert not Message.objects.filter(case=case, body__contains="CANARY").exists()
    if attack == "xinclude":
        # Not an attack on a parser that does not do XInclude: the one message is imported and
        # nothing is included.
        return
    assert response.status_code == 400, attack
    assert says_what_went_wrong(body)
    assert (ImportBatch.objects.count(), Message.objects.count(), Call.objects.count()) == (0, 0, 0)


# --- Bodies over the limit ------------------------------------------------------------------


class _Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")

    def readinto(self, buffer: Any) -> int:
        raise AssertionError("the body was read")

    def readline(self, size: int | None = -1) -> bytes:
        raise AssertionError("the body was read")


def _sample_url(route_name: str) -> str:
    _route, pattern = ALL_URLS[route_name]
    values: dict[str, Any] = {}
    for key, converter in pattern.pattern.converters.items():  # type: ignore[attr-defined]
        kind = type(converter).__name__
        values[key] = {"IntConverter": 1, "UUIDConverter": uuid.uuid4()}.get(kind, "x")
    if route_name.endswith("document_new"):
        values["kind"] = "evidence_list"
    return reverse(route_name, kwargs=values)


UPLOAD_URLS = [
    "evidence:upload",
    "intake:upload",
    "negotiation:documents",
    "negotiation:contact_attach",
    "negotiation:contact_new",
    "negotiation:agreement_new",
    "negotiation:agreement_confirm",
    "negotiation:payment_paid",
    "accounts:login",
]


@pytest.mark.parametrize("name", UPLOAD_URLS)
@pytest.mark.parametrize("length", [2 * 1024**3, None])
def test_a_body_over_the_limit_is_refused_by_the_wsgi_handler_before_it_is_read(
    db: None, name: str, length: int | None
) -> None:
    statuses: list[str] = []
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": _sample_url(name),
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": _Unreadable(),
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": "multipart/form-data; boundary=xyz",
    }
    if length is None:
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    else:
        environ["CONTENT_LENGTH"] = str(length)

    result = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    body = b"".join(result)

    assert statuses == ["413 Request Entity Too Large"]
    assert "文件太大".encode() in body
