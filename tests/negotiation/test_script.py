from __future__ import annotations

from datetime import date
from decimal import Decimal

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from collectguard.cases.models import Case
from collectguard.negotiation.content import PUSHBACKS
from collectguard.negotiation.models import Proposal, Situation
from collectguard.negotiation.schedule import build_schedule
from collectguard.negotiation.script import phone_script, plan_phrase, pushback_answers
from tests.negotiation.conftest import body, terms


def script_url(case: Case) -> str:
    return reverse("negotiation:script", args=[case.pk])


def test_the_script_is_filled_with_the_cases_facts(
    borrower_client: Client, case: Case, situation: Situation, proposal: Proposal
) -> None:
    page = body(borrower_client.get(script_url(case)))
    assert "我是某某银行合同号为 XF20251120003 的借款人" in page
    assert "最近因为失业" in page
    assert "分 12 期还款，每月还 1,000.00 元，从2026年12月15日开始，共 12,000.00 元" in page
    # The calm, firm points of the source article.
    assert "请把明细发给我" in page  # never admit disputed amounts
    assert "我只通过官方渠道还款" in page
    assert "书面" in page
    # Copy buttons are hidden until JavaScript can make them work.
    assert 'data-copy-target="say-identify"' in page
    assert "hidden>复制这段话</button>" in page


def test_every_pushback_has_an_answer_and_its_grounds(borrower_client: Client, case: Case) -> None:
    page = body(borrower_client.get(script_url(case)))
    for pushback in PUSHBACKS:
        assert pushback.they_say.zh in page
    assert "请不要联系我的家人、同事和单位" in page
    assert "这通电话不录音" in page
    assert "个人账户" in page
    assert "今天必须全额还清" in page
    # Provisions below High confidence carry a caution (信用卡办法第68条 is Medium).
    assert "《商业银行信用卡业务监督管理办法》第68条" in page
    assert "可信度：中" in page
    assert "还没有与官方原文逐字核对" in page


def test_without_a_chosen_plan_the_script_says_so_and_uses_a_general_wording(
    borrower_client: Client, case: Case
) -> None:
    page = body(borrower_client.get(script_url(case)))
    assert "你还没有选定要提出的方案" in page
    assert "我希望申请分期或延期还款" in page


def test_the_credit_card_step_only_appears_for_credit_cards(case: Case) -> None:
    keys = [step.key for step in phone_script(case, situation=None, schedule=None)]
    assert "credit_card" in keys
    case.loan_type = "online_small_loan"
    keys = [step.key for step in phone_script(case, situation=None, schedule=None)]
    assert "credit_card" not in keys


def test_how_to_record_a_call_is_explained_with_its_caution(
    borrower_client: Client, case: Case
) -> None:
    page = body(borrower_client.get(script_url(case)))
    assert "怎样合法地记录通话" in page
    assert "没有逐条核实“自己录音”的具体规则" in page


def test_the_print_view_has_a_print_button_and_the_legal_notice(
    borrower_client: Client, case: Case
) -> None:
    page = body(borrower_client.get(reverse("negotiation:script_print", args=[case.pk])))
    assert "data-print hidden" in page
    assert "12348" in page
    assert "不构成法律意见" in page


def test_in_english_the_script_stays_chinese_with_an_english_gloss(
    borrower_client: Client, case: Case
) -> None:
    borrower_client.cookies["django_language"] = "en"
    page = body(borrower_client.get(script_url(case)))
    assert "请问您是某某银行的官方客服吗" in page
    assert "Are you 某某银行&#x27;s official customer service?" in page


def test_plan_phrases_cover_deferral_waiver_and_one_payment() -> None:
    deferral = build_schedule(terms(kind="deferral", deferral_months=3, months=6))
    assert plan_phrase(deferral).zh.startswith("推迟 3 个月开始还款，分 6 期还款")
    waiver = build_schedule(terms(kind="waiver", waived_amount=Decimal("2000")))
    assert "减免罚息和费用 2,000.00 元" in plan_phrase(waiver).zh
    single = build_schedule(terms(months=1))
    assert plan_phrase(single).zh == "在2026年12月15日一次还清 12,000.00 元"
    uneven = build_schedule(terms(principal=Decimal("100.00"), months=3))
    assert "第一期还 33.34 元，之后每月还 33.33 元" in plan_phrase(uneven).zh


def test_pushback_answers_use_the_plan(case: Case, situation: Situation) -> None:
    schedule = build_schedule(terms())
    with translation.override("zh-hans"):
        answers = {a.key: a for a in pushback_answers(case, situation=situation, schedule=schedule)}
    assert "每月还 1,000.00 元" in answers["full_today"].you_say.zh
    assert "1,000.00" in answers["full_today"].you_say.en


def test_a_plan_that_starts_in_the_past_is_flagged(
    borrower_client: Client, case: Case, proposal: Proposal
) -> None:
    proposal.first_due = date(2026, 11, 1)
    proposal.save()
    with time_machine.travel("2026-11-29 10:00 +0800", tick=False):
        page = body(borrower_client.get(script_url(case)))
    assert "你选定的方案第一期还款日已经过去了" in page
