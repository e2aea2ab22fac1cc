from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from collectguard.cases.models import Case
from collectguard.negotiation.models import ContactLog, Proposal, Situation
from tests.negotiation.conftest import body

pytestmark = pytest.mark.usefixtures("frozen_today")


def overview_url(case: Case) -> str:
    return reverse("negotiation:overview", args=[case.pk])


def test_a_new_case_shows_where_to_start(borrower_client: Client, case: Case) -> None:
    page = body(borrower_client.get(overview_url(case)))
    assert "填写我的情况" in page
    assert reverse("negotiation:situation", args=[case.pk]) in page
    # Guidance: why official channels, and what the lender may and may not do.
    assert "为什么只走官方渠道" in page
    assert "贷款机构可以做的" in page
    assert "贷款机构不可以做的" in page
    assert "12348" in page


def test_it_summarises_each_part(
    borrower_client: Client,
    case: Case,
    situation: Situation,
    proposal: Proposal,
    contact: ContactLog,
    agreement: Any,
) -> None:
    page = body(borrower_client.get(overview_url(case)))
    assert "失业" in page
    assert "准备提出：<strong>12 期</strong>" in page
    assert "已记录 1 次沟通" in page
    assert "还没有书面确认" in page
    # The promised callback and the next instalment are upcoming deadlines.
    assert "2026-12-02" in page
    assert "对方承诺回电" in page
    assert "协议第 1 期还款" in page


def test_a_volunteer_sees_it_without_any_way_to_change_it(
    volunteer_client: Client, case: Case, situation: Situation, proposal: Proposal
) -> None:
    page = body(volunteer_client.get(overview_url(case)))
    assert "只读" in page
    assert "失业" in page
    assert reverse("negotiation:situation", args=[case.pk]) not in page
    assert reverse("negotiation:proposal_new", args=[case.pk]) not in page


def test_overview_queries_are_bounded(
    borrower_client: Client,
    case: Case,
    situation: Situation,
    proposal: Proposal,
    contact: ContactLog,
    agreement: Any,
    django_assert_max_num_queries: Any,
) -> None:
    with django_assert_max_num_queries(20):
        assert borrower_client.get(overview_url(case)).status_code == 200


def test_the_guidance_follows_the_interface_language(borrower_client: Client, case: Case) -> None:
    borrower_client.cookies["django_language"] = "en"
    page = body(borrower_client.get(overview_url(case)))
    assert "Why use only official channels" in page
    assert "What the lender may not do" in page
