from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.negotiation.models import ContactLog, NegotiationFile
from collectguard.negotiation.services import contact_create
from tests.negotiation.conftest import body, png, sha256, upload

pytestmark = pytest.mark.usefixtures("frozen_today")

VALID = {
    "occurred_at": "2026-11-29T09:15",
    "channel": "phone_out",
    "their_number": "95555",
    "organisation": "某某银行信用卡中心",
    "their_name": "陈女士",
    "staff_id": "C3072",
    "summary": "我说明了失业的情况，提出分 12 期。对方说会提交申请，3 个工作日内回电。",
    "outcome": "considering",
    "callback_on": "2026-12-02",
    "payment_on": "",
    "payment_amount": "",
}


def new_url(case: Case) -> str:
    return reverse("negotiation:contact_new", args=[case.pk])


def test_it_logs_a_contact_with_a_recording(borrower_client: Client, case: Case) -> None:
    # A minimal MP3 frame header is enough for content detection.
    recording = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + bytes(400)
    response = borrower_client.post(
        new_url(case), {**VALID, "attachments": [upload("通话录音.mp3", recording)]}
    )
    contact = ContactLog.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#contact-{contact.pk}")
    # 09:15 in Shanghai is 01:15 UTC.
    assert contact.occurred_at == datetime(2026, 11, 29, 1, 15, tzinfo=UTC)
    assert (contact.their_name, contact.staff_id) == ("陈女士", "C3072")
    [stored] = contact.files.all()
    assert stored.sha256 == sha256(recording)
    assert stored.content_type == "audio/mpeg"
    page = body(borrower_client.get(reverse("negotiation:contacts", args=[case.pk])))
    assert "陈女士" in page and "C3072" in page
    assert stored.sha256 in page


def test_a_promised_callback_becomes_a_deadline(borrower_client: Client, case: Case) -> None:
    borrower_client.post(new_url(case), VALID)
    page = body(borrower_client.get(reverse("negotiation:contacts", args=[case.pk])))
    assert "接下来的日期" in page
    assert "2026-12-02" in page
    assert "对方承诺回电" in page


def test_a_threat_is_marked_as_evidence_with_a_pointer_to_step_3(
    borrower_client: Client, case: Case
) -> None:
    response = borrower_client.post(
        new_url(case), {**VALID, "outcome": "threatened", "callback_on": ""}, follow=True
    )
    assert "威胁、辱骂和施压都是证据" in body(response)
    assert "110" in body(response)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"occurred_at": "2026-12-05T10:00"}, "occurred_at", "这个时间还没有到"),
        ({"occurred_at": "1999-01-01T10:00"}, "occurred_at", "时间太早了"),
        ({"occurred_at": "昨天下午"}, "occurred_at", "请输入日期和时间"),
        ({"callback_on": "2026-11-01"}, "callback_on", "这个日期早于这次沟通"),
        ({"callback_on": "2036-11-01"}, "callback_on", "日期太远了"),
        ({"payment_amount": "-5", "payment_on": "2026-12-10"}, "payment_amount", "金额必须大于 0"),
        ({"payment_amount": "1e20", "payment_on": "2026-12-10"}, "payment_amount", "超过 1 亿元"),
        ({"payment_amount": "五百", "payment_on": "2026-12-10"}, "payment_amount", "请输入金额"),
        ({"payment_amount": "500"}, "payment_on", "请一并填写约定的还款日期"),
        ({"channel": ""}, "channel", "请选择沟通方式"),
        ({"summary": ""}, "summary", "请写下说了什么"),
    ],
)
def test_bad_input_is_refused_and_what_was_typed_is_kept(
    borrower_client: Client, case: Case, changes: dict[str, str], field: str, message: str
) -> None:
    response = borrower_client.post(new_url(case), {**VALID, **changes})
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    page = body(response)
    assert "对方说会提交申请" in page or field == "summary"
    for value in changes.values():
        if value:
            assert f'value="{value}"' in page
    assert not ContactLog.objects.exists()


def test_a_bad_attachment_saves_neither_the_contact_nor_any_file(
    borrower_client: Client, case: Case
) -> None:
    response = borrower_client.post(
        new_url(case),
        {
            **VALID,
            "attachments": [upload("a.png", png()), upload("b.png", b"MZ\x90\x00" + bytes(64))],
        },
    )
    assert response.status_code == 200
    assert "b.png" in body(response)
    assert not ContactLog.objects.exists()
    assert not NegotiationFile.objects.exists()


def test_editing_a_contact_keeps_its_attachments(
    borrower_client: Client, case: Case, contact: ContactLog
) -> None:
    url = reverse("negotiation:contact_edit", args=[case.pk, contact.pk])
    assert "attachments" not in borrower_client.get(url).context["form"].fields
    response = borrower_client.post(url, {**VALID, "summary": "改正：对方答应 12 月 2 日回电。"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.summary == "改正：对方答应 12 月 2 日回电。"


def test_a_bad_edit_changes_nothing(
    borrower_client: Client, case: Case, contact: ContactLog
) -> None:
    url = reverse("negotiation:contact_edit", args=[case.pk, contact.pk])
    response = borrower_client.post(url, {**VALID, "occurred_at": "2030-01-01T00:00"})
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.their_name == "王经理"


def test_attachments_can_be_added_later(
    borrower_client: Client, case: Case, contact: ContactLog
) -> None:
    url = reverse("negotiation:contact_attach", args=[case.pk, contact.pk])
    response = borrower_client.post(url, {"uploads": [upload("截图.png", png(9))]})
    assert response.status_code == 302
    assert contact.files.get().sha256 == sha256(png(9))
    refused = borrower_client.post(
        url, {"uploads": [upload("x.png", b"not an image")]}, follow=True
    )
    assert "x.png" in body(refused)
    assert contact.files.count() == 1


def test_the_list_pages_and_its_queries_do_not_grow(
    borrower_client: Client,
    borrower: User,
    case: Case,
    django_assert_max_num_queries: Any,
) -> None:
    start = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
    for n in range(60):
        contact_create(
            case=case,
            fields={
                "occurred_at": start + timedelta(hours=n),
                "channel": "sms",
                "summary": f"第 {n} 条",
                "outcome": "informed",
                "payment_on": None,
                "payment_amount": Decimal("100") if n % 2 else None,
            },
            uploaded_by=borrower,
        )
    url = reverse("negotiation:contacts", args=[case.pk])
    with django_assert_max_num_queries(12):
        first = borrower_client.get(url)
    assert len(first.context["page"].object_list) == 50
    assert "第 59 条" in body(first)  # newest first
    second = borrower_client.get(url, {"page": 2})
    assert len(second.context["page"].object_list) == 10
