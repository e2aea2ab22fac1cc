"""Turn a message into the form the rules read, without losing where each character came from.

Collectors write around keyword filters: 通 讯 录, 通-讯-录, tong讯录, jia人, full-width
digits, traditional characters. Rules are written once, against plain simplified lower-case text;
this module produces that text and, for every character of it, the span of the ORIGINAL message
it stands for, so a finding can highlight exactly what the borrower received
(``body[start:end]``).

The tables (traditional→simplified, pinyin, variants) live in ``rules.json`` next to the rules that
depend on them, so adding an evasion spelling is a data change.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import compress
from operator import ne
from typing import Final

from collectguard.legal.reference import rules_data

# Characters that carry nothing but can be slipped between two others to break a keyword.
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u3164\ufeff\uffa0"
)
# What the matching form drops entirely: the invisible characters and variation selectors.
_DROPPED = _INVISIBLE | frozenset(map(chr, range(0xFE00, 0xFE10)))
# Punctuation that is dropped between Chinese characters only when it separates single characters
# (通,讯,录), because between words it is real punctuation (你好,我是…).
_SOFT_SEPARATORS = ",、;:!?"
# Never dropped: clause boundaries, quotes and brackets that carry meaning (【签名】), "@",
# which mentions people in a group chat (发到群里并@了你的亲戚, @所有人), and the emoji rules
# read: weapons, blood and death (好日子到头了🔪 出门…) and the animals of insults (你这个🐶东西).
_KEEP = frozenset("。,、;:!?()[]{}【】〔〕《》<>“”‘’「」『』\n\r@") | frozenset(
    "🔪🗡🪓🔫🩸⚰☠💀🐶🐕🐷🐖"
)
# Cs: phone backups write emoji as UTF-16 surrogate pairs that can reach us as lone surrogates.
_FILLER_CATEGORIES = frozenset(
    {"Pd", "Pc", "Po", "Pi", "Pf", "So", "Sk", "Sm", "Cf", "Cs", "Co", "Mn", "Zs"}
)
_SEPARATOR = r"[\s\-_.']*"

_CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
# Characters that are never fillers (so never a planted separator): letters, digits and what
# _KEEP holds. Leaving them out of the scan below only skips runs _is_filler would reject anyway.
_NEVER_FILLER = "0-9a-zA-Z" + "".join(re.escape(c) for c in sorted(_KEEP))
# A Chinese character followed by a short run of possible fillers and another Chinese character:
# the run is a candidate planted separator. (Led by a character class so the scan is prefiltered
# in C.)
_BETWEEN_CJK = re.compile(
    f"[{_CJK_CLASS}]([^{_CJK_CLASS}{_NEVER_FILLER}]{{1,8}})(?=[{_CJK_CLASS}])"
)
_SOFT_CLASS = "".join(re.escape(c) for c in _SOFT_SEPARATORS)
# ≥3 single characters joined by soft punctuation: 通,讯,录 / 家、人、们.
_SOFT_ALTERNATION = re.compile(
    f"[{_CJK_CLASS}](?<![{_CJK_CLASS}][{_CJK_CLASS}])"
    f"(?:[{_SOFT_CLASS}]{{1,2}}[{_CJK_CLASS}](?=[{_SOFT_CLASS}]))+"
    f"[{_SOFT_CLASS}]{{1,2}}[{_CJK_CLASS}]"
)
# Necessary for any _SOFT_ALTERNATION match (a separator, one character, a separator); led by a
# small class, so texts without it skip the costlier scan above.
_SOFT_HINT = re.compile(f"[{_SOFT_CLASS}][{_CJK_CLASS}][{_SOFT_CLASS}]")
_SOFT_RUN = re.compile(f"[{_SOFT_CLASS}]+")
_LATIN = re.compile("[a-z]+")


@dataclass(frozen=True, slots=True)
class Normalized:
    """Matching form of ``original`` plus, per character, the original span it came from."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of ``text`` back to ``original``.

        >>> n = normalize("通 讯 录")
        >>> n.text, n.span(0, 3)
        ('通讯录', (0, 5))
        """
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for matching and keep an index map back to the original.

    >>> normalize("ＴＯＮＧ訊錄").text
    '通讯录'
    >>> normalize("通-讯-录 和 jia人").text
    '通讯录和家人'
    >>> n = normalize("爆tongxunlu!")
    >>> n.text, n.original[slice(*n.span(1, 4))]
    ('爆通讯录!', 'tongxunlu')
    """
    chars, starts, ends = normalize_for_matching(text)
    if starts is None or ends is None:
        return Normalized(text, chars, tuple(range(len(chars))), tuple(range(1, len(chars) + 1)))
    return Normalized(text, chars, tuple(starts), tuple(ends))


