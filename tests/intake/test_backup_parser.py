"""The SMS Backup & Restore parser: samples, quirks, hostile files, streaming."""

from __future__ import annotations

import contextlib
import doctest
import io
import itertools
import pickle
import tracemalloc
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collectguard.intake import backup
from collectguard.intake.backup import (
    BackupError,
    BackupRecord,
    CallRecord,
    SmsRecord,
    SurrogateRefReader,
    fix_surrogate_refs,
    parse_backup,
    sniff_kind,
)
from collectguard.intake.backup_fixtures import MMS_EVERY, generate_backup

DATA = Path(__file__).parent / "data"
SMS_SAMPLE = (DATA / "sms-sample.xml").read_bytes()
CALLS_SAMPLE = (DATA / "calls-sample.xml").read_bytes()

HEADER = b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"

# No example database in the repository and no deadline: the parser is fast, CI machines vary.
FUZZ = settings(database=None, deadline=None, max_examples=300)
FEW = settings(database=None, deadline=None, max_examples=100)


class ChunkedSource:
    """A binary stream that returns at most the next of ``sizes`` bytes per read, cycling."""

    def __init__(self, data: bytes, sizes: Sequence[int]) -> None:
        self._data = data
        self._pos = 0
        self._sizes = itertools.cycle(sizes)

    def read(self, size: int = -1, /) -> bytes:
        n = next(self._sizes)
        if size >= 0:
            n = min(n, size)
        chunk = self._data[self._pos : self._pos + n]
        self._pos += len(chunk)
        return chunk


def parse(data: bytes, sizes: Sequence[int] | None = None) -> list[BackupRecord]:
    source = io.BytesIO(data) if sizes is None else ChunkedSource(data, sizes)
    return list(parse_backup(source))


def sms_file(*children: bytes | str) -> bytes:
    body = b"\n".join(c.encode() if isinstance(c, str) else c for c in children)
    return HEADER + b'<smses count="1">\n' + body + b"\n</smses>\n"


def calls_file(*children: str) -> bytes:
    return HEADER + b'<calls count="1">\n' + "\n".join(children).encode() + b"\n</calls>\n"


def sms(body: str = "hello", **attrs: str) -> str:
    values = {"address": "13612345678", "date": "1780276320000", "type": "1", "body": body}
    values.update(attrs)
    return "<sms " + " ".join(f'{k}="{v}"' for k, v in values.items()) + " />"


def only(records: list[BackupRecord]) -> BackupRecord:
    assert len(records) == 1
    return records[0]


def raises_backup_error(data: bytes, sizes: Sequence[int] | None = None) -> BackupError:
    with pytest.raises(BackupError) as caught:
        parse(data, sizes)
    return caught.value


# --------------------------------------------------------------------------------------------
# The samples
# --------------------------------------------------------------------------------------------

SAMPLE_SMS_RECORDS = [
    SmsRecord(
        "95599",
        1780276320000,
        "received",
        "【农业银行】您尾号3310的信用卡已逾期，最低还款额986.00元，请尽快还款。",
        False,
        None,
        5,
    ),
    SmsRecord(
        "+8613612345678",
        1780328400000,
        "received",
        "今天不还，明天就打电话给你老板。",
        False,
        None,
        6,
    ),
    SmsRecord("13612345678", 1780329900000, "received", "别装死，回电话。", False, None, 7),
    SmsRecord("13612345678", 1780360200000, "sent", "我在筹钱，请给我一周时间。", False, None, 8),
    SmsRecord("13900000009", 1780398000000, "received", "周末回家吃饭吗？", False, None, 9),
    SmsRecord(
        "17012349999", 1780424040000, "received", "半夜也不睡？\U0001f620 明天继续", False, None, 10
    ),
    *(
        SmsRecord(
            "10690001234567",
            date_ms,
            "received",
            "【XX消费金融】您的借款（合同号XF20251120003）已逾期8天，应还2,431.50元，请登录APP还款。",
            False,
            None,
            line,
        )
        for date_ms, line in ((1780452000000, 11), (1780452060000, 12))
    ),
    SmsRecord("13612345678", 1780501800000, "received", "你的欠款海报已经做好了。", True, None, 13),
]

