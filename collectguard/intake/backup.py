"""Streaming parser for Android "SMS Backup & Restore" XML exports.

The app writes two files: an SMS file (root ``<smses>``, children ``<sms>`` and ``<mms>``) and a
call-log file (root ``<calls>``, children ``<call>``). All data lives in attributes; ``date`` is
epoch milliseconds (UTC) and is kept as is, ``readable_date`` (locale-dependent) is never read and
the root's ``count`` is ignored because it may not match the children.

Why the parser is built the way it is:

* Real exports reach hundreds of MB (MMS media inline as base64), so the file is fed to expat in
  chunks and no element tree is built at all: a small target object turns start/end callbacks
  into records and forgets each element at once. Memory stays bounded by the chunk size plus the
  largest single attribute value.
* The file is untrusted. ``defusedxml``'s parser refuses a DOCTYPE (and with it every entity
  trick: billion laughs, quadratic blowup, XXE) before anything is expanded.
* With "store emojis" on, the app writes emoji as UTF-16 surrogate character references
  (``&#55357;&#56864;``), which strict XML parsers reject. :class:`SurrogateRefReader` rewrites
  them in the byte stream, keeping every byte offset, line and column of the original file.
* Records are yielded lazily. The caller wraps the whole import in one transaction, so every
  problem in the file must surface as :class:`BackupError` (never another exception type) and
  a file that breaks halfway imports nothing.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final, Literal, Protocol, TypeVar

from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

__all__ = [
    "BackupError",
    "BackupKind",
    "BackupRecord",
    "BinaryReadable",
    "CallRecord",
    "CallType",
    "SmsBox",
    "SmsRecord",
    "SurrogateRefReader",
    "fix_surrogate_refs",
    "parse_backup",
    "sniff_kind",
]

BackupKind = Literal["sms", "calls"]
SmsBox = Literal["received", "sent", "draft", "outbox", "failed", "queued"]
CallType = Literal[
    "incoming", "outgoing", "missed", "voicemail", "rejected", "blocked", "answered_elsewhere"
]

# Android's Telephony.TextBasedSmsColumns.MESSAGE_TYPE_* (SMS ``type``) and
# Telephony.BaseMmsColumns.MESSAGE_BOX_* (MMS ``msg_box``) share these numbers.
_SMS_BOXES: Final[dict[str, SmsBox]] = {
    "1": "received",
    "2": "sent",
    "3": "draft",
    "4": "outbox",
    "5": "failed",
    "6": "queued",
}
# Android's CallLog.Calls.*_TYPE.
_CALL_TYPES: Final[dict[str, CallType]] = {
    "1": "incoming",
    "2": "outgoing",
    "3": "missed",
    "4": "voicemail",
    "5": "rejected",
    "6": "blocked",
    "7": "answered_elsewhere",
}
_ROOT_KINDS: Final[dict[str, BackupKind]] = {"smses": "sms", "calls": "calls"}

# MMS PDU header field codes used in <addr type="...">: 137 is From, 151 is To.
_MMS_FROM: Final = "137"
_MMS_TO: Final = "151"

# The app writes these placeholders instead of leaving an attribute empty.
_NULL: Final = "null"
_UNKNOWN_CONTACT: Final = "(Unknown)"

# Android's MMS provider stores seconds while SMS uses milliseconds; some exporters copy the
# seconds through. 10**11 ms is March 1973 and 10**11 s is the year 5138, so any smaller value
# can only be seconds.
_SECONDS_LIMIT: Final = 10**11

# Digits only: int() would also accept "1_000", " 12 " and non-ASCII digits, none of which a
# genuine export contains.
_INTEGER = re.compile(r"[0-9]{1,18}")
_SIGNED_INTEGER = re.compile(r"-?[0-9]{1,18}")

_CHUNK_SIZE: Final = 64 * 1024

_T = TypeVar("_T")


class BinaryReadable(Protocol):
    """Anything with ``read(size) -> bytes``: an open file, ``io.BytesIO``, a Django upload."""

    def read(self, size: int = -1, /) -> bytes: ...


class BackupError(Exception):
    """The backup file cannot be read whole; nothing from it should be imported.

    ``message_zh`` and ``message_en`` are sentences for the user, without the position;
    ``line`` and ``column`` (1-based, columns counted in characters) say where reading stopped,
    or are ``None`` when the problem is not tied to a place in the file. ``code`` is a stable
    machine-readable reason (``malformed``, ``truncated``, ``encoding``, ``forbidden_dtd``,
    ``unknown_root``, ``invalid_date``, ``invalid_value``, ``read_failed``).
    """

    def __init__(
        self,
        message_zh: str,
        message_en: str,
        line: int | None = None,
        column: int | None = None,
        code: str = "malformed",
    ) -> None:
        # Every argument goes to args, so the error survives pickling (e.g. out of a worker).
        super().__init__(message_zh, message_en, line, column, code)
        self.message_zh = message_zh
        self.message_en = message_en
        self.line = line
        self.column = column
        self.code = code

    def __str__(self) -> str:
        if self.line is None:
            return self.message_en
        if self.column is None:
            return f"line {self.line}: {self.message_en}"
        return f"line {self.line}, column {self.column}: {self.message_en}"


@dataclass(frozen=True, slots=True)
class SmsRecord:
    """One SMS or MMS as written in the backup.

    ``address`` is the other party exactly as written (``+8613612345678`` and ``13612345678``
    are not merged here), empty when the export has none. ``date_ms`` is epoch milliseconds,
    UTC. ``body`` is the text (an MMS's text parts joined by newlines), empty for ``"null"``.
    ``contact_name`` is ``None`` when the phone knew no name (``"null"``, ``"(Unknown)"``).
    ``line`` is where the element starts in the file, so a volunteer can find the original.
    """

    address: str
    date_ms: int
    box: SmsBox
    body: str
    is_mms: bool
    contact_name: str | None
    line: int


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One call-log entry as written in the backup.

    ``number`` is as written (empty for ``"null"``: hidden caller ID), ``date_ms`` is epoch
    milliseconds UTC, ``duration_s`` is 0 when the export records none.
    """

    number: str
    date_ms: int
    duration_s: int
    call_type: CallType
    contact_name: str | None
    line: int


BackupRecord = SmsRecord | CallRecord


# --------------------------------------------------------------------------------------------
# Surrogate character references
# --------------------------------------------------------------------------------------------

# Bounding the digits bounds how much the streaming reader ever holds back. A longer reference
# (absurd leading zeros) is left alone whole-file and chunked alike, so results never depend on
# chunk boundaries; if it names a surrogate, expat rejects it and the user gets a BackupError.
_MAX_REF_DIGITS: Final = 16
_CHAR_REF = re.compile(
    rb"&#(?:x([0-9a-fA-F]{1,%d})|([0-9]{1,%d}));" % (_MAX_REF_DIGITS, _MAX_REF_DIGITS)
)
# What the end of a chunk may look like when a character reference is cut in two.
_PARTIAL_REF = re.compile(
    rb"&(?:#(?:x[0-9a-fA-F]{0,%d}|[0-9]{0,%d})?)?" % (_MAX_REF_DIGITS, _MAX_REF_DIGITS)
)
_MAX_PARTIAL_LEN: Final = 3 + _MAX_REF_DIGITS
_REPLACEMENT_CHAR: Final = 0xFFFD


def _ref_value(match: re.Match[bytes]) -> int:
    hex_digits, dec_digits = match.groups()
    return int(hex_digits, 16) if hex_digits is not None else int(dec_digits)


def _padded_ref(code_point: int, width: int) -> bytes:
    # Leading zeros are legal in character references; padding keeps the rewritten stream the
    # same length as the original, so expat's line and column in errors match the user's file.
    # Every surrogate reference is at least as long as its replacement (see the tests).
    digits = str(code_point).encode("ascii")
    return b"&#" + digits.rjust(width - 3, b"0") + b";"


def _rewrite_surrogates(data: bytes, *, final: bool) -> tuple[bytes, bytes]:
    """Rewrite surrogate references in ``data``; return (rewritten, bytes to hold back).

    Unless ``final``, a tail that could still become a reference, or a high surrogate that
    could still be followed by its low half, is held back for the next chunk.
    """
    end = len(data)
    if not final:
        amp = data.rfind(b"&", max(0, end - _MAX_PARTIAL_LEN))
        if amp != -1 and _PARTIAL_REF.fullmatch(data, amp):
            end = amp
    # Most chunks hold no character reference at all: stay in C.
    if data.find(b"&#", 0, end) == -1:
        return data[:end], data[end:]

    out: list[bytes] = []
    copied = 0
    pos = 0
    while (ref := _CHAR_REF.search(data, pos, end)) is not None:
        value = _ref_value(ref)
        pos = ref.end()
        if not 0xD800 <= value <= 0xDFFF:
            continue
        replacement = _REPLACEMENT_CHAR
        stop = ref.end()
        if value <= 0xDBFF:
            low = _CHAR_REF.match(data, ref.end(), end)
            if low is not None and 0xDC00 <= (low_value := _ref_value(low)) <= 0xDFFF:
                replacement = 0x10000 + ((value - 0xD800) << 10) + (low_value - 0xDC00)
                stop = pos = low.end()
            elif low is None and ref.end() == end and not final:
                # The low half may be at the start of the next chunk.
                end = ref.start()
                break
        # A lone surrogate becomes U+FFFD: visible in the text instead of silently dropped,
        # and the rest of the file still imports.
        out.append(data[copied : ref.start()])
        out.append(_padded_ref(replacement, stop - ref.start()))
        copied = stop
    out.append(data[copied:end])
    return b"".join(out), data[end:]


def fix_surrogate_refs(data: bytes) -> bytes:
    """Rewrite UTF-16 surrogate character references in a whole XML byte string.

    A high+low pair becomes one reference to the combined code point and a lone surrogate
    becomes U+FFFD; the result has exactly the same length as the input.

    >>> fix_surrogate_refs(b"a&#55357;&#56864;b")
    b'a&#0000000128544;b'
    >>> fix_surrogate_refs(b"&#xD83D;!")
    b'&#65533;!'
    """
    return _rewrite_surrogates(data, final=True)[0]


class SurrogateRefReader:
    """A read-only binary stream that fixes surrogate references on the fly.

    Wraps ``raw`` (anything with ``read(size) -> bytes``) and gives the same bytes as
    :func:`fix_surrogate_refs` applied to the whole content, whatever the chunk sizes on
    either side. Assumes an ASCII-compatible encoding (the app writes UTF-8).
    """

    def __init__(self, raw: BinaryReadable) -> None:
        self._raw = raw
        self._held = b""
        self._ready = bytearray()
        self._eof = False

    def readable(self) -> bool:
        """Tell file-like consumers that this stream can be read."""
        return True

    def read(self, size: int = -1, /) -> bytes:
        """Return up to ``size`` rewritten bytes (all that is left if ``size`` < 0).

        Returns ``b""`` only at the end of the stream.
        """
        if size == 0:
            return b""
        if size < 0:
            while not self._eof:
                self._fill(_CHUNK_SIZE)
            data = bytes(self._ready)
            self._ready.clear()
            return data
        while not self._ready and not self._eof:
            self._fill(max(size, 1))
        data = bytes(self._ready[:size])
        del self._ready[:size]
        return data

    def _fill(self, size: int) -> None:
        chunk = self._raw.read(size)
        if not isinstance(chunk, bytes | bytearray | memoryview):
            raise TypeError("the backup must be opened in binary mode ('rb')")
        if chunk:
            out, self._held = _rewrite_surrogates(self._held + bytes(chunk), final=False)
        else:
            out, self._held = _rewrite_surrogates(self._held, final=True)
            self._eof = True
        self._ready += out


# --------------------------------------------------------------------------------------------
# Kind sniffing
# --------------------------------------------------------------------------------------------

_SNIFF_LIMIT: Final = 64 * 1024
_XML_SPACE = re.compile(rb"[ \t\r\n]*")
_ROOT_START = re.compile(rb"<(smses|calls)[ \t\r\n/>]")


def sniff_kind(first_bytes: bytes) -> BackupKind | None:
    """Guess the backup kind from the first bytes of an upload, without parsing it.

    Skips a BOM, whitespace, the XML declaration, processing instructions (the app adds an
    xml-stylesheet one) and comments, then looks at the root element's name. Pass at least the
    first 4 KB. Returns ``None`` for anything else (ZIP, image, HTML, a DOCTYPE, too few bytes).
    A match is only a hint for upload validation: :func:`parse_backup` still checks everything.

    >>> sniff_kind(b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\\n<smses count='0'>")
    'sms'
    >>> sniff_kind(b"PK\\x03\\x04") is None
    True
    """
    # A hand-written scan rather than one regex: nested repetitions over untrusted input are
    # how regexes backtrack for minutes.
    data = bytes(first_bytes[:_SNIFF_LIMIT])
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while True:
        space = _XML_SPACE.match(data, pos)
        assert space is not None  # "*" always matches
        pos = space.end()
        if data.startswith(b"<?", pos):
            close, width = data.find(b"?>", pos + 2), 2
        elif data.startswith(b"<!--", pos):
            close, width = data.find(b"-->", pos + 4), 3
        else:
            break
        if close == -1:
            return None
        pos = close + width
    root = _ROOT_START.match(data, pos)
    if root is None:
        return None
    return _ROOT_KINDS[root.group(1).decode("ascii")]


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


def _text(value: str | None) -> str:
    """An attribute as text, with the app's ``"null"`` placeholder read as empty."""
    return "" if value is None or value == _NULL else value


def _contact_name(value: str | None) -> str | None:
    name = _text(value)
    return None if name in ("", _UNKNOWN_CONTACT) else name


@dataclass(slots=True)
class _MmsDraft:
    """What has been read of an ``<mms>`` element until its end tag."""

    attrib: dict[str, str]
    line: int
    column: int
    texts: list[str] = field(default_factory=list)
    senders: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)


