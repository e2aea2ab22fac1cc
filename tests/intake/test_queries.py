"""Pages of step 1 make as many queries with 200 messages as with 10."""

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

pytestmark = pytest.mark.django_db
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
