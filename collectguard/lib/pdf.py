"""Printing documents: one Django template gives the HTML preview and the PDF.

This is the only module that imports WeasyPrint (STYLE.md habit 6). Three rules hold for every
PDF it makes (SECURITY-NOTES §2):

* User text reaches the HTML only through autoescaped template variables; rendering refuses an
  engine with autoescaping turned off.
* WeasyPrint can read nothing but the app's own static files: :data:`safe_url_fetcher` resolves
  ``/static/…`` URLs (and ``file://`` paths inside the static directories) from disk and refuses
  everything else — no network, no other files, no ``data:``, no redirects.
* Nothing is ever embedded as a PDF attachment: ``<link rel=attachment>`` and
  ``<a rel=attachment>`` are dropped after layout, and the fetcher is swapped for one that
  refuses everything before the PDF is written.

Speed (SECURITY-NOTES §6): fonts are subset, never embedded whole (``full_fonts`` stays off),
and WeasyPrint must find HarfBuzz's subsetter (``libharfbuzz-subset0``) or a CJK page takes
seconds instead of a fraction of one. :func:`font_support` reports what WeasyPrint will do;
``collectguard.lib.checks`` turns it into system checks.

API: :func:`render_pdf` (template → :class:`RenderedDocument`), :func:`render_preview` (the same
HTML as an HttpResponse), :func:`render_html` and :func:`html_to_pdf` (the two halves, e.g. to
re-print a snapshot's HTML), :data:`safe_url_fetcher`, :func:`font_support`.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import subprocess
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, NoReturn
from urllib.parse import SplitResult, unquote, urlsplit
from urllib.request import url2pathname

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.http import HttpRequest, HttpResponse
from django.template.loader import get_template
from weasyprint import HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# Relative URLs in documents ("/static/css/pdf.css" from {% static %}) need an absolute base to
# resolve against. ".invalid" never resolves (RFC 2606) and the fetcher maps this origin to disk,
# so the base is neither a network address nor the request's Host header (which would put a
# client-chosen name into the PDF's links).
PDF_BASE_URL: Final = "https://collectguard.invalid/"

# PDF/A-3b: archival PDF (all fonts embedded, sRGB output intent, XMP metadata) that may carry
# attachments later (the evidence list's hashes). Measured on WeasyPrint 70: +3 KB and no
# measurable time per document, so it is the default. Not validated with veraPDF here.
DEFAULT_PDF_VARIANT: Final[str | None] = "pdf/a-3b"
PDF_VARIANTS: Final = frozenset({None, "pdf/a-3b"})

# Must match the font-family of `html` in static/css/pdf.css (a test compares them): the
# system check probes the same list that the stylesheet asks Pango for.
CJK_FONT_FAMILIES: Final = ("Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "serif")
FONT_FIX_COMMAND: Final = "apt-get install fonts-noto-cjk libharfbuzz-subset0"

# What a document may load from static files, with the type WeasyPrint is told (it ignores a
# stylesheet served as anything but text/css).
STATIC_CONTENT_TYPES: Final = {
    ".css": "text/css",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".otf": "font/otf",
    ".ttf": "font/ttf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}
MAX_STATIC_BYTES: Final = 8 * 1024 * 1024
_MAX_URL_LENGTH: Final = 2048


@dataclass(frozen=True)
class RenderedDocument:
    """A printed document: the HTML it came from, the PDF bytes and their SHA-256.

    Store all of it in a snapshot (STYLE.md habit 7). Rendering is deterministic: re-printing
    the stored ``html`` with :func:`html_to_pdf` gives the same bytes as long as WeasyPrint, the
    fonts and static/css/pdf.css are unchanged, so keep the PDF itself as well.
    """

    html: str
    pdf: bytes
    sha256: str
    pages: int


class ResourceRefused(ValueError):
    """Raised by the fetcher for anything that is not one of the app's static files.

    A ValueError, so WeasyPrint logs it and leaves the resource out instead of aborting: a
    refused URL can only come from a template, and a letter without a stray image is better
    than no letter.
    """


# --- URL fetching ---------------------------------------------------------------------------


class StaticFilesURLFetcher(URLFetcher):
    """WeasyPrint fetcher that reads the app's static files from disk and refuses the rest.

    WeasyPrint 70 requires a ``URLFetcher`` (plain functions and ``default_url_fetcher`` are
    gone); its documented extension point is overriding :meth:`fetch`. The inherited urllib
    machinery is never called, and is configured to refuse every protocol and redirect in case
    a future WeasyPrint reaches it some other way.
    """

    def __init__(self) -> None:
        super().__init__(timeout=2, allowed_protocols=(), allow_redirects=False)

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        path = resolve_static_url(url)
        # Read the resolved real path, not the URL's, so a symlink swapped in after the check
        # cannot redirect the read; cap the size so a huge file cannot stall the render.
        with path.open("rb") as handle:
            body = handle.read(MAX_STATIC_BYTES + 1)
        if len(body) > MAX_STATIC_BYTES:
            _refuse(url, "larger than MAX_STATIC_BYTES")
        content_type = STATIC_CONTENT_TYPES[path.suffix.lower()]
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


class _RefuseAllURLFetcher(URLFetcher):
    """Used once layout is done: writing the PDF has no business fetching anything."""

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols=(), allow_redirects=False)

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        _refuse(url, "fetch after layout (attachment or metadata)")


# Stateless (fetch() keeps nothing between calls), so one instance serves every thread.
safe_url_fetcher: Final = StaticFilesURLFetcher()


def _refuse(url: str, reason: str) -> NoReturn:
    # Logged on our logger because settings silence WeasyPrint's below ERROR; a refusal means a
    # template (or something that got into one) asked for a resource it must not have.
    shown = url if len(url) <= 120 else url[:117] + "..."
    logger.warning("PDF resource refused (%s): %s", reason, shown)
    raise ResourceRefused(f"refused ({reason}): {shown}")


def resolve_static_url(url: str) -> Path:
    """Return the real path of the static file `url` names, or raise :class:`ResourceRefused`.

    Accepted: ``/static/<path>`` (also on :data:`PDF_BASE_URL`, or on ``STATIC_URL`` if that is
    an absolute URL) found by the staticfiles finders or in ``STATIC_ROOT``, and ``file://``
    URLs of files inside those directories. The file must be a regular file with an allowed
    extension whose real path (symlinks resolved) is inside a static directory.
    """
    if len(url) > _MAX_URL_LENGTH:
        _refuse(url, "URL too long")
    try:
        parts = urlsplit(url)
    except ValueError:
        _refuse(url, "malformed URL")
    scheme = parts.scheme.lower()
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            _refuse(url, "file URL on another host")
        _check_path_text(url, unquote(parts.path), relative=False)
        return _inside_static_roots(url, [Path(url2pathname(parts.path))])

    relative = _static_relative_path(url, parts)
    candidates = []
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:
        _refuse(url, "path outside the finders' directories")
    if isinstance(found, str):
        candidates.append(Path(found))
    if settings.STATIC_ROOT:
        # Collected files, including ManifestStaticFilesStorage's hashed names in production.
        candidates.append(Path(settings.STATIC_ROOT) / relative)
    return _inside_static_roots(url, candidates)


def _static_relative_path(url: str, parts: SplitResult) -> str:
    static = urlsplit(settings.STATIC_URL or "/static/")
    base = urlsplit(PDF_BASE_URL)
    # Origins whose /static/ paths are read from disk (never over the network): ours, and
    # STATIC_URL's when it names a host (a CDN in front of collected files).
    origins = {(base.scheme, base.netloc)}
    if static.netloc:
        for scheme in [static.scheme.lower()] if static.scheme else ["http", "https"]:
            origins.add((scheme, static.netloc.lower()))
    origin = (parts.scheme.lower(), parts.netloc.lower())
    if origin == ("", ""):
        if not parts.path.startswith("/"):
            _refuse(url, "relative URL")
    elif origin not in origins:
        _refuse(url, "not a static file URL")
    prefix = static.path if static.path.endswith("/") else static.path + "/"
    if not parts.path.startswith(prefix):
        _refuse(url, "outside STATIC_URL")
    relative = unquote(parts.path[len(prefix) :])
    _check_path_text(url, relative, relative=True)
    return relative


def _check_path_text(url: str, path: str, *, relative: bool) -> None:
    # Decoded text, so %2e%2e and %00 are caught too; resolution below would catch most of this
    # again, but a URL that tries is refused without touching the filesystem.
    if not path or "\x00" in path or "\\" in path:
        _refuse(url, "bad path")
    segments = path.split("/")
    if any(segment in {"..", "."} for segment in segments):
        _refuse(url, "path traversal")
    if relative and "" in segments:
        # "/static//etc/passwd" would make the path absolute when joined to a static root.
        _refuse(url, "empty path segment")
    if Path(path).suffix.lower() not in STATIC_CONTENT_TYPES:
        _refuse(url, "file type not allowed")


def _static_roots() -> list[Path]:
    """Real paths of every directory static files are served from."""
    roots: list[str | os.PathLike[str]] = []
    for entry in settings.STATICFILES_DIRS:
        roots.append(entry[1] if isinstance(entry, tuple | list) else entry)
    if settings.STATIC_ROOT:
        roots.append(settings.STATIC_ROOT)
    roots.extend(Path(config.path) / "static" for config in apps.get_app_configs())
    return [Path(os.path.realpath(root)) for root in roots]


def _inside_static_roots(url: str, candidates: list[Path]) -> Path:
    roots = _static_roots()
    for candidate in candidates:
        real = Path(os.path.realpath(candidate))
        if any(real.is_relative_to(root) for root in roots) and real.is_file():
            if real.suffix.lower() not in STATIC_CONTENT_TYPES:
                _refuse(url, "file type not allowed")
            return real
    _refuse(url, "not a static file")


# --- Rendering ------------------------------------------------------------------------------


def render_html(
    template_name: str, context: Mapping[str, Any], *, request: HttpRequest | None = None
) -> str:
    """Render a document template to the HTML that is both previewed and printed."""
    template = get_template(template_name)
    backend = getattr(template, "backend", None)
    if backend is None or not backend.engine.autoescape:
        # Escaping is the first line of defence: user text must never become markup that
        # WeasyPrint would act on (links, stylesheets, attachments).
        raise ImproperlyConfigured("PDF templates need a Django template engine with autoescape")
    full_context = {"LEGAL_AID_HOTLINE": getattr(settings, "LEGAL_AID_HOTLINE", "12348"), **context}
    return template.render(full_context, request)


def render_pdf(
    template_name: str,
    context: Mapping[str, Any],
    *,
    request: HttpRequest | None = None,
    pdf_variant: str | None = DEFAULT_PDF_VARIANT,
) -> RenderedDocument:
    """Render a document template to HTML, then to PDF."""
    html = render_html(template_name, context, request=request)
    return html_to_pdf(html, pdf_variant=pdf_variant)


def render_preview(
    template_name: str, context: Mapping[str, Any], request: HttpRequest
) -> HttpResponse:
    """The HTML preview of a document: the very HTML that :func:`render_pdf` prints."""
    return HttpResponse(render_html(template_name, context, request=request))


def html_to_pdf(html: str, *, pdf_variant: str | None = DEFAULT_PDF_VARIANT) -> RenderedDocument:
    """Print HTML made by :func:`render_html` (or stored in a snapshot) to PDF."""
    if pdf_variant not in PDF_VARIANTS:
        raise ValueError(f"unsupported PDF variant: {pdf_variant!r}")
    options: dict[str, Any] = {
        "pdf_variant": pdf_variant,
        # Presentational hints turn HTML attributes into CSS; off (CVE-2026-49452).
        "presentational_hints": False,
        # Subset fonts: a whole Noto CJK collection is 19–26 MB per weight.
        "full_fonts": False,
        "hinting": False,
    }
    source = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=safe_url_fetcher)
    document = source.render(font_config=_font_config(), **options)
    _drop_attachments(document)
    pdf = document.write_pdf(**options)
    return RenderedDocument(
        html=html, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), pages=len(document.pages)
    )


def _drop_attachments(document: Document) -> None:
    """Make sure nothing gets embedded in the PDF as a file attachment.

    WeasyPrint embeds the target of every ``<link rel=attachment>`` and ``<a rel=attachment>``
    (SECURITY-NOTES §2.1: the measured way to leak local files and internal HTTP responses).
    The fetcher already refuses such targets; dropping the attachments as well means even a
    static file cannot be attached, and the swapped fetcher refuses anything write_pdf() asks.
    """
    dropped = len(document.metadata.attachments)
    document.metadata.attachments = []
    for page in document.pages:
        kept = [link for link in page.links if link[0] != "attachment"]
        dropped += len(page.links) - len(kept)
        page.links = kept
    document.url_fetcher = _RefuseAllURLFetcher()
    if dropped:
        logger.warning("PDF attachments dropped: %d", dropped)


_thread_state = threading.local()


def _font_config() -> FontConfiguration:
    # One FontConfiguration per thread: Pango keeps the fonts it has opened in the font map, so
    # later renders skip reopening the CJK collections; Pango objects are not shared across
    # threads.
    config = getattr(_thread_state, "font_config", None)
    if config is None:
        config = _thread_state.font_config = FontConfiguration()
    return config


# --- What WeasyPrint will do with fonts -----------------------------------------------------


@dataclass(frozen=True)
class FontSupport:
    """What the system check needs to know about fonts, as WeasyPrint itself sees it."""

    harfbuzz_subset: bool
    """WeasyPrint will subset fonts with HarfBuzz (fast) rather than fontTools (seconds)."""
    cjk_families: tuple[str, ...]
    """Font families Pango chose for a Chinese probe text under :data:`CJK_FONT_FAMILIES`."""
    missing: str
    """Probe characters no installed font has: they would print as boxes."""

    @property
    def cjk_ok(self) -> bool:
        return bool(self.cjk_families) and not self.missing


_CJK_PROBE_TEXT: Final = "投诉人被投诉人证据目录第页共"


@functools.cache
def font_support() -> FontSupport:
    """Detect HarfBuzz subsetting and CJK fonts once per process."""
    return FontSupport(harfbuzz_subset=_harfbuzz_subset_available(), **_probe_cjk_fonts())


def _harfbuzz_subset_available() -> bool:
    # The exact test weasyprint/pdf/fonts.py (Font.subset) makes before choosing HarfBuzz over
    # fontTools, on the libraries weasyprint/text/ffi.py loaded, so the check and WeasyPrint
    # cannot disagree.
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return bool(harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0))


def _probe_cjk_fonts() -> dict[str, Any]:
    try:
        return _probe_cjk_fonts_with_pango()
    except Exception:
        # WeasyPrint's cffi bindings are not public API; if they change, ask fontconfig.
        logger.exception("Pango font probe failed; falling back to fc-list")
        return _probe_cjk_fonts_with_fc_list()


def _probe_cjk_fonts_with_pango() -> dict[str, Any]:
    """Lay out Chinese text the way WeasyPrint does and see which fonts Pango picks.

    Uses WeasyPrint's own FontConfiguration and Pango bindings, and the test draw/text.py uses
    to log ".notdef glyph rendered" (PANGO_GLYPH_UNKNOWN_FLAG), without writing a PDF (which
    would subset fonts: slow exactly when HarfBuzz is missing).
    """
    from weasyprint.text.ffi import TO_UNITS, ffi, gobject, pango

    font_config = FontConfiguration()
    context = ffi.gc(
        pango.pango_font_map_create_context(font_config.font_map), gobject.g_object_unref
    )
    pango.pango_context_set_language(context, pango.pango_language_from_string(b"zh-cn"))
    layout = ffi.gc(pango.pango_layout_new(context), gobject.g_object_unref)
    description = ffi.gc(pango.pango_font_description_new(), pango.pango_font_description_free)
    pango.pango_font_description_set_family(description, ",".join(CJK_FONT_FAMILIES).encode())
    pango.pango_font_description_set_absolute_size(description, 12 * TO_UNITS)
    pango.pango_layout_set_font_description(layout, description)
    text = _CJK_PROBE_TEXT.encode()
    pango.pango_layout_set_text(layout, text, len(text))

    families: list[str] = []
    missing: list[str] = []
    line = pango.pango_layout_get_line_readonly(layout, 0)
    run = line.runs
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        font = glyph_item.item.analysis.font
        family = ""
        if font != ffi.NULL:  # NULL when fontconfig knows no font at all
            font_description = ffi.gc(
                pango.pango_font_describe_with_absolute_size(font),
                pango.pango_font_description_free,
            )
            name = pango.pango_font_description_get_family(font_description)
            family = ffi.string(name).decode() if name != ffi.NULL else ""
        glyphs = glyph_item.glyphs
        run_missing = [
            chr(glyphs.glyphs[i].glyph - pango.PANGO_GLYPH_UNKNOWN_FLAG)
            for i in range(glyphs.num_glyphs)
            if glyphs.glyphs[i].glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG
        ]
        missing.extend(run_missing)
        if family and not run_missing and family not in families:
            families.append(family)
    return {"cjk_families": tuple(families), "missing": "".join(dict.fromkeys(missing))}


def _probe_cjk_fonts_with_fc_list() -> dict[str, Any]:
    try:
        result = subprocess.run(
            ["fc-list", ":lang=zh", "family"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        logger.exception("fc-list failed")
        families: tuple[str, ...] = ()
    else:
        names = (line.split(",")[0].strip() for line in result.stdout.splitlines())
        families = tuple(sorted({name for name in names if name}))
    return {"cjk_families": families, "missing": "" if families else _CJK_PROBE_TEXT}
