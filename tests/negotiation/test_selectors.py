from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.negotiation.models import ContactLog, FileKind
from collectguard.negotiation.selectors import (
    active_agreement,
    evidence_files,
    upcoming_deadlines,
)
from collectguard.negotiation.services import (
    contact_create,
    negotiation_files_add,
    payment_record,
)
from tests.negotiation.conftest import checked, png, sha256

pytestmark = pytest.mark.usefixtures("frozen_today")


def test_active_agreement_is_none_until_there_is_one(case: Case) -> None:
    assert active_agreement(case) is None


def test_active_agreement_has_an_aware_agreed_at(case: Case, agreement: Any) -> None:
    found = active_agreement(case)
    assert found == agreement
    assert found.agreed_at == datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    assert found.agreed_at.tzinfo is not None


def test_evidence_files_lists_every_original_with_its_hash(
    case: Case, borrower: User, contact: ContactLog, agreement: Any
) -> None:
    negotiation_files_add(
        case=case,
        uploads=[checked("诊断.png", png(1))],
        kind=FileKind.HARDSHIP,
        uploaded_by=borrower,
        description="医院诊断证明",
    )
    negotiation_files_add(
        case=case,
        uploads=[checked("录音截图.png", png(2))],
        kind=FileKind.CONTACT,
        uploaded_by=borrower,
        contact=contact,
    )
    negotiation_files_add(
        case=case,
        uploads=[checked("确认.png", png(3))],
        kind=FileKind.CONFIRMATION,
        uploaded_by=borrower,
        agreement=agreement,
    )
    payment = agreement.payments.first()
    payment_record(
        payment=payment,
        paid_on=date(2026, 11, 29),
        paid_amount=payment.amount,
        uploaded_by=borrower,
        receipts=[checked("回单.png", png(4))],
    )
    files = evidence_files(case)
    assert [f["source"] for f in files] == [
        "negotiation/hardship",
        "negotiation/contact",
        "negotiation/confirmation",
        "negotiation/receipt",
    ]
    assert [f["sha256"] for f in files] == [sha256(png(n)) for n in (1, 2, 3, 4)]
    assert set(files[0]) >= {
        "path",
        "sha256",
        "size",
        "original_name",
        "description",
        "uploaded_at",
        "source",
    }
    assert files[0]["description"] == "医院诊断证明"
    assert files[1]["description"] == "2026-11-28 14:30 对方来电 13800000000 的沟通记录附件"
    assert files[2]["description"] == "2026-11-20 达成的还款协议的书面确认"
    assert files[3]["description"] == "还款协议第 1 期的还款凭证"
    assert files[0]["size"] == len(png(1))
    assert files[0]["uploaded_at"].tzinfo is not None


def test_evidence_files_of_another_case_are_not_listed(
    case: Case, borrower: User, other_borrower: User
) -> None:
    negotiation_files_add(
        case=case, uploads=[checked("a.png", png())], kind=FileKind.HARDSHIP, uploaded_by=borrower
    )
    assert evidence_files(Case.objects.create(owner=other_borrower, title="别人的")) == []


def log(case: Case, user: User, when: datetime, **fields: Any) -> ContactLog:
    return contact_create(
        case=case,
        fields={
            "occurred_at": when,
            "channel": "phone_in",
            "summary": "—",
            "outcome": "informed",
            **fields,
        },
        uploaded_by=user,
    )


def test_deadlines_list_callbacks_promised_payments_and_instalments(
    case: Case, borrower: User, agreement: Any
) -> None:
    log(
        case,
        borrower,
        datetime(2026, 11, 28, 2, tzinfo=UTC),
        callback_on=date(2026, 12, 3),
        their_name="王经理",
    )
    log(case, borrower, datetime(2026, 11, 27, 2, tzinfo=UTC), payment_on=date(2026, 12, 10))
    deadlines = upcoming_deadlines(case)
    assert [(d.on, d.kind) for d in deadlines] == [
        (date(2026, 12, 3), "callback"),
        (date(2026, 12, 10), "promised_payment"),
        (date(2026, 12, 15), "instalment"),  # only the next unpaid instalment
    ]
    assert deadlines[0].detail == "王经理"
    assert not any(d.overdue for d in deadlines)


def test_a_callback_that_did_not_come_is_flagged_until_a_contact_is_logged(
    case: Case, borrower: User
) -> None:
    log(case, borrower, datetime(2026, 11, 20, 2, tzinfo=UTC), callback_on=date(2026, 11, 25))
    [missed] = upcoming_deadlines(case)
    assert missed.overdue
    assert "没有新的沟通记录" in missed.title
    log(case, borrower, datetime(2026, 11, 26, 2, tzinfo=UTC))
    assert upcoming_deadlines(case) == []


def test_overdue_instalments_are_all_listed(case: Case, agreement: Any) -> None:
    with time_machine.travel(datetime(2027, 2, 20, 2, tzinfo=UTC), tick=False):
        deadlines = upcoming_deadlines(case)
    # 15 Dec and 15 Jan are overdue, 15 Feb too; nothing is left after that (3 instalments).
    assert [(d.on, d.overdue) for d in deadlines] == [
        (date(2026, 12, 15), True),
        (date(2027, 1, 15), True),
        (date(2027, 2, 15), True),
    ]


def test_paid_instalments_are_not_deadlines(case: Case, borrower: User, agreement: Any) -> None:
    first = agreement.payments.first()
    payment_record(
        payment=first, paid_on=date(2026, 11, 29), paid_amount=first.amount, uploaded_by=borrower
    )
    assert [d.on for d in upcoming_deadlines(case)] == [date(2027, 1, 15)]
