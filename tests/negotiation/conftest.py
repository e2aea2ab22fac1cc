"""Step-2 fixtures: a situation, proposals, contacts and an agreement on the borrower's case.

Time is frozen at 2026-11-29 10:00 in Shanghai wherever dates matter (``frozen_today``), so
"past" and "future" in these tests never drift.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.negotiation.files import check_upload
from collectguard.negotiation.models import ContactLog, Proposal, Situation
from collectguard.negotiation.schedule import ProposalTerms
from collectguard.negotiation.services import (
    agreement_create,
    contact_create,
    proposal_create,
    situation_save,
)
from tests.conftest import make_user

TODAY = date(2026, 11, 29)
# 10:00 in Shanghai.
NOW = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)


@pytest.fixture
def frozen_today() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def png(seed: int = 0) -> bytes:
    """A real, tiny PNG; ``seed`` changes its pixel so the bytes (and hash) differ."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") + (1).to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    pixel = zlib.compress(bytes([0, seed % 256, 80, 120]))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixel) + chunk(b"IEND", b"")
    )


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def checked(name: str, content: bytes) -> Any:
    return check_upload(upload(name, content))


def terms(**overrides: Any) -> ProposalTerms:
    values: dict[str, Any] = {
        "kind": "instalments",
        "principal": Decimal("12000.00"),
        "months": 12,
        "first_due": date(2026, 12, 15),
    }
    values.update(overrides)
    return ProposalTerms(**values)


@pytest.fixture
def situation(case: Case) -> Situation:
    return situation_save(
        case=case,
        fields={
            "hardship_reason": "unemployment",
            "hardship_details": "2026 年 9 月公司裁员，目前在找工作。",
            "monthly_income": Decimal("3000.00"),
            "essential_spending": Decimal("1800.00"),
            "can_pay_monthly": Decimal("1000.00"),
            "applicant_name": "张三（示例）",
        },
        debts=[{"lender": "某某网贷", "amount": Decimal("2000"), "monthly_due": Decimal("200")}],
    )


@pytest.fixture
def proposal(case: Case) -> Proposal:
    return proposal_create(case=case, label="12 期", terms=terms())


@pytest.fixture
def contact(case: Case, borrower: User, frozen_today: None) -> ContactLog:
    return contact_create(
        case=case,
        fields={
            "occurred_at": datetime(2026, 11, 28, 6, 30, tzinfo=UTC),
            "channel": "phone_in",
            "their_number": "13800000000",
            "organisation": "某某资产管理公司",
            "their_name": "王经理",
            "staff_id": "A1024",
            "summary": "对方说今天必须全额还清，否则联系我家人。我提出分 12 期。",
            "outcome": "considering",
            "callback_on": date(2026, 12, 2),
        },
        uploaded_by=borrower,
    )


@pytest.fixture
def agreement(case: Case, borrower: User, proposal: Proposal) -> Any:
    return agreement_create(
        case=case,
        terms=terms(months=3, principal=Decimal("1000.00")),
        fields={
            "agreed_at": datetime(2026, 11, 20, 3, 0, tzinfo=UTC),
            "agreed_with_name": "李专员",
            "agreed_with_staff_id": "B2048",
            "agreed_via": "phone_out",
        },
        uploaded_by=borrower,
        proposal=proposal,
    )


@pytest.fixture
def volunteer(db: None) -> User:
    return make_user("vera", is_volunteer=True)


@pytest.fixture
def volunteer_client(
    volunteer: User, case: Case, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Client]:
    """A volunteer the borrower shared the case with (the share itself is the review app's)."""
    from collectguard.review import access

    def shared(user: User) -> Any:
        return Case.objects.filter(pk=case.pk) if user.pk == volunteer.pk else Case.objects.none()

    monkeypatch.setattr(access, "cases_shared_with", shared)
    client = Client()
    client.force_login(volunteer)
    yield client


def body(response: Any) -> str:
    return response.content.decode()


def stream_bytes(response: Any) -> bytes:
    buffer = io.BytesIO()
    for part in response.streaming_content:
        buffer.write(part)
    return buffer.getvalue()