class _RecordBuilder:
    """Expat target: turns start/end callbacks into records, keeping no element tree."""

    def __init__(self) -> None:
        self.kind: BackupKind | None = None
        self.records: list[BackupRecord] = []
        self._depth = 0
        self._mms: _MmsDraft | None = None
        self._locate = lambda: (1, 1)

    def attach(self, parser: DefusedXMLParser) -> None:
        """Receive ``parser``'s element events and read positions from its expat instance."""
        expat = parser.parser
        # Take the events straight from expat rather than through ElementTree's pure-Python
        # adapter, which rebuilds every attribute dict in Python (about 40% of the time on a
        # large export). defusedxml's guards live in other expat handlers and stay in place.
        expat.ordered_attributes = False
        expat.StartElementHandler = self.start
        expat.EndElementHandler = self.end

        def locate() -> tuple[int, int]:
            # During a callback expat reports where the event starts; columns are 0-based.
            return expat.CurrentLineNumber, expat.CurrentColumnNumber + 1

        self._locate = locate

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self._depth += 1
        if self._depth == 1:
            self._start_root(tag)
        elif self._depth == 2:
            line, column = self._locate()
            if self.kind == "sms" and tag == "sms":
                self.records.append(self._sms(attrib, line, column))
            elif self.kind == "sms" and tag == "mms":
                self._mms = _MmsDraft(attrib, line, column)
            elif self.kind == "calls" and tag == "call":
                self.records.append(self._call(attrib, line, column))
            # Anything else at this level is not a message or call: newer app versions may
            # add element types, and skipping them keeps their (unknown) content out.
        elif self._mms is not None:
            if tag == "part":
                self._mms_part(attrib)
            elif tag == "addr":
                address = _text(attrib.get("address"))
                if attrib.get("type") == _MMS_FROM:
                    self._mms.senders.append(address)
                elif attrib.get("type") == _MMS_TO:
                    self._mms.recipients.append(address)

    def end(self, tag: str) -> None:
        if self._depth == 2 and self._mms is not None:
            self.records.append(self._finish_mms(self._mms))
            self._mms = None
        self._depth -= 1

    def close(self) -> None:
        """Called by the parser at the end of the document; nothing is left to build."""

    def _start_root(self, tag: str) -> None:
        kind = _ROOT_KINDS.get(tag)
        if kind is None:
            line, column = self._locate()
            raise BackupError(
                f"这不是“SMS Backup & Restore”导出的短信或通话记录文件（根元素是 <{tag[:40]}>，"
                "应为 <smses> 或 <calls>）。",
                f"This is not an SMS Backup & Restore SMS or call-log export (the root element "
                f"is <{tag[:40]}>, expected <smses> or <calls>).",
                line,
                column,
                code="unknown_root",
            )
        self.kind = kind

    def _sms(self, attrib: dict[str, str], line: int, column: int) -> SmsRecord:
        return SmsRecord(
            address=_text(attrib.get("address")),
            date_ms=_date_ms(attrib.get("date"), "sms", line, column),
            box=_enum(_SMS_BOXES, attrib.get("type"), "sms", "type", line, column),
            body=_text(attrib.get("body")),
            is_mms=False,
            contact_name=_contact_name(attrib.get("contact_name")),
            line=line,
        )

    def _call(self, attrib: dict[str, str], line: int, column: int) -> CallRecord:
        return CallRecord(
            number=_text(attrib.get("number")),
            date_ms=_date_ms(attrib.get("date"), "call", line, column),
            duration_s=_duration(attrib.get("duration"), line, column),
            call_type=_enum(_CALL_TYPES, attrib.get("type"), "call", "type", line, column),
            contact_name=_contact_name(attrib.get("contact_name")),
            line=line,
        )

    def _mms_part(self, attrib: dict[str, str]) -> None:
        assert self._mms is not None
        content_type = attrib.get("ct", "").split(";", 1)[0].strip().lower()
        text = _text(attrib.get("text"))
        # Only the text; media parts (``data``, base64) are not kept, so a 50 MB video part
        # costs memory only while expat hands over that one element.
        if content_type == "text/plain" and text:
            self._mms.texts.append(text)

    def _finish_mms(self, mms: _MmsDraft) -> SmsRecord:
        line, column = mms.line, mms.column
        date_ms = _date_ms(mms.attrib.get("date"), "mms", line, column)
        if date_ms < _SECONDS_LIMIT:
            date_ms *= 1000
        box = _enum(_SMS_BOXES, mms.attrib.get("msg_box"), "mms", "msg_box", line, column)
        # The other party: the From address of a received MMS; for one we sent, the element's
        # own ``address`` (recipients joined with "~"), since From is then the phone's owner.
        own_address = _text(mms.attrib.get("address"))
        if box == "received":
            address = next((a for a in mms.senders if a), own_address)
        else:
            address = own_address or "~".join(a for a in mms.recipients if a)
        return SmsRecord(
            address=address,
            date_ms=date_ms,
            box=box,
            body="\n".join(mms.texts),
            is_mms=True,
            contact_name=_contact_name(mms.attrib.get("contact_name")),
            line=line,
        )


