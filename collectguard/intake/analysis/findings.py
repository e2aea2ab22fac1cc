"""Message-level analysis: problematic content, the provisions it may breach, legitimacy signals.

``analyze`` normalises the message (evasions), runs the data-driven rules of ``rules.json`` on the
normalised text, drops matches that sit inside a denial ("我们不会联系您的家人",
"请勿转账至个人账户") or a fraud warning, maps every finding back to the original text and cites
the provisions of its behaviour as the law stood on the day the message arrived. Lawful statements
("逾期将报送征信", "将依法起诉") are simply never matched by any rule.

Beside the rules, a statistical model (``model.py``) may add a category no rule found; its
findings are estimates (rule id ``MODEL-<category>``), withdrawn by the same denials, warnings
and lawful procedures (``_estimates``). Where the model is nearly sure a category is absent, it
vetoes a rule's finding of it, unless that finding is urgent (``_vetoed``). ``rule_categories``
gives the rules' answer alone.

Speed (issue #3: tens of thousands of messages per second on one core) comes from three things:

* **A provably exact prefilter.** Every compiled regex gets, from its own parse tree, sets of
  characters such that any match contains one character of each (``_necessary_clauses``:
  ``{CONTACT}…{THIRD}`` needs a contact verb's character AND a relative's). One set
  intersection per message and a few set tests find the regexes that can possibly match (about
  one in twenty); the others, which could only have found nothing, are skipped.
  ``_core(..., prefilter=False)`` runs everything, and the tests check both give the same
  result on every labelled message and on generated text.
  The gate's answer depends only on which of its few hundred characters a text contains, so it
  is memoised on that set (``_Compiled.plan``): template messages share one plan and the gate
  costs one set intersection. Every candidate regex still runs on every text.
* **Work only where something matched.** Normalisation skips its separator and pinyin passes
  when nothing in the text could need them (one regex scan tells); each candidate regex is
  first ``search``-ed and iterated only when it found something; the index map back to the
  original text, the clause bounds for the denial check, the act date and the provisions are
  built only for hits, and a sentence's "lawful procedure" patterns, joined into one
  alternation per category, are scanned once per sentence.
* **A result cache** (``result_cache``). Collection SMS repeat templates, so the date- and
  sender-independent part of an analysis is kept in an LRU keyed on the body and the sender's
  institution role (the only sender fact a rule reads); provisions are added per call from the
  act date, so a cached result never cites the wrong version of the law.
"""

from __future__ import annotations

import gc
import importlib
import json
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import cache, lru_cache
from typing import Any, Final, NamedTuple

from collectguard.intake.analysis.context import DEBT_SIGNALS, mentions_collection
from collectguard.intake.analysis.model import model as estimator
from collectguard.intake.analysis.model import rule_id as estimate_rule_id
from collectguard.intake.analysis.normalize import normalize_for_matching
from collectguard.intake.analysis.senders import SenderInfo, classify_sender
from collectguard.legal.reference import (
    behaviours,
    institutions,
    provisions_for_behaviour,
    rules_data,
)

CATEGORIES: tuple[str, ...] = (
    "third_party",
    "privacy_disclosure",
    "intimidation",
    "insult",
    "false_legal_claim",
    "impersonation",
    "visit_threat",
    "personal_account",
)
SIGNALS: tuple[str, ...] = ("institution", "contract_ref", "amount", "repayment_channel")
_CATEGORY_ORDER = {code: index for index, code in enumerate(CATEGORIES)}

# China has had no daylight saving since 1991, so a fixed +08:00 is exact for every date the app
# sees and does not depend on the host having tzdata installed.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_CLAUSE_END_RE = re.compile(r"[,.!?;:。\n]")
_SENTENCE_END = frozenset(".!?;。\n")
# How far back a ``not_preceded_by`` context may reach.
_PRECEDING_WINDOW: Final = 12
# How far into a match a denial cue that starts before it may reach (不会 | 会去找她).
_CUE_OVERLAP: Final = 2
# The most frequent characters of collection messages, most frequent first (measured on the
# labelled corpus). Only a speed hint: the prefilter prefers rare characters as triggers.
_COMMON_CHARS: Final = (
    "。你的我还不们款已人请您天了是个【】好到上就欠会经期这钱信在家行今通有一逾账下户理明过系转去"
    "都公要借金电银联以事给将收里融打法为司话时出发后门号方小处案知说把员可用老如同提安再卡单内子元"
    "贷工院催录能所道点客费官快看接名找别晚息诉也意被中合消报日立心让么全生最作清问自和于情告妈着本"
    "商尽民部台平微三来直证吧周爸大协务委支月"
    " eatoinsrhldcumfpgwybvkxjqz0123456789,.:!?"
)
_CHAR_WEIGHT: Final = {char: len(_COMMON_CHARS) - i + 1 for i, char in enumerate(_COMMON_CHARS)}


@dataclass(frozen=True)
class Finding:
    category: str
    start: int
    end: int
    matched_text: str
    provisions: list[str]
    explanation_zh: str
    explanation_en: str
    behaviour: str = ""
    rule_id: str = ""
    urgent: bool = False


@dataclass(frozen=True)
class Analysis:
    body: str
    sender: SenderInfo
    categories: list[str]
    signals: list[str]
    findings: list[Finding]
    urgent: bool = False
    received_at: datetime | None = None
    institution_names: list[str] = field(default_factory=list)

    @property
    def sender_kind(self) -> str:
        return self.sender.kind

    def as_dict(self) -> dict[str, Any]:
        """The ``analyze_messages`` JSON Lines contract (DESIGN.md)."""
        return {
            "sender_kind": self.sender_kind,
            "categories": list(self.categories),
            "signals": list(self.signals),
            "findings": [
                {
                    "category": f.category,
                    "start": f.start,
                    "end": f.end,
                    "provisions": list(f.provisions),
                }
                for f in self.findings
            ],
        }


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    category: str
    behaviour: str
    urgent: bool
    negatable: bool
    exempt_roles: frozenset[str]
    not_after: str
    explanation_zh: str | None
    explanation_en: str | None
    # A match counts only when this occurs earlier in the message (他/她 → a relative named before).
    antecedent: re.Pattern[str] | None = None
    # A match does not count when this ends right before it (我们财务 is not the borrower's).
    preceded: re.Pattern[str] | None = None
    # The rule does not count in a message where this matches anywhere (``unless``).
    unless: re.Pattern[str] | None = None
    # rules.json's ``ordinary`` gate where it covers the rule: the same compiled pattern for
    # every rule it covers (and the model's), so it is read at most once per message.
    ordinary: re.Pattern[str] | None = None
    # The rule counts only in a message where this matches somewhere (``requires``).
    requires: re.Pattern[str] | None = None
    # When not empty, the rule counts only for a sender of one of these institution roles.
    only_roles: frozenset[str] = frozenset()
    # The rule also counts, over that finding's span, where this category is found by another
    # rule (for a sender of ``only_roles``): see ``_companions``.
    with_category: str | None = None