SAMPLE_CALL_RECORDS = [
    CallRecord("13612345678", 1780324200000, 0, "missed", None, 3),
    CallRecord("13612345678", 1780324260000, 0, "missed", None, 4),
    CallRecord("13612345678", 1780362000000, 95, "incoming", None, 5),
    CallRecord("95599", 1780363200000, 300, "outgoing", None, 6),
    CallRecord("17012349999", 1780372800000, 0, "rejected", None, 7),
    CallRecord("17012349999", 1780372860000, 0, "blocked", None, 8),
]


def test_it_reads_the_eight_sms_and_one_mms_of_the_sample_export() -> None:
    assert parse(SMS_SAMPLE) == SAMPLE_SMS_RECORDS


def test_it_reads_the_six_calls_of_the_sample_call_log() -> None:
    assert parse(CALLS_SAMPLE) == SAMPLE_CALL_RECORDS


@pytest.mark.parametrize("sizes", [[1], [2, 3, 5, 7], [13], [4096]])
def test_it_reads_the_same_records_whatever_the_read_size(sizes: list[int]) -> None:
    assert parse(SMS_SAMPLE, sizes) == SAMPLE_SMS_RECORDS
    assert parse(CALLS_SAMPLE, sizes) == SAMPLE_CALL_RECORDS


def test_records_are_frozen() -> None:
    record = parse(CALLS_SAMPLE)[0]
    assert isinstance(record, CallRecord)
    with pytest.raises(AttributeError):
        record.number = "110"  # type: ignore[misc]


def test_it_keeps_epoch_milliseconds_and_never_reads_readable_date() -> None:
    record = only(parse(sms_file(sms(readable_date="31/13/2099 25:61", date="1780276320123"))))
    assert record.date_ms == 1780276320123


def test_it_ignores_a_count_that_does_not_match() -> None:
    data = SMS_SAMPLE.replace(b'<smses count="9"', b'<smses count="250"')
    assert parse(data) == SAMPLE_SMS_RECORDS


def test_it_maps_every_sms_type_to_its_box() -> None:
    children = [sms(type=str(n), date=str(1780276320000 + n)) for n in range(1, 7)]
    boxes = [r.box for r in parse(sms_file(*children)) if isinstance(r, SmsRecord)]
    assert boxes == ["received", "sent", "draft", "outbox", "failed", "queued"]


def test_it_maps_every_call_type() -> None:
    children = [f'<call number="1" duration="0" date="1" type="{n}" />' for n in range(1, 8)]
    types = [r.call_type for r in parse(calls_file(*children)) if isinstance(r, CallRecord)]
    assert types == [
        "incoming",
        "outgoing",
        "missed",
        "voicemail",
        "rejected",
        "blocked",
        "answered_elsewhere",
    ]


def test_it_keeps_both_spellings_of_a_number_as_written() -> None:
    addresses = [r.address for r in parse(SMS_SAMPLE) if isinstance(r, SmsRecord)]
    assert "+8613612345678" in addresses
    assert "13612345678" in addresses


# --------------------------------------------------------------------------------------------
# MMS
# --------------------------------------------------------------------------------------------

MMS_RECEIVED = (
    '<mms date="1780501800000" msg_box="1" address="13612345678~13900000009" '
    'contact_name="(Unknown)"><parts>'
    '<part seq="-1" ct="application/smil" text="&lt;smil&gt;&lt;/smil&gt;" />'
    '<part seq="0" ct="text/plain" text="第一段" />'
    '<part seq="1" ct="image/jpeg" text="null" data="/9j/4AAQSkZJRgABAQ==" />'
    '<part seq="2" ct="text/plain;charset=utf-8" text="第二段" />'
    '<part seq="3" ct="text/plain" text="null" />'
    "</parts><addrs>"
    '<addr address="13900000009" type="151" charset="106" />'
    '<addr address="13612345678" type="137" charset="106" />'
    "</addrs></mms>"
)


def test_it_joins_every_plain_text_part_of_an_mms() -> None:
    record = only(parse(sms_file(MMS_RECEIVED)))
    assert isinstance(record, SmsRecord)
    assert record.is_mms
    assert record.body == "第一段\n第二段"


def test_it_takes_the_sender_of_a_received_mms_from_its_from_address() -> None:
    record = only(parse(sms_file(MMS_RECEIVED)))
    assert isinstance(record, SmsRecord)
    assert (record.address, record.box) == ("13612345678", "received")