def _date_ms(value: str | None, element: str, line: int, column: int) -> int:
    if value is None or not _INTEGER.fullmatch(value):
        shown = "（缺失）" if value is None else f"“{value[:40]}”"
        shown_en = "missing" if value is None else repr(value[:40])
        raise BackupError(
            f"<{element}> 的时间（date 属性）无效：{shown}。",
            f"The <{element}> element has an invalid date attribute: {shown_en}.",
            line,
            column,
            code="invalid_date",
        )
    return int(value)


def _duration(value: str | None, line: int, column: int) -> int:
    # A call without a recorded duration did not connect; reading it as 0 keeps the
    # "connected = incoming with duration > 0" rule conservative.
    text = _text(value)
    if not text:
        return 0
    if not _INTEGER.fullmatch(text):
        raise BackupError(
            f"<call> 的通话时长（duration 属性）无效：“{text[:40]}”。",
            f"The <call> element has an invalid duration attribute: {text[:40]!r}.",
            line,
            column,
            code="invalid_value",
        )
    return int(text)


def _enum(
    table: dict[str, _T], value: str | None, element: str, name: str, line: int, column: int
) -> _T:
    if value is not None and _SIGNED_INTEGER.fullmatch(value):
        found = table.get(str(int(value)))
        if found is not None:
            return found
    shown = "（缺失）" if value is None else f"“{value[:40]}”"
    shown_en = "missing" if value is None else repr(value[:40])
    # Refusing beats guessing: an unknown type could turn a sent message into a received one
    # in a complaint. The message names the value so a maintainer can add it.
    raise BackupError(
        f"<{element}> 的类型（{name} 属性）无法识别：{shown}。",
        f"The <{element}> element has an unrecognised {name} attribute: {shown_en}.",
        line,
        column,
        code="invalid_value",
    )


