from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from collectguard.cases.models import Case
from collectguard.lib.pdf import render_html
from collectguard.negotiation.letters import (
    TEMPLATE_NAME,
    missing_facts,
    negotiation_request_context,
)
from collectguard.negotiation.models import Proposal, Situation
from tests.negotiation.conftest import body

pytestmark = pytest.mark.usefixtures("frozen_today")


def test_the_context_holds_the_cases_facts_as_plain_values(
    case: Case, situation: Situation, proposal: Proposal
) -> None:
    context = negotiation_request_context(case)
    assert context["lender"] == "某某银行"
    assert context["contracts"] == ["XF20251120003"]
    assert context["hardship"] == "失业"
    assert context["schedule"]["total"] == proposal.terms().principal
    assert len(context["schedule"]["instalments"]) == 12
    assert context["credit_card_provision"]["id"] == "CC-BANK-70"
    assert context["credit_card_provision"]["confidence"] == "Medium"
    assert missing_facts(context) == []
    # A snapshot can store it as JSON.
    assert json.loads(json.dumps(context, cls=DjangoJSONEncoder))["lender"] == "某某银行"


def test_missing_facts_are_listed(case: Case) -> None:
    case.contract_numbers = ""
    case.save()
    context = negotiation_request_context(case)
    assert missing_facts(context) == ["contracts", "situation", "proposal", "applicant_name"]


def test_a_plan_that_starts_in_the_past_is_flagged(
    borrower_client: Client, case: Case, proposal: Proposal
) -> None:
    proposal.first_due = date(2026, 11, 1)
    proposal.save()
    context = negotiation_request_context(case)
    assert "proposal_dates" in missing_facts(context)
    page = body(borrower_client.get(reverse("negotiation:letter", args=[case.pk])))
    assert "第一期还款日已经过去" in page
    assert reverse("negotiation:proposal_edit", args=[case.pk, proposal.pk]) in page


def test_the_letter_is_calm_firm_and_admits_no_disputed_amount(
    case: Case, situation: Situation, proposal: Proposal
) -> None:
    html = render_html(TEMPLATE_NAME, negotiation_request_context(case))
    assert "协商还款申请" in html
    assert "某某银行" in html
    assert "XF20251120003" in html
    assert "本申请不构成对任何有争议金额的确认" in html
    assert "本人有还款意愿" in html
    assert "以书面形式" in html
    assert "本人只通过贵司官方渠道还款" in html
    assert "不要联系本人的家人、同事" in html
    assert "第七十条" in html and "可以与持卡人协商个性化分期还款" in html
    assert "2027-11-15" in html  # the last instalment of the schedule
    assert "张三（示例）" in html
    assert (
        "本人目前每月收入约 3,000.00 元；房租、饮食、交通、医疗等必要生活支出每月约 1,800.00 元；"
        "另有 1 笔其他借款，每月需还约 200.00 元。"
    ) in html
    assert "12348" in html  # pdf/base.html's footer


def test_the_letter_is_chinese_even_in_the_english_interface(
    borrower_client: Client, case: Case, situation: Situation
) -> None:
    borrower_client.cookies["django_language"] = "en"
    page = body(borrower_client.get(reverse("negotiation:letter", args=[case.pk])))
    assert "本人有还款意愿" in page


def test_the_letter_page_shows_the_preview_and_the_cautions(
    borrower_client: Client, case: Case, situation: Situation, proposal: Proposal
) -> None:
    page = body(borrower_client.get(reverse("negotiation:letter", args=[case.pk])))
    assert 'id="letter-body"' in page
    assert "本人有还款意愿" in page
    assert reverse("negotiation:letter_pdf", args=[case.pk]) in page
    # 信用卡办法第70条 and 第68条 are Medium confidence: the page says so.
    assert "可信度：中" in page
    assert "12348" in page


def test_the_english_letter_page_explains_the_cited_provisions_in_english(
    borrower_client: Client, case: Case, situation: Situation, proposal: Proposal
) -> None:
    from collectguard.negotiation.content import PROVISIONS

    card = PROVISIONS["CC-BANK-70"]  # cited with a caution for a credit card
    borrower_client.cookies["django_language"] = "en"
    page = body(borrower_client.get(reverse("negotiation:letter", args=[case.pk])))
    assert card.title.zh in page  # quoted as the letter quotes it
    assert escape(card.title.en) in page and escape(card.gist.en) in page
    borrower_client.cookies["django_language"] = "zh-hans"
    chinese = body(borrower_client.get(reverse("negotiation:letter", args=[case.pk])))
    assert card.title.zh in chinese and escape(card.gist.en) not in chinese


def test_the_letter_page_lists_what_is_missing(borrower_client: Client, case: Case) -> None:
    page = body(borrower_client.get(reverse("negotiation:letter", args=[case.pk])))
    assert "补充这些内容" in page
    assert reverse("negotiation:situation", args=[case.pk]) in page


def test_wechat_users_are_told_how_to_download(borrower_client: Client, case: Case) -> None:
    response = borrower_client.get(
        reverse("negotiation:letter", args=[case.pk]),
        headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) MicroMessenger/8.0.50"},
    )
    assert "在浏览器中打开" in body(response)


def test_the_preview_is_the_document_html(
    borrower_client: Client, case: Case, situation: Situation
) -> None:
    response = borrower_client.get(reverse("negotiation:letter_preview", args=[case.pk]))
    page = body(response)
    assert response.status_code == 200
    assert "css/pdf.css" in page
    assert "本人有还款意愿" in page
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages)


def test_the_pdf_downloads_with_the_cases_facts(
    borrower_client: Client, case: Case, situation: Situation, proposal: Proposal
) -> None:
    response: Any = borrower_client.get(reverse("negotiation:letter_pdf", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content).replace(" ", "").replace("\n", "")
    assert "协商还款申请" in text
    assert "XF20251120003" in text
    assert "12,000.00" in text
