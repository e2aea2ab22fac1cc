from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from collectguard.cases.models import Case
from collectguard.negotiation.models import (
    AgreedPayment,
    Agreement,
    AgreementStatus,
    NegotiationFile,
    Proposal,
)
from collectguard.negotiation.selectors import active_agreement
from tests.negotiation.conftest import body, png, sha256, upload

pytestmark = pytest.mark.usefixtures("frozen_today")

VALID = {
    "agreed_at": "2026-11-28T15:30",
    "agreed_via": "phone_out",
    "agreed_with_name": "李专员",
    "agreed_with_staff_id": "B2048",
    "kind": "instalments",
    "principal": "12000",
    "months": "12",
    "first_due": "2026-12-15",
    "deferral_months": "0",
    "waived_amount": "0",
    "annual_rate": "0",
    "fees": "0",
    "method": "equal_total",
    "notes": "对方同意停止催收。",
    "action": "save",
}


def new_url(case: Case) -> str:
    return reverse("negotiation:agreement_new", args=[case.pk])


def test_it_records_an_agreement_with_its_payments_and_confirmation(
    borrower_client: Client, case: Case
) -> None:
    screenshot = png(42)
    response = borrower_client.post(
        new_url(case), {**VALID, "confirmations": [upload("站内信.png", screenshot)]}
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get(case=case)
    assert agreement.agreed_at == datetime(2026, 11, 28, 7, 30, tzinfo=UTC)
    payments = list(agreement.payments.all())
    assert [p.number for p in payments] == list(range(1, 13))
    assert sum(p.amount for p in payments) == Decimal("12000.00")
    assert payments[-1].due_date == date(2027, 11, 15)
    assert agreement.files.get().sha256 == sha256(screenshot)
    page = body(borrower_client.get(response["Location"]))
    assert "已书面确认" in page
    assert "李专员" in page


def test_without_written_confirmation_the_page_says_so(borrower_client: Client, case: Case) -> None:
    borrower_client.post(new_url(case), VALID)
    page = body(borrower_client.get(reverse("negotiation:agreement", args=[case.pk])))
    assert "还没有书面确认" in page
    overview = body(borrower_client.get(reverse("negotiation:overview", args=[case.pk])))
    assert "还没有书面确认" in overview


def test_the_form_starts_from_the_chosen_proposal(
    borrower_client: Client, case: Case, proposal: Proposal
) -> None:
    form = borrower_client.get(new_url(case)).context["form"]
    assert form["months"].value() == 12
    assert form["principal"].value() == Decimal("12000.00")
    response = borrower_client.post(new_url(case), {**VALID, "proposal": str(proposal.pk)})
    assert response.status_code == 302
    assert Agreement.objects.get().proposal == proposal


def test_an_agreement_made_earlier_may_start_before_today(
    borrower_client: Client, case: Case
) -> None:
    response = borrower_client.post(
        new_url(case), {**VALID, "agreed_at": "2026-09-01T10:00", "first_due": "2026-09-15"}
    )
    assert response.status_code == 302
    assert Agreement.objects.get().payments.first().due_date == date(2026, 9, 15)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"agreed_at": "2026-12-30T10:00"}, "agreed_at", "这个时间还没有到"),
        ({"first_due": "2026-11-01"}, "first_due", "不能早于达成协议的日期"),
        ({"first_due": "2028-11-01"}, "first_due", "请检查年份"),
        ({"months": "0"}, "months", "期数至少为 1 个月"),
        ({"months": "600"}, "months", "期数不能超过 60 个月"),
        ({"principal": "-1"}, "principal", "欠款金额不能是负数"),
        ({"principal": "99999999999999999999"}, "principal", "超过 1 亿元"),
        ({"fees": "abc"}, "fees", "请输入金额"),
        ({"agreed_via": ""}, "agreed_via", "请选择方式"),
    ],
)
def test_bad_input_is_refused_and_kept(
    borrower_client: Client, case: Case, changes: dict[str, str], field: str, message: str
) -> None:
    response = borrower_client.post(new_url(case), {**VALID, **changes})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    page = body(response)
    assert "对方同意停止催收。" in page
    for value in changes.values():
        if value:
            assert f'value="{value}"' in page
    assert not Agreement.objects.exists()
    assert not AgreedPayment.objects.exists()


