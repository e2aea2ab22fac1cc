"""The labelled examples of samples/messages.jsonl (copied into tests/intake/data).

They show the format and the hard cases; the rules are general, not tuned per sample (a held-out
set measures the analyser). Run with ``-rA`` or ``-s`` to see the accuracy line.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from collectguard.intake.analysis import analyze

SAMPLES = Path(__file__).parent / "data" / "messages-sample.jsonl"


def load_samples() -> list[dict[str, Any]]:
    with SAMPLES.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def outcome(sample: dict[str, Any]) -> dict[str, Any]:
    received = sample.get("received_at")
    result = analyze(
        sample["body"],
        sender=sample["sender"],
        received_at=datetime.fromisoformat(received) if received else None,
    )
    return {
        "sender_kind": result.sender_kind,
        "categories": sorted(result.categories),
        "signals": sorted(result.signals),
    }


def expected(sample: dict[str, Any]) -> dict[str, Any]:
    expect = sample["expect"]
    return {
        "sender_kind": expect["sender_kind"],
        "categories": sorted(expect["categories"]),
        "signals": sorted(expect["signals"]),
    }


@pytest.mark.parametrize("sample", load_samples(), ids=lambda s: s["id"])
def test_it_labels_each_sample_as_expected(sample: dict[str, Any]) -> None:
    assert outcome(sample) == expected(sample), sample["body"]


def test_it_reports_the_sample_accuracy(capsys: pytest.CaptureFixture[str]) -> None:
    samples = load_samples()
    fields = ("sender_kind", "categories", "signals")
    exact = sum(outcome(s) == expected(s) for s in samples)
    per_field = {
        field: sum(outcome(s)[field] == expected(s)[field] for s in samples) for field in fields
    }
    with capsys.disabled():
        print(
            f"\nsample accuracy: {exact}/{len(samples)} exact; "
            + ", ".join(f"{f} {n}/{len(samples)}" for f, n in per_field.items())
        )
    assert exact == len(samples)
