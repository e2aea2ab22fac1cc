"""The doctests in the analysis modules and the reference loader run with the suite."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "collectguard.intake.analysis.normalize",
    "collectguard.intake.analysis.senders",
    "collectguard.intake.analysis.findings",
    "collectguard.intake.analysis.verdict",
    "collectguard.intake.analysis.model",
    "collectguard.intake.analysis.context",
    "collectguard.legal.reference",
]


@pytest.mark.parametrize("name", MODULES)
def test_the_doctests_pass(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
