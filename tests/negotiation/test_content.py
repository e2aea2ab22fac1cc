"""The reviewed content: every cited provision exists, carries its confidence, and matches the
legal app's data; every script text is filled, in both languages."""

from __future__ import annotations

import doctest
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from collectguard.cases.models import Case, LoanType
from collectguard.negotiation import content, forms, script
from collectguard.negotiation.content import GUIDANCE, PROVISIONS, PUSHBACKS, SCRIPT
from collectguard.negotiation.models import Situation
from collectguard.negotiation.schedule import build_schedule
from collectguard.negotiation.script import phone_script, pushback_answers
from tests.negotiation.conftest import terms

LEGAL_DATA = Path(settings.BASE_DIR) / "collectguard" / "legal" / "data"


def cited_ids() -> set[str]:
    ids = {p for step in SCRIPT for p in step.provisions}
    ids |= {p for pushback in PUSHBACKS for p in pushback.provisions}
    ids |= {p for section in GUIDANCE for point in section.points for p in point.provisions}
    return ids


def test_every_cited_provision_exists_with_source_date_and_confidence() -> None:
    assert cited_ids() <= PROVISIONS.keys()
    for provision in PROVISIONS.values():
        assert provision.source and provision.effective and provision.gist.zh and provision.gist.en
        assert provision.confidence in content.CONFIDENCE_LABELS
        assert provision.needs_caution == (provision.confidence != "High")


def test_article_70_is_presented_as_something_the_bank_may_do() -> None:
    article = PROVISIONS["CC-BANK-70"]
    assert article.confidence == "Medium"
    assert "可以" in article.gist.zh and "不是必须" in article.gist.zh
    assert "MAY" in article.gist.en


def _legal_rows() -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for name, key in (("provisions", "provisions"), ("channels", "channels")):
        path = LEGAL_DATA / f"{name}.json"
        if path.exists():
            for row in json.loads(path.read_text(encoding="utf-8"))[key]:
                rows[f"{name}/{row['id']}"] = row
    return rows


def test_confidence_agrees_with_the_legal_apps_data() -> None:
    rows = _legal_rows()
    if not rows:
        pytest.skip("collectguard/legal/data is not there")
    for provision in PROVISIONS.values():
        if provision.data_ref:
            assert provision.data_ref in rows, provision.id
            assert rows[provision.data_ref]["confidence"] == provision.confidence, provision.id


@pytest.mark.parametrize("with_facts", [True, False])
def test_every_placeholder_is_filled_in_both_languages(case: Case, with_facts: bool) -> None:
    situation = (
        Situation(case=case, hardship_reason="income_cut", can_pay_monthly=None)
        if with_facts
        else None
    )
    schedule = build_schedule(terms()) if with_facts else None
    if not with_facts:
        case.lender = ""
        case.contract_numbers = ""
    texts = [s.say for s in phone_script(case, situation=situation, schedule=schedule)]
    texts += [p.you_say for p in pushback_answers(case, situation=situation, schedule=schedule)]
    for text in texts:
        for value in (text.zh, text.en):
            assert not re.search(r"[{}]", value), value


def test_without_a_lender_the_script_still_reads_naturally(case: Case) -> None:
    case.lender = ""
    case.contract_numbers = ""
    case.loan_type = LoanType.ONLINE_SMALL_LOAN
    [first, *_] = phone_script(case, situation=None, schedule=None)
    assert first.say.zh.startswith("您好，我是在贵司借款的借款人。请问您是贵司的官方客服吗？")


@pytest.mark.parametrize("module", [script, forms])
def test_doctests(module: object) -> None:
    result = doctest.testmod(module, raise_on_error=False)  # type: ignore[arg-type]
    assert result.attempted > 0
    assert result.failed == 0
