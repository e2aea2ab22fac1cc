"""Train the analyser's statistical second opinion (``model.py``) on labelled messages.

One-vs-rest logistic regression per category over ``model.features``, fitted by AdaGrad with a
small L2 penalty, in a fixed order (a seeded shuffle), so the same sets give the same model.
``scripts/train_model.py`` trains on the repository's labelled sets and writes model.json with
the SHA-256 of each set, which a test compares with the sets as they are now.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from collectguard.intake.analysis.findings import rule_categories
from collectguard.intake.analysis.model import SCALE, as_sequence, features
from collectguard.intake.analysis.normalize import normalize_for_matching
from collectguard.intake.quality import DATA, LABELLED_SETS, NOT_TRAINED, load_corpus
from collectguard.legal.reference import rules_data


@dataclass(frozen=True)
class Params:
    epochs: int = 10
    learning_rate: float = 0.3
    l2: float = 1e-5
    nmax: int = 2
    # See ``Model.floor``: with 40, a text of fewer than about 20 characters is damped.
    floor: int = 40
    seed: int = 7
    # Substrings found in fewer messages than this are not features (they cannot generalise).
    min_count: int = 3
    # Substrings whose largest weight (in absolute value) is below this are left out of the file.
    prune: float = 0.01
    threshold: float = 0.5
    # For a message with nothing of a debt about it (``Model.context_threshold``).
    context_threshold: float = 0.6
    # Intimidation is where labellers disagree most (is a visit threat also intimidation?):
    # the model must be surer of it. Insults are a closed vocabulary the rules know; the model's
    # guesses at them were mostly wrong on unseen text (dialect read as abuse), so it must be
    # surer of those too (0.7: on 1,198 held-out messages precision 0.91 → 0.97, recall alike).
    category_thresholds: Mapping[str, float] = field(
        default_factory=lambda: {"intimidation": 0.65, "insult": 0.7}
    )
    # Below these probabilities the model vetoes a rule's finding of the category (``Model.veto``).
    # Chosen by cross-validation (scripts/cross_validate.py: exact matches peak between 0.05 and
    # 0.1); insults are left alone: there the model's doubt was wrong more often than the rule.
    veto: Mapping[str, float] = field(
        default_factory=lambda: {
            "third_party": 0.05,
            "privacy_disclosure": 0.05,
            "intimidation": 0.05,
            "false_legal_claim": 0.05,
            "impersonation": 0.05,
            "visit_threat": 0.05,
            "personal_account": 0.05,
        }
    )


# What the model learns from, in a fixed order: every labelled set but those kept as a measure,
# then the samples and everyday messages that are not collection (family, work, deliveries,
# bank alerts).
TRAINING_SETS: Final = (
    *(name for name in LABELLED_SETS if name not in NOT_TRAINED),
    "messages-sample.jsonl",
    "everyday.jsonl",
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def training_rows(data: Path = DATA, *, exclude: Collection[str] = ()) -> list[dict[str, Any]]:
    """Every labelled message of the sets but those named in ``exclude`` (a cross-validation
    fold), then the rules' examples (``rule_examples``)."""
    rows = [
        row for name in TRAINING_SETS if name not in exclude for row in load_corpus(data / name)
    ]
    return rows + rule_examples(rules_data()["rules"])


def recorded(data: Path = DATA) -> list[dict[str, str]]:
    """The sets the model learns from and their SHA-256; for rules.json, of its rules (their
    examples are training rows, and their patterns decide what a counter-example shows)."""
    rules = json.dumps(rules_data()["rules"], ensure_ascii=False, sort_keys=True)
    return [{"file": name, "sha256": sha256(data / name)} for name in TRAINING_SETS] + [
        {"file": "rules.json: rules", "sha256": hashlib.sha256(rules.encode()).hexdigest()}
    ]


def train(
    rows: Sequence[Mapping[str, Any]], categories: Sequence[str], params: Params = Params()
) -> tuple[list[float], dict[str, list[float]]]:
    """Biases and per-substring weights (``categories`` order) fitted to ``rows``.

    Each row has ``body`` and ``expect.categories``.
    """
    present = [features(normalize_for_matching(row["body"])[0], params.nmax) for row in rows]
    counts = Counter(gram for grams in present for gram in grams)
    vocabulary: dict[str, int] = {}
    examples: list[tuple[list[int], float, set[str], frozenset[str]]] = []
    for grams, row in zip(present, rows, strict=True):
        # A rule's example is labelled for the rule's category only (``known``).
        # Scaled by all the substrings present, as ``Model.scores`` does.
        scale = 1 / math.sqrt(max(len(grams), params.floor)) if grams else 0.0
        ids = [
            vocabulary.setdefault(gram, len(vocabulary))
            for gram in sorted(grams)
            if counts[gram] >= params.min_count
        ]
        known = frozenset(row.get("known") or categories)
        examples.append((ids, scale, set(row["expect"]["categories"]), known))
    count = len(vocabulary)
    weights = [[0.0] * count for _ in categories]
    squares = [[0.0] * count for _ in categories]
    biases = [0.0] * len(categories)
    order = list(range(len(examples)))
    shuffle = random.Random(params.seed).shuffle
    rate, l2 = params.learning_rate, params.l2
    for _epoch in range(params.epochs):
        shuffle(order)
        for index in order:
            ids, scale, expected, known = examples[index]
            for column, category in enumerate(categories):
                if category not in known:
                    continue
                w, g2 = weights[column], squares[column]
                z = biases[column] + scale * sum(w[i] for i in ids)
                error = _sigmoid(z) - (1.0 if category in expected else 0.0)
                biases[column] -= rate * 0.1 * error
                for i in ids:
                    gradient = error * scale + l2 * w[i]
                    g2[i] += gradient * gradient
                    w[i] -= rate * gradient / (1e-8 + math.sqrt(g2[i]))
    by_gram = {
        gram: [weights[column][i] for column in range(len(categories))]
        for gram, i in vocabulary.items()
    }
    return biases, by_gram


def rule_examples(rules: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Training rows from the rules' own examples and counter-examples (rules.json).

    An example shows its rule's category and says nothing of the others. A counter-example is a
    hard negative (a denial, a lawful notice, a friend's chat that shares the rule's words): it
    counts as showing none of the categories, except any the rules themselves find in it.
    """
    rows: list[dict[str, Any]] = []
    for rule in rules:
        for body in rule.get("examples", []):
            category = rule["category"]
            rows.append({"body": body, "expect": {"categories": [category]}, "known": [category]})
        for body in rule.get("counter_examples", []):
            found = set(rule_categories(body))
            rows.append({"body": body, "expect": {"categories": sorted(found)}})
    return rows


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def model_data(
    rows: Sequence[Mapping[str, Any]],
    categories: Sequence[str],
    *,
    params: Params = Params(),
    trained_on: Iterable[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The content of model.json for a model fitted to ``rows``."""
    biases, by_gram = train(rows, categories, params)
    kept = {
        gram: as_sequence(values)
        for gram, values in sorted(by_gram.items())
        if max(abs(v) for v in values) >= params.prune
    }
    # Keep only weights that survive rounding, so the file reads back to what it says.
    kept = {gram: values for gram, values in kept.items() if any(values)}
    return {
        "about": (
            "Character n-gram logistic regression beside the rules (collectguard/intake/analysis/"
            "model.py). Generated by scripts/train_model.py; do not edit by hand."
        ),
        "scale": SCALE,
        "params": asdict(params),
        "trained_on": list(trained_on),
        "examples": len(rows),
        "categories": list(categories),
        "bias": as_sequence(biases),
        "weights": kept,
    }