@dataclass(frozen=True, slots=True)
class _Unit:
    """One compiled regex of a rule; ``index`` orders units as rules.json lists them."""

    index: int
    rule: _Rule
    regex: re.Pattern[str]
    source: str  # the pattern (the regex is compiled from its parse tree, without it)


@dataclass(frozen=True, slots=True)
class _Gate:
    """Which of a list of regexes can possibly match a text (see ``_necessary_clauses``).

    Each regex is filed under the characters of its rarest clause; the few regexes filed under a
    character the text contains are then checked against their other clauses.
    """

    triggers: frozenset[str]
    by_char: Mapping[str, tuple[int, ...]]
    rest: tuple[tuple[frozenset[str], ...], ...]
    always: frozenset[int]
    # Every character any clause names: ``candidates`` reads nothing else of a text, so two
    # texts with the same ``relevant & set(text)`` have the same candidates.
    relevant: frozenset[str] = frozenset()

    @classmethod
    def build(cls, necessary: Sequence[list[frozenset[str]] | None]) -> _Gate:
        """From each regex's ``_necessary_clauses`` (``None``: no known condition)."""
        by_char: dict[str, list[int]] = {}
        rest: list[tuple[frozenset[str], ...]] = []
        always: set[int] = set()
        for index, found in enumerate(necessary):
            clauses = sorted(found or [], key=_cost)
            rest.append(tuple(clauses[1:]))
            if not clauses:
                always.add(index)
                continue
            for char in clauses[0]:
                by_char.setdefault(char, []).append(index)
        relevant = set(by_char)
        for clauses_left in rest:
            for clause in clauses_left:
                relevant |= clause
        return cls(
            triggers=frozenset(by_char),
            by_char={char: tuple(ids) for char, ids in by_char.items()},
            rest=tuple(rest),
            always=frozenset(always),
            relevant=frozenset(relevant),
        )

    def candidates(self, chars: Set[str]) -> set[int]:
        """Indexes of the regexes that may match a text made of ``chars`` (a superset of those
        that do)."""
        filed: set[int] = set()
        for char in self.triggers.intersection(chars):
            filed.update(self.by_char[char])
        found = set(self.always)
        rest = self.rest
        for index in filed:
            for clause in rest[index]:
                if clause.isdisjoint(chars):
                    break
            else:
                found.add(index)
        return found


@dataclass(frozen=True, slots=True)
class _Compiled:
    units: tuple[_Unit, ...]
    signals: tuple[_SignalEntry, ...]
    # Over the units' regexes followed by the signals' (index len(units) + i is signal i).
    gate: _Gate
    institution_names: re.Pattern[str] | None
    cue: re.Pattern[str]
    contrast: re.Pattern[str]
    voiders: re.Pattern[str]
    # A condition after the denied words, in the same sentence (…——只要你今天把钱还上).
    conditions: re.Pattern[str]
    suffix: re.Pattern[str]
    warning: re.Pattern[str]
    window: int
    urgent_context: re.Pattern[str]
    # Per category, regexes one of which matches in a sentence that states a lawful procedure
    # covering the category (``negation.lawful`` of rules.json, joined by ``_any_of``).
    lawful_for: Mapping[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)
    # rules.json's ``ordinary`` gate, compiled once (see ``_Rule.ordinary``).
    ordinary: re.Pattern[str] | None = None
    # Per institution role, the categories some rule exempts it from (``_estimates``).
    exempt_for: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # The rules with a ``with_category`` (``_companions``).
    companions: tuple[_Rule, ...] = ()
    # ``plan`` memo: the gate's answer per set of relevant characters (see ``plan``).
    plans: dict[frozenset[str], _Plan | None] = field(default_factory=dict)

    def plan(self, text: str) -> _Plan | None:
        """The units and signals that may match ``text`` (``None``: nothing can match).

        The gate reads only the characters of ``gate.relevant`` a text contains, so its answer
        is memoised on that set: messages built from one template (or simply using the same
        few dozen rule characters) share it, and the gate then costs one set intersection.
        This is not a result cache: every candidate regex still runs on every text.
        """
        key = self.gate.relevant.intersection(text)
        found = self.plans.get(key, _UNPLANNED)
        if found is not _UNPLANNED:
            return found  # type: ignore[return-value]
        ids = self.gate.candidates(key)
        count = len(self.units)
        plan = (
            _Plan(
                units=tuple(self.units[i] for i in sorted(ids) if i < count),
                signals=tuple(self.signals[i - count] for i in sorted(ids) if i >= count),
            )
            if ids
            else None
        )
        if len(self.plans) >= _PLAN_MEMO_SIZE:
            self.plans.clear()
        self.plans[key] = plan
        return plan


# (signal, regex, whether it is the known-lenders regex whose matched names are kept)
_SignalEntry = tuple[str, re.Pattern[str], bool]


class _Plan(NamedTuple):
    """What ``_Compiled.plan`` found may match a text: units, then signals, in rules.json order."""

    units: tuple[_Unit, ...]
    signals: tuple[_SignalEntry, ...]


_UNPLANNED: Final = object()
# Distinct relevant-character sets kept; beyond it the memo starts afresh (a few MB at most).
_PLAN_MEMO_SIZE: Final = 4096


def expand_macros(pattern: str, lexicon: Mapping[str, list[str]], _depth: int = 0) -> str:
    """Replace ``{NAME}`` by the lexicon entry as a longest-first non-capturing alternation.

    >>> expand_macros("{A}x", {"A": ["家", "家人"]})
    '(?:家人|家)x'
    """
    if _depth > 10:
        raise ValueError("lexicon macros nest too deeply (a cycle?)")

    def substitute(match: re.Match[str]) -> str:
        items = _macro_items(match.group(1), lexicon, pattern)
        body = "|".join(expand_macros(item, lexicon, _depth + 1) for item in items)
        return f"(?:{body})"

    return _MACRO.sub(substitute, pattern)


def _macro_items(name: str, lexicon: Mapping[str, list[str]], context: str) -> list[str]:
    """A lexicon entry's alternatives, longest first, with ``{OTHER}``-only items inlined."""
    if name not in lexicon:
        raise KeyError(f"unknown lexicon entry {{{name}}} in {context!r}")
    items: list[str] = []
    for item in lexicon[name]:
        whole = _MACRO.fullmatch(item)
        items.extend(_macro_items(whole.group(1), lexicon, context) if whole else [item])
    return sorted(items, key=len, reverse=True)


