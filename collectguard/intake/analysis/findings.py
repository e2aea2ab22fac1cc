"""Message-level analysis: problematic content, the provisions it may breach, legitimacy signals.

``analyze`` normalises the message (evasions), runs the data-driven rules of ``rules.json`` on the
normalised text, drops matches that sit inside a denial ("我们不会联系您的家人",
"请勿转账至个人账户"), maps every finding back to the original text and cites the provisions
of its behaviour as the law stood on the day the message arrived. Lawful statements
("逾期将报送征信", "将依法起诉") are simply never matched by any rule.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import cache
from typing import Any

from collectguard.intake.analysis.normalize import normalize
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

# China has had no daylight saving since 1991, so a fixed +08:00 is exact for every date the app
# sees and does not depend on the host having tzdata installed.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_CLAUSE_END = frozenset(",.!?;:。\n")
_SENTENCE_END = frozenset(".!?;。\n")


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
    regexes: tuple[re.Pattern[str], ...]
    urgent: bool
    negatable: bool
    exempt_roles: frozenset[str]
    not_after: str
    explanation_zh: str | None
    explanation_en: str | None
    antecedent: re.Pattern[str] | None = None
    preceded: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class _Compiled:
    rules: tuple[_Rule, ...]
    signals: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    institution_names: re.Pattern[str] | None
    cue: re.Pattern[str]
    contrast: re.Pattern[str]
    voiders: re.Pattern[str]
    suffix: re.Pattern[str]
    warning: re.Pattern[str]
    window: int
    urgent_context: re.Pattern[str]
    lawful: tuple[tuple[frozenset[str], re.Pattern[str]], ...] = ()


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


@cache
def _compiled() -> _Compiled:
    """Compile rules.json once per process."""
    data = rules_data()
    lexicon: dict[str, list[str]] = data["lexicon"]

    def compile_(pattern: str) -> re.Pattern[str]:
        return re.compile(literal_first(pattern, lexicon))

    def compile_many(pattern: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in fast_patterns(pattern, lexicon))

    rules = tuple(
        _Rule(
            id=row["id"],
            category=row["category"],
            behaviour=row["behaviour"],
            regexes=compile_many(row["pattern"]),
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
        )
        for row in data["rules"]
    )
    signals = tuple((row["signal"], compile_many(row["pattern"])) for row in data["signal_rules"])
    # Known lenders' names come from institutions.json so a bank is named in one place only.
    aliases = sorted(
        {alias.lower() for inst in institutions().values() for alias in inst.aliases},
        key=len,
        reverse=True,
    )
    names = re.compile("|".join(re.escape(a) for a in aliases)) if aliases else None
    negation = data["negation"]
    return _Compiled(
        rules=rules,
        signals=signals,
        institution_names=names,
        cue=compile_(negation["cue"]),
        contrast=compile_(negation["contrast"]),
        voiders=compile_(negation["voiders"]),
        suffix=compile_(negation["suffix"]),
        warning=compile_(negation["warning"]),
        window=int(negation["window"]),
        urgent_context=compile_(data["urgent_context"]),
        lawful=tuple(
            (frozenset(row["categories"]), compile_(row["pattern"]))
            for row in negation.get("lawful", ())
        ),
    )


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

    __slots__ = ("clauses", "length", "sentences", "text", "warned")

    def __init__(self, text: str) -> None:
        self.text = text
        self.length = len(text)
        self.clauses = [i for i, c in enumerate(text) if c in _CLAUSE_END]
        self.sentences = [i for i in self.clauses if text[i] in _SENTENCE_END]
        self.warned: dict[int, bool] = {}

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
    >>> t = "别逼我们联系你家人"
    >>> is_denied(t, t.index("联系"), len(t))
    False
    """
    compiled = _compiled()
    bounds = bounds if bounds is not None else _Bounds(text)
    sentence_start, clause_start, clause_end, sentence_end = bounds.around(start, end)
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
    # ("不得不", "不会放过"), but only keep cues that end before the match.
    for candidate in compiled.cue.finditer(text, lowest, clause_end):
        if candidate.end() > start:
            break
        cue = candidate
    if cue is None or start - cue.end() > compiled.window:
        return False
    if compiled.contrast.search(text, cue.end(), start):
        return False
    # "只要你还款就不会…" / "别以为我们不会…": the denial is really a threat.
    return not compiled.voiders.search(text, sentence_start, cue.start())


