"""A statistical second opinion beside the rules: character n-gram logistic regression.

The rules of ``rules.json`` flag what they find with high precision, but on text written by
people who never saw them they miss a quarter to a third of veiled threats, exposure threats and
impersonation (docs/analysis-quality.md): every writer phrases menace differently. This model,
trained on the repository's labelled sets by ``scripts/train_model.py``, reads the whole message
instead of looking for patterns, and adds a category the rules did not find when it is at least
``threshold`` sure. And where it is nearly sure a category is absent (below the category's
``veto``), a rule's finding of it is dropped (``findings._vetoed``; an urgent one stands): on
writers the rules were not written for, a rule's words are often there without the act ("有家属
一起来的话提前说一声", a bank's own "我行不会要求您向个人账户转账").

Its findings are marked as estimates (rule id ``MODEL-<category>``): the span highlighted is the
stretch of text that pushed the score up most, the explanation says it is an estimate to check,
and the provisions are those of the category's main behaviour (the ``model`` section of
rules.json).

Features are the distinct 1- to ``nmax``-character substrings (2 in the trained model) of the
normalised matching text (the text the rules read, so 通 讯 录 and tong讯录 look alike), with
digits folded to 0. The score of a category is ``sigmoid(bias + sum(weights of the substrings
present) / sqrt(max(number present, floor)))``. Scoring a new text costs the set of its
substrings and one C-level sum of packed integers (see ``_FIELD``), compared with each
threshold's logit: about as much again as the rules on a short message (docs/benchmarks.md).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import repeat
from operator import add
from pathlib import Path
from typing import Any, Final

from collectguard.legal.reference import rules_data

MODEL_PATH: Final = Path(__file__).resolve().parent / "data" / "model.json"
# Weights are stored as integers: the weight times SCALE, rounded.
SCALE: Final = 1000
# Every digit counts as 0: 138xxxx and 159xxxx, 3天 and 7天 read alike (a regex is several
# times faster than ``str.translate`` on Chinese text).
_DIGIT: Final = re.compile("[0-9]")


def fold_digits(text: str) -> str:
    """``text`` with every ASCII digit replaced by 0 (the same length).

    >>> fold_digits("欠12元")
    '欠00元'
    """
    return _DIGIT.sub("0", text)


# The rule id of a model finding of ``category``.
RULE_PREFIX: Final = "MODEL-"


def features(text: str, nmax: int = 2) -> set[str]:
    """The distinct 1- to ``nmax``-character substrings of the matching text ``text``.

    >>> sorted(features("欠12"))
    ['0', '00', '欠', '欠0']
    """
    return _folded_features(fold_digits(text), nmax)


def _folded_features(text: str, nmax: int) -> set[str]:
    found = set(text)
    previous: list[str] = list(text)
    for n in range(2, nmax + 1):
        # Each n-gram is an (n-1)-gram plus the character after it, joined in C.
        previous = list(map(add, previous, text[n - 1 :]))
        found.update(previous)
    return found


# A substring's weights packed into one integer, ``_FIELD`` bits per category, each offset by
# ``_OFFSET`` so it is never negative: the sum over the substrings present is one C-level
# ``sum`` of integers, unpacked per category after (exact: the weights are integers).
_FIELD: Final = 40
_OFFSET: Final = 1 << 20
_MASK: Final = (1 << _FIELD) - 1
_SHIFTS: Final = tuple(_FIELD * i for i in range(64))
# Each field holds the sum of at most this many offset weights without spilling into the next
# (2**19 * 2**21 = 2**40); a longer text (a body of hundreds of thousands of characters) is
# summed per category instead.
_MAX_PACKED: Final = 1 << 19
# Logits of recently seen texts, keyed on the digit-folded text: template messages that differ
# only in amounts, dates or numbers are scored once.
_MEMO_SIZE: Final = 8192
_MEMO_MAX_TEXT: Final = 500


def _logit(probability: float) -> float:
    """The score (times ``SCALE``) at which the probability reaches ``probability``."""
    if probability >= 1:
        return math.inf
    return SCALE * math.log(probability / (1 - probability))


def _unset_memo(folded: str) -> tuple[float, ...]:
    raise RuntimeError("Model.__post_init__ sets the memo")


@dataclass(frozen=True, slots=True)
class Model:
    categories: tuple[str, ...]
    # Stored integers (weight times ``SCALE``): the bias, and per substring one per category.
    bias: tuple[int, ...]
    weights: Mapping[str, tuple[int, ...]]
    threshold: float
    # The threshold for a text with nothing of a debt about it (``findings._estimates``).
    context_threshold: float
    nmax: int
    # Categories that need a higher probability than ``threshold``.
    thresholds: Mapping[str, float]
    behaviours: Mapping[str, str]
    explanations: Mapping[str, tuple[str, str]]
    # The sum is divided by the square root of the number of substrings, but of at least this
    # many: a short text ("明天门口见") cannot score high on two or three strong words alone.
    floor: int = 1
    # Per category, the probability below which the model vetoes a rule's finding (none: never).
    veto: Mapping[str, float] = field(default_factory=dict)
    # Derived from the above in ``__post_init__``, never passed in.
    packed: Mapping[str, int] = field(init=False, default_factory=dict)
    vocabulary: frozenset[str] = field(init=False, default=frozenset())
    # The packed weights of a substring the model does not know (zero for every category).
    zero: int = field(init=False, default=0)
    # Per category, the score each threshold stands for: (in context, out of context).
    limits: tuple[tuple[float, ...], tuple[float, ...]] = field(init=False, default=((), ()))
    # Per category, the score of its ``veto`` (minus infinity: no veto).
    veto_limits: tuple[float, ...] = field(init=False, default=())
    memo: Callable[[str], tuple[float, ...]] = field(init=False, default=_unset_memo)

    def __post_init__(self) -> None:
        for gram, values in self.weights.items():
            if len(values) != len(self.categories) or any(abs(v) >= _OFFSET for v in values):
                raise ValueError(f"model weights of {gram!r} do not fit")
        packed = {
            gram: sum((value + _OFFSET) << (_FIELD * i) for i, value in enumerate(values))
            for gram, values in self.weights.items()
        }
        limits = tuple(
            tuple(_logit(self.threshold_for(category, in_context)) for category in self.categories)
            for in_context in (True, False)
        )
        object.__setattr__(self, "packed", packed)
        object.__setattr__(self, "vocabulary", frozenset(packed))
        object.__setattr__(
            self, "zero", sum(_OFFSET << _SHIFTS[i] for i in range(len(self.categories)))
        )
        object.__setattr__(self, "limits", limits)
        object.__setattr__(
            self,
            "veto_limits",
            tuple(
                _logit(self.veto[category]) if category in self.veto else -math.inf
                for category in self.categories
            ),
        )
        object.__setattr__(self, "memo", lru_cache(maxsize=_MEMO_SIZE)(self._logits))

    def threshold_for(self, category: str, in_context: bool = True) -> float:
        threshold = self.thresholds.get(category, self.threshold)
        return threshold if in_context else max(threshold, self.context_threshold)

    def scores(self, text: str, *, memo: bool = True) -> dict[str, float]:
        """Each category's probability for the matching text ``text`` (``memo=False``: computed
        afresh, as with the analyser's result cache turned off)."""
        logits = self._scored(fold_digits(text), memo)
        return {
            category: _sigmoid(z / SCALE)
            for category, z in zip(self.categories, logits, strict=True)
        }

    def logits(self, text: str, *, memo: bool = True) -> tuple[float, ...]:
        """Each category's score (times ``SCALE``) for the matching text ``text``, in
        ``categories`` order: what ``found`` and ``vetoed`` read."""
        return self._scored(fold_digits(text), memo)

    def _scored(self, folded: str, memo: bool) -> tuple[float, ...]:
        if memo and len(folded) <= _MEMO_MAX_TEXT:
            return self.memo(folded)
        return self._logits(folded)

    def _logits(self, folded: str) -> tuple[float, ...]:
        """Each category's score, times ``SCALE``, for the digit-folded text ``folded``."""
        present = _folded_features(folded, self.nmax)
        count = len(present)
        if not count:
            return tuple(-math.inf for _ in self.categories)
        scale = 1 / math.sqrt(max(count, self.floor))
        if count >= _MAX_PACKED:
            known = [self.weights[gram] for gram in present if gram in self.weights]
            return tuple(
                bias + scale * sum(weights[column] for weights in known)
                for column, bias in enumerate(self.bias)
            )
        # A substring the model does not know adds zero to every category: only the offsets.
        total = sum(map(self.packed.get, present, repeat(self.zero, count)))
        offset = count * _OFFSET
        return tuple(
            [
                bias + scale * (((total >> shift) & _MASK) - offset)
                for bias, shift in zip(self.bias, _SHIFTS, strict=False)
            ]
        )

    def found(
        self,
        logits: Sequence[float],
        already: Collection[str] = (),
        *,
        in_context: bool = True,
    ) -> list[str]:
        """The categories whose score in ``logits`` (a text's ``logits``) is at or above their
        threshold and that are not in ``already``.

        ``in_context=False`` (nothing shows the text is about a debt) uses ``context_threshold``.
        """
        return [
            category
            for category, z, limit in zip(
                self.categories, logits, self.limits[not in_context], strict=True
            )
            if z >= limit and category not in already
        ]

    def vetoed(self, logits: Sequence[float]) -> frozenset[str]:
        """The categories whose score in ``logits`` is below their ``veto``: the model is
        nearly sure the text does not do that."""
        return frozenset(
            category
            for category, z, limit in zip(self.categories, logits, self.veto_limits, strict=True)
            if z < limit
        )

    def evidence(self, text: str, category: str) -> tuple[int, int]:
        """Where in ``text`` the substring that adds most to ``category``'s score is."""
        column = self.categories.index(category)
        folded = fold_digits(text)
        weights = self.weights
        known = _folded_features(folded, self.nmax) & self.vocabulary
        if not known:
            return (0, len(text))
        best = max(sorted(known), key=lambda gram: weights[gram][column])
        start = folded.find(best)
        return start, start + len(best)

    def span(
        self, text: str, category: str, start: int = 0, end: int | None = None
    ) -> tuple[int, int]:
        """The stretch of ``text[start:end]`` whose substrings add most to ``category``'s score.

        Each substring's weight is shared among its characters; the span is the maximum-sum run
        of characters (Kadane), trimmed of separators, or the whole stretch when no run adds.
        """
        end = len(text) if end is None else end
        column = self.categories.index(category)
        folded = fold_digits(text[start:end])
        weights = self.weights
        gain = [0.0] * len(folded)
        grams: list[str] = list(folded)
        for n in range(1, self.nmax + 1):
            if n > 1:
                grams = list(map(add, grams, folded[n - 1 :]))
            for i, gram in enumerate(grams):
                weight = weights.get(gram)
                if weight is not None and weight[column]:
                    share = weight[column] / n
                    for j in range(i, i + n):
                        gain[j] += share
        best, best_start, best_end = 0.0, 0, len(folded)
        running, run_start = 0.0, 0
        for index, value in enumerate(gain):
            if running <= 0:
                running, run_start = 0.0, index
            running += value
            if running > best:
                best, best_start, best_end = running, run_start, index + 1
        first, last = start + best_start, start + best_end
        while first < last and not text[first].isalnum():
            first += 1
        while last > first and not text[last - 1].isalnum():
            last -= 1
        return (first, last) if first < last else (start, end)