def literal_first(pattern: str, lexicon: Mapping[str, list[str]], _depth: int = 0) -> str:
    """Rewrite ``pattern`` so every top-level alternative starts with a literal character.

    Python's ``re`` skips impossible start positions in C only when each alternative begins with
    a plain character; a leading group or macro makes it try the whole pattern at every position,
    about ten times slower. So a leading ``{MACRO}`` or ``(?:a|b)`` is distributed over the rest
    of its alternative. Rules stay readable in rules.json and are fast once compiled.

    >>> literal_first("(?:你|您){A}x|y", {"A": ["家人"]})
    '你(?:家人)x|您(?:家人)x|y'
    """
    if _depth > 12:
        return expand_macros(pattern, lexicon)
    result: list[str] = []
    for branch in _split_top(pattern):
        result.extend(_distribute(branch, lexicon, _depth))
    return "|".join(result)


def _distribute(branch: str, lexicon: Mapping[str, list[str]], depth: int) -> list[str]:
    macro = _MACRO.match(branch)
    if macro is not None and not _quantified(branch, macro.end()):
        rest = branch[macro.end() :]
        heads = _macro_items(macro.group(1), lexicon, branch)
    elif (
        branch.startswith("(?:")
        and (close := _closing(branch, 0)) is not None
        and not (_quantified(branch, close + 1))
    ):
        rest = branch[close + 1 :]
        heads = _split_top(branch[3:close])
    else:
        return [expand_macros(branch, lexicon)]
    out: list[str] = []
    for head in heads:
        for sub in _split_top(head):
            out.extend(_split_top(literal_first(sub + rest, lexicon, depth + 1)))
    return out


def fast_patterns(pattern: str, lexicon: Mapping[str, list[str]]) -> list[str]:
    """Compile plan for ``pattern``: regexes whose every alternative starts with a literal.

    ``re`` skips impossible start positions in C only when each top-level alternative begins
    with a plain character (a leading group is unwrapped). Alternatives that already do are kept
    together in one regex; an alternative led by a ``{MACRO}`` or ``(?:…|…)`` group becomes its own
    regex ``(?:head words…)REST`` with the head flattened, so REST is not copied once per head word
    (which would make compiling slow).

    >>> fast_patterns("{A}x|b|(?:你|您)y|c", {"A": ["(?:家|户)人"]})
    ['b|c', '(?:家人|户人)x', '(?:你|您)y']
    >>> fast_patterns("(?:挺|很)?好砸", {})
    ['(?:挺好砸|很好砸|好砸)']
    """
    plain: list[str] = []
    headed: list[str] = []
    for branch in _split_top(pattern):
        macro = _MACRO.match(branch)
        if macro is not None and not _quantified(branch, macro.end()):
            heads = _macro_items(macro.group(1), lexicon, branch)
            rest = branch[macro.end() :]
        elif (
            branch.startswith("(?:")
            and (close := _closing(branch, 0)) is not None
            and not (_quantified(branch, close + 1))
        ):
            heads = _split_top(branch[3:close])
            rest = branch[close + 1 :]
        elif (
            branch.startswith("(?:")
            and (close := _closing(branch, 0)) is not None
            and branch[close + 1 : close + 2] == "?"
            and branch[close + 2 : close + 3] not in ("?", "+")
        ):
            # An optional leading group: (?:挺|很)?好砸 tries 挺好砸, 很好砸, then 好砸 at each
            # position, which is what the alternation 挺好砸|很好砸|好砸 does, literal-first.
            rest = branch[close + 2 :]
            options: list[str] = []
            for head in [*_split_top(branch[3:close]), ""]:
                options.extend(_split_top(literal_first(head + rest, lexicon)))
            headed.append(f"(?:{'|'.join(options)})")
            continue
        elif branch[:1] in ("[", "\\", "(", "."):
            headed.append(expand_macros(branch, lexicon))  # class-led: fine on its own
            continue
        else:
            plain.append(expand_macros(branch, lexicon))
            continue
        flat: list[str] = []
        for head in heads:
            flat.extend(_split_top(literal_first(head, lexicon)))
        headed.append(f"(?:{'|'.join(flat)}){expand_macros(rest, lexicon)}")
    return (["|".join(plain)] if plain else []) + headed


def _quantified(pattern: str, index: int) -> bool:
    """Whether a quantifier follows (``{NAME}`` is a macro, ``{2,3}`` a quantifier)."""
    if index >= len(pattern):
        return False
    char = pattern[index]
    return char in "?*+" or (
        char == "{" and index + 1 < len(pattern) and pattern[index + 1].isdigit()
    )


def _closing(pattern: str, open_index: int) -> int | None:
    """Index of the ``)`` matching the ``(`` at ``open_index`` (escapes and classes skipped)."""
    depth = 0
    index = open_index
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(pattern, index)
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return None


def _class_end(pattern: str, index: int) -> int:
    """Index of the ``]`` closing the character class that opens at ``index``."""
    index += 1
    if index < len(pattern) and pattern[index] == "^":
        index += 1
    if index < len(pattern) and pattern[index] == "]":
        index += 1
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index


def _split_top(pattern: str) -> list[str]:
    """Split on ``|`` outside groups and classes: ``a(b|c)|d`` → ``["a(b|c)", "d"]``."""
    parts: list[str] = []
    depth = 0
    start = 0
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(pattern, index)
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
        index += 1
    parts.append(pattern[start:])
    return parts


def _necessary_clauses(pattern: str) -> list[frozenset[str]] | None:
    """Sets of characters such that every match of ``pattern`` contains one of EACH set.

    Read from the regex's own parse tree, so exact by construction: every item of the top-level
    sequence is matched, so each gives a clause; a literal gives itself; a group or alternation
    gives the union over its branches of what each branch needs (the rarest choice within the
    branch); a repeat of at least once gives what its body needs. Items that need nothing in
    particular (``[^,]{0,8}``, optional parts, look-arounds) give no clause. ``None``: the
    pattern could not be read (then the regex is simply always run).

    >>> [sorted(c) for c in _necessary_clauses("(?:联系|通知)[^,]{0,8}?(?:家人|老板)")]
    [['知', '联'], ['家', '板']]
    >>> [sorted(c) for c in _necessary_clauses("后果自负|走着瞧")]
    [['果', '走']]
    >>> _necessary_clauses("[^,]{0,8}x?")
    []
    """
    tree = _parse(pattern)
    return None if tree is None else _sequence_clauses(tree.data)


