"""Journey pages make as many queries with 200 messages as with 10; what the cheaper statistics
queries must still count; the worker warm-up of collectguard/wsgi.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from collectguard.cases.models import Case
from collectguard.intake.models import Call, Message, Source
from collectguard.intake.records import dedupe_key, is_night
from collectguard.intake.summaries import senders_refresh

START = datetime(2026, 6, 1, 21, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FINDING = [{"category": "insult", "start": 0, "end": 2, "provisions": ["PSL-50-5"], "rule": ""}]


def _add(case: Case, start: int, count: int) -> None:
    messages, calls = [], []
    for i in range(start, start + count):
        when = START + timedelta(minutes=37 * i)
        flagged = i % 3 == 0
        messages.append(
            Message(
                case=case,
                sender=f"1361234{i % 40:04d}",
                sender_kind="mobile",
                body=f"老赖，第{i}次提醒你还款",
                received_at=when,
                source=Source.PASTE,
                categories=["insult"] if flagged else [],
                findings=FINDING if flagged else [],
                is_flagged=flagged,
                is_night=is_night(when),
                dedupe_key=dedupe_key("m", i),
            )
        )
        calls.append(
            Call(
                case=case,
                number=f"1361234{i % 40:04d}",
                sender_kind="mobile",
                call_type="missed",
                started_at=when,
                source=Source.MANUAL,
                is_night=is_night(when),
                dedupe_key=dedupe_key("c", i),
            )
        )
    Message.objects.bulk_create(messages)
    Call.objects.bulk_create(calls)
    senders_refresh(case=case, all_senders=True)


PAGES = [
    "cases/{pk}/intake/",
    "cases/{pk}/intake/messages/",
    "cases/{pk}/intake/messages/?flagged=on&night=on",
    "cases/{pk}/intake/senders/",
    "cases/{pk}/intake/statistics/",
    "cases/{pk}/",
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.django_db
def test_queries_do_not_grow_with_messages(
    page: str,
    case: Case,
    borrower_client: Client,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    url = "/" + page.format(pk=case.pk)
    _add(case, 0, 10)
    borrower_client.get(url)  # warm caches (session, legal data)
    with django_assert_max_num_queries(30) as few:
        assert borrower_client.get(url).status_code == 200
    _add(case, 10, 190)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert borrower_client.get(url).status_code == 200


# --- What the cheaper statistics queries must still count ---------------------------------------


@pytest.mark.django_db
def test_category_counts_count_every_category_of_each_received_flagged_message(case: Case) -> None:
    from collectguard.intake.analysis.findings import CATEGORIES
    from collectguard.intake.stats import case_statistics

    rows = [
        # (categories, flagged, direction, channel, body)
        (["insult", "third_party"], True, "incoming", "sms", "老赖"),
        (["insult"], True, "incoming", "sms", "老赖 2"),
        (["insult", "insult"], True, "incoming", "sms", "老赖 3"),  # counted once
        (["third_party"], True, "outgoing", "sms", "sent"),  # not received
        (["third_party"], True, "incoming", "mms", ""),  # MMS without text: not received
        (["third_party"], False, "incoming", "sms", "unflagged"),  # not flagged
        (["not_a_category"], True, "incoming", "sms", "unknown code"),
    ]
    Message.objects.bulk_create(
        Message(
            case=case,
            sender="13612340000",
            sender_kind="mobile",
            body=body,
            direction=direction,
            channel=channel,
            received_at=START + timedelta(minutes=i),
            source=Source.PASTE,
            categories=categories,
            is_flagged=flagged,
            dedupe_key=dedupe_key("cat", i),
        )
        for i, (categories, flagged, direction, channel, body) in enumerate(rows)
    )
    counts = case_statistics(case)["categories"]
    assert counts["insult"] == 3
    assert counts["third_party"] == 1
    assert "not_a_category" not in counts
    assert all(counts[code] == 0 for code in CATEGORIES if code not in {"insult", "third_party"})


@pytest.mark.django_db
def test_personal_numbers_of_an_unlicensed_lender_need_an_institution_signal(
    case: Case,
) -> None:
    from collectguard.intake.models import Sender
    from collectguard.intake.stats import case_statistics, personal_numbers

    case.loan_type = "online_small_loan"
    case.save()
    for number, kind, related, signals in [
        ("13612340003", "mobile", True, ["amount", "institution"]),
        ("17012340001", "virtual_mobile", True, ["institution"]),
        ("13612340002", "mobile", True, ["amount"]),  # no institution named
        ("13612340004", "mobile", True, ["institution_like"]),  # another signal
        ("13612340005", "mobile", False, ["institution"]),  # not about the debt
        ("02112345678", "landline", True, ["institution"]),  # not a personal mobile
    ]:
        Sender.objects.create(
            case=case, number=number, kind=kind, collection_related=related, signals=signals
        )
    assert personal_numbers(case) == ["13612340003", "17012340001"]
    assert case_statistics(case)["categories"]["personal_number"] == 2
    case.loan_type = "credit_card"  # a bank: every personal mobile about the debt counts
    case.save()
    assert personal_numbers(case) == ["13612340002", "13612340003", "13612340004", "17012340001"]


@pytest.mark.django_db
def test_statistics_page_shows_contacts_from_other_channels(
    case: Case, borrower_client: Client
) -> None:
    from collectguard.intake.services import ManualKind, message_add_manual

    url = f"/cases/{case.pk}/intake/statistics/"
    _add(case, 0, 3)
    assert "上门" not in borrower_client.get(url).content.decode()
    message_add_manual(case=case, kind=ManualKind.VISIT, occurred_at=START, body="两个人到单位找我")
    page = borrower_client.get(url).content.decode()
    assert "<strong>1</strong><span>上门</span>" in page


# --- Worker warm-up (collectguard/wsgi.py) ------------------------------------------------------


def test_warm_up_loads_what_first_requests_need_without_touching_the_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """gunicorn --preload runs it before forking: a database connection opened there would be
    shared by every worker. (No django_db mark here: any query fails the test.)"""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils.translation import get_language, trans_real

    monkeypatch.setenv("COLLECTGUARD_WARM_UP", "0")
    from collectguard import wsgi

    # Forget the catalogues and the URL reverse tables loaded so far: warm-up must load them.
    monkeypatch.setattr(trans_real, "_translations", {})
    resolver = get_resolver()
    for table in ("_reverse_dict", "_namespace_dict", "_app_dict"):
        monkeypatch.setattr(resolver, table, {})
    language = get_language()
    assert wsgi.warm_up() >= 0
    languages = {code for code, _name in settings.LANGUAGES}
    assert languages <= set(trans_real._translations)
    assert languages <= set(resolver._namespace_dict)
    assert get_language() == language
