"""Type detection by content (collectguard.evidence.filetypes)."""

from __future__ import annotations

import doctest

import pytest

from collectguard.evidence import filetypes
from collectguard.evidence.filetypes import FileTypeError, clean_filename, detect
from tests.evidence.conftest import jpeg_bytes, png_bytes


def test_doctests_pass() -> None:
    result = doctest.testmod(filetypes)
    assert result.attempted and not result.failed


def test_real_images_are_recognised_whatever_their_extension_case() -> None:
    assert detect(jpeg_bytes(), "IMG_0001.JPEG").key == "jpg"
    assert detect(png_bytes(), "截图.PNG").key == "png"
    assert detect(png_bytes(), "no-extension").key == "png"


def test_a_png_named_jpg_is_refused_with_the_right_extension_to_use() -> None:
    with pytest.raises(FileTypeError) as caught:
        detect(png_bytes(), "photo.jpg")
    assert ".png" in str(caught.value.message)


def test_text_in_gb18030_and_utf16_is_text() -> None:
    assert detect("催收短信记录：今天不还就上门".encode("gb18030"), "记录.txt").key == "txt"
    assert detect("催收短信记录".encode("utf-16"), "记录.txt").key == "txt"


def test_only_phone_backups_are_accepted_as_xml() -> None:
    calls = b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<calls count='1'>"
    assert detect(calls, "calls-2025.xml").key == "xml"
    with pytest.raises(FileTypeError):
        detect(b"<?xml version='1.0'?><config><a/></config>", "settings.xml")


def test_a_backup_with_a_doctype_is_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY a "aaaa">]><smses>&a;</smses>'
    with pytest.raises(FileTypeError):
        detect(bomb, "sms.xml")


@pytest.mark.parametrize(
    "content",
    [
        b"<html><body>hi</body></html>",
        b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
        b"just text <img src=x onerror=alert(1)> more",
        "<script>".encode("utf-16"),
    ],
)
def test_markup_is_never_text(content: bytes) -> None:
    with pytest.raises(FileTypeError):
        detect(content, "notes.txt")


def test_names_are_cleaned_for_display_only() -> None:
    long_name = "截" * 300 + ".png"
    cleaned = clean_filename(long_name)
    assert cleaned.endswith(".png") and len(cleaned) <= filetypes.MAX_NAME_LENGTH
    assert clean_filename('a"\r\nX-Injected: 1.png') == 'a"X-Injected: 1.png'


def test_a_real_phone_backup_with_a_stylesheet_instruction_is_a_backup() -> None:
    from pathlib import Path

    from collectguard.evidence.filetypes import detect

    for name in ("sms-sample.xml", "calls-sample.xml"):
        head = (Path(__file__).parents[1] / "intake" / "data" / name).read_bytes()[:8192]
        assert detect(head, name).mime == "application/xml"
