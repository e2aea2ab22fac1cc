"""System checks for printing Chinese PDFs (registered from CasesConfig.ready()).

WeasyPrint degrades silently: without a CJK font, Chinese prints as boxes; without HarfBuzz's
subset library, it falls back to fontTools and a one-page letter takes ~17 s instead of ~0.3 s
(SECURITY-NOTES §6.2). Both only show up as WARNING log lines that settings silence. These checks
make them loud at start-up and in CI: Warnings by default, Errors (which stop `manage.py`
commands that run checks) when ``settings.PDF_REQUIRE_FAST_CJK`` is True, as it should be in
production. gunicorn runs no system checks: run ``manage.py check`` in the deploy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

W_NO_CJK_FONT = "collectguard.W001"
W_NO_HARFBUZZ_SUBSET = "collectguard.W002"
E_NO_CJK_FONT = "collectguard.E001"
E_NO_HARFBUZZ_SUBSET = "collectguard.E002"


@register("collectguard")
def check_pdf_fonts(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    # Imported here, not at module level: loading WeasyPrint's native libraries takes a second
    # or more, and ready() should not pay it for commands that skip checks.
    from collectguard.lib import pdf

    strict = bool(getattr(settings, "PDF_REQUIRE_FAST_CJK", False))
    level: type[Error] | type[Warning] = Error if strict else Warning
    support = pdf.font_support()
    fix = f"On Debian/Ubuntu, as root: {pdf.FONT_FIX_COMMAND}"
    messages: list[CheckMessage] = []
    if not support.cjk_ok:
        missing = support.missing or "all Chinese text"
        messages.append(
            level(
                "No installed font covers Chinese text: PDFs would print boxes "
                f"(no glyph for {missing!s}; families tried: {', '.join(pdf.CJK_FONT_FAMILIES)}).",
                hint=fix,
                id=E_NO_CJK_FONT if strict else W_NO_CJK_FONT,
            )
        )
    if not support.harfbuzz_subset:
        messages.append(
            level(
                "WeasyPrint cannot load HarfBuzz's subset library (libharfbuzz-subset.so.0, "
                "HarfBuzz >= 4.1): it would subset CJK fonts with fontTools and PDFs would take "
                "seconds instead of a fraction of one.",
                hint=fix,
                id=E_NO_HARFBUZZ_SUBSET if strict else W_NO_HARFBUZZ_SUBSET,
            )
        )
    return messages