def test_it_takes_the_other_party_of_a_sent_mms_from_its_recipients() -> None:
    sent = (
        '<mms date="1780501800000" msg_box="2" address="null"><parts>'
        '<part ct="text/plain" text="我在筹钱" /></parts><addrs>'
        '<addr address="insert-address-token" type="137" />'
        '<addr address="13612345678" type="151" /></addrs></mms>'
    )
    record = only(parse(sms_file(sent)))
    assert isinstance(record, SmsRecord)
    assert (record.address, record.box, record.body) == ("13612345678", "sent", "我在筹钱")


def test_an_mms_without_text_has_an_empty_body() -> None:
    picture_only = (
        '<mms date="1780501800000" msg_box="1" address="13612345678"><parts>'
        '<part ct="image/png" data="iVBORw0KGgo=" /></parts></mms>'
    )
    record = only(parse(sms_file(picture_only)))
    assert isinstance(record, SmsRecord)
    assert (record.body, record.address) == ("", "13612345678")


def test_it_reads_an_mms_date_written_in_seconds_as_milliseconds() -> None:
    data = sms_file(MMS_RECEIVED.replace('date="1780501800000"', 'date="1780501800"'))
    assert only(parse(data)).date_ms == 1780501800000


def test_mms_and_sms_come_out_in_file_order() -> None:
    data = sms_file(sms("before", date="1"), MMS_RECEIVED, sms("after", date="2"))
    assert [(r.is_mms, r.line) for r in parse(data) if isinstance(r, SmsRecord)] == [
        (False, 3),
        (True, 4),
        (False, 5),
    ]


# --------------------------------------------------------------------------------------------
# "null" and contact names
# --------------------------------------------------------------------------------------------


def test_it_reads_the_null_placeholder_as_empty() -> None:
    record = only(parse(sms_file(sms("null", address="null", contact_name="null"))))
    assert isinstance(record, SmsRecord)
    assert (record.body, record.address, record.contact_name) == ("", "", None)


def test_a_call_without_a_duration_lasted_zero_seconds() -> None:
    data = calls_file('<call number="null" duration="null" date="1" type="1" />')
    record = only(parse(data))
    assert isinstance(record, CallRecord)
    assert (record.number, record.duration_s) == ("", 0)


def test_it_reads_the_unknown_contact_placeholder_as_no_name() -> None:
    records = parse(sms_file(sms(contact_name="(Unknown)"), sms(contact_name="王经理")))
    assert [r.contact_name for r in records] == [None, "王经理"]


def test_it_keeps_escaped_markup_and_line_breaks_in_a_body() -> None:
    body = "第一行&#10;&lt;script&gt; &amp; &quot;引号&quot;"
    record = only(parse(sms_file(sms(body))))
    assert isinstance(record, SmsRecord)
    assert record.body == '第一行\n<script> & "引号"'


# --------------------------------------------------------------------------------------------
# Surrogate character references
# --------------------------------------------------------------------------------------------


def test_it_keeps_emoji_written_as_surrogate_pairs() -> None:
    record = only(parse(sms_file(sms("半夜也不睡？&#55357;&#56864; 明天继续"))))
    assert isinstance(record, SmsRecord)
    assert record.body == "半夜也不睡？\U0001f620 明天继续"


@pytest.mark.parametrize(
    "written",
    ["&#xD83D;&#xDE00;", "&#xd83d;&#xde00;", "&#55357;&#xDE00;", "&#0055357;&#00056832;"],
)
def test_it_keeps_emoji_written_with_hex_or_padded_references(written: str) -> None:
    record = only(parse(sms_file(sms(f"a{written}b"))))
    assert isinstance(record, SmsRecord)
    assert record.body == "a\U0001f600b"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("a&#55357;b", "a\ufffdb"),  # high surrogate alone
        ("a&#56864;b", "a\ufffdb"),  # low surrogate alone
        ("a&#xDE00;&#xD83D;b", "a\ufffd\ufffdb"),  # in the wrong order
        ("a&#55357;&#55357;&#56864;b", "a\ufffd\U0001f620b"),  # a high one, then a pair
        ("a&#55357; &#56864;b", "a\ufffd \ufffdb"),  # not adjacent
        ("a&#55357;&amp;b", "a\ufffd&b"),  # followed by another reference
        ("a&#55357;", "a\ufffd"),  # at the end of the attribute
    ],
)
def test_it_replaces_a_lone_surrogate_with_the_replacement_character(
    written: str, expected: str
) -> None:
    record = only(parse(sms_file(sms(written))))
    assert isinstance(record, SmsRecord)
    assert record.body == expected


