from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from collectguard.cases.models import Case
from collectguard.negotiation.models import NegotiationFile, OtherDebt, Situation
from tests.negotiation.conftest import body, pdf_bytes, png, sha256, upload

VALID = {
    "hardship_reason": "illness",
    "hardship_other": "",
    "hardship_details": "母亲住院，医疗费用较高。",
    "monthly_income": "4,500",
    "essential_spending": "２８００",
    "can_pay_monthly": "800元",
    "applicant_name": "",
    "debts-TOTAL_FORMS": "2",
    "debts-INITIAL_FORMS": "0",
    "debts-MIN_NUM_FORMS": "0",
    "debts-MAX_NUM_FORMS": "10",
    "debts-0-lender": "某某消费金融",
    "debts-0-amount": "5000",
    "debts-0-monthly_due": "450",
    "debts-1-lender": "",
    "debts-1-amount": "",
    "debts-1-monthly_due": "",
}


def situation_url(case: Case) -> str:
    return reverse("negotiation:situation", args=[case.pk])


def test_it_saves_the_situation_and_other_debts(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(situation_url(case), VALID)
    assert response.status_code == 302
    assert response["Location"] == reverse("negotiation:overview", args=[case.pk])
    saved = Situation.objects.get(case=case)
    assert saved.hardship_reason == "illness"
    # Thousands separators, full-width digits and a trailing 元 are what people type.
    assert saved.monthly_income == Decimal("4500.00")
    assert saved.essential_spending == Decimal("2800.00")
    assert saved.can_pay_monthly == Decimal("800.00")
    assert list(OtherDebt.objects.filter(case=case).values_list("lender", "monthly_due")) == [
        ("某某消费金融", Decimal("450.00"))
    ]


def test_saving_again_replaces_the_debts_and_keeps_one_situation(
    borrower_client: Client, case: Case
) -> None:
    borrower_client.post(situation_url(case), VALID)
    edited = {
        **VALID,
        "debts-TOTAL_FORMS": "3",
        "debts-INITIAL_FORMS": "1",
        "debts-0-DELETE": "on",
        "debts-2-lender": "亲戚借款",
        "debts-2-amount": "",
        "debts-2-monthly_due": "",
    }
    assert borrower_client.post(situation_url(case), edited).status_code == 302
    assert Situation.objects.filter(case=case).count() == 1
    assert list(OtherDebt.objects.filter(case=case).values_list("lender", flat=True)) == [
        "亲戚借款"
    ]


def test_the_overview_warns_when_the_monthly_payment_is_more_than_is_left(
    borrower_client: Client, case: Case
) -> None:
    # 4500 − 2800 − 450 leaves 1250 a month; promising 2000 is more than that.
    borrower_client.post(situation_url(case), {**VALID, "can_pay_monthly": "2000"})
    page = body(borrower_client.get(reverse("negotiation:overview", args=[case.pk])))
    assert "1,250.00" in page
    assert "比收入减去必要支出和其他欠款后剩下的还多" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("monthly_income", "-100", "金额不能是负数"),
        ("can_pay_monthly", "两千", "请输入金额"),
        ("can_pay_monthly", "1e20", "超过 1 亿元"),
        ("essential_spending", "12.345", "最多两位小数"),
        ("can_pay_monthly", "NaN", "请输入金额"),
    ],
)
def test_bad_amounts_are_refused_and_what_was_typed_is_kept(
    borrower_client: Client, case: Case, field: str, value: str, message: str
) -> None:
    response = borrower_client.post(situation_url(case), {**VALID, field: value})
    assert response.status_code == 200
    page = body(response)
    assert message in page
    assert f'value="{value}"' in page
    assert "母亲住院，医疗费用较高。" in page
    assert not Situation.objects.exists()
    assert not OtherDebt.objects.exists()


def test_other_needs_a_reason_and_a_debt_needs_a_lender(
    borrower_client: Client, case: Case
) -> None:
    response = borrower_client.post(
        situation_url(case),
        {**VALID, "hardship_reason": "other", "debts-0-lender": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"hardship_other"}
    assert response.context["debts"].errors[0].keys() == {"lender"}
    assert not Situation.objects.exists()


def test_a_missing_reason_gets_a_clear_message(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(situation_url(case), {**VALID, "hardship_reason": ""})
    assert "请选择一个困难原因" in body(response)
    assert not Situation.objects.exists()


def documents_url(case: Case) -> str:
    return reverse("negotiation:documents", args=[case.pk])


def test_hardship_documents_are_stored_byte_for_byte(borrower_client: Client, case: Case) -> None:
    image, letter = png(7), pdf_bytes()
    response = borrower_client.post(
        documents_url(case),
        {
            "uploads": [upload("诊断证明.png", image), upload("收费单.pdf", letter)],
            "description": "医院诊断证明和收费单",
        },
    )
    assert response.status_code == 302
    stored = {f.original_name: f for f in NegotiationFile.objects.filter(case=case)}
    assert stored.keys() == {"诊断证明.png", "收费单.pdf"}
    for name, content in (("诊断证明.png", image), ("收费单.pdf", letter)):
        item = stored[name]
        assert item.kind == "hardship"
        assert item.sha256 == sha256(content)
        assert item.size == len(content)
        assert item.path.startswith(f"cases/{case.pk}/negotiation/")
        download = borrower_client.get(reverse("negotiation:file", args=[case.pk, item.pk]))
        assert sha256(b"".join(download.streaming_content)) == sha256(content)
    assert stored["诊断证明.png"].content_type == "image/png"
    assert stored["收费单.pdf"].content_type == "application/pdf"


def test_a_disguised_file_refuses_the_whole_upload(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(
        documents_url(case),
        {
            "uploads": [
                upload("ok.png", png()),
                upload("证明.jpg", b"<html><script>alert(1)</script></html>"),
            ],
            "description": "会被拒绝",
        },
    )
    assert response.status_code == 200
    page = body(response)
    assert "证明.jpg" in page
    assert "所有文件都没有保存" in page
    assert 'value="会被拒绝"' in page
    assert not NegotiationFile.objects.exists()


def test_uploading_the_same_file_twice_stores_it_once(borrower_client: Client, case: Case) -> None:
    for _ in range(2):
        borrower_client.post(documents_url(case), {"uploads": [upload("a.png", png(3))]})
    assert NegotiationFile.objects.filter(case=case).count() == 1


def test_an_upload_without_files_says_so(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(documents_url(case), {"description": "空"})
    assert response.status_code == 200
    assert "请选择要上传的文件" in body(response)
