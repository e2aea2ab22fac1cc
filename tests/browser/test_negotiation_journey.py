"""Step 2 on a phone: situation → proposal → script → contact log → agreement → a payment.

The same journey runs with JavaScript (htmx swaps the preview and the payment in place, copy
buttons appear) and without it (every form is a plain POST).
"""

from __future__ import annotations

import zlib
from typing import Any

import pytest

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.negotiation.models import (
    AgreedPayment,
    Agreement,
    ContactLog,
    NegotiationFile,
    Proposal,
    Situation,
)
from tests.browser.conftest import assert_no_horizontal_scroll, log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") + (1).to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes([0, 10, 80, 120])))
        + chunk(b"IEND", b"")
    )


def button(page: Any, name: str) -> Any:
    return page.get_by_role("button", name=name, exact=True)


def _journey(page: Any, live_server: Any, case: Case, *, javascript: bool, name: str) -> None:
    base = f"{live_server.url}/cases/{case.pk}/negotiation"
    # The server's first request imports every URLconf (phonenumbers' geocoder data among them),
    # which can take longer than a page's timeout on a busy machine; wait for it once.
    page.goto(f"{live_server.url}/healthz", timeout=180_000)
    log_in(page, live_server, case.owner.username, PASSWORD)
    page.wait_for_url("**/cases/")

    # 1. The situation.
    page.goto(f"{base}/")
    assert_no_horizontal_scroll(page)
    page.click("text=填写我的情况")
    page.check("input[name=hardship_reason][value=unemployment]")
    page.fill("#id_hardship_details", "公司裁员，正在找工作。")
    page.fill("#id_monthly_income", "3000")
    page.fill("#id_essential_spending", "1800")
    page.fill("#id_can_pay_monthly", "1000")
    page.fill("#id_debts-0-lender", "某某网贷")
    page.fill("#id_debts-0-monthly_due", "100")
    assert_no_horizontal_scroll(page)
    button(page, "保存").click()
    page.wait_for_selector("text=困难情况已保存")

    # 2. A proposal: preview first, then save.
    page.click("main >> text=算一个新方案")
    assert page.input_value("#id_principal") == "12000.00"
    assert page.input_value("#id_months") == "12"
    page.fill("#id_months", "0")
    button(page, "先算一算").click()
    page.wait_for_selector("text=期数至少为 1 个月")
    assert page.input_value("#id_months") == "0"
    page.fill("#id_months", "12")
    button(page, "先算一算").click()
    page.wait_for_selector("text=还款计划预览")
    assert_no_horizontal_scroll(page)
    if javascript:
        assert page.url.endswith("/proposals/new/")  # swapped in place by htmx
    button(page, "保存方案").click()
    page.wait_for_selector("text=方案已保存")
    assert "负担得起" in page.inner_text("main")

    # 3. The script, filled with the case's facts.
    page.click("text=下一步：看电话话术")
    say = page.inner_text("#say-proposal")
    assert "分 12 期还款，每月还 1,000.00 元" in say
    assert "XF20251120003" in page.inner_text("#say-identify")
    assert page.is_visible("button[data-copy-target=say-identify]") is javascript
    page.click("text=“再不还，我们就联系你的家人和单位。”")
    assert page.is_visible("#reply-third_party")
    assert_no_horizontal_scroll(page)
    if javascript:
        screenshot(page, f"{name}-script-360")

    # 4. A contact, with a screenshot attached.
    page.click("text=通话后：记一次沟通")
    page.select_option("#id_channel", "phone_out")
    page.fill("#id_their_number", "95555")
    page.fill("#id_their_name", "陈女士")
    page.fill("#id_staff_id", "C3072")
    page.fill("#id_summary", "对方同意分 12 期，答应发短信确认。")
    page.select_option("#id_outcome", "agreed")
    page.set_input_files(
        "#id_attachments",
        files=[{"name": "通话截图.png", "mimeType": "image/png", "buffer": png()}],
    )
    assert_no_horizontal_scroll(page)
    button(page, "保存").click()
    page.wait_for_selector("text=沟通记录已保存")
    assert "陈女士" in page.inner_text(".contact-list")

    # 5. The agreement, from the chosen proposal, with its written confirmation.
    page.goto(f"{base}/agreement/new/")
    assert page.input_value("#id_months") == "12"
    page.fill("#id_agreed_with_name", "陈女士")
    page.fill("#id_agreed_with_staff_id", "C3072")
    page.set_input_files(
        "#id_confirmations",
        files=[{"name": "确认短信.png", "mimeType": "image/png", "buffer": png()}],
    )
    button(page, "保存协议").click()
    page.wait_for_selector("text=还款协议已记录")
    assert "已书面确认" in page.inner_text("main")
    assert_no_horizontal_scroll(page)

    # 6. The first instalment paid.
    first = page.locator(".payment").first
    first.locator("summary", has_text="标记为已还").click()
    first.locator("button", has_text="保存").click()
    if javascript:
        page.wait_for_selector(".payment.paid")
    else:
        page.wait_for_selector("text=第 1 期已标记为已还")
    assert page.locator(".payment.paid").count() == 1
    assert "1 / 12 期" in page.inner_text("#payment-progress")
    screenshot(page, f"{name}-agreement-360")

    # 7. The written request and the overview still fit the phone.
    page.goto(f"{base}/letter/")
    assert "本人有还款意愿" in page.inner_text("#letter-body")
    assert_no_horizontal_scroll(page)
    page.goto(f"{base}/")
    assert "已书面确认" in page.inner_text("#agreement")
    assert_no_horizontal_scroll(page)
    screenshot(page, f"{name}-overview-360")


def _assert_saved(case: Case) -> None:
    assert Situation.objects.get(case=case).can_pay_monthly == 1000
    assert Proposal.objects.get(case=case).is_chosen
    contact = ContactLog.objects.get(case=case)
    assert contact.their_name == "陈女士"
    agreement = Agreement.objects.get(case=case)
    assert agreement.months == 12
    assert AgreedPayment.objects.filter(agreement=agreement, paid_on__isnull=False).count() == 1
    assert NegotiationFile.objects.filter(case=case).count() == 2


def test_a_borrower_negotiates_on_a_phone(
    page: Any, live_server: Any, borrower: User, case: Case
) -> None:
    _journey(page, live_server, case, javascript=True, name="negotiation")
    _assert_saved(case)


def test_the_same_works_without_javascript(
    page_nojs: Any, live_server: Any, borrower: User, case: Case
) -> None:
    _journey(page_nojs, live_server, case, javascript=False, name="negotiation-nojs")
    _assert_saved(case)