# Chinese explanations of the expat errors a damaged export actually produces.
_EXPAT_MESSAGES_ZH: Final[dict[int, str]] = {
    3: "文件在这里意外结束：文件是空的，或者下载、复制时被截断了。",  # no element found
    4: "文件在这里出现了不合法的字符或标记。",  # not well-formed (invalid token)
    5: "文件在这里意外结束：一个标记没有写完，文件可能被截断了。",  # unclosed token
    7: "文件在这里的标记没有正确闭合。",  # mismatched tag
    9: "文件在结束标记之后还有多余的内容。",  # junk after document element
    11: "文件引用了未定义的实体。",  # undefined entity
    14: "文件引用了无效的字符编号。",  # reference to invalid character number
}
_TRUNCATION_CODES: Final = frozenset({3, 5, 6})  # 6: partial character


def _parse_error(error: ParseError) -> BackupError:
    line, column = error.position
    reason = str(error).split(":", 1)[0]
    code = getattr(error, "code", 0)
    message_zh = _EXPAT_MESSAGES_ZH.get(code, "文件在这里格式损坏，无法作为 XML 读取。")
    return BackupError(
        f"{message_zh}（{reason}）",
        f"The file is damaged and cannot be read as XML ({reason}).",
        line,
        column + 1,
        code="truncated" if code in _TRUNCATION_CODES else "malformed",
    )


