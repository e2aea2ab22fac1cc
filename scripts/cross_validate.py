#!/usr/bin/env python
"""Cross-validated quality: the statistical model scored on writers it was not trained on.

    .venv/bin/python scripts/cross_validate.py          # about fifteen minutes on one core

The outsiders' sets that are trained on are split into folds (rounds of writers, in the order
they were written). For each fold the model is retrained on every other training set (and the
rules' examples), exactly as ``scripts/train_model.py`` trains the shipped one, and the
analyser (rules and that model) is scored on the fold. The pooled figures estimate how the
analyser does on a new writer's text, over about 13,300 messages instead of a sealed set's 600.

The first five folds were read while the rules were written, so on them the figures are an
upper bound; the last four were never read (no rule was written from them). The sealed sets
(``NOT_TRAINED``), scored once and never read, remain the blind measure; see
docs/analysis-quality.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collectguard.settings")

import django  # noqa: E402

django.setup()

from collectguard.intake.analysis import CATEGORIES, findings, result_cache  # noqa: E402
from collectguard.intake.analysis.model import Model, load  # noqa: E402
from collectguard.intake.analysis.training import (  # noqa: E402
    Params,
    model_data,
    training_rows,
)
from collectguard.intake.quality import (  # noqa: E402
    DATA,
    PRECISION_TARGET,
    RECALL_TARGET,
    Score,
    evaluate,
    load_corpus,
)
from collectguard.legal.reference import rules_data  # noqa: E402

# Rounds of outside writers whose sets were trained on (all but the last four read), in order.
FOLDS: tuple[tuple[str, ...], ...] = (
    ("outsider-2.jsonl", "outsider-3.jsonl", "outsider-4.jsonl", "outsider-5.jsonl"),
    ("outsider-6.jsonl", "outsider-7.jsonl", "outsider-8.jsonl"),
    ("outsider-9.jsonl", "outsider-11.jsonl"),
    ("outsider-13.jsonl", "outsider-14.jsonl"),
    ("outsider-16.jsonl", "outsider-18.jsonl", "outsider-19.jsonl"),
    # Scored blind and trained on, never read: no rule was written from these.
    ("outsider-22.jsonl", "outsider-23.jsonl"),
    ("outsider-24.jsonl", "outsider-25.jsonl"),
    ("outsider-26.jsonl", "outsider-27.jsonl"),
    ("outsider-28.jsonl", "outsider-29.jsonl"),
)


def fold_model(fold: tuple[str, ...]) -> Model:
    """The shipped model's training, without the fold's sets."""
    rows = training_rows(exclude=fold)
    return load(model_data(rows, CATEGORIES, params=Params()), rules_data()["model"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args()
    pooled = {code: Score() for code in CATEGORIES}
    exact = total = 0
    shipped: Callable[[], Model] = findings.estimator
    try:
        for fold in FOLDS:
            model = fold_model(fold)
            findings.estimator = lambda model=model: model  # type: ignore[assignment]
            result_cache.clear()
            report = evaluate(row for name in fold for row in load_corpus(DATA / name))
            exact += report.exact_matches
            total += report.total
            for code, score in report.categories.items():
                pooled[code].true_positives += score.true_positives
                pooled[code].false_positives += score.false_positives
                pooled[code].false_negatives += score.false_negatives
            print(f"{', '.join(fold)}: {report.exact_matches}/{report.total} exact", flush=True)
    finally:
        findings.estimator = shipped  # type: ignore[assignment]
        result_cache.clear()
    print(f"\npooled, {total} messages: {exact} exact ({exact / total:.1%})")
    print("| category | precision | recall |")
    print("|---|---:|---:|")
    for code, score in pooled.items():
        p_mark = "" if score.precision >= PRECISION_TARGET else " ✗"
        r_mark = "" if score.recall >= RECALL_TARGET else " ✗"
        print(f"| {code} | {score.precision:.3f}{p_mark} | {score.recall:.3f}{r_mark} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
