"""The step-1 overview, message list, senders and statistics pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from collectguard.cases.models import Case
from collectguard.intake.models import Message, Sender
from collectguard.intake.services import messages_paste

pytestmark = pytest.mark.django_db


def test_the_overview_of_an_empty_case_says_how_to_start(
    borrower_client: Client, case: Case
) -> None:
    html = borrower_client.get(f"/cases/{case.pk}/intake/").content.decode()
    assert "还没有任何消息" in html
    assert f'href="/cases/{case.pk}/intake/paste/"' in html


def test_the_overview_answers_the_three_questions_per_sender(
    borrower_client: Client, imported_samples: Case
) -> None:
    html = borrower_client.get(f"/cases/{imported_samples.pk}/intake/").content.decode()
    assert "13612345678" in html and "95599" in html
    assert "是不是官方号码" in html and "有没有威胁" in html
    assert "来电号码可能是伪造的" in html  # the spoofing caution
    assert "12348" in html  # not legal advice, legal aid hotline


def test_a_threat_of_violence_puts_safety_first(borrower_client: Client, case: Case) -> None:
    messages_paste(
        case=case,
        text="今天晚上就带人上门，你出门小心点，别哪天出了什么意外。",
        default_sender="13612345678",
    )
    if not Sender.objects.filter(urgent=True).exists():
        pytest.skip("the analyser does not mark this message as urgent")
    html = borrower_client.get(f"/cases/{case.pk}/intake/").content.decode()
    assert html.index("先确保安全") < html.index("目前的情况")
    assert 'href="tel:110"' in html


def test_the_message_list_highlights_and_explains(
    borrower_client: Client, imported_samples: Case
) -> None:
    html = borrower_client.get(f"/cases/{imported_samples.pk}/intake/messages/").content.decode()
    assert '<mark class="cat-third_party"' in html
    assert "可能违反的规定" in html
    assert "共 9 条" in html  # the sample, kept whole (incl. the reply the borrower sent)


def test_filters_narrow_the_list(borrower_client: Client, imported_samples: Case) -> None:
    sender = Sender.objects.get(number="13612345678")
    url = f"/cases/{imported_samples.pk}/intake/messages/"
    night = borrower_client.get(url, {"night": "on"}).content.decode()
    assert "共 4 条" in night
    by_sender = borrower_client.get(url, {"sender": sender.pk}).content.decode()
    assert "共 4 条" in by_sender  # 3 received + the borrower's reply
    flagged = borrower_client.get(url, {"category": "third_party"}).content.decode()
    expected = Message.objects.filter(categories__icontains='"third_party"').count()
    assert f"共 {expected} 条" in flagged


def test_an_unknown_filter_value_is_ignored_not_an_error(
    borrower_client: Client, imported_samples: Case
) -> None:
    response = borrower_client.get(
        f"/cases/{imported_samples.pk}/intake/messages/", {"sender": "999999", "category": "nope"}
    )
    assert response.status_code == 200


def test_htmx_filtering_returns_the_results_only(
    borrower_client: Client, imported_samples: Case
) -> None:
    response = borrower_client.get(
        f"/cases/{imported_samples.pk}/intake/messages/", {"night": "on"}, HTTP_HX_REQUEST="true"
    )
    assert response.content.decode().lstrip().startswith('<section id="results"')


def test_messages_after_an_agreement_are_flagged(
    borrower_client: Client, imported_samples: Case
) -> None:
    from collectguard.negotiation.models import Agreement

    Agreement.objects.create(
        case=imported_samples,
        agreed_at=datetime(2026, 6, 2, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
        agreed_via="phone_in",
        principal=Decimal("12000.00"),
        months=12,
        first_due=date(2026, 7, 1),
    )
    html = borrower_client.get(f"/cases/{imported_samples.pk}/intake/messages/").content.decode()
    # After 2 June 12:00: 19:00 (family), 3 June 02:14, 10:00, 10:01, 23:50.
    assert html.count("达成还款协议后仍收到") == 5


def test_a_volunteer_sees_third_parties_masked(volunteer_client: Client, case: Case) -> None:
    messages_paste(
        case=case,
        text="你的紧急联系人王小明电话13812345678已经知道你欠钱了",
        default_sender="13612345678",
    )
    html = volunteer_client.get(f"/cases/{case.pk}/intake/messages/").content.decode()
    assert "13812345678" not in html and "138******78" in html
    assert "王小明" not in html


def test_the_senders_page_is_paginated(borrower_client: Client, imported_samples: Case) -> None:
    html = borrower_client.get(f"/cases/{imported_samples.pk}/intake/senders/").content.decode()
    assert "共 5 个号码" in html


def test_the_statistics_page_draws_the_charts(
    borrower_client: Client, imported_samples: Case
) -> None:
    html = borrower_client.get(f"/cases/{imported_samples.pk}/intake/statistics/").content.decode()
    assert html.count("<svg") == 2
    assert "夜间（22:00 至次日 8:00）联系" in html
    assert "最严重的几天" in html and "2026-06-02" in html
    assert "用个人手机号催收" in html  # personal number on a credit-card case


def test_the_case_page_shows_step_one_progress(
    borrower_client: Client, imported_samples: Case
) -> None:
    html = borrower_client.get(f"/cases/{imported_samples.pk}/").content.decode()
    assert "已整理 8 条收到的短信" in html and "已整理 5 次来电" in html