def _forbidden_error(error: DefusedXmlException, line: int, column: int) -> BackupError:
    if isinstance(error, DTDForbidden):
        detail_zh, detail_en = "文档类型声明（DOCTYPE）", "a document type declaration (DOCTYPE)"
    else:
        detail_zh, detail_en = "实体声明或外部引用", "an entity declaration or external reference"
    return BackupError(
        f"文件包含{detail_zh}。正常的短信备份不会有这种内容，为安全起见不予读取。",
        f"The file contains {detail_en}. Genuine SMS backups never do; it is refused for safety.",
        line,
        column,
        code="forbidden_dtd",
    )


class _Utf8Check:
    """Refuses invalid UTF-8 up front with its line, rather than expat's vague "invalid token".

    Evidence must not be altered silently, so there is no decoding with replacement. Checking
    before expat also guarantees the byte-level surrogate rewrite only ever saw UTF-8.
    """

    def __init__(self) -> None:
        self._carry = b""  # an incomplete multi-byte sequence at the end of the last chunk
        self._line = 1
        self._column = 1  # column (in characters) at the end of the text seen so far

    def feed(self, chunk: bytes, *, final: bool = False) -> None:
        data = self._carry + chunk
        try:
            text, consumed = codecs.utf_8_decode(data, "strict", final)
        except UnicodeDecodeError as error:
            raise self._error(data, error.start) from None
        self._carry = data[consumed:]
        newlines = text.count("\n")
        if newlines:
            self._line += newlines
            self._column = len(text) - text.rfind("\n")
        else:
            self._column += len(text)

    def _error(self, data: bytes, offset: int) -> BackupError:
        before = data[:offset].decode("utf-8")
        newline = before.rfind("\n")
        line = self._line + before.count("\n")
        column = len(before) - newline if newline != -1 else self._column + len(before)
        return BackupError(
            "文件在这里含有不是 UTF-8 编码的字节。为了不改动证据，文件未被读取；"
            "请使用 SMS Backup & Restore 重新导出的原始文件。",
            "The file contains bytes that are not valid UTF-8 here. To avoid altering evidence "
            "it was not read; upload the original file exported by SMS Backup & Restore.",
            line,
            column,
            code="encoding",
        )