def _compile_with_clauses(pattern: str) -> tuple[re.Pattern[str], list[frozenset[str]] | None]:
    """``re.compile(pattern)`` and its ``_necessary_clauses``, parsing the pattern only once.

    Compiling the parse tree directly halves the first call's cost; where the standard library's
    internals differ, it falls back to ``re.compile`` and a second parse.
    """
    tree = _parse(pattern)
    if tree is None:
        return re.compile(pattern), None
    clauses = _sequence_clauses(tree.data)
    try:
        compiled = importlib.import_module("re._compiler").compile(tree, 0)
    except (ImportError, AttributeError, TypeError, re.error):  # pragma: no cover
        compiled = re.compile(pattern)
    return compiled, clauses


def _parse(pattern: str) -> Any:
    parser = _sre_parser()
    if parser is None:
        return None
    try:
        tree = parser.parse(pattern)
    except (re.error, RecursionError):
        return None
    return None if tree.state.flags & re.IGNORECASE else tree


def _sequence_clauses(items: Iterable[tuple[Any, Any]]) -> list[frozenset[str]]:
    constants = _sre_constants()
    clauses: list[frozenset[str]] = []
    for op, value in items:
        if op is constants.SUBPATTERN and not (value[1] or value[2]):
            clauses.extend(_sequence_clauses(value[3].data))
        else:
            chars = _sequence_chars([(op, value)])
            if chars:
                clauses.append(chars)
    return clauses


@cache
def _sre_parser() -> Any:
    """The standard library's regex parser (``re._parser``), or ``None`` where it is missing.

    Without it the prefilter simply lets every regex run: slower, same results.
    """
    try:
        return importlib.import_module("re._parser")
    except ImportError:  # pragma: no cover - CPython 3.11+ always has it
        return None


def _sequence_chars(items: Iterable[tuple[Any, Any]]) -> frozenset[str] | None:
    constants = _sre_constants()
    best: frozenset[str] | None = None
    for op, value in items:
        found: frozenset[str] | None = None
        if op is constants.LITERAL:
            found = frozenset(chr(value))
        elif op is constants.IN:
            if all(kind is constants.LITERAL for kind, _ in value):
                found = frozenset(chr(code) for _, code in value)
        elif op is constants.SUBPATTERN:
            _group, add_flags, del_flags, inner = value
            if not (add_flags or del_flags):
                found = _sequence_chars(inner.data)
        elif op is constants.ATOMIC_GROUP:
            found = _sequence_chars(value.data)
        elif op is constants.BRANCH:
            found = frozenset()
            for branch in value[1]:
                chars = _sequence_chars(branch.data)
                if chars is None:
                    found = None
                    break
                found |= chars
        elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT, constants.POSSESSIVE_REPEAT):
            low, _high, inner = value
            if low >= 1:
                found = _sequence_chars(inner.data)
        if found and (best is None or _cost(found) < _cost(best)):
            best = found
    return best


@cache
def _sre_constants() -> Any:
    return importlib.import_module("re._constants")


def _cost(chars: frozenset[str]) -> int:
    return sum(_CHAR_WEIGHT.get(char, 1) for char in chars)


@cache
def _compiled() -> _Compiled:
    """Compile rules.json once per process."""
    data = rules_data()
    lexicon: dict[str, list[str]] = data["lexicon"]

    def compile_(pattern: str) -> re.Pattern[str]:
        return re.compile(literal_first(pattern, lexicon))

    units: list[_Unit] = []
    necessary: list[list[frozenset[str]] | None] = []
    companions: list[_Rule] = []
    gate = data.get("ordinary")
    ordinary = compile_(gate["pattern"]) if gate else None
    for row in data["rules"]:
        rule = _Rule(
            id=row["id"],
            category=row["category"],
            behaviour=row["behaviour"],
            urgent=bool(row.get("urgent", False)),
            negatable=bool(row.get("negatable", True)),
            exempt_roles=frozenset(row.get("exempt_sender_roles", ())),
            not_after=row.get("not_after", ""),
            explanation_zh=row.get("explanation_zh"),
            explanation_en=row.get("explanation_en"),
            antecedent=compile_(row["antecedent"]) if row.get("antecedent") else None,
            preceded=(
                re.compile(f"(?:{expand_macros(row['not_preceded_by'], lexicon)})$")
                if row.get("not_preceded_by")
                else None
            ),
            unless=compile_(row["unless"]) if row.get("unless") else None,
            ordinary=ordinary if _gated(data, row["category"], row["id"]) else None,
            requires=compile_(row["requires"]) if row.get("requires") else None,
            only_roles=frozenset(row.get("only_sender_roles", ())),
            with_category=row.get("with_category"),
        )
        if rule.with_category:
            companions.append(rule)
        for pattern in fast_patterns(row["pattern"], lexicon):
            regex, clauses = _compile_with_clauses(pattern)
            units.append(_Unit(len(units), rule, regex, pattern))
            necessary.append(clauses)
    signals: list[_SignalEntry] = []
    signal_necessary: list[list[frozenset[str]] | None] = []
    for row in data["signal_rules"]:
        for pattern in fast_patterns(row["pattern"], lexicon):
            regex, clauses = _compile_with_clauses(pattern)
            signals.append((row["signal"], regex, False))
            signal_necessary.append(clauses)
    # Known lenders' names come from institutions.json so a bank is named in one place only.
    aliases = sorted(
        {alias.lower() for inst in institutions().values() for alias in inst.aliases},
        key=len,
        reverse=True,
    )
    names = re.compile("|".join(re.escape(a) for a in aliases)) if aliases else None
    if names is not None:
        signals.append(("institution", names, True))
        signal_necessary.append(_necessary_clauses(names.pattern))
    exempt_for: dict[str, set[str]] = {}
    for unit in units:
        for role in unit.rule.exempt_roles:
            exempt_for.setdefault(role, set()).add(unit.rule.category)
    negation = data["negation"]
    lawful_rows = [
        (frozenset(row["categories"]), literal_first(row["pattern"], lexicon))
        for row in negation.get("lawful", ())
    ]
    compiled = _Compiled(
        units=tuple(units),
        signals=tuple(signals),
        gate=_Gate.build(necessary + signal_necessary),
        institution_names=names,
        cue=compile_(negation["cue"]),
        contrast=compile_(negation["contrast"]),
        voiders=compile_(negation["voiders"]),
        conditions=compile_(negation["conditions"]),
        suffix=compile_(negation["suffix"]),
        warning=compile_(negation["warning"]),
        window=int(negation["window"]),
        urgent_context=compile_(data["urgent_context"]),
        ordinary=ordinary,
        lawful_for={
            category: _any_of(
                [pattern for categories, pattern in lawful_rows if category in categories]
            )
            for category in {category for categories, _ in lawful_rows for category in categories}
        },
        exempt_for={role: frozenset(found) for role, found in exempt_for.items()},
        companions=tuple(companions),
    )
    # The compiled rules (tens of thousands of regex and tuple objects) live as long as the
    # process: moved out of the collector's generations, later collections stop traversing
    # them (the collector's work during a first pass over a 20,000-message backup drops by
    # about 30%). Like everything else alive at this point, they are never collected, which
    # they would not be anyway.
    gc.freeze()
    return compiled


