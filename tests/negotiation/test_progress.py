from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.negotiation.models import ContactLog, FileKind, Proposal, Situation
from collectguard.negotiation.progress import negotiation_step
from collectguard.negotiation.services import negotiation_files_add
from tests.negotiation.conftest import body, checked, png

pytestmark = pytest.mark.usefixtures("frozen_today")


def texts(items: list[Any]) -> list[str]:
    return [str(item) for item in items]


def test_a_new_case_has_everything_to_do(case: Case) -> None:
    done, todo = negotiation_step(case)
    assert done == []
    assert texts(todo) == [
        "填写困难情况和每月能还多少",
        "算一个自己负担得起的还款方案",
        "通过官方渠道联系贷款机构，并记下每次沟通",
        "谈成后记录还款协议，并要求书面确认",
    ]


def test_progress_follows_the_work(
    case: Case,
    borrower: User,
    situation: Situation,
    proposal: Proposal,
    contact: ContactLog,
    agreement: Any,
) -> None:
    done, todo = negotiation_step(case)
    assert texts(done) == [
        "已填写困难情况：失业",
        "已算好 1 个还款方案",
        "已记录 1 次沟通",
        "已达成还款协议",
        "已还 0 / 3 期",
    ]
    assert "请对方书面确认协议（短信、邮件或 App 站内信），并上传截图" in texts(todo)
    assert any("对方承诺回电" in item and "王经理" in item for item in texts(todo))
    negotiation_files_add(
        case=case,
        uploads=[checked("c.png", png())],
        kind=FileKind.CONFIRMATION,
        uploaded_by=borrower,
        agreement=agreement,
    )
    done, _ = negotiation_step(case)
    assert "已达成还款协议，并有书面确认" in texts(done)


def test_the_case_page_shows_step_two_and_its_deadlines(
    borrower_client: Client, case: Case, contact: ContactLog
) -> None:
    page = body(borrower_client.get(reverse("cases:detail", args=[case.pk])))
    assert "已记录 1 次沟通" in page
    assert "对方承诺回电" in page