def test_the_surrogate_rewrite_keeps_every_byte_offset() -> None:
    # Same length and same newlines, so expat's line and column point into the user's file.
    data = b"&#55357;&#56864;\n&#xD83D;\n&#xd83d;&#56864;&#56864;\n&#0000000055357;&#56864;"
    fixed = fix_surrogate_refs(data)
    assert len(fixed) == len(data)
    assert [len(line) for line in fixed.split(b"\n")] == [len(x) for x in data.split(b"\n")]
    assert b"&#55357;" not in fixed


def test_the_surrogate_rewrite_leaves_other_references_alone() -> None:
    data = b"&#65;&#x4E2D;&#128512;&amp;&#XD83D;&#;&#xD83D"
    assert fix_surrogate_refs(data) == data


def test_the_surrogate_rewrite_leaves_absurdly_padded_references_to_expat() -> None:
    # Bounded look-behind keeps the reader's memory bounded; expat then rejects the reference.
    padded = b"&#" + b"0" * 40 + b"55357;"
    assert fix_surrogate_refs(padded) == padded
    assert raises_backup_error(sms_file(sms(padded.decode()))).line == 3


def test_a_pair_split_across_reads_is_still_joined() -> None:
    data = sms_file(sms("x&#55357;&#56864;y"))
    split_at = data.index(b"&#56864;")
    for offset in range(split_at - 9, split_at + 9):
        reader = SurrogateRefReader(ChunkedSource(data, [offset, len(data)]))
        assert reader.read(-1) == fix_surrogate_refs(data)


REF_PIECES = [
    b"&",
    b"#",
    b"x",
    b";",
    b"0",
    b"9",
    b"D",
    b"a",
    b"\n",
    "中".encode(),
    b"&#",
    b"&#x",
    b"55357",
    b"56864",
    b"D83D",
    b"de00",
    b"&#55357;",
    b"&#56864;",
    b"&#xD83D;",
    b"&#xDE00;",
    b"&#65;",
    b"&amp;",
    b"&#0000000000055357;",
    b"&#" + b"0" * 20 + b"56864;",
]


@FUZZ
@given(
    pieces=st.lists(st.sampled_from(REF_PIECES), max_size=80),
    source_sizes=st.lists(st.integers(1, 40), min_size=1, max_size=10),
    read_sizes=st.lists(st.integers(1, 40), min_size=1, max_size=10),
)
def test_chunk_boundaries_never_change_the_surrogate_rewrite(
    pieces: list[bytes], source_sizes: list[int], read_sizes: list[int]
) -> None:
    data = b"".join(pieces)
    reader = SurrogateRefReader(ChunkedSource(data, source_sizes))
    out = []
    for size in itertools.cycle(read_sizes):
        chunk = reader.read(size)
        if not chunk:
            break
        assert len(chunk) <= size
        out.append(chunk)
    assert b"".join(out) == fix_surrogate_refs(data)
    assert len(fix_surrogate_refs(data)) == len(data)


# Text as XML allows it (no control characters, no U+FFFE/U+FFFF), emoji and CJK included.
xml_text = st.text(
    st.characters(min_codepoint=0x20, codec="utf-8", exclude_characters="\ufffe\uffff")
    | st.sampled_from("\t\n\r\U0001f620\U0001f600中"),
    max_size=60,
)


def write_attribute(text: str, styles: Iterable[int]) -> bytes:
    """Write ``text`` as the app does: astral characters as surrogate references."""
    out = []
    for char, style in zip(text, itertools.cycle(styles), strict=False):
        code = ord(char)
        if code > 0xFFFF:
            units = char.encode("utf-16-be")
            high, low = int.from_bytes(units[:2]), int.from_bytes(units[2:])
            ref = ["&#{};", "&#x{:X};", "&#x{:x};", "&#000{};"][style % 4]
            out.append(ref.format(high) + ref.format(low))
        elif char in '&<"\t\n\r':
            out.append(f"&#{code};")
        else:
            out.append(char)
    return "".join(out).encode()


