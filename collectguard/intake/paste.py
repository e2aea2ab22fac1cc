"""Split a block of text pasted from a phone into messages, with sender and time when present.

People paste what their phone lets them copy: one message, a whole conversation, or a list
they put together themselves. The shapes recognised here (each optional):

* ``13612345678 2026-06-01 23:40 今天不还…`` — sender, time and text on one line (either order);
* ``2026/6/1 23:40`` or ``13612345678`` alone on a line, the text on the next lines;
* ``发件人：13612345678`` / ``时间：2026年6月1日 23:40`` / ``内容：…`` label lines;
* ``【XX银行】…`` — just the text; the sender and time given on the form are used.

When no line carries a sender or a time, each line is one message, or each block separated by
a blank line when there are blank lines. The text of each message is kept exactly as pasted
apart from surrounding blank space. Pure functions: no database, no request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

MAX_PASTE_CHARS: Final = 200_000
MAX_MESSAGES: Final = 2_000
MAX_BODY_CHARS: Final = 20_000

_SEP = r"[ \t\u00a0\u3000]"
# Phone numbers as people and phones write them. Ordered: the most specific shapes first.
_NUMBER = (
    r"(?:"
    r"(?:\+|00)?86[ -]?1[3-9]\d(?:[ -]?\d{4}){2}"  # +86 mobile
    r"|1[3-9]\d(?:[ -]?\d{4}){2}"  # mobile, optionally 3-4-4
    r"|106\d{5,17}"  # SMS platform codes
    r"|9[56]\d{3,6}"  # 95xxx / 96xxx service numbers
    r"|[48]00[ -]?\d{3}[ -]?\d{4}"  # 400 / 800
    r"|0\d{2,3}[ -]?\d{7,8}(?:-\d{1,5})?"  # landline with area code
    r"|1[0-2]\d{3}"  # carrier and government short codes: 10086, 12321
    r"|(?:\+|00)\d{7,15}"  # other international numbers
    r")"
)
_DATE = rf"(?:(?P<y>\d{{4}})[-/.年]{_SEP}*)?(?P<mo>\d{{1,2}})[-/.月]{_SEP}*(?P<d>\d{{1,2}})日?"
_HALF_DAY = r"(?P<ampm>上午|早上|早晨|凌晨|中午|下午|傍晚|晚上|夜里|深夜|AM|PM|am|pm)?"
_CLOCK = r"(?P<h>\d{1,2})[:：](?P<mi>\d{2})(?:[:：](?P<s>\d{2}))?"
_DATETIME = (
    rf"(?P<dt>[\[(（【]?{_DATE}(?:{_SEP}*(?:星期|周)[一二三四五六日天])?(?:(?:T|{_SEP}*,?{_SEP}*)"
    rf"{_HALF_DAY}{_SEP}*{_CLOCK}{_SEP}*(?P<ampm2>AM|PM|am|pm)?)?[\])）】]?)"
)
_LABEL_SENDER = r"(?:发件人|发信人|发送人|发送方|来自|号码|来电号码|对方号码|From|Sender)"
_LABEL_TIME = r"(?:时间|日期|接收时间|发送时间|收到时间|Time|Date)"
_LABEL_BODY = r"(?:内容|短信内容|信息内容|消息内容|正文|Body|Message|Text)"
_COLON = rf"{_SEP}*[:：]{_SEP}*"

_RE_LABEL_SENDER = re.compile(rf"^{_LABEL_SENDER}{_COLON}(?P<value>.*)$", re.IGNORECASE)
_RE_LABEL_TIME = re.compile(rf"^{_LABEL_TIME}{_COLON}(?P<value>.*)$", re.IGNORECASE)
_RE_LABEL_BODY = re.compile(rf"^{_LABEL_BODY}{_COLON}(?P<value>.*)$", re.IGNORECASE)
_RE_NUMBER_AT_START = re.compile(
    rf"^[\[(（]?(?P<number>{_NUMBER})[\])）]?(?={_SEP}|[:：]|$)(?:{_SEP}*[:：])?{_SEP}*"
)
_RE_DATETIME_AT_START = re.compile(rf"^{_DATETIME}(?={_SEP}|[:：]|$)(?:{_SEP}*[:：])?{_SEP}*")
_RE_CLOCK_LINE = re.compile(rf"^[\[(（]?{_HALF_DAY}{_SEP}*{_CLOCK}[\])）]?$")
_RE_DATETIME_ONLY = re.compile(rf"^{_DATETIME}$")
_RE_NUMBER_IN_VALUE = re.compile(_NUMBER)
_BLANK = re.compile(r"^\s*$")


@dataclass
class PastedMessage:
    """One message found in the pasted text.

    ``sender`` is what was written (not yet normalised), or the form's default sender;
    ``received_at`` is timezone-aware, or ``None`` when neither the text nor the form gave one.
    ``line`` is the 1-based line where the message starts in the pasted text.
    """

    sender: str
    received_at: datetime | None
    body: str
    line: int


@dataclass
class PasteProblem:
    line: int
    message: str


@dataclass
class PasteResult:
    messages: list[PastedMessage] = field(default_factory=list)
    problems: list[PasteProblem] = field(default_factory=list)


class _TimeError(ValueError):
    pass


@dataclass
class _Draft:
    line: int
    sender: str = ""
    when: datetime | None = None
    lines: list[str] = field(default_factory=list)


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _hour_24(hour: int, half_day: str | None) -> int:
    """Hour on a 24-hour clock, given a Chinese or English half-day word.

    >>> _hour_24(11, "晚上"), _hour_24(12, "凌晨"), _hour_24(3, "下午"), _hour_24(12, "中午")
    (23, 0, 15, 12)
    """
    if not half_day:
        return hour
    marker = half_day.lower()
    if marker in {"下午", "傍晚", "晚上", "夜里", "深夜", "pm"}:
        return hour + 12 if hour < 12 else hour
    if marker == "中午":
        return hour + 12 if hour < 6 else hour
    if marker in {"凌晨", "上午", "早上", "早晨", "am"}:
        return 0 if hour == 12 else hour
    return hour


def _build_time(match: re.Match[str], reference: datetime) -> datetime:
    """An aware datetime from a date/time match; missing parts come from ``reference``."""
    groups = match.groupdict()
    local_ref = reference.astimezone(_tz())
    year = int(groups["y"]) if groups.get("y") else local_ref.year
    try:
        day = date(year, int(groups["mo"]), int(groups["d"]))
    except ValueError as exc:
        raise _TimeError(_("日期“%(text)s”不存在。") % {"text": match.group(0).strip()}) from exc
    hour = minute = second = 0
    if groups.get("h"):
        hour = _hour_24(int(groups["h"]), groups.get("ampm") or groups.get("ampm2"))
        minute = int(groups["mi"])
        second = int(groups["s"] or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise _TimeError(_("时间“%(text)s”不存在。") % {"text": match.group(0).strip()})
    when = datetime.combine(day, time(hour, minute, second), tzinfo=_tz())
    if not groups.get("y") and when > reference + timedelta(days=1):
        # "6月1日" pasted in January means last year's June.
        when = when.replace(year=year - 1)
    return when


def _clock_time(match: re.Match[str], reference: datetime, now: datetime) -> datetime:
    """A clock time on the reference day; a time still to come today means yesterday."""
    groups = match.groupdict()
    hour = _hour_24(int(groups["h"]), groups.get("ampm"))
    minute = int(groups["mi"])
    second = int(groups["s"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise _TimeError(_("时间“%(text)s”不存在。") % {"text": match.group(0).strip()})
    local_ref = reference.astimezone(_tz())
    when = datetime.combine(local_ref.date(), time(hour, minute, second), tzinfo=_tz())
    return when - timedelta(days=1) if when > now else when


def _parse_time_value(value: str, reference: datetime, now: datetime) -> datetime:
    value = value.strip()
    match = _RE_DATETIME_ONLY.match(value)
    if match:
        return _build_time(match, reference)
    match = _RE_CLOCK_LINE.match(value)
    if match:
        return _clock_time(match, reference, now)
    raise _TimeError(_("看不懂时间“%(text)s”，请写成 2026-06-01 23:40。") % {"text": value[:40]})


def _header(
    line: str, reference: datetime, now: datetime
) -> tuple[str, datetime | None, str] | None:
    """(sender, time, rest of line) when ``line`` starts with a sender and/or a time."""
    rest = line
    sender = ""
    when: datetime | None = None
    for _step in range(2):
        if not sender and (m := _RE_NUMBER_AT_START.match(rest)):
            sender = m.group("number")
            rest = rest[m.end() :]
            continue
        m = _RE_DATETIME_AT_START.match(rest) if when is None else None
        # A bare "6.5" or "3/4" at the start of a sentence is not a time: a clock time or a
        # year must come with it.
        if m is not None and (m.group("h") or m.group("y")):
            when = _build_time(m, reference)
            rest = rest[m.end() :]
            continue
        break
    if not sender and when is None:
        clock = _RE_CLOCK_LINE.match(line.strip())
        if clock is not None:
            return "", _clock_time(clock, reference, now), ""
        return None
    return sender, when, rest


def parse_pasted(
    text: str,
    *,
    default_sender: str = "",
    default_time: datetime | None = None,
    now: datetime | None = None,
) -> PasteResult:
    """Split ``text`` into messages; see the module docstring for the shapes understood.

    Times without a year or date take them from ``default_time`` (or ``now``). Times more than
    a day in the future are reported as problems, as are impossible dates.

    >>> r = parse_pasted("13612345678 2026-06-01 23:40 今天不还\\n95588：您的账单已出")
    >>> [(m.sender, m.received_at.strftime("%m-%d %H:%M") if m.received_at else None, m.body)
    ...  for m in r.messages]
    [('13612345678', '06-01 23:40', '今天不还'), ('95588', None, '您的账单已出')]
    """
    now = now or datetime.now(tz=_tz())
    reference = default_time or now
    result = PasteResult()
    if len(text) > MAX_PASTE_CHARS:
        result.problems.append(
            PasteProblem(
                1,
                _("一次最多粘贴 %(limit)s 个字，请分几次粘贴。") % {"limit": MAX_PASTE_CHARS},
            )
        )
        return result
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    drafts: list[_Draft] = []
    parsed: list[tuple[int, str, tuple[str, datetime | None, str] | None, str | None]] = []
    any_header = False
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        label: str | None = None
        header: tuple[str, datetime | None, str] | None = None
        try:
            if _BLANK.match(line):
                label = "blank"
            elif m := _RE_LABEL_SENDER.match(line):
                label = "sender"
                value = m.group("value").strip()
                found = _RE_NUMBER_IN_VALUE.search(value)
                header = (found.group(0) if found else value, None, "")
            elif m := _RE_LABEL_TIME.match(line):
                label = "time"
                header = ("", _parse_time_value(m.group("value"), reference, now), "")
            elif m := _RE_LABEL_BODY.match(line):
                label = "body"
                header = ("", None, m.group("value"))
            else:
                header = _header(line, reference, now)
        except _TimeError as exc:
            result.problems.append(PasteProblem(number, str(exc)))
            header = None
        if header is not None and label != "body":
            any_header = True
        parsed.append((number, raw, header, label))

    blank_separated = _has_blank_lines(lines)
    current: _Draft | None = None
    labelled = False  # the current draft came from label lines (发件人/时间/内容)

    def close() -> None:
        nonlocal current
        if current is not None:
            drafts.append(current)
        current = None

    for number, raw, header, label in parsed:
        if label == "blank":
            if not any_header or (current is not None and current.lines):
                close()
            continue
        if not any_header:
            # Plain text: one message per line, or per block when there are blank lines.
            if current is None or not blank_separated:
                close()
                current = _Draft(line=number)
            current.lines.append(raw.strip() if not current.lines else raw.rstrip())
            continue
        if label in {"sender", "time"} and header is not None:
            sender, when, _rest = header
            starts_new = (
                current is None
                or current.lines
                or (label == "sender" and current.sender)
                or (label == "time" and current.when is not None)
            )
            if starts_new:
                close()
                current = _Draft(line=number)
                labelled = True
            assert current is not None
            if sender:
                current.sender = sender
            if when is not None:
                current.when = when
            continue
        if label == "body" and header is not None:
            if current is None or (current.lines and not labelled):
                close()
                current = _Draft(line=number)
            if header[2].strip():
                current.lines.append(header[2].strip())
            continue
        if header is not None:
            sender, when, rest = header
            mergeable = (
                current is not None
                and not current.lines
                and not (sender and current.sender)
                and not (when is not None and current.when is not None)
            )
            if mergeable and current is not None:
                # "13612345678" on one line and "6月1日 23:40" on the next: one header.
                current.sender = current.sender or sender
                current.when = current.when or when
            else:
                close()
                current = _Draft(line=number, sender=sender, when=when)
            labelled = False
            if rest.strip():
                current.lines.append(rest.strip())
            continue
        if current is None:
            current = _Draft(line=number)
            labelled = False
        current.lines.append(raw.strip() if not current.lines else raw.rstrip())
    close()

    for draft in drafts:
        body = "\n".join(draft.lines).strip()
        if not body:
            if draft.sender or draft.when:
                result.problems.append(
                    PasteProblem(
                        draft.line, _("第 %(line)s 行之后没有消息内容。") % {"line": draft.line}
                    )
                )
            continue
        if len(body) > MAX_BODY_CHARS:
            result.problems.append(
                PasteProblem(
                    draft.line,
                    _("第 %(line)s 行开始的消息超过 %(limit)s 个字，请检查是否粘贴了多余内容。")
                    % {"line": draft.line, "limit": MAX_BODY_CHARS},
                )
            )
            continue
        when = draft.when or default_time
        if when is not None and when > now + timedelta(days=1):
            result.problems.append(
                PasteProblem(
                    draft.line,
                    _("第 %(line)s 行的时间 %(when)s 还没有到，请检查年份和日期。")
                    % {
                        "line": draft.line,
                        "when": when.astimezone(_tz()).strftime("%Y-%m-%d %H:%M"),
                    },
                )
            )
            continue
        result.messages.append(
            PastedMessage(
                sender=draft.sender or default_sender.strip(),
                received_at=when,
                body=body,
                line=draft.line,
            )
        )
    if len(result.messages) > MAX_MESSAGES:
        result.problems.append(
            PasteProblem(
                1,
                _("一次最多保存 %(limit)s 条消息，请分几次粘贴。") % {"limit": MAX_MESSAGES},
            )
        )
    return result


def _has_blank_lines(lines: list[str]) -> bool:
    inner = lines[:]
    while inner and not inner[0].strip():
        inner.pop(0)
    while inner and not inner[-1].strip():
        inner.pop()
    return any(not line.strip() for line in inner)