def test_htmx_preview_swaps_only_the_preview(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(
        new_url(case), {**VALID, "action": "preview"}, headers={"HX-Request": "true"}
    )
    page = body(response)
    assert 'id="agreement-preview"' in page
    assert "约定的还款计划预览" in page
    assert not Agreement.objects.exists()
    bad = body(
        borrower_client.post(
            new_url(case),
            {**VALID, "months": "0", "action": "preview"},
            headers={"HX-Request": "true"},
        )
    )
    assert "请先改正这些问题" in bad


def test_a_new_agreement_supersedes_the_old_one(
    borrower_client: Client, case: Case, agreement: Agreement
) -> None:
    assert borrower_client.post(new_url(case), VALID).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SUPERSEDED
    assert active_agreement(case).months == 12
    assert agreement.payments.count() == 3  # the old record is kept
    page = body(borrower_client.get(reverse("negotiation:agreement", args=[case.pk])))
    assert "以前的协议" in page


def test_confirmation_can_be_uploaded_later(
    borrower_client: Client, case: Case, agreement: Agreement
) -> None:
    url = reverse("negotiation:agreement_confirm", args=[case.pk])
    response = borrower_client.post(url, {"uploads": [upload("确认短信.png", png(5))]})
    assert response.status_code == 302
    assert agreement.files.get().kind == "confirmation"
    refused = borrower_client.post(url, {"uploads": [upload("确认.pdf", b"plain words")]})
    assert refused.status_code == 200
    assert "确认.pdf" in body(refused)
    assert agreement.files.count() == 1


def test_confirmation_needs_an_agreement(borrower_client: Client, case: Case) -> None:
    url = reverse("negotiation:agreement_confirm", args=[case.pk])
    response = borrower_client.post(url, {"uploads": [upload("a.png", png())]}, follow=True)
    assert "请先记录协议" in body(response)
    assert not NegotiationFile.objects.exists()


def paid_url(case: Case, payment: AgreedPayment) -> str:
    return reverse("negotiation:payment_paid", args=[case.pk, payment.pk])


def test_marking_a_payment_paid_with_a_receipt(
    borrower_client: Client, case: Case, agreement: Agreement
) -> None:
    payment = agreement.payments.first()
    prefix = f"p{payment.pk}"
    receipt = png(11)
    response = borrower_client.post(
        paid_url(case, payment),
        {
            f"{prefix}-paid_on": "2026-11-29",
            f"{prefix}-paid_amount": "333.34",
            f"{prefix}-receipts": [upload("回单.png", receipt)],
        },
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.paid_on == date(2026, 11, 29)
    assert payment.paid_amount == Decimal("333.34")
    assert payment.files.get().sha256 == sha256(receipt)
    page = body(borrower_client.get(reverse("negotiation:agreement", args=[case.pk])))
    assert "1 / 3 期" in page


def test_htmx_marks_a_payment_in_place(
    borrower_client: Client, case: Case, agreement: Agreement
) -> None:
    payment = agreement.payments.first()
    prefix = f"p{payment.pk}"
    response = borrower_client.post(
        paid_url(case, payment),
        {f"{prefix}-paid_on": "2026-11-29", f"{prefix}-paid_amount": "333.34"},
        headers={"HX-Request": "true"},
    )
    page = body(response)
    assert page.lstrip().startswith(f'<li class="card payment paid" id="payment-{payment.pk}"')
    # The summary above the list is updated out of band.
    assert '<dd id="payment-progress" hx-swap-oob="true">1 / 3 期' in page
    undo = borrower_client.post(
        reverse("negotiation:payment_unpaid", args=[case.pk, payment.pk]),
        headers={"HX-Request": "true"},
    )
    assert "标记为已还" in body(undo)
    payment.refresh_from_db()
    assert payment.paid_on is None


@pytest.mark.parametrize(
    ("paid_on", "amount", "message"),
    [
        ("2026-12-01", "333.34", "还款日期不能晚于今天"),
        ("1990-01-01", "333.34", "日期太早了"),
        ("2026-11-29", "0", "金额必须大于 0"),
        ("2026-11-29", "-3", "金额必须大于 0"),
        ("2026-11-29", "1e20", "超过 1 亿元"),
        ("2026-11-29", "三百", "请输入金额"),
        ("", "333.34", "请填写日期"),
    ],
)
def test_bad_payments_are_refused_and_kept(
    borrower_client: Client,
    case: Case,
    agreement: Agreement,
    paid_on: str,
    amount: str,
    message: str,
) -> None:
    payment = agreement.payments.first()
    prefix = f"p{payment.pk}"
    response = borrower_client.post(
        paid_url(case, payment), {f"{prefix}-paid_on": paid_on, f"{prefix}-paid_amount": amount}
    )
    assert response.status_code == 200
    page = body(response)
    assert message in page
    assert f'value="{amount}"' in page
    payment.refresh_from_db()
    assert payment.paid_on is None


def test_the_agreement_page_queries_are_bounded(
    borrower_client: Client, case: Case, django_assert_max_num_queries: Any
) -> None:
    borrower_client.post(new_url(case), {**VALID, "months": "60"})
    with django_assert_max_num_queries(10):
        response = borrower_client.get(reverse("negotiation:agreement", args=[case.pk]))
    assert len(response.context["payment_rows"]) == 60