@FEW
@given(
    text=xml_text,
    styles=st.lists(st.integers(0, 3), min_size=1, max_size=5),
    sizes=st.lists(st.integers(1, 64), min_size=1, max_size=5),
)
def test_any_text_survives_surrogate_references_and_any_read_size(
    text: str, styles: list[int], sizes: list[int]
) -> None:
    data = sms_file(
        b'<sms address="1" date="1" type="1" body="' + write_attribute(text, styles) + b'" />'
    )
    record = only(parse(data, sizes))
    assert isinstance(record, SmsRecord)
    assert record.body == text


# --------------------------------------------------------------------------------------------
# Hostile files
# --------------------------------------------------------------------------------------------

BILLION_LAUGHS = (
    HEADER
    + b"""<!DOCTYPE smses [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<smses><sms address="1" date="1" type="1" body="&lol9;" /></smses>
"""
)
QUADRATIC_BLOWUP = (
    HEADER
    + b'<!DOCTYPE smses [<!ENTITY a "'
    + b"x" * 50_000
    + b'">]>\n<smses><sms address="1" date="1" type="1" body="'
    + b"&a;" * 20_000
    + b'" /></smses>'
)
XXE_FILE = HEADER + (
    b'<!DOCTYPE smses [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>\n'
    b'<smses><sms address="1" date="1" type="1" body="&xxe;" /></smses>'
)
EXTERNAL_DTD = HEADER + (
    b'<!DOCTYPE smses SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
    b'<smses><sms address="1" date="1" type="1" body="x" /></smses>'
)
PARAMETER_ENTITY = HEADER + (
    b'<!DOCTYPE smses [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>\n<smses />'
)
PLAIN_DOCTYPE = HEADER + b"<!DOCTYPE smses>\n<smses />"


@pytest.mark.parametrize(
    "data",
    [BILLION_LAUGHS, QUADRATIC_BLOWUP, XXE_FILE, EXTERNAL_DTD, PARAMETER_ENTITY, PLAIN_DOCTYPE],
    ids=["billion-laughs", "quadratic-blowup", "xxe", "external-dtd", "parameter-entity", "dtd"],
)
def test_it_refuses_a_doctype_and_every_entity_trick_before_expanding_anything(
    data: bytes,
) -> None:
    error = raises_backup_error(data)
    assert error.code == "forbidden_dtd"
    assert error.line == 2
    assert "DOCTYPE" in error.message_zh
    assert "DOCTYPE" in error.message_en


def test_it_refuses_an_undefined_entity() -> None:
    error = raises_backup_error(sms_file(sms("&xxe;")))
    assert (error.code, error.line) == ("malformed", 3)


def test_xinclude_is_just_an_ignored_element() -> None:
    data = sms_file(
        '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" />',
        sms("ok"),
    )
    assert [r.body for r in parse(data) if isinstance(r, SmsRecord)] == ["ok"]


def test_a_truncated_file_fails_with_the_line_where_it_broke() -> None:
    cut = SMS_SAMPLE.index(b"&#55357;")  # in the middle of line 10
    error = raises_backup_error(SMS_SAMPLE[:cut])
    assert (error.code, error.line) == ("truncated", 10)
    assert "截断" in error.message_zh


def test_a_file_cut_between_messages_fails_at_its_end() -> None:
    cut = SMS_SAMPLE.index(b"  <sms", SMS_SAMPLE.index(b'date="1780329900000"'))
    error = raises_backup_error(SMS_SAMPLE[:cut])
    assert (error.code, error.line) == ("truncated", 8)


def test_records_before_the_break_are_yielded_first() -> None:
    # Lazy on purpose: the import service must run the whole file in one transaction.
    iterator = parse_backup(io.BytesIO(SMS_SAMPLE[: SMS_SAMPLE.index(b"<mms")] + b"<sms"))
    first = next(iterator)
    assert first == SAMPLE_SMS_RECORDS[0]
    with pytest.raises(BackupError):
        list(iterator)