def parse_backup(fileobj: BinaryReadable) -> Iterator[BackupRecord]:
    """Yield the records of an SMS or call-log backup, lazily, in file order.

    The kind is taken from the root element: ``<smses>`` yields :class:`SmsRecord` (SMS and
    MMS), ``<calls>`` yields :class:`CallRecord`. ``fileobj`` must be opened in binary mode;
    it is read in 64 KB chunks and not closed.

    Raises :class:`BackupError` (and no other exception) for anything wrong with the content
    or a failed read, possibly after some records were already yielded: import inside one
    transaction and discard everything on error.
    """
    reader = SurrogateRefReader(fileobj)
    utf8 = _Utf8Check()
    builder = _RecordBuilder()
    # encoding="utf-8" overrides the declaration: the app always writes UTF-8, and the
    # surrogate rewrite above works on ASCII-compatible bytes only.
    parser = DefusedXMLParser(target=builder, encoding="utf-8", forbid_dtd=True)
    builder.attach(parser)
    expat = parser.parser
    while True:
        try:
            chunk = reader.read(_CHUNK_SIZE)
        except OSError as error:
            raise BackupError(
                "读取文件时出错，请重新上传。",
                "The file could not be read; please upload it again.",
                code="read_failed",
            ) from error
        utf8.feed(chunk, final=not chunk)
        try:
            if chunk:
                parser.feed(chunk)
            else:
                parser.close()
        except ParseError as error:
            raise _parse_error(error) from None
        except DefusedXmlException as error:
            raise _forbidden_error(
                error, expat.CurrentLineNumber, expat.CurrentColumnNumber + 1
            ) from None
        yield from builder.records
        builder.records.clear()
        if not chunk:
            return