IndexMap = list[int] | None
"""Per character of the normalised text, where it starts (or ends) in the original; ``None``
when the map is the identity (the common case, which then costs nothing to build)."""


def normalize_for_matching(text: str) -> tuple[str, IndexMap, IndexMap]:
    """The matching form of ``text`` and its index maps (``None`` = identity).

    What :func:`normalize` returns, without building index tuples the caller may never need;
    the analyser maps only the spans it reports.

    >>> normalize_for_matching("请还款")
    ('请还款', None, None)
    >>> normalize_for_matching("通 讯 录")
    ('通讯录', [0, 2, 4], [1, 3, 5])
    """
    forms = _forms()
    # The scan is read before translating: a scan that no longer flags a block is published
    # only after the block's forms are in the table (another thread may be learning).
    attention = forms.attention
    chars = text.translate(forms.table)
    starts: IndexMap = None
    ends: IndexMap = None
    # A character whose form is not one character, or of a block not learned yet, changes the
    # length or is found by the scan (see _FormTable); most messages have neither.
    if len(chars) != len(text) or attention.search(text) is not None:
        forms.learn(text)
        chars = text.translate(forms.table)
        uneven = len(chars) != len(text) or forms.attention.search(text) is not None
    else:
        uneven = False
    if uneven:
        pieces: list[str] = []
        starts, ends = [], []
        for index, char in enumerate(text):
            for out in forms.form(char):
                pieces.append(out)
                starts.append(index)
                ends.append(index + 1)
        chars = "".join(pieces)
    if starts is None:
        tables = _tables()
        if tables.quick.search(chars) is None or (
            tables.hint.search(chars) is None
            and not any(tables.spellable(run.group()) for run in _LATIN.finditer(chars))
        ):
            # Nothing to collapse or respell (most messages): the text is final as it is.
            return chars, None, None
    chars, starts, ends = _collapse_separators(chars, starts, ends)
    respelled, starts, ends = _respell(chars, starts, ends)
    if respelled is not chars:
        # Respelling can put characters where letters were: "爆 tong讯录" → "爆 通讯录".
        respelled, starts, ends = _collapse_separators(respelled, starts, ends)
    return respelled, starts, ends


def _identity(length: int) -> tuple[list[int], list[int]]:
    return list(range(length)), list(range(1, length + 1))


def is_cjk(char: str) -> bool:
    """True for a Chinese character (unified ideographs, extension A and beyond).

    >>> is_cjk("讯"), is_cjk("a"), is_cjk("，")
    (True, False, False)
    """
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
    )


def _is_filler(char: str) -> bool:
    """Separators a collector can put between two characters without changing what they read.

    >>> [_is_filler(c) for c in " -*.😀,。1"]
    [True, True, True, True, True, False, False, False]
    """
    if char in _KEEP:
        return False
    return char.isspace() or unicodedata.category(char) in _FILLER_CATEGORIES


def _char_form(char: str) -> str:
    """Matching form of one character: NFKC (full-width → half-width), lower case, simplified.

    >>> _char_form("Ａ"), _char_form("５"), _char_form("訊"), _char_form("\u200b")
    ('a', '5', '讯', '')
    """
    if char in _DROPPED:
        return ""
    return unicodedata.normalize("NFKC", char).lower().translate(_tables().traditional)


# Characters are learned a block at a time, on first sight (one NFKC call per block).
_BLOCK: Final = 128
_BMP_END: Final = 0x10000
# What a character of the Basic Multilingual Plane translates to while its block is not learned:
# two characters, so the text's length changes and it gets a closer look.
_UNLEARNED: Final = "\x00\x00"
# Learned up front: ASCII, CJK punctuation, full-width forms …
_PRELEARNED: Final = (range(0, 0x80), range(0x3000, 0x3080), range(0xFF00, 0xFF80))
# … and the unified ideographs, entered as they are (NFKC and lower case leave them alone) save
# for the traditional ones.
_IDEOGRAPHS: Final = range(0x4E00, 0xA000)


