from __future__ import annotations

from typing import Any

import pytest

from collectguard.cases.models import Case
from tests.browser.conftest import assert_no_horizontal_scroll, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_up_and_create_a_case(page: Any, live_server: Any, name: str) -> None:
    page.goto(live_server.url)
    assert_no_horizontal_scroll(page)
    page.click("text=免费注册，开始整理")
    page.fill("#id_username", name)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/cases/new/")
    assert_no_horizontal_scroll(page)
    page.fill("#id_title", "某某网贷")
    page.fill("#id_lender", "某某小额贷款有限公司")
    page.select_option("#id_loan_type", "online_small_loan")
    page.fill("#id_amount_owed", "3000")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=案件已创建")
    page.click("header >> text=我的案件")
    assert page.locator(".case-list").inner_text().count("某某网贷") == 1
    assert_no_horizontal_scroll(page)


def test_a_borrower_signs_up_on_a_phone_and_creates_a_case(page: Any, live_server: Any) -> None:
    _sign_up_and_create_a_case(page, live_server, "13900000000")
    screenshot(page, "signup-case-list-360")
    assert Case.objects.filter(owner__username="13900000000", title="某某网贷").exists()


def test_the_same_works_without_javascript(page_nojs: Any, live_server: Any) -> None:
    _sign_up_and_create_a_case(page_nojs, live_server, "13900000001")
    assert Case.objects.filter(owner__username="13900000001").count() == 1