def _any_of(patterns: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    """Regexes such that one of them matches in a span exactly when one of ``patterns`` does.

    Patterns without groups or global flags are joined into one alternation (a span holds a match
    of the alternation exactly when it holds a match of one of its branches): one scan instead of
    one per pattern. Others, whose groups would be renumbered, stay on their own.

    >>> [r.pattern for r in _any_of(["雨|雪", "物业", "(台)风"])]
    ['雨|雪|物业', '(台)风']
    """
    joinable: list[str] = []
    alone: list[re.Pattern[str]] = []
    for pattern in patterns:
        tree = _parse(pattern)
        if tree is None or tree.state.groups != 1 or tree.state.flags != re.UNICODE:
            alone.append(re.compile(pattern))
        else:
            joinable.append(pattern)
    return ((re.compile("|".join(joinable)),) if joinable else ()) + tuple(alone)


def act_date(received_at: datetime | None) -> date:
    """The calendar day in China on which the message arrived (naive = already China time).

    >>> act_date(datetime(2025, 12, 31, 16, 30, tzinfo=timezone(timedelta(0))))
    datetime.date(2026, 1, 1)
    """
    if received_at is None:
        return datetime.now(SHANGHAI).date()
    if received_at.tzinfo is None:
        return received_at.date()
    return received_at.astimezone(SHANGHAI).date()


class _Bounds:
    """Clause and sentence boundaries of one normalised text, found once per message."""

    __slots__ = ("clauses", "lawful", "length", "sentences", "text", "warned")

    def __init__(self, text: str) -> None:
        self.text = text
        self.length = len(text)
        self.clauses = [m.start() for m in _CLAUSE_END_RE.finditer(text)]
        self.sentences = [i for i in self.clauses if text[i] in _SENTENCE_END]
        self.warned: dict[int, bool] = {}
        self.lawful: dict[tuple[str, int], bool] = {}

    def around(self, start: int, end: int) -> tuple[int, int, int, int]:
        """(sentence start, clause start, clause end, sentence end) around ``[start, end)``."""
        clause = bisect_left(self.clauses, start)
        clause_start = self.clauses[clause - 1] + 1 if clause else 0
        after = bisect_left(self.clauses, end)
        clause_end = self.clauses[after] if after < len(self.clauses) else self.length
        sentence = bisect_left(self.sentences, start)
        sentence_start = self.sentences[sentence - 1] + 1 if sentence else 0
        after = bisect_left(self.sentences, end)
        sentence_end = self.sentences[after] if after < len(self.sentences) else self.length
        return sentence_start, clause_start, clause_end, sentence_end


def is_denied(text: str, start: int, end: int, bounds: _Bounds | None = None) -> bool:
    """Whether the normalised ``text[start:end]`` is inside a denial or a warning.

    Denials are clause-local (a cue shortly before the match, or "…均为诈骗" right after it);
    fraud warnings cover their whole sentence.

    >>> t = "我们不会联系您的家人"
    >>> is_denied(t, t.index("联系"), len(t))
    True
    >>> t = "只要您按时还款,我们就不会联系您的家人"
    >>> is_denied(t, t.index("联系"), len(t))
    False
    >>> t = "我们不会联系你家人,只要你今天还上"
    >>> is_denied(t, t.index("联系"), t.index(","))
    False
    >>> t = "别逼我们联系你家人"
    >>> is_denied(t, t.index("联系"), len(t))
    False
    >>> t = "要不要我们联系你家人"
    >>> is_denied(t, t.index("联系"), len(t))
    False
    """
    bounds = bounds if bounds is not None else _Bounds(text)
    return _denied(_compiled(), text, start, end, bounds, bounds.around(start, end))


def _denied(
    compiled: _Compiled,
    text: str,
    start: int,
    end: int,
    bounds: _Bounds,
    around: tuple[int, int, int, int],
) -> bool:
    """``is_denied`` with the compiled rules and ``bounds.around(start, end)`` already at hand."""
    sentence_start, clause_start, clause_end, sentence_end = around
    if compiled.suffix.match(text, end, clause_end):
        return True
    # A sentence that warns about fraudsters ("近期有不法分子冒充我行…要求转账至个人账户，请勿轻信")
    # quotes the tactics it warns against.
    warned = bounds.warned.get(sentence_start)
    if warned is None:
        warned = compiled.warning.search(text, sentence_start, sentence_end) is not None
        bounds.warned[sentence_start] = warned
    if warned:
        return True
    lowest = max(clause_start, start - compiled.window - 4)
    cue: re.Match[str] | None = None
    # Search up to the clause end so a cue's look-ahead sees the words after it
    # ("不得不", "不会放过"), but only keep cues that start before the match and end before it
    # or within its first characters: a rule may match from the middle of a denial
    # ("不会去找她" matched from 会).
    for candidate in compiled.cue.finditer(text, lowest, clause_end):
        if candidate.start() >= start:
            break
        if candidate.end() <= start + _CUE_OVERLAP:
            cue = candidate
    if cue is None or start - cue.end() > compiled.window:
        return False
    if compiled.contrast.search(text, cue.end(), start):
        return False
    # "我们不会联系你家人——只要你今天还上": a condition after it makes the denial a threat.
    if compiled.conditions.search(text, end, sentence_end):
        return False
    # "只要你还款就不会…" / "别以为我们不会…": the denial is really a threat. The conditional
    # governs the denial from the denial's own clause or the one right before it, not from
    # anywhere in the sentence ("如果您有疑问，请致电客服，我们不会联系您的家人" is a denial).
    clauses = bounds.clauses
    index = bisect_left(clauses, cue.start())
    lowest = max(sentence_start, clauses[index - 2] + 1 if index >= 2 else 0)
    return not compiled.voiders.search(text, lowest, cue.start())


def _lawful(
    regexes: Sequence[re.Pattern[str]],
    category: str,
    bounds: _Bounds,
    around: tuple[int, int, int, int],
) -> bool:
    """Whether the sentence ``around`` a match states a lawful procedure that covers ``category``
    (``regexes``: the lawful patterns that cover it)."""
    sentence_start, _, _, sentence_end = around
    key = (category, sentence_start)
    found = bounds.lawful.get(key)
    if found is None:
        text = bounds.text
        found = any(regex.search(text, sentence_start, sentence_end) for regex in regexes)
        bounds.lawful[key] = found
    return found


# (category, behaviour, start, end, rule, urgent), spans in the ORIGINAL message.
_Hit = tuple[str, str, int, int, _Rule, bool]


class _Core(NamedTuple):
    """What an analysis finds in a body, independent of the day and of the sender's number."""

    hits: tuple[_Hit, ...]
    categories: tuple[str, ...]
    signals: tuple[str, ...]
    institution_names: tuple[str, ...]
    urgent: bool


_NOTHING: Final = _Core(hits=(), categories=(), signals=(), institution_names=(), urgent=False)


def _core(body: str, role: str | None, *, prefilter: bool = True, estimate: bool = True) -> _Core:
    """Findings, signals and urgency of ``body`` for a sender with institution ``role``.

    ``prefilter=False`` runs every regex; the result is the same (tests check it), only slower.
    ``estimate=False`` leaves out the statistical model's findings: the rules alone.
    """
    compiled = _compiled()
    text, starts, ends = normalize_for_matching(body)
    units: Sequence[_Unit]
    signal_entries: Sequence[_SignalEntry]
    if prefilter:
        plan = compiled.plan(text)
        units, signal_entries = plan if plan is not None else ((), ())
    else:
        units, signal_entries = compiled.units, compiled.signals
    hits = _hits(compiled, units, text, starts, ends, role) if units else ()
    if hits and role is not None and compiled.companions:
        hits = _companions(compiled.companions, hits, role, text)
    # The model's scores, read by the veto and the estimates. Its own memo of recent texts is
    # a result cache too: off when the analyser's is.
    logits = estimator().logits(text, memo=result_cache.size > 0) if estimate and text else None
    if hits and logits is not None:
        hits = _vetoed(hits, logits)
    signals, names = _signals(signal_entries, text) if signal_entries else ((), ())
    estimated = (
        _estimates(text, starts, ends, hits, role, signals, logits) if logits is not None else ()
    )
    if estimated:
        hits = tuple(sorted(hits + estimated, key=lambda h: (h[2], h[3], _CATEGORY_ORDER[h[0]])))
    if not hits:
        if not signals:
            return _NOTHING
        return _Core(hits=(), categories=(), signals=signals, institution_names=names, urgent=False)
    categories = tuple(sorted({hit[0] for hit in hits}))
    urgent = any(hit[5] for hit in hits) or (
        ("visit_threat" in categories or "intimidation" in categories)
        and compiled.urgent_context.search(text) is not None
    )
    return _Core(
        hits=hits, categories=categories, signals=signals, institution_names=names, urgent=urgent
    )


def _hits(
    compiled: _Compiled,
    units: Iterable[_Unit],
    text: str,
    starts: Sequence[int] | None,
    ends: Sequence[int] | None,
    role: str | None,
) -> tuple[_Hit, ...]:
    """Every rule match that is not denied, merged per behaviour, in original coordinates."""
    bounds: _Bounds | None = None
    raw: list[tuple[str, str, int, int, int, _Rule]] = []
    contexts: dict[re.Pattern[str], bool] = {}
    for unit in units:
        rule = unit.rule
        if rule.exempt_roles and role in rule.exempt_roles:
            continue
        if rule.only_roles and role not in rule.only_roles:
            continue
        # Most candidate regexes find nothing: one ``search`` tells. A match that is accepted
        # consumes its span (as ``finditer`` would); one that is rejected (a denial, a
        # ``not_preceded_by`` or ``not_after`` context, no antecedent) does not, so the search
        # resumes one character after its start: "公司前台、你部门经理都会接到…电话" is rejected
        # at 前台 (our own front desk) but found at 经理.
        regex = unit.regex
        match = regex.search(text)
        if match is not None and not _context_allows(rule, text, contexts):
            continue
        while match is not None:
            start, end = match.span()
            if _placed(rule, text, start, end) and _counts(
                compiled, rule, text, start, end, bounds := bounds or _Bounds(text)
            ):
                raw.append((rule.category, rule.behaviour, start, end, unit.index, rule))
                match = regex.search(text, end)
            else:
                match = regex.search(text, start + 1)
    if not raw:
        return ()
    hits: list[_Hit] = []
    for category, behaviour, start, end, rule, urgent in _merge(raw):
        if starts is None or ends is None:
            hits.append((category, behaviour, start, end, rule, urgent))
        else:
            hits.append((category, behaviour, starts[start], ends[end - 1], rule, urgent))
    hits.sort(key=lambda h: (h[2], h[3], _CATEGORY_ORDER[h[0]]))
    return tuple(hits)


def _context_allows(rule: _Rule, text: str, contexts: dict[re.Pattern[str], bool]) -> bool:
    """Whether the message ``text`` lets ``rule`` count (``unless``, the ``ordinary`` gate,
    ``requires``).

    Checked only once a rule has matched, each regex at most once per message (``contexts``:
    several rules share COURT_NOTICE, and every gated rule the ordinary gate), since they scan
    the whole text.
    """
    for pattern, wanted in ((rule.unless, False), (rule.ordinary, False), (rule.requires, True)):
        if pattern is None:
            continue
        found = contexts.get(pattern)
        if found is None:
            found = contexts[pattern] = pattern.search(text) is not None
        if found is not wanted:
            return False
    return True


def _companions(
    companions: Sequence[_Rule], hits: tuple[_Hit, ...], role: str, text: str
) -> tuple[_Hit, ...]:
    """``hits`` and the findings of rules that count where another category is found.

    IM-SPOOFED: a message from the number of a court, the police, a regulator or a government
    hotline that makes a false legal claim is likely spoofed (caller IDs can be faked); a real
    authority states what the law says. Its finding covers the first false claim's span. The
    rule's ``unless`` and ``requires`` apply here too (``text``: the matching text).
    """
    found = {hit[0] for hit in hits}
    added: list[_Hit] = []
    for rule in companions:
        if rule.category in found or rule.with_category not in found:
            continue
        if rule.only_roles and role not in rule.only_roles:
            continue
        if not _context_allows(rule, text, {}):
            continue
        first = next(hit for hit in hits if hit[0] == rule.with_category)
        added.append((rule.category, rule.behaviour, first[2], first[3], rule, rule.urgent))
        found.add(rule.category)
    if not added:
        return hits
    return tuple(sorted(hits + tuple(added), key=lambda h: (h[2], h[3], _CATEGORY_ORDER[h[0]])))


def _vetoed(hits: tuple[_Hit, ...], logits: Sequence[float]) -> tuple[_Hit, ...]:
    """``hits`` without those of a category the model is nearly sure the text does not show
    (``Model.vetoed``), unless the hit is urgent: a rule that says the reader may be in danger
    stands on its own.

    Measured on writers the rules were not written for (docs/analysis-quality.md): a rule's
    words are often there without the act ("有家属一起来的话提前说一声" at a class reunion, a
    bank's "我行不会要求您向个人账户转账", a legal-aid notice quoting "爆通讯录"), and the
    model, reading the whole message, is then nearly sure the category is absent.
    """
    vetoed = estimator().vetoed(logits)
    if not vetoed:
        return hits
    return tuple(hit for hit in hits if hit[0] not in vetoed or hit[5])


def _estimates(
    text: str,
    starts: Sequence[int] | None,
    ends: Sequence[int] | None,
    hits: Sequence[_Hit],
    role: str | None,
    signals: Sequence[str],
    logits: Sequence[float],
) -> tuple[_Hit, ...]:
    """The statistical model's findings (``model.py``) for categories no rule found, in original
    coordinates.

    A category some rule exempts the sender's institution role from (the real court's 12368 may
    speak as a court) is not estimated for that sender either. A message with nothing of a debt
    about it (no rule finding, no debt signal, no collection word) needs the model's higher
    ``context_threshold``: "明天电影院门口见" from a friend is not a visit threat.
    """
    skip = {hit[0] for hit in hits}
    if role is not None:
        skip.update(_compiled().exempt_for.get(role, ()))
    in_context = bool(hits) or not DEBT_SIGNALS.isdisjoint(signals) or mentions_collection(text)
    model = estimator()
    categories = model.found(logits, skip, in_context=in_context)
    if not categories:
        return ()
    compiled = _compiled()
    bounds = _Bounds(text)
    rules = _estimate_rules()
    found: list[_Hit] = []
    contexts: dict[re.Pattern[str], bool] = {}
    for category in categories:
        if not _context_allows(rules[category], text, contexts):
            continue
        # Judged in the sentence of the model's strongest evidence, and highlighted there.
        around = bounds.around(*model.evidence(text, category))
        if _estimate_withdrawn(compiled, category, text, bounds, around):
            continue
        start, end = model.span(text, category, around[0], around[3])
        found.append(
            (
                category,
                rules[category].behaviour,
                start if starts is None else starts[start],
                end if ends is None else ends[end - 1],
                rules[category],
                False,
            )
        )
    return tuple(found)


def _estimate_withdrawn(
    compiled: _Compiled,
    category: str,
    text: str,
    bounds: _Bounds,
    around: tuple[int, int, int, int],
) -> bool:
    """Whether the sentence ``around`` a model finding denies, warns or states a lawful procedure.

    The model reads substrings, not sentences, so "你家人的电话我们不会打" looks to it like a
    threat to call the family. The rules' own tests decide instead: a denial cue anywhere in the
    sentence that would deny a rule match right after it (so "只要你还钱就不会…" still counts),
    a fraud warning, or a lawful procedure covering the category.
    """
    sentence_start, _, _, sentence_end = around
    if compiled.warning.search(text, sentence_start, sentence_end) is not None:
        return True
    lawful = compiled.lawful_for.get(category)
    if lawful and _lawful(lawful, category, bounds, around):
        return True
    for cue in compiled.cue.finditer(text, sentence_start, sentence_end):
        after = min(cue.end() + 1, sentence_end)
        if after > cue.end() and _denied(
            compiled, text, cue.end(), after, bounds, bounds.around(cue.end(), after)
        ):
            return True
    return False


@cache
def _estimate_rules() -> dict[str, _Rule]:
    """One pseudo-rule per category for the model's findings (rule id ``MODEL-<category>``)."""
    found = estimator()
    data = rules_data()
    unless: Mapping[str, str] = data["model"].get("unless", {})
    ordinary = _compiled().ordinary

    def compile_(pattern: str) -> re.Pattern[str]:
        return re.compile(literal_first(pattern, data["lexicon"]))

    return {
        category: _Rule(
            id=estimate_rule_id(category),
            category=category,
            behaviour=found.behaviours[category],
            urgent=False,
            negatable=False,
            exempt_roles=frozenset(),
            not_after="",
            explanation_zh=found.explanations[category][0],
            explanation_en=found.explanations[category][1],
            # What the model section's ``unless`` names for the category (an authority's own
            # service notice is not impersonation); and an ordinary message the rules of a
            # category stand back from is not one the model may flag in it either.
            unless=compile_(unless[category]) if unless.get(category) else None,
            ordinary=ordinary if _gated(data, category, "") else None,
        )
        for category in found.categories
    }


def _gated(data: Mapping[str, Any], category: str, rule_id: str) -> bool:
    """Whether rules.json's ``ordinary`` gate covers a rule (its categories, for rules and the
    model alike, and the rules it lists by id)."""
    gate = data.get("ordinary")
    if not gate:
        return False
    return category in gate["categories"] or rule_id in gate["rules"]


def _placed(rule: _Rule, text: str, start: int, end: int) -> bool:
    """Whether what comes right before a match of ``rule`` at ``text[start:end]`` lets it count
    (``not_after``, ``not_preceded_by``): the cheap checks, before any clause bounds."""
    if start == end or (rule.not_after and start and text[start - 1] in rule.not_after):
        return False
    return rule.preceded is None or not rule.preceded.search(
        text, max(0, start - _PRECEDING_WINDOW), start
    )


def _counts(
    compiled: _Compiled, rule: _Rule, text: str, start: int, end: int, bounds: _Bounds
) -> bool:
    """Whether a well-placed match of ``rule`` at ``text[start:end]`` counts: not denied, its
    antecedent named before it, no lawful procedure stated in its sentence."""
    around = bounds.around(start, end)
    if rule.negatable and _denied(compiled, text, start, end, bounds, around):
        return False
    if rule.antecedent is not None and not rule.antecedent.search(text, 0, start):
        return False
    lawful = compiled.lawful_for.get(rule.category)
    return not (lawful and _lawful(lawful, rule.category, bounds, around))


def _signals(entries: Iterable[_SignalEntry], text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Legitimacy signals found in ``text`` (in ``SIGNALS`` order) and known lenders named."""
    found: set[str] = set()
    names: tuple[str, ...] = ()
    for name, regex, is_names in entries:
        if is_names:
            names = tuple(sorted({m.group() for m in regex.finditer(text)}))
            if names:
                found.add(name)
        elif name not in found and regex.search(text) is not None:
            found.add(name)
    if not found:
        return (), names
    return tuple(s for s in SIGNALS if s in found), names


def _merge(
    raw: list[tuple[str, str, int, int, int, _Rule]],
) -> list[tuple[str, str, int, int, _Rule, bool]]:
    """Merge overlapping hits of the same category and behaviour into one highlighted span.

    Sorted by unit index last, so the result does not depend on the order the units ran in.
    """
    merged: list[tuple[str, str, int, int, _Rule, bool]] = []
    for category, behaviour, start, end, _unit, rule in sorted(
        raw, key=lambda r: (r[0], r[1], r[2], r[4])
    ):
        if merged:
            m_cat, m_beh, m_start, m_end, m_rule, m_urgent = merged[-1]
            if m_cat == category and m_beh == behaviour and start < m_end:
                merged[-1] = (
                    m_cat,
                    m_beh,
                    m_start,
                    max(m_end, end),
                    m_rule,
                    m_urgent or rule.urgent,
                )
                continue
        merged.append((category, behaviour, start, end, rule, rule.urgent))
    return merged


class ResultCache:
    """LRU of ``_core`` results keyed on (body, sender role: ``_role``).

    Collection SMS repeat a few templates, so most bodies of a phone backup were seen before.
    The cached part does not depend on the day (provisions are looked up per call) nor on the
    sender beyond its role (the only sender fact a rule reads: ``exempt_sender_roles`` and
    ``only_sender_roles``), so a hit gives exactly what a fresh analysis would. Bodies longer
    than ``max_body`` bypass the cache so it stays small (a few MB at most).
    """

    DEFAULT_SIZE: Final = 8192

    def __init__(self, size: int = DEFAULT_SIZE, max_body: int = 500) -> None:
        self.max_body = max_body
        self._lookup: Callable[[str, str | None], _Core] | None = None
        self.size = 0
        self.configure(size)

    def configure(self, size: int) -> None:
        """Resize (and empty) the cache; ``0`` turns it off."""
        self.size = max(0, size)
        self._lookup = lru_cache(maxsize=self.size)(_core) if self.size else None

    def clear(self) -> None:
        if self._lookup is not None:
            self._lookup.cache_clear()  # type: ignore[attr-defined]

    def core(self, body: str, role: str | None) -> _Core:
        if self._lookup is None or len(body) > self.max_body:
            return _core(body, role)
        return self._lookup(body, role)


result_cache = ResultCache()


@lru_cache(maxsize=4096)
def _provision_ids(behaviour: str, day: date) -> tuple[str, ...]:
    return tuple(p.id for p in provisions_for_behaviour(behaviour, day))


# The role ``_core`` sees for a sender whose number is a person's phone (no court, police
# station or regulator sends from one), so a rule can count only for such senders
# (IM-PERSONAL-SIGNATURE: a court's signature from a personal mobile).
PERSONAL_ROLE: Final = "personal"
_PERSONAL_KINDS: Final = frozenset({"mobile", "virtual_mobile"})


def _role(info: SenderInfo) -> str | None:
    """The sender fact the rules read: its institution role, or ``PERSONAL_ROLE``."""
    if info.institution_role is not None:
        return info.institution_role
    return PERSONAL_ROLE if info.kind in _PERSONAL_KINDS else None


def rule_categories(body: str, sender: str = "") -> tuple[str, ...]:
    """The categories the rules alone find in ``body`` (no cache, no statistical model)."""
    return _core(body, _role(classify_sender(sender)), estimate=False).categories


def analyze(body: str, *, sender: str = "", received_at: datetime | None = None) -> Analysis:
    """Analyse one message (see module docstring). Never raises on any text."""
    info = classify_sender(sender)
    core = result_cache.core(body, _role(info))
    findings: list[Finding] = []
    if core.hits:
        day = act_date(received_at)
        table = behaviours()
        for category, behaviour, start, end, rule, urgent in core.hits:
            known = table[behaviour]
            finding = _new(Finding)
            vars(finding).update(
                category=category,
                start=start,
                end=end,
                matched_text=body[start:end],
                provisions=list(_provision_ids(behaviour, day)),
                explanation_zh=rule.explanation_zh or known.explanation_zh,
                explanation_en=rule.explanation_en or known.explanation_en,
                behaviour=behaviour,
                rule_id=rule.id,
                urgent=urgent,
            )
            findings.append(finding)
    analysis = _new(Analysis)
    vars(analysis).update(
        body=body,
        sender=info,
        categories=list(core.categories),
        signals=list(core.signals),
        findings=findings,
        urgent=core.urgent,
        received_at=received_at,
        institution_names=list(core.institution_names),
    )
    return analysis


def analysis_json(body: str, *, sender: str = "", received_at: datetime | None = None) -> str:
    """``analyze(...).as_dict()`` as ``json.dumps(..., ensure_ascii=False)`` writes it.

    For ``analyze_messages``, which writes one such line per message and reads nothing else of
    the analysis: the ``Finding`` and ``Analysis`` objects (matched text, explanations) are not
    built, and the line is put together from pieces encoded once per sender kind, categories and
    signals, and per behaviour and day (``test_analysis_prefilter`` checks it against
    ``json.dumps``).
    """
    info = classify_sender(sender)
    core = result_cache.core(body, _role(info))
    head = _json_head(info.kind, core.categories, core.signals)
    if not core.hits:
        return head + "[]}"
    day = act_date(received_at)
    return (
        head
        + "["
        + ", ".join(
            [
                f'{{"category": {_json_string(category)}, "start": {start}, "end": {end}, '
                f'"provisions": {_json_provisions(behaviour, day)}}}'
                for category, behaviour, start, end, _rule, _urgent in core.hits
            ]
        )
        + "]}"
    )


# What ``json.dumps(obj, ensure_ascii=False)`` does, without building an encoder per call.
_json = json.JSONEncoder(ensure_ascii=False).encode


@lru_cache(maxsize=1024)
def _json_head(kind: str, categories: tuple[str, ...], signals: tuple[str, ...]) -> str:
    """``as_dict()``'s JSON up to the findings list (the keys in its order)."""
    return (
        f'{{"sender_kind": {_json(kind)}, "categories": {_json(list(categories))}, '
        f'"signals": {_json(list(signals))}, "findings": '
    )


@lru_cache(maxsize=256)
def _json_string(value: str) -> str:
    return _json(value)


@lru_cache(maxsize=4096)
def _json_provisions(behaviour: str, day: date) -> str:
    return _json(list(_provision_ids(behaviour, day)))


# ``Finding`` and ``Analysis`` are frozen dataclasses, whose generated ``__init__`` sets each field
# through ``object.__setattr__``, several times slower than filling the instance dictionary.
# ``analyze`` fills the instance dictionary directly with every field (the same object, as
# ``test_analysis_prefilter`` checks against the constructors); other callers use the constructor.
_new = object.__new__