class _FormTable:
    """Each character's matching form, as a plain ``dict`` for ``str.translate``.

    Translating in C is far faster than a Python loop per character, and an exact ``dict``
    halves ``translate``'s work again (measured with callgrind against a ``dict`` subclass that
    only adds ``__missing__``). A plain dict cannot learn a character on a miss, so misses are
    told apart another way (the table holds 65,536 entries or more, about 5 MB):

    * every character of the Basic Multilingual Plane is in the table from the start, those of
      blocks not learned yet as ``_UNLEARNED``, which changes the text's length;
    * a character whose form is not exactly one character (``uneven``: the text needs an index
      map) changes the length too, except one that vanishes (zero-width, variation selectors),
      which could cancel out one that expands;
    * so one regex scan, ``attention``, for the characters that vanish and for the blocks
      beyond the Basic Multilingual Plane (emoji, rare ideographs) not learned yet, and the
      length, tell whether a text needs a closer look; most messages do not.
    """

    def __init__(self) -> None:
        # Identity entries map a code to itself (an int: the key object, no string per entry).
        self.table: dict[int, int | str] = dict.fromkeys(range(_BMP_END), _UNLEARNED)
        self.uneven: set[str] = set()
        self.vanishing: set[str] = set()
        self.blocks: set[int] = set()
        self.attention: re.Pattern[str]  # set by ``_learn``
        self._learn(_PRELEARNED, identity=[_IDEOGRAPHS])

    def __getitem__(self, code: int) -> int | str:
        """``str.translate`` protocol, learning the character's block first if need be."""
        if code // _BLOCK not in self.blocks:
            self.learn(chr(code))
        return self.table[code]

    def form(self, char: str) -> str:
        found = self[ord(char)]
        return char if isinstance(found, int) else found

    def learn(self, text: str) -> bool:
        """Learn the blocks of the characters of ``text`` not known yet; whether there were any."""
        new = {code // _BLOCK for code in map(ord, text)} - self.blocks
        if new:
            self._learn([range(block * _BLOCK, (block + 1) * _BLOCK) for block in new])
        return bool(new)

    def has_uneven(self, text: str) -> bool:
        """Whether ``text`` contains a character whose form is not exactly one character.

        >>> forms = _FormTable()
        >>> forms.has_uneven("通\u200b讯"), forms.has_uneven("通讯"), forms.has_uneven("😀")
        (True, False, False)
        >>> forms.has_uneven("\u200b㎡"), forms.has_uneven("\U0001d423")
        (True, False)
        """
        self.learn(text)
        return (
            len(text.translate(self.table)) != len(text) or self.attention.search(text) is not None
        )

    def _learn(self, ranges: Iterable[range], identity: Iterable[range] = ()) -> None:
        """Enter the forms of ``ranges`` (and ``identity``: their own form, or a traditional
        character's simplified one), then publish the blocks and the scan, in that order, for
        concurrent readers."""
        table = self.table
        traditional = _tables().traditional
        learned: list[range] = []
        for codes in identity:
            keys = list(codes)
            table.update(zip(keys, keys, strict=True))
            for code, simplified in traditional.items():
                if code in codes:
                    self._enter(code, chr(simplified))
            learned.append(codes)
        for codes in ranges:
            learned.append(codes)
            if codes.start == 0:
                table[0] = 0
                codes = codes[1:]
            chars = list(map(chr, codes))
            # NFKC and lower case act on each character alone here: NUL is a starter that
            # composes with nothing and is not cased (test_analysis_normalize checks every
            # character against ``_char_form``).
            forms = unicodedata.normalize("NFKC", "\x00".join(chars)).lower().split("\x00")
            keys = list(codes)
            table.update(zip(keys, keys, strict=True))
            for code, form in compress(zip(codes, forms, strict=True), map(ne, forms, chars)):
                self._enter(code, form.translate(traditional))
            for code, simplified in traditional.items():
                if code in codes and table[code] == code:
                    self._enter(code, chr(simplified))
            for char in _DROPPED:
                if ord(char) in codes:
                    self._enter(ord(char), "")
        for codes in learned:
            self.blocks.update(range(codes.start // _BLOCK, -(-codes.stop // _BLOCK)))
        self.attention = self._attention()

    def _enter(self, code: int, form: str) -> None:
        char = chr(code)
        if len(form) != 1:
            self.uneven.add(char)
        if not form:
            self.vanishing.add(char)
        self.table[code] = form

    def _attention(self) -> re.Pattern[str]:
        """A character class of the vanishing characters and of the blocks beyond the Basic
        Multilingual Plane not learned yet."""
        # Copies: another thread may be learning.
        parts = [re.escape(char) for char in sorted(self.vanishing.copy())]
        cursor = _BMP_END // _BLOCK
        for block in [*sorted(b for b in self.blocks.copy() if b >= cursor), 0x110000 // _BLOCK]:
            if block > cursor:
                parts.append(f"\\U{cursor * _BLOCK:08x}-\\U{block * _BLOCK - 1:08x}")
            cursor = block + 1
        return re.compile("[" + "".join(parts) + "]")


@cache
def _forms() -> _FormTable:
    """The process's form table (built on first use: it reads rules.json's tables)."""
    return _FormTable()


def _collapse_separators(
    chars: str, starts: IndexMap, ends: IndexMap
) -> tuple[str, IndexMap, IndexMap]:
    """Drop separators planted between Chinese characters (通 讯 录, 通-讯-录, 通,讯,录)."""
    drop: list[tuple[int, int]] = []
    for match in _BETWEEN_CJK.finditer(chars):
        if all(_is_filler(c) for c in match.group(1)):
            drop.append(match.span(1))
    if _SOFT_HINT.search(chars) is not None:
        for match in _SOFT_ALTERNATION.finditer(chars):
            base = match.start()
            drop.extend(
                (base + run.start(), base + run.end()) for run in _SOFT_RUN.finditer(match.group())
            )
    if not drop:
        return chars, starts, ends
    if starts is None or ends is None:
        starts, ends = _identity(len(chars))
    # Copy the kept stretches between the dropped spans (which may overlap), a slice at a time.
    drop.sort()
    pieces: list[str] = []
    kept_starts: list[int] = []
    kept_ends: list[int] = []
    cursor = 0
    for begin, finish in drop:
        if begin > cursor:
            pieces.append(chars[cursor:begin])
            kept_starts.extend(starts[cursor:begin])
            kept_ends.extend(ends[cursor:begin])
        cursor = max(cursor, finish)
    pieces.append(chars[cursor:])
    kept_starts.extend(starts[cursor:])
    kept_ends.extend(ends[cursor:])
    return "".join(pieces), kept_starts, kept_ends


def _respell(chars: str, starts: IndexMap, ends: IndexMap) -> tuple[str, IndexMap, IndexMap]:
    """Spell pinyin, homophone variants and abbreviations back into characters."""
    tables = _tables()
    matches: list[re.Match[str]] = []
    if tables.variants is not None:
        matches.extend(tables.variants.finditer(chars))
    if tables.latin is not None and any(
        tables.spellable(run.group()) for run in _LATIN.finditer(chars)
    ):
        # Pinyin only matters next to Latin letters; searching small windows around them keeps
        # the big alternation off the (usually all-Chinese) rest of the message.
        cursor = 0
        for run in _LATIN.finditer(chars):
            low = max(cursor, run.start() - tables.window)
            high = min(len(chars), run.end() + tables.window)
            for match in tables.latin.finditer(chars, low, high):
                matches.append(match)
                cursor = max(cursor, match.end())
            cursor = max(cursor, run.end())
    if not matches:
        return chars, starts, ends
    if starts is None or ends is None:
        starts, ends = _identity(len(chars))
    matches.sort(key=lambda m: m.start())

    out_chars: list[str] = []
    out_starts: list[int] = []
    out_ends: list[int] = []
    cursor = 0
    for match in matches:
        begin, finish = match.span()
        found = tables.find(chars, begin, finish)
        if begin < cursor or found is None or match.group() == found[0].word:
            continue  # overlaps an earlier respelling, or already written in characters
        entry, own = found
        out_chars.append(chars[cursor:begin])
        out_starts.extend(starts[cursor:begin])
        out_ends.extend(ends[cursor:begin])
        for index, char in enumerate(entry.word, start=1):
            # Pinyin maps each character to its own syllable (tong讯录: 讯 keeps its span);
            # variants and abbreviations map the whole word to the whole match.
            g_start, g_end = own.span(index) if entry.per_char else (begin, finish)
            out_chars.append(char)
            out_starts.append(starts[g_start])
            out_ends.append(ends[g_end - 1])
        cursor = finish
    out_chars.append(chars[cursor:])
    out_starts.extend(starts[cursor:])
    out_ends.extend(ends[cursor:])
    return "".join(out_chars), out_starts, out_ends


@dataclass(frozen=True, slots=True)
class _Entry:
    word: str
    pattern: re.Pattern[str]  # with one group per character when per_char
    per_char: bool
    heads: tuple[str, ...]  # characters a match can start with


@dataclass(frozen=True, slots=True)
class _Tables:
    traditional: dict[int, int]  # str.maketrans table
    latin: re.Pattern[str] | None  # pinyin and abbreviations; every alternative literal-first
    variants: re.Pattern[str] | None
    by_head: dict[str, tuple[_Entry, ...]]
    window: int  # how far a mixed spelling can reach from a Latin run (紧急联系ren)
    syllables: re.Pattern[str] | None  # one or more known pinyin syllables, nothing else
    initialisms: frozenset[str]
    # Matches wherever collapsing or respelling could change anything apart from Latin letters:
    # a possible separator after a Chinese character, a soft-punctuation run, a variant spelling.
    # A text it does not match, and whose Latin runs are not ``spellable``, is already normalised.
    hint: re.Pattern[str]
    # ``hint`` or a Latin letter: a text it does not match is already normalised (one scan).
    quick: re.Pattern[str]

    def spellable(self, run: str) -> bool:
        """Whether a maximal run of Latin letters can take part in a respelling.

        Pinyin syllables match whole (the first cannot follow a letter, the last cannot be
        followed by one) and initialisms are whole words, so a run a respelling touches is
        entirely syllables of it, or is an initialism. "app" or "xx" are neither: messages whose
        only letters are such words skip the pinyin scan.

        >>> _tables().spellable("tongxunlu"), _tables().spellable("txl"), _tables().spellable("app")
        (True, True, False)
        """
        if run in self.initialisms:
            return True
        return self.syllables is not None and self.syllables.fullmatch(run) is not None

    def find(self, text: str, start: int, end: int) -> tuple[_Entry, re.Match[str]] | None:
        """The entry (longest word first) whose own pattern matches exactly ``text[start:end]``."""
        for entry in self.by_head.get(text[start], ()):
            own = entry.pattern.match(text, start)
            if own is not None and own.end() == end:
                return entry, own
        return None


@cache
def _tables() -> _Tables:
    data = rules_data()["normalization"]
    entries: list[_Entry] = []
    latin: list[str] = []
    variants: list[str] = []
    for word, syllables in sorted(data["pinyin"].items(), key=lambda item: -len(item[0])):
        entry, scan = _pinyin_entry(word, syllables.split())
        entries.append(entry)
        latin.extend(scan)
    for abbreviation, word in data["initialisms"].items():
        head = re.escape(abbreviation[0])
        # The look-behind sits after the first letter so the scan keeps a literal prefix.
        pattern = rf"{head}(?<![a-z0-9]{head}){re.escape(abbreviation[1:])}(?![a-z0-9])"
        entries.append(_Entry(word, re.compile(pattern), False, (abbreviation[0],)))
        latin.append(pattern)
    for spelling, word in sorted(data["variants"].items(), key=lambda item: -len(item[0])):
        entries.append(_Entry(word, re.compile(re.escape(spelling)), False, (spelling[0],)))
        variants.append(re.escape(spelling))
    variants = list(data["variants"])
    by_head: dict[str, list[_Entry]] = {}
    for entry in entries:
        for head in entry.heads:
            by_head.setdefault(head, []).append(entry)
    return _Tables(
        traditional=str.maketrans(data["traditional"], data["simplified"]),
        latin=re.compile("|".join(latin)) if latin else None,
        variants=re.compile("|".join(variants)) if variants else None,
        by_head={head: tuple(items) for head, items in by_head.items()},
        syllables=(
            re.compile(
                "(?:"
                + "|".join(
                    sorted({re.escape(x) for v in data["pinyin"].values() for x in v.split()})
                )
                + ")+"
            )
            if data["pinyin"]
            else None
        ),
        initialisms=frozenset(data["initialisms"]),
        hint=re.compile(_class_led(variants, latin=False)),
        quick=re.compile(_class_led(variants, latin=True)),
        # Longest spelled-out word plus a few separators per syllable.
        window=max(
            (sum(len(s) + 3 for s in syllables.split()) for syllables in data["pinyin"].values()),
            default=0,
        ),
    )


# The Chinese characters (_CJK_CLASS) and the never-fillers as code point ranges, for _class_led.
_CJK_RANGES: Final = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))
_NEVER_FILLER_RANGES: Final = (
    (ord("0"), ord("9")),
    (ord("a"), ord("z")),
    (ord("A"), ord("Z")),
    *((ord(char), ord(char)) for char in _KEEP),
)


def _class_led(variants: Iterable[str], *, latin: bool) -> str:
    """One scan for: a possible separator right after a Chinese character, a soft-punctuation
    run (``_SOFT_HINT``), a variant spelling or (``latin``) a Latin letter.

    Written as the alternation of these, ``re`` would try every alternative at every position
    (its first one starts with a negated class, so there is no prefix to skip to). Here every
    match starts with one character class, the union of the alternatives' first characters,
    which ``re`` skips to in C; a look-behind then tells which alternative the character began.
    Only whether it matches is used (test_analysis_normalize checks it against the alternation).

    >>> scan = re.compile(_class_led(["暴光"], latin=False))
    >>> [bool(scan.search(text)) for text in ("曝光", "暴光", "通 讯", "通,讯,录", "app")]
    [False, True, True, True, False]
    """
    spellings = sorted(variants, key=len, reverse=True)
    heads = {ord(spelling[0]) for spelling in spellings} | {ord(c) for c in _SOFT_SEPARATORS}
    if latin:
        heads |= set(range(ord("a"), ord("z") + 1))
    # First characters: everything but the Chinese characters and the never-fillers, except
    # the heads the other alternatives start with.
    excluded: list[str] = []
    for low, high in sorted([*_CJK_RANGES, *_NEVER_FILLER_RANGES]):
        cursor = low
        for head in sorted(h for h in heads if low <= h <= high):
            if head > cursor:
                excluded.append(_class_range(cursor, head - 1))
            cursor = head + 1
        if cursor <= high:
            excluded.append(_class_range(cursor, high))
    branches = [
        f"(?<=[{_CJK_CLASS}][^{_CJK_CLASS}{_NEVER_FILLER}])",
        f"(?<=[{_SOFT_CLASS}])[{_CJK_CLASS}][{_SOFT_CLASS}]",
        *(f"(?<={re.escape(s[0])}){re.escape(s[1:])}" for s in spellings),
    ]
    if latin:
        branches.append("(?<=[a-z])")
    return f"[^{''.join(excluded)}](?:{'|'.join(branches)})"


def _class_range(low: int, high: int) -> str:
    if low == high:
        return re.escape(chr(low))
    return f"{re.escape(chr(low))}-{re.escape(chr(high))}"


def _pinyin_entry(word: str, syllables: list[str]) -> tuple[_Entry, list[str]]:
    """Patterns reading ``word`` in any mix of its characters and pinyin syllables.

    Returns the entry (one group per character, for the index map) and two group-free scan
    alternatives, one led by the first character and one by the first syllable, so the
    combined scan keeps a literal prefix.
    """
    if len(syllables) != len(word):
        raise ValueError(f"pinyin for {word!r} must have one syllable per character")
    last = len(word) - 1
    options: list[tuple[str, str]] = []
    for index, (char, syllable) in enumerate(zip(word, syllables, strict=True)):
        first, rest = re.escape(syllable[0]), re.escape(syllable[1:])
        # Whole syllables only: "tong" inside "tongue" or "lu" in "lulu" are left alone.
        latin = f"{first}(?<![a-z]{first}){rest}" if index == 0 else f"{first}{rest}"
        if index == last:
            latin += "(?![a-z])"
        options.append((re.escape(char), latin))
    tail = "".join(f"{_SEPARATOR}(?:{c}|{lat})" for c, lat in options[1:])
    grouped = f"({options[0][0]}|{options[0][1]})" + "".join(
        f"{_SEPARATOR}({c}|{lat})" for c, lat in options[1:]
    )
    entry = _Entry(word, re.compile(grouped), True, (word[0], syllables[0][0]))
    return entry, [options[0][0] + tail, options[0][1] + tail]
