#!/usr/bin/env python
"""Train the analyser's statistical second opinion and write its weights to model.json.

    .venv/bin/python scripts/train_model.py            # train on the labelled sets, write the file
    .venv/bin/python scripts/train_model.py --check    # exit 1 when the sets changed since

Trains on every labelled set of tests/intake/data (collectguard/intake/analysis/training.py),
deterministically, and records each set's SHA-256 in the file; a test fails when a set changes
and the model is not retrained. Takes about a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collectguard.settings")

import django  # noqa: E402

django.setup()

from collectguard.intake.analysis import CATEGORIES  # noqa: E402
from collectguard.intake.analysis.model import MODEL_PATH  # noqa: E402
from collectguard.intake.analysis.training import (  # noqa: E402
    Params,
    model_data,
    recorded,
    training_rows,
)


def dump(data: dict[str, Any]) -> str:
    """model.json's text: readable settings, then one substring and its weights per line."""
    weights = data.pop("weights")
    head = json.dumps(data, ensure_ascii=False, indent=1)
    lines = [
        f"{json.dumps(gram, ensure_ascii=False)}: {json.dumps(values, separators=(',', ':'))}"
        for gram, values in weights.items()
    ]
    data["weights"] = weights
    return head[:-2] + ',\n "weights": {\n' + ",\n".join(lines) + "\n }\n}\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the recorded hashes")
    args = parser.parse_args()
    if args.check:
        stored = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["trained_on"]
        if stored != recorded():
            print("the labelled sets changed since the model was trained: run this script")
            return 1
        print("model.json matches the labelled sets")
        return 0
    rows = training_rows()
    started = time.perf_counter()
    data = model_data(rows, CATEGORIES, params=Params(), trained_on=recorded())
    MODEL_PATH.parent.mkdir(exist_ok=True)
    MODEL_PATH.write_text(dump(data), encoding="utf-8")
    print(
        f"trained on {len(rows)} messages in {time.perf_counter() - started:.1f} s; "
        f"{len(data['weights'])} substrings kept, {MODEL_PATH.stat().st_size / 1e6:.2f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