def test_mismatched_tags_fail_with_their_position() -> None:
    data = sms_file(sms(), "<sms date='1' type='1'></mms>")
    error = raises_backup_error(data)
    # expat points at the name in the end tag; columns are 1-based.
    assert (error.code, error.line, error.column) == ("malformed", 4, 26)
    assert "line 4, column 26" in str(error)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"<html><body>not a backup</body></html>",
        b"\x00" * 100,
        b'{"sms": []}',
        HEADER + b"<smses>",
        HEADER + b"<smses></smses><smses></smses>",
    ],
)
def test_garbage_fails_with_a_backup_error(data: bytes) -> None:
    error = raises_backup_error(data)
    assert error.message_zh
    assert error.message_en


def test_an_unknown_root_element_is_refused() -> None:
    error = raises_backup_error(HEADER + b'<contacts count="1"><contact /></contacts>')
    assert (error.code, error.line) == ("unknown_root", 2)
    assert "<contacts>" in error.message_en


@pytest.mark.parametrize("date", [None, "null", "", "abc", "-5", "1_000", "12.5", " 12", "１２"])
def test_a_missing_or_invalid_date_is_refused(date: str | None) -> None:
    child = '<sms address="1" type="1" body="x" />' if date is None else sms(date=date)
    error = raises_backup_error(sms_file(sms(), child))
    assert (error.code, error.line) == ("invalid_date", 4)


def test_a_call_without_a_date_is_refused() -> None:
    error = raises_backup_error(calls_file('<call number="1" duration="0" type="1" />'))
    assert (error.code, error.line) == ("invalid_date", 3)


@pytest.mark.parametrize(
    "data",
    [
        sms_file(sms(type="7")),
        sms_file(sms(type="null")),
        sms_file('<mms date="1" address="1"><parts /></mms>'),
        calls_file('<call number="1" duration="0" date="1" type="8" />'),
        calls_file('<call number="1" duration="-3" date="1" type="1" />'),
    ],
)
def test_an_unknown_type_or_bad_number_is_refused_rather_than_guessed(data: bytes) -> None:
    assert raises_backup_error(data).code == "invalid_value"


def test_invalid_utf8_is_refused_with_its_line_and_column() -> None:
    data = SMS_SAMPLE.replace("别装死".encode(), "别".encode() + b"\xff" + "死".encode(), 1)
    line_start = data.rfind(b"\n", 0, data.index(b"\xff")) + 1
    expected_column = len(data[line_start : data.index(b"\xff")].decode()) + 1
    for sizes in (None, [1], [5, 7]):
        error = raises_backup_error(data, sizes)
        assert (error.code, error.line, error.column) == ("encoding", 7, expected_column)
        assert "UTF-8" in error.message_zh


@pytest.mark.parametrize(
    "data",
    [
        SMS_SAMPLE.decode().encode("utf-16"),
        SMS_SAMPLE.replace(b"UTF-8", b"GB18030").decode().encode("gb18030"),
        sms_file(sms("\udcff", address="1").encode("utf-8", "surrogatepass")),
        SMS_SAMPLE[: SMS_SAMPLE.index("别".encode()) + 1],  # ends inside a character
    ],
    ids=["utf-16", "gb18030", "cesu-8-surrogate", "cut-character"],
)
def test_a_file_that_is_not_utf8_is_refused(data: bytes) -> None:
    assert raises_backup_error(data).code == "encoding"


def test_a_backup_error_survives_pickling() -> None:
    # The import may run in a worker process that sends the error back.
    error = raises_backup_error(sms_file(sms(date="soon")))
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - bytes we just made
    assert (copy.code, copy.line, copy.column, copy.message_zh, str(copy)) == (
        error.code,
        error.line,
        error.column,
        error.message_zh,
        str(error),
    )


def test_a_failed_read_becomes_a_backup_error() -> None:
    class Broken:
        def read(self, size: int = -1, /) -> bytes:
            raise OSError("connection reset by storage")

    with pytest.raises(BackupError) as caught:
        list(parse_backup(Broken()))
    assert (caught.value.code, caught.value.line) == ("read_failed", None)


def test_a_text_mode_file_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="binary mode"):
        list(parse_backup(io.StringIO("<smses />")))  # type: ignore[arg-type]