def _sigmoid(z: float) -> float:
    if z < -30:
        return 0.0
    if z > 30:
        return 1.0
    return 1 / (1 + math.exp(-z))


def load(data: Mapping[str, Any], text: Mapping[str, Any]) -> Model:
    """A ``Model`` from the content of model.json (see ``scripts/train_model.py``) and the
    ``model`` section of rules.json (``text``: each category's behaviour and explanation)."""
    if data.get("scale") != SCALE:
        raise ValueError(f"model.json: weights are not scaled by {SCALE}")
    categories = tuple(data["categories"])
    return Model(
        categories=categories,
        bias=tuple(int(value) for value in data["bias"]),
        weights={gram: tuple(map(int, values)) for gram, values in data["weights"].items()},
        threshold=float(data["params"]["threshold"]),
        context_threshold=float(data["params"]["context_threshold"]),
        thresholds={k: float(v) for k, v in data["params"]["category_thresholds"].items()},
        veto={k: float(v) for k, v in data["params"].get("veto", {}).items()},
        nmax=int(data["params"]["nmax"]),
        floor=int(data["params"]["floor"]),
        behaviours={category: text["behaviours"][category] for category in categories},
        explanations={
            category: (text["explanations"][category]["zh"], text["explanations"][category]["en"])
            for category in categories
        },
    )


@cache
def model() -> Model:
    """The process's model (read from model.json on first use)."""
    with MODEL_PATH.open(encoding="utf-8") as handle:
        return load(json.load(handle), rules_data()["model"])


def rule_id(category: str) -> str:
    return RULE_PREFIX + category


def is_estimate(rule: str | None) -> bool:
    """Whether a stored finding's rule id is the model's."""
    return bool(rule) and str(rule).startswith(RULE_PREFIX)


def estimated_only(findings: Iterable[Mapping[str, Any]] | None) -> frozenset[str]:
    """The categories of stored findings that only the model found (no rule did).

    >>> sorted(estimated_only([{"category": "intimidation", "rule": "MODEL-intimidation"},
    ...                        {"category": "third_party", "rule": "TP-CONTACT"}]))
    ['intimidation']
    """
    estimated: set[str] = set()
    ruled: set[str] = set()
    for finding in findings or ():
        category = str(finding.get("category", ""))
        (estimated if is_estimate(finding.get("rule")) else ruled).add(category)
    return frozenset(estimated - ruled)


def as_sequence(values: Sequence[float]) -> list[int]:
    """Weights as stored in model.json."""
    return [round(value * SCALE) for value in values]
