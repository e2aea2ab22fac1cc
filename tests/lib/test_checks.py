"""collectguard.lib.checks: missing CJK fonts or HarfBuzz subsetting are reported loudly."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import ERROR, WARNING, run_checks

from collectguard.lib import checks, pdf

ALL_GOOD = pdf.FontSupport(harfbuzz_subset=True, cjk_families=("Noto Serif CJK SC",), missing="")
NO_CJK_FONT = pdf.FontSupport(harfbuzz_subset=True, cjk_families=(), missing="投诉人")
NO_HARFBUZZ = pdf.FontSupport(
    harfbuzz_subset=False, cjk_families=("Noto Serif CJK SC",), missing=""
)
NOTHING = pdf.FontSupport(harfbuzz_subset=False, cjk_families=(), missing="投诉人")
OURS = {"collectguard.W001", "collectguard.W002", "collectguard.E001", "collectguard.E002"}


@pytest.fixture
def detected(monkeypatch: pytest.MonkeyPatch) -> Any:
    def detect(support: pdf.FontSupport) -> None:
        monkeypatch.setattr(pdf, "font_support", lambda: support)

    return detect


def ids(messages: list[Any]) -> list[str]:
    # Only this module's ids: other apps may register checks under the same tag.
    return [message.id for message in messages if message.id in OURS]


def test_it_is_silent_when_fonts_and_harfbuzz_are_there(detected: Any) -> None:
    detected(ALL_GOOD)

    assert checks.check_pdf_fonts() == []


def test_it_warns_that_pdfs_would_print_boxes_without_a_cjk_font(detected: Any) -> None:
    detected(NO_CJK_FONT)

    [message] = checks.check_pdf_fonts()

    assert message.id == "collectguard.W001"
    assert message.level == WARNING
    assert "boxes" in message.msg
    assert message.hint is not None
    assert "apt-get install fonts-noto-cjk libharfbuzz-subset0" in message.hint


def test_it_warns_that_pdfs_would_be_slow_without_harfbuzz_subset(detected: Any) -> None:
    detected(NO_HARFBUZZ)

    [message] = checks.check_pdf_fonts()

    assert message.id == "collectguard.W002"
    assert message.level == WARNING
    assert "seconds" in message.msg
    assert message.hint is not None
    assert "apt-get install fonts-noto-cjk libharfbuzz-subset0" in message.hint


def test_it_reports_both_problems_at_once(detected: Any) -> None:
    detected(NOTHING)

    assert ids(checks.check_pdf_fonts()) == ["collectguard.W001", "collectguard.W002"]


def test_they_are_errors_when_production_requires_fast_cjk(detected: Any, settings: Any) -> None:
    settings.PDF_REQUIRE_FAST_CJK = True
    detected(NOTHING)

    messages = checks.check_pdf_fonts()

    assert ids(messages) == ["collectguard.E001", "collectguard.E002"]
    assert all(message.level == ERROR for message in messages)


def test_the_check_is_registered_with_django(detected: Any) -> None:
    detected(NOTHING)

    assert ids(run_checks(tags=["collectguard"])) == ["collectguard.W001", "collectguard.W002"]


# --- The real detection (CI installs fonts-noto-cjk and libharfbuzz-subset0) -----------------


def test_this_machine_has_what_fast_chinese_pdfs_need() -> None:
    support = pdf.font_support()

    assert support.harfbuzz_subset
    assert support.cjk_ok
    assert "Noto Serif CJK SC" in support.cjk_families
    assert ids(run_checks(tags=["collectguard"])) == []


def test_harfbuzz_detection_agrees_with_weasyprint(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Unload the subset library the way a machine without libharfbuzz-subset0 would: both the
    # check and WeasyPrint's subsetter must then see it missing. (Latin text in DejaVu Sans, so
    # the fontTools fallback takes a moment instead of the ~17 s a CJK font would.)
    import weasyprint.pdf.fonts
    import weasyprint.text.ffi

    caplog.set_level(logging.WARNING, logger="weasyprint")
    html = '<html><body style="font-family: DejaVu Sans, sans-serif"><p>Hello</p></body></html>'
    assert pdf._harfbuzz_subset_available()

    monkeypatch.setattr(weasyprint.text.ffi, "harfbuzz_subset", None)
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    pdf.html_to_pdf(html, pdf_variant=None)

    assert not pdf._harfbuzz_subset_available()
    assert "Using fontTools instead of HarfBuzz-Subset" in caplog.text


def test_the_font_probe_sees_boxes_when_fontconfig_has_no_cjk_font(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A fontconfig configuration with no fonts at all: what a bare container has.
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig><dir>{fonts}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))

    found = pdf._probe_cjk_fonts()

    assert found["cjk_families"] == ()
    assert found["missing"]


def test_the_font_probe_finds_noto_cjk() -> None:
    found = pdf._probe_cjk_fonts()

    assert found == {"cjk_families": ("Noto Serif CJK SC",), "missing": ""}


def test_the_fc_list_fallback_assumes_the_worst_without_fc_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing_binary(*args: Any, **kwargs: Any) -> None:
        raise FileNotFoundError("fc-list")

    monkeypatch.setattr(subprocess, "run", missing_binary)

    found = pdf._probe_cjk_fonts_with_fc_list()

    assert found["cjk_families"] == ()
    assert found["missing"]