NASTY_SNIPPETS = [
    b"<!DOCTYPE x>",
    b"&#55357;",
    b"&#xDE00;",
    b"&#0;",
    b"&undefined;",
    b"&amp;",
    b"\xff",
    b"\xe4\xb8",
    b"\x00",
    b"<",
    b">",
    b'"',
    b"'",
    b"/>",
    b"</smses>",
    b"<smses>",
    b"<calls>",
    b"<sms date='x' type='1'/>",
    b"<mms date='1' msg_box='9'>",
    b"<part ct='text/plain' text='t'/>",
    b"\n",
]


@st.composite
def mutated_samples(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from([SMS_SAMPLE, CALLS_SAMPLE])))
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(data)))
        operation = draw(st.sampled_from(["insert", "delete", "replace", "truncate"]))
        if operation == "insert":
            data[pos:pos] = draw(st.sampled_from(NASTY_SNIPPETS) | st.binary(max_size=8))
        elif operation == "delete":
            del data[pos : pos + draw(st.integers(1, 40))]
        elif operation == "replace" and pos < len(data):
            data[pos] = draw(st.integers(0, 255))
        else:
            del data[pos:]
    return bytes(data)


@FUZZ
@given(data=mutated_samples(), sizes=st.lists(st.integers(1, 300), min_size=1, max_size=4))
def test_a_mutated_sample_either_parses_or_fails_with_a_backup_error(
    data: bytes, sizes: list[int]
) -> None:
    try:
        records = parse(data, sizes)
    except BackupError as error:
        assert error.message_zh and error.message_en
        assert error.line is None or error.line >= 1
    else:
        assert all(isinstance(r, SmsRecord | CallRecord) for r in records)


@FUZZ
@given(
    data=st.binary(max_size=500) | st.binary(max_size=300).map(lambda b: HEADER + b"<smses>" + b)
)
def test_random_bytes_only_ever_raise_a_backup_error(data: bytes) -> None:
    with contextlib.suppress(BackupError):
        parse(data)


# --------------------------------------------------------------------------------------------
# Sniffing
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_bytes", "kind"),
    [
        (SMS_SAMPLE[:4096], "sms"),
        (CALLS_SAMPLE[:4096], "calls"),
        (b"\xef\xbb\xbf<smses count='0' />", "sms"),
        (b"<calls/>", "calls"),
        (b"\n  <!-- a comment with <calls> inside -->\n<smses>", "sms"),
        (b"", None),
        (HEADER, None),  # not enough bytes to see the root
        (b"PK\x03\x04", None),
        (b"\x89PNG\r\n\x1a\n", None),
        (b"<html><smses>", None),
        (HEADER + b"<!DOCTYPE smses>\n<smses>", None),
        (b"<smsesx>", None),
        (b"<?xml version='1.0'", None),
    ],
)
def test_it_sniffs_the_kind_from_the_first_bytes(first_bytes: bytes, kind: str | None) -> None:
    assert sniff_kind(first_bytes) == kind


@FEW
@given(st.binary(max_size=300))
def test_sniffing_never_fails_on_random_bytes(data: bytes) -> None:
    assert sniff_kind(data) in ("sms", "calls", None)


def test_sniffing_stays_fast_on_many_comments() -> None:
    # A nested-repetition regex would backtrack for minutes on this.
    assert sniff_kind(b"<!---->" * 5000 + b"<?a?>" * 5000 + b"<x>") is None


# --------------------------------------------------------------------------------------------
# Big files
# --------------------------------------------------------------------------------------------


def test_a_generated_backup_parses_with_emoji_and_mms(tmp_path: Path) -> None:
    path = tmp_path / "sms.xml"
    generate_backup(500, path)
    with path.open("rb") as f:
        records = [r for r in parse_backup(f) if isinstance(r, SmsRecord)]
    assert len(records) == 500
    assert sum(r.is_mms for r in records) == 500 // MMS_EVERY
    assert any("\U0001f620" in r.body for r in records)
    assert all("\ufffd" not in r.body for r in records)
    assert [r.date_ms for r in records] == sorted(r.date_ms for r in records)


def test_parsing_a_big_backup_keeps_memory_bounded(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    generate_backup(20_000, path)
    assert path.stat().st_size > 6_000_000
    tracemalloc.start()
    try:
        with path.open("rb") as f:
            count = sum(1 for _ in parse_backup(f))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000
    assert peak < 5_000_000


def test_the_module_examples_hold() -> None:
    failures, tried = doctest.testmod(backup)
    assert (failures, tried > 0) == (0, True)