def _lawful(compiled: _Compiled, category: str, start: int, end: int, bounds: _Bounds) -> bool:
    """Whether the sentence states a lawful procedure that covers ``category``."""
    sentence_start, _, _, sentence_end = bounds.around(start, end)
    return any(
        category in categories and regex.search(bounds.text, sentence_start, sentence_end)
        for categories, regex in compiled.lawful
    )


def analyze(body: str, *, sender: str = "", received_at: datetime | None = None) -> Analysis:
    """Analyse one message (see module docstring). Never raises on any text."""
    compiled = _compiled()
    info = classify_sender(sender)
    norm = normalize(body)
    text = norm.text

    bounds = _Bounds(text)
    raw: list[tuple[str, str, int, int, _Rule]] = []
    for rule in compiled.rules:
        if rule.exempt_roles and info.institution_role in rule.exempt_roles:
            continue
        for regex in rule.regexes:
            for match in regex.finditer(text):
                start, end = match.span()
                if start == end or (rule.not_after and start and text[start - 1] in rule.not_after):
                    continue
                if rule.preceded is not None and rule.preceded.search(
                    text, max(0, start - 12), start
                ):
                    continue
                if rule.negatable and is_denied(text, start, end, bounds):
                    continue
                if rule.antecedent is not None and not rule.antecedent.search(text, 0, start):
                    continue
                if compiled.lawful and _lawful(compiled, rule.category, start, end, bounds):
                    continue
                raw.append((rule.category, rule.behaviour, start, end, rule))

    day = act_date(received_at)
    findings: list[Finding] = []
    for category, behaviour, start, end, rule, urgent in _merge(raw):
        orig_start, orig_end = norm.span(start, end)
        info_b = behaviours()[behaviour]
        findings.append(
            Finding(
                category=category,
                start=orig_start,
                end=orig_end,
                matched_text=body[orig_start:orig_end],
                provisions=[p.id for p in provisions_for_behaviour(behaviour, day)],
                explanation_zh=rule.explanation_zh or info_b.explanation_zh,
                explanation_en=rule.explanation_en or info_b.explanation_en,
                behaviour=behaviour,
                rule_id=rule.id,
                urgent=urgent,
            )
        )
    findings.sort(key=lambda f: (f.start, f.end, CATEGORIES.index(f.category)))

    categories = sorted({f.category for f in findings})
    found_signals = {
        name for name, regexes in compiled.signals if any(rx.search(text) for rx in regexes)
    }
    names: list[str] = []
    if compiled.institution_names is not None:
        names = sorted({m.group() for m in compiled.institution_names.finditer(text)})
        if names:
            found_signals.add("institution")
    urgent = any(f.urgent for f in findings) or (
        bool({"visit_threat", "intimidation"} & set(categories))
        and compiled.urgent_context.search(text) is not None
    )
    return Analysis(
        body=body,
        sender=info,
        categories=categories,
        signals=[s for s in SIGNALS if s in found_signals],
        findings=findings,
        urgent=urgent,
        received_at=received_at,
        institution_names=names,
    )


def _merge(
    raw: list[tuple[str, str, int, int, _Rule]],
) -> list[tuple[str, str, int, int, _Rule, bool]]:
    """Merge overlapping hits of the same category and behaviour into one highlighted span."""
    merged: list[tuple[str, str, int, int, _Rule, bool]] = []
    for category, behaviour, start, end, rule in sorted(raw, key=lambda r: (r[0], r[1], r[2])):
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
