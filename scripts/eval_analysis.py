#!/usr/bin/env python
"""Measure the message analyser on a labelled corpus and write docs/analysis-quality.md.

    .venv/bin/python scripts/eval_analysis.py                  # the project's corpus
    .venv/bin/python scripts/eval_analysis.py --corpus FILE    # any file in the same format
    .venv/bin/python scripts/eval_analysis.py --check          # exit 1 when a target is missed

Prints per-category precision and recall, sender-kind accuracy and the messages that were
missed or wrongly flagged (ids, expected, found), so rule authors see what to look at.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collectguard.settings")

import django  # noqa: E402

django.setup()

from collectguard.intake.quality import (  # noqa: E402
    PRECISION_TARGET,
    RECALL_TARGET,
    SENDER_KIND_TARGET,
    Report,
    evaluate,
    load_corpus,
)

DEFAULT_CORPUS = ROOT / "tests" / "intake" / "data" / "corpus.jsonl"
# The other labelled sets in the repository, reported in the doc beside the corpus.
OTHER_SETS = [
    ROOT / "tests" / "intake" / "data" / "holdout.jsonl",
    ROOT / "tests" / "intake" / "data" / "dev.jsonl",
    # Written by outsiders who never saw the rules, then used to tune them: see the doc.
    ROOT / "tests" / "intake" / "data" / "outsider.jsonl",
]
DOC = ROOT / "docs" / "analysis-quality.md"
# What the sets written by outsiders showed, in the order it was learnt (kept in the doc).
OUTSIDERS = [
    "## Text written by outsiders: what generalises",
    "",
    "On 2026-11-30 five sets of 150 messages (A to E) were written by five writers who had read",
    "only the taxonomy, the legal reference and the samples, never the rules or the sets above.",
    "Each set was scored with the rules as they stood before anyone tuned on it (exact category",
    "matches, a strict measure: one category too many or too few counts as a miss):",
    "",
    "| set | first score, untouched | after tuning on A, C, D, E |",
    "|---|---:|---:|",
    "| A | 104/150 (69 %) | 142/150 (tuned on) |",
    "| C | 90/150 (60 %) | 129/150 (tuned on) |",
    "| D | 100/150 (67 %) | 139/150 (tuned on) |",
    "| E | 110/150 (73 %) | 140/150 (tuned on) |",
    "| B (sealed) | 103/150 (69 %) | 106/150 (71 %) |",
    "",
    "A, C, D and E (with 14 labels corrected to the samples' conventions, listed in the commit",
    "history) are now `tests/intake/data/outsider.jsonl`. B was never read by anyone tuning the",
    "rules and is scored above as the blind set. Tuning on 600 outsider messages lifted those",
    "600 from 67 % to 92 % exact but the sealed set only from 69 % to 71 %: every writer phrases",
    "implicit menace, veiled visits and exposure threats differently, and hand-written rules",
    "generalise to the phrasings someone has seen. The analyser flags what it finds with high",
    "precision on the repository's sets, and on unseen text it misses a quarter to a third of",
    "implicit intimidation, exposure and impersonation; the pages say that the analysis may",
    "miss things and that the borrower's own judgement and 12348 come first.",
    "",
    "The next step is a statistical classifier beside the rules. A prototype outside the",
    "repository (logistic regression on character 1–3-grams of the normalised text, trained on",
    "the 2,743 labelled messages of the repository and the samples, default threshold 0.5, one",
    "run against B, no tuning on it) added to the rules' categories lifted B from 106 to 118",
    "exact, with third_party (0.90/0.91), privacy_disclosure (0.92/0.85), insult,",
    "false_legal_claim and personal_account at target, impersonation and visit_threat at",
    "precision 0.89 (recall 1.00) and intimidation still at 0.75/0.81. It is not in the",
    "product: its findings would need a span to highlight, an explanation and provisions, and",
    "its lookup costs about as much as the rules (13 µs a message, measured in pure Python on",
    "the generated backup's messages, against ~13.5 µs for the whole rule analysis), which would",
    "take the 100k import on PostgreSQL (4.6–4.7× the parse now, docs/benchmarks.md) past 5×",
    "unless it is made cheaper. B has now been looked at once, so a new sealed set should judge",
    "it.",
    "",
]


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def table(report: Report) -> list[str]:
    lines = [
        "| category | support | precision | recall | target met |",
        "|---|---:|---:|---:|:---:|",
    ]
    for code, score in report.categories.items():
        ok = score.precision >= PRECISION_TARGET and score.recall >= RECALL_TARGET
        lines.append(
            f"| `{code}` | {score.support} | {score.precision:.3f} | {score.recall:.3f} | "
            f"{_mark(ok)} |"
        )
    lines.append("")
    lines.append("| signal (not a target) | support | precision | recall |")
    lines.append("|---|---:|---:|---:|")
    for code, score in report.signals.items():
        lines.append(f"| `{code}` | {score.support} | {score.precision:.3f} | {score.recall:.3f} |")
    return lines


def failure_lines(report: Report, limit: int = 25) -> list[str]:
    lines: list[str] = []
    for code, score in report.categories.items():
        for label, ids in (("missed", score.missed), ("wrongly flagged", score.wrong)):
            if not ids:
                continue
            lines.append(f"- `{code}` {label} ({len(ids)}):")
            for item_id in ids[:limit]:
                info = report.rows[item_id]
                expected = ",".join(info["row"]["expect"]["categories"]) or "—"
                found = ",".join(info["categories"]) or "—"
                lines.append(
                    f"  - {item_id} expected [{expected}] found [{found}]: "
                    f"{info['row']['body'][:70]}"
                )
    for item_id, sender, expected, got in report.kind_errors:
        lines.append(f"- sender kind {item_id} {sender!r}: expected {expected}, found {got}")
    return lines


def write_doc(
    report: Report,
    corpus: Path,
    blind: Report | None = None,
    others: dict[str, Report] | None = None,
) -> None:
    relative = corpus.relative_to(ROOT) if corpus.is_relative_to(ROOT) else corpus
    lines = [
        "# Message analysis quality",
        "",
        f"Measured on {date.today().isoformat()} on `{relative}`: {report.total} synthetic, "
        "hand-labelled messages written the way borrowers receive them (lawful notices, denials, "
        "filter-evading spellings, traditional characters, full-width digits, other languages, "
        "emoji). The corpus is kept apart from the rules' own examples and from "
        "`samples/messages.jsonl`.",
        "",
        "Reproduce:",
        "",
        "```",
        ".venv/bin/python scripts/eval_analysis.py",
        "```",
        "",
        f"Targets: precision ≥ {PRECISION_TARGET} and recall ≥ {RECALL_TARGET} for every "
        f"category; sender kind accuracy ≥ {SENDER_KIND_TARGET}.",
        "",
        *table(report),
        "",
        f"Sender kind accuracy: **{report.kind_accuracy:.3f}** "
        f"({report.kind_correct}/{report.total}). Messages with exactly the expected categories: "
        f"{report.exact_matches}/{report.total}.",
        "",
    ]
    lines += [
        "Caveat: this corpus is in the repository, where the rule authors can read it, so its",
        "figures are an upper bound. Keep a blind set outside the repository and pass it with",
        "`--blind FILE` to report it beside this one.",
        "",
    ]
    for name, other in (others or {}).items():
        lines += [
            f"## `{name}` ({other.total} messages, in the repository)",
            "",
            *table(other),
            "",
            f"Sender kind accuracy: {other.kind_accuracy:.3f}. Exact category matches: "
            f"{other.exact_matches}/{other.total}.",
            "",
        ]
    if blind is not None:
        lines += [
            f"## Blind set ({blind.total} messages, kept outside the repository)",
            "",
            *table(blind),
            "",
            f"Sender kind accuracy: {blind.kind_accuracy:.3f}. Exact category matches: "
            f"{blind.exact_matches}/{blind.total}.",
            "",
            "The blind set is written by someone who has read the taxonomy, the legal reference",
            "and the samples but never the rules or the labelled sets above; it is scored after",
            "the rules are frozen and never used to tune them, so it estimates how the analyser",
            "does on messages nobody here has seen. Some disagreements are labelling conventions",
            "(which of several acts in one message counts as which category).",
            "",
        ]
        blind_details = failure_lines(blind)
        if blind_details:
            lines += ["### Where the analyser disagrees with the blind set", "", *blind_details, ""]
    lines += OUTSIDERS
    problems = report.failures()
    if blind is not None:
        problems += [f"blind set: {p}" for p in blind.failures()]
    lines.append("## Targets")
    lines.append("")
    lines.extend(f"- ✗ {p}" for p in problems) if problems else lines.append("All targets met.")
    lines.append("")
    details = failure_lines(report)
    if details:
        lines.append("## Where the analyser disagrees with the labels")
        lines.append("")
        lines.extend(details)
        lines.append("")
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite the doc")
    parser.add_argument(
        "--blind", type=Path, help="a labelled set kept outside the repository, reported too"
    )
    args = parser.parse_args()
    report = evaluate(load_corpus(args.corpus))
    blind = evaluate(load_corpus(args.blind)) if args.blind else None
    if blind is not None:
        print(f"blind set ({args.blind}, {blind.total} messages):")
        print("\n".join(table(blind)))
        print(f"blind problems: {blind.failures() or 'none'}\n")
    print("\n".join(table(report)))
    print(
        f"\nsender kind accuracy: {report.kind_accuracy:.3f} ({report.kind_correct}/{report.total})"
    )
    print(f"exact category matches: {report.exact_matches}/{report.total}")
    details = failure_lines(report)
    if details:
        print("\n" + "\n".join(details))
    problems = report.failures()
    print("\n" + ("targets missed:\n  " + "\n  ".join(problems) if problems else "all targets met"))
    if not args.no_write and args.corpus.resolve() == DEFAULT_CORPUS.resolve():
        others = {
            str(path.relative_to(ROOT)): evaluate(load_corpus(path))
            for path in OTHER_SETS
            if path.exists()
        }
        write_doc(report, args.corpus, blind, others)
        print(f"wrote {DOC.relative_to(ROOT)}")
    return 1 if args.check and problems else 0


if __name__ == "__main__":
    sys.exit(main())
