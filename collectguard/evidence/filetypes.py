"""What an uploaded file really is, decided by its content and never by its name.

Binary formats are recognised by their magic bytes (the `filetype` library); plain text and the
phone-backup XML are recognised by decoding the first bytes. A file is accepted only when its
content is one of the allowed types *and* its extension (if it has one) belongs to that type,
so `photo.jpg` holding HTML, PHP or SVG is refused (OWASP ASVS 5.2.2).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import filetype
from django.utils.translation import gettext_lazy as _

#: How many leading bytes detection looks at.
SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileType:
    key: str
    mime: str
    #: Extensions a file with this content may carry; the first is used when a name has none.
    extensions: tuple[str, ...]
    family: str  # image, audio, video, pdf, text, backup
    label: Any

    @property
    def is_image(self) -> bool:
        return self.family == "image"


ALLOWED_TYPES: dict[str, FileType] = {
    t.key: t
    for t in (
        FileType("jpg", "image/jpeg", ("jpg", "jpeg", "jfif", "jpe"), "image", _("JPEG 图片")),
        FileType("png", "image/png", ("png",), "image", _("PNG 图片")),
        FileType("webp", "image/webp", ("webp",), "image", _("WebP 图片")),
        FileType("gif", "image/gif", ("gif",), "image", _("GIF 图片")),
        FileType("heic", "image/heic", ("heic", "heif"), "image", _("HEIC 图片（苹果手机照片）")),
        FileType("mp3", "audio/mpeg", ("mp3",), "audio", _("MP3 录音")),
        FileType("m4a", "audio/mp4", ("m4a", "mp4", "aac"), "audio", _("M4A 录音")),
        FileType("aac", "audio/aac", ("aac", "m4a"), "audio", _("AAC 录音")),
        FileType("amr", "audio/amr", ("amr",), "audio", _("AMR 录音（手机通话录音）")),
        FileType("wav", "audio/wav", ("wav",), "audio", _("WAV 录音")),
        FileType("ogg", "audio/ogg", ("ogg", "oga", "opus"), "audio", _("OGG 录音")),
        # Phone recorders often write M4A audio in a generic MP4 container.
        FileType("mp4", "video/mp4", ("mp4", "m4a", "m4v"), "video", _("MP4 视频或录音")),
        FileType("mov", "video/quicktime", ("mov",), "video", _("MOV 视频")),
        FileType("3gp", "video/3gpp", ("3gp", "3gpp"), "video", _("3GP 视频或录音")),
        FileType("pdf", "application/pdf", ("pdf",), "pdf", _("PDF 文件")),
        FileType("txt", "text/plain", ("txt", "text"), "text", _("纯文本")),
        FileType("xml", "application/xml", ("xml",), "backup", _("短信 / 通话记录备份（XML）")),
    )
}

#: What the upload page tells people they may send.
ALLOWED_SUMMARY = _(
    "图片（JPG、PNG、WebP、GIF、HEIC）、录音（MP3、M4A、AMR、AAC、WAV、OGG）、"
    "视频（MP4、MOV、3GP）、PDF、纯文本（TXT）和手机短信 / 通话记录备份（XML）"
)

# filetype's keys for the binary types we accept → our keys.
_BINARY: dict[str, str] = {
    "jpg": "jpg",
    "png": "png",
    "webp": "webp",
    "gif": "gif",
    "heic": "heic",
    "mp3": "mp3",
    "m4a": "m4a",
    "aac": "aac",
    "amr": "amr",
    "wav": "wav",
    "ogg": "ogg",
    "mp4": "mp4",
    "m4v": "mp4",
    "mov": "mov",
    "3gp": "3gp",
    "pdf": "pdf",
}

# Recognised but refused, with a hint of what to do instead.
_REFUSED_HINTS: dict[str, Any] = {
    "zip": _("压缩包不能直接上传：请解压后把里面的截图、录音等逐个上传。"),
    "rar": _("压缩包不能直接上传：请解压后把里面的截图、录音等逐个上传。"),
    "7z": _("压缩包不能直接上传：请解压后把里面的截图、录音等逐个上传。"),
    "docx": _("Word 文档请先另存为 PDF 再上传。"),
    "doc": _("Word 文档请先另存为 PDF 再上传。"),
    "xlsx": _("表格请先另存为 PDF 再上传。"),
    "xls": _("表格请先另存为 PDF 再上传。"),
    "exe": _("这是可执行程序，不能作为证据上传。"),
    "elf": _("这是可执行程序，不能作为证据上传。"),
}

_MARKUP_TAGS = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|svg|iframe|object|embed|meta|link|"
    rb"style|img|a\s|form|base|frame|frameset|math|xsl:)",
    re.IGNORECASE,
)
# Real exports put a comment and an <?xml-stylesheet?> instruction before the root element.
_XML_ROOT = re.compile(r"^(?:(?:<\?[^>]*\?>|<!--.*?-->)\s*)*<\s*([A-Za-z_][\w.:-]*)", re.DOTALL)
_BACKUP_ROOTS = {"smses", "calls"}


class FileTypeError(Exception):
    """The file may not be stored; `message` says why, in the user's language."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def extension_of(name: str) -> str:
    """The lower-case extension of a (sanitised) name, without the dot.

    >>> extension_of("截图.JPG")
    'jpg'
    >>> extension_of("no-extension")
    ''
    """
    base = name.rsplit("/", 1)[-1]
    if "." not in base.strip("."):
        return ""
    return base.rsplit(".", 1)[-1].strip().lower()


