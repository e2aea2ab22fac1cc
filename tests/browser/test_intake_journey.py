"""Step 1 on a 360 px phone: paste messages and see them analysed, import the sample backups and
read the statistics — with JavaScript (live analysis, upload progress) and without."""

from __future__ import annotations

from typing import Any

import pytest

from collectguard.cases.models import Case
from collectguard.intake.models import Call, Message
from tests.browser.conftest import assert_no_horizontal_scroll, log_in, screenshot
from tests.conftest import PASSWORD, make_user
from tests.intake.conftest import CALLS_SAMPLE, SMS_SAMPLE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASTE = (
    "13612345678 2026-06-01 23:40 今天不还，明天就打电话给你老板和同事。\n"
    "95599 2026-06-02 09:12 【农业银行】您尾号3310的信用卡已逾期，最低还款额986.00元。"
)


def _case(username: str) -> Case:
    owner = make_user(username)
    return Case.objects.create(owner=owner, title="某某消费金融借款", loan_type="consumer_finance")


def _upload(page: Any, live_server: Any, case: Case, path: Any) -> None:
    page.goto(f"{live_server.url}/cases/{case.pk}/intake/import/")
    page.set_input_files("#id_file", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(f"**/cases/{case.pk}/intake/import/*/")


def test_a_borrower_pastes_and_imports_on_a_phone(page: Any, live_server: Any) -> None:
    case = _case("13900000010")
    log_in(page, live_server, "13900000010", PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.pk}/intake/")
    assert_no_horizontal_scroll(page)
    page.click("main >> text=粘贴短信")
    page.fill("#id_text", PASTE)
    # Live analysis while typing (htmx), before anything is saved.
    page.wait_for_selector("#paste-preview mark.cat-third_party")
    assert "找到 2 条消息" in page.inner_text("#paste-preview")
    assert Message.objects.count() == 0
    assert_no_horizontal_scroll(page)
    screenshot(page, "intake-paste-preview-360")
    page.click("button[value=save]")
    page.wait_for_url(f"**/cases/{case.pk}/intake/messages/")
    assert page.locator("mark.cat-third_party").count() >= 1
    assert Message.objects.filter(case=case).count() == 2

    _upload(page, live_server, case, SMS_SAMPLE)
    assert "没有保存的号码" in page.inner_text("main")
    _upload(page, live_server, case, CALLS_SAMPLE)
    assert Call.objects.filter(case=case).count() == 6
    page.click("main >> text=查看联系次数统计")
    page.wait_for_selector("svg[aria-labelledby='timeline-title timeline-desc']")
    text = page.inner_text("main")
    assert "夜间（22:00 至次日 8:00）联系" in text and "最严重的几天" in text
    assert_no_horizontal_scroll(page)
    screenshot(page, "intake-statistics-360")
    page.goto(f"{live_server.url}/cases/{case.pk}/intake/")
    assert "是不是官方号码" in page.inner_text("main")
    assert_no_horizontal_scroll(page)
    screenshot(page, "intake-overview-360")


def test_the_same_works_without_javascript(page_nojs: Any, live_server: Any) -> None:
    page = page_nojs
    case = _case("13900000011")
    log_in(page, live_server, "13900000011", PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.pk}/intake/paste/")
    page.fill("#id_text", PASTE)
    page.click("button[value=preview]")
    page.wait_for_selector("#paste-preview mark.cat-third_party")
    assert Message.objects.count() == 0
    assert page.input_value("#id_text").startswith("13612345678")  # kept what was typed
    page.click("button[value=save]")
    page.wait_for_url(f"**/cases/{case.pk}/intake/messages/")
    assert Message.objects.filter(case=case).count() == 2

    page.goto(f"{live_server.url}/cases/{case.pk}/intake/messages/")
    page.check("#id_night")
    page.click("main form button[type=submit]")
    page.wait_for_url("**night=on**")
    assert "共 1 条" in page.inner_text("main")

    _upload(page, live_server, case, SMS_SAMPLE)
    page.click("text=保留全部，重新导入")
    page.wait_for_selector("text=已保留全部")
    _upload(page, live_server, case, CALLS_SAMPLE)
    page.goto(f"{live_server.url}/cases/{case.pk}/intake/statistics/")
    assert page.locator("svg").count() >= 2
    assert "最严重的几天" in page.inner_text("main")
    assert_no_horizontal_scroll(page)
    screenshot(page, "intake-statistics-nojs-360")
