"""Routing to the right authority, complaint packs and the action checklist."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collectguard.cases.models import Case
from collectguard.evidence.checklist import add_months, checklist_for_case
from collectguard.evidence.models import CustodyEntry, Filing
from collectguard.evidence.routing import lender_type, recommend_channels
from tests.evidence.conftest import make_flagged_message

SMS = "【某某金融】你已逾期，今晚22点前不还款，明天就去你单位找你领导。"


def _channels(case: Case) -> list[str]:
    return [rec.channel["id"] for rec in recommend_channels(case)]


@pytest.mark.parametrize(
    ("loan_type", "lender", "kind", "regulator"),
    [
        ("credit_card", "某某银行", "bank", "12378"),
        ("consumer_finance", "某某消费金融有限公司", "consumer_finance", "12378"),
        (
            "online_small_loan",
            "某某网络小额贷款有限公司",
            "small_loan",
            "local-financial-regulator",
        ),
        ("other", "招商银行", "bank", "12378"),
        ("private_lending", "个人放贷者", "private", "110"),
        ("other", "不知道是谁", "unknown", "110"),
    ],
)
def test_it_routes_by_lender_type(
    case: Case, loan_type: str, lender: str, kind: str, regulator: str
) -> None:
    case.loan_type, case.lender = loan_type, lender
    assert lender_type(case) == kind
    channels = _channels(case)
    assert regulator in channels
    assert ("lender-hq" in channels) == (kind in {"bank", "consumer_finance", "small_loan"})
    assert "12321" in channels


def test_threats_put_the_police_first(case: Case) -> None:
    make_flagged_message(case, "出门小心点", categories=["intimidation"])
    recommendations = recommend_channels(case)
    assert recommendations[0].channel["id"] == "110"
    assert recommendations[0].urgent


def test_online_exposure_adds_12377(case: Case) -> None:
    make_flagged_message(case, "再不还就把你挂到网上", categories=["privacy_disclosure"])
    assert "12377" in _channels(case)


def test_the_complaints_page_lists_the_recommendations(borrower_client: Client, case: Case) -> None:
    body = borrower_client.get(reverse("evidence:complaints", args=[case.pk])).content.decode()
    assert "国家金融监督管理总局" in body
    assert reverse("evidence:pack", args=[case.pk, "12378"]) in body


def test_the_12321_pack_quotes_each_sms_exactly_with_its_time(
    borrower_client: Client, case: Case
) -> None:
    message = make_flagged_message(case, SMS, sender="10690000123", categories=["third_party"])

    response = borrower_client.get(reverse("evidence:pack", args=[case.pk, "12321"]))

    body = response.content.decode()
    assert response.status_code == 200
    assert SMS in body
    assert "10690000123" in body
    assert timezone.localtime(message.received_at).strftime("%Y-%m-%d %H:%M") in body
    assert 'data-copy-target="msg-1"' in body


def test_the_12378_pack_has_the_form_fields(borrower_client: Client, case: Case) -> None:
    make_flagged_message(case, SMS, categories=["third_party"])
    body = borrower_client.get(reverse("evidence:pack", args=[case.pk, "12378"])).content.decode()
    for label in ("被投诉机构", "问题简述", "事实经过", "诉求", "你的姓名", "联系电话"):
        assert label in body
    assert "XF20251120003" in body


def test_the_nifa_pack_flags_attachments_over_2_mb(borrower_client: Client, case: Case) -> None:
    from tests.review.factories import make_evidence

    make_evidence(case, description="小截图")
    make_evidence(case, description="大录音", size=3 * 1024 * 1024)
    body = borrower_client.get(
        reverse("evidence:pack", args=[case.pk, "nifa-report"])
    ).content.decode()
    assert "小截图" in body and "可以上传" in body
    assert "超过 2 MB" in body


def test_volunteers_see_third_party_numbers_masked(
    shared_volunteer_client: Client, borrower_client: Client, case: Case
) -> None:
    make_flagged_message(case, "你妈妈 13812345678 已经知道你欠钱了", categories=["third_party"])
    url = reverse("evidence:pack", args=[case.pk, "12321"])
    assert "13812345678" in borrower_client.get(url).content.decode()
    volunteer_body = shared_volunteer_client.get(url).content.decode()
    assert "13812345678" not in volunteer_body
    assert "第三人的电话号码和姓名已隐去" in volunteer_body


def test_packs_for_unknown_channels_are_a_404(borrower_client: Client, case: Case) -> None:
    assert borrower_client.get(reverse("evidence:pack", args=[case.pk, "12363"])).status_code == 404


def test_someone_elses_pack_is_a_404(other_client: Client, case: Case) -> None:
    assert other_client.get(reverse("evidence:pack", args=[case.pk, "12378"])).status_code == 404


# --- The action checklist ---------------------------------------------------------------------


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), 6) == date(2026, 7, 15)


def test_the_police_deadline_is_six_months_after_the_last_contact(case: Case) -> None:
    message = make_flagged_message(case, SMS)
    last = timezone.localtime(message.received_at).date()

    checklist = checklist_for_case(case)

    assert checklist.police_deadline == add_months(last, 6)
    assert checklist.police_provision is not None
    assert checklist.police_provision["article"] == "第25条"


def test_a_lender_complaint_is_due_in_15_days_then_points_to_the_regulator(case: Case) -> None:
    filed = timezone.localdate() - timedelta(days=20)
    Filing.objects.create(case=case, channel="lender-hq", status="filed", filed_on=filed)

    row = checklist_for_case(case).rows[0]

    assert row.due == filed + timedelta(days=15)
    assert row.overdue
    assert "国家金融监督管理总局" in row.next_step
    assert row.provision is not None and row.provision["caution"]


def test_recording_a_filing(borrower_client: Client, case: Case) -> None:
    url = reverse("evidence:checklist", args=[case.pk])
    filed = (timezone.localdate() - timedelta(days=2)).isoformat()

    response = borrower_client.post(
        url,
        {
            "filing-channel": "lender-hq",
            "filing-status": "filed",
            "filing-filed_on": filed,
            "filing-reference_number": "TS-2026-0001",
        },
    )

    assert response.status_code == 302
    filing = Filing.objects.get(case=case)
    assert filing.reference_number == "TS-2026-0001"
    assert CustodyEntry.objects.filter(action="filed", target=f"filing:{filing.pk}").exists()
    body = borrower_client.get(url).content.decode()
    assert "TS-2026-0001" in body and "应答复日期" in body


def test_a_filing_dated_in_the_future_is_refused(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(
        reverse("evidence:checklist", args=[case.pk]),
        {
            "filing-channel": "110",
            "filing-status": "filed",
            "filing-filed_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "filing-reference_number": "保留我写的",
        },
    )
    assert response.status_code == 400
    assert "保留我写的" in response.content.decode()
    assert not Filing.objects.exists()


def test_updating_and_deleting_a_filing(borrower_client: Client, case: Case) -> None:
    filing = Filing.objects.create(
        case=case, channel="12378", status="filed", filed_on=timezone.localdate()
    )
    edit = reverse("evidence:filing_edit", args=[case.pk, filing.pk])
    response = borrower_client.post(
        edit,
        {
            "channel": "12378",
            "status": "answered",
            "filed_on": filing.filed_on.isoformat(),
            "answered_on": timezone.localdate().isoformat(),
            "reference_number": "NFRA-1",
        },
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert (filing.status, filing.reference_number) == ("answered", "NFRA-1")

    borrower_client.post(reverse("evidence:filing_delete", args=[case.pk, filing.pk]))
    assert not Filing.objects.exists()


def test_a_volunteer_reads_the_checklist_but_cannot_change_it(
    shared_volunteer_client: Client, case: Case
) -> None:
    filing = Filing.objects.create(
        case=case, channel="110", status="filed", filed_on=timezone.localdate()
    )
    url = reverse("evidence:checklist", args=[case.pk])
    body = shared_volunteer_client.get(url).content.decode()
    assert "110" in body and "记下一次投诉" not in body
    assert shared_volunteer_client.post(url, {"filing-channel": "110"}).status_code == 403
    edit = reverse("evidence:filing_edit", args=[case.pk, filing.pk])
    assert shared_volunteer_client.get(edit).status_code == 403
    delete = reverse("evidence:filing_delete", args=[case.pk, filing.pk])
    assert shared_volunteer_client.post(delete).status_code == 403
    assert Filing.objects.filter(pk=filing.pk).exists()


def test_someone_elses_filing_is_a_404(other_client: Client, case: Case) -> None:
    filing = Filing.objects.create(
        case=case, channel="110", status="filed", filed_on=timezone.localdate()
    )
    assert other_client.get(reverse("evidence:checklist", args=[case.pk])).status_code == 404
    assert (
        other_client.post(reverse("evidence:filing_delete", args=[case.pk, filing.pk])).status_code
        == 404
    )
    assert Filing.objects.filter(pk=filing.pk).exists()


def test_a_pack_marks_a_category_only_the_model_estimated(
    borrower_client: Client, case: Case
) -> None:
    make_flagged_message(
        case,
        SMS,
        sender="10690000123",
        categories=["intimidation"],
        findings=[{"category": "intimidation", "start": 0, "end": 4, "rule": "MODEL-intimidation"}],
    )

    body = borrower_client.get(reverse("evidence:pack", args=[case.pk, "12321"])).content.decode()

    assert "恐吓、威胁人身安全（统计估计，请核对）" in body