def detect(head: bytes, name: str) -> FileType:
    """The allowed type of a file whose first bytes are `head`, or FileTypeError.

    `name` is the user's file name: only its extension is used, to refuse disguised files.
    """
    if not head:
        raise FileTypeError(_("文件是空的（0 字节），没有可以保存的内容。"))
    detected = _detect_content(head)
    ext = extension_of(name)
    if ext and ext not in detected.extensions:
        claimed = _type_for_extension(ext)
        if claimed is None:
            raise FileTypeError(
                _("不接受扩展名为 .%(ext)s 的文件。可以上传：%(allowed)s。")
                % {"ext": ext, "allowed": ALLOWED_SUMMARY}
            )
        raise FileTypeError(
            _(
                "文件名说它是%(claimed)s（.%(ext)s），但文件内容其实是%(actual)s。"
                "为防止伪装的文件，这样的文件不能上传。请确认选对了文件；"
                "如果内容没问题，请把扩展名改成 .%(right)s 再上传。"
            )
            % {
                "claimed": claimed.label,
                "ext": ext,
                "actual": detected.label,
                "right": detected.extensions[0],
            }
        )
    return detected


def _type_for_extension(ext: str) -> FileType | None:
    for file_type in ALLOWED_TYPES.values():
        if ext in file_type.extensions:
            return file_type
    return None


def _detect_content(head: bytes) -> FileType:
    kind = filetype.guess(head[:8192])
    if kind is not None:
        key = _BINARY.get(kind.extension)
        if key is not None:
            return ALLOWED_TYPES[key]
        hint = _REFUSED_HINTS.get(kind.extension, "")
        raise FileTypeError(
            _("不接受这种文件（检测到的类型：%(mime)s）。%(hint)s可以上传：%(allowed)s。")
            % {"mime": kind.mime, "hint": hint, "allowed": ALLOWED_SUMMARY}
        )
    text = _decode_text(head)
    if text is None:
        raise FileTypeError(
            _("无法识别这个文件的类型。可以上传：%(allowed)s。") % {"allowed": ALLOWED_SUMMARY}
        )
    stripped = text.lstrip("\ufeff \t\r\n")
    root = _xml_root(stripped)
    has_doctype = "<!DOCTYPE" in stripped[:4096].upper()
    if root is not None or has_doctype:
        if root in _BACKUP_ROOTS and not has_doctype:
            return ALLOWED_TYPES["xml"]
        if root not in {"html", "svg"} and not _looks_like_markup(head):
            raise FileTypeError(
                _(
                    "这个 XML 文件不是手机短信或通话记录备份。只接受 “SMS Backup & Restore”"
                    "（短信备份与恢复）导出的 sms-….xml 和 calls-….xml 文件。"
                )
            )
    if _looks_like_markup(head):
        raise FileTypeError(
            _("这个文件里是网页代码（HTML / SVG / 脚本），不能作为证据上传。请上传截图或 PDF。")
        )
    return ALLOWED_TYPES["txt"]


def _looks_like_markup(head: bytes) -> bool:
    sample = head
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        sample = head.decode("utf-16", errors="ignore").encode("utf-8")
    return _MARKUP_TAGS.search(sample) is not None


def _xml_root(text: str) -> str | None:
    match = _XML_ROOT.match(text[:4096])
    return match.group(1).split(":")[-1].lower() if match else None


def _decode_text(head: bytes) -> str | None:
    """The text of `head` if it is UTF-8, UTF-16 (with BOM) or GB18030 text, else None."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return codecs.getincrementaldecoder("utf-16")().decode(head, final=False)
        except UnicodeDecodeError:
            return None
    if b"\x00" in head:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            # final=False: the sample may end inside a multi-byte character.
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        if _mostly_printable(text):
            return text
    return None


def _mostly_printable(text: str) -> bool:
    if not text:
        return False
    control = sum(
        1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n\f\v\x1b"
    )
    return control <= len(text) // 100


# --- File names -------------------------------------------------------------------------------

_BIDI_AND_CONTROL = re.compile(
    "[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
MAX_NAME_LENGTH = 120


def clean_filename(raw: str, *, fallback_ext: str = "") -> str:
    """A user's file name made safe to *display* (it never becomes a storage path).

    Directories (either slash), control and bidirectional-override characters are dropped,
    and long names are shortened keeping the extension.

    >>> clean_filename("../../etc/passwd")
    'passwd'
    >>> clean_filename("C:\\\\Users\\\\a\\\\截图 1.png")
    '截图 1.png'
    >>> clean_filename("\u202egpj.exe")
    'gpj.exe'
    >>> clean_filename("..", fallback_ext="jpg")
    '未命名文件.jpg'
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _BIDI_AND_CONTROL.sub("", name).strip().strip(".").strip()
    if not name:
        name = str(_("未命名文件")) + (f".{fallback_ext}" if fallback_ext else "")
    if len(name) > MAX_NAME_LENGTH:
        ext = extension_of(name)
        keep = MAX_NAME_LENGTH - len(ext) - 2
        name = f"{name[:keep]}…{'.' + ext if ext and len(ext) <= 10 else ''}"
    return name
