"""Step 3 on a 360 px phone: upload evidence, generate the evidence list, see it listed."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from collectguard.cases.models import Case
from collectguard.evidence.models import EvidenceItem, GeneratedDocument
from tests.browser.conftest import assert_no_horizontal_scroll, log_in, screenshot
from tests.conftest import PASSWORD, make_user
from tests.evidence.conftest import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _case() -> Case:
    owner = make_user("13900000009")
    return Case.objects.create(
        owner=owner,
        title="某某消费金融借款",
        lender="某某消费金融有限公司",
        loan_type="consumer_finance",
        contract_numbers="XF2026000001",
    )


def _journey(page: Any, live_server: Any, tmp_path: Path, *, javascript: bool) -> None:
    case = _case()
    photo = tmp_path / "威胁短信截图.jpg"
    photo.write_bytes(jpeg_bytes(size=(720, 1280)))
    # Load the URLconf (and with it WeasyPrint, seconds on a busy machine) before the browser
    # starts counting: the live server shares this process.
    overview = reverse("evidence:overview", args=[case.pk])
    log_in(page, live_server, case.owner.username, PASSWORD)

    page.goto(f"{live_server.url}{overview}")
    assert_no_horizontal_scroll(page)
    page.set_input_files("#id_file", str(photo))
    page.select_option("#id_kind", "screenshot")
    page.fill("#id_description", "11月3日深夜威胁短信截图")
    page.fill("#id_purpose", "证明对方在夜间威胁上门")
    page.click("#locker button[type=submit]")
    page.wait_for_selector(".ev-item >> text=11月3日深夜威胁短信截图")
    item = EvidenceItem.objects.get(case=case)
    assert item.sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert page.locator(".ev-hash").first.inner_text() == item.sha256
    assert_no_horizontal_scroll(page)
    screenshot(page, f"evidence-locker-360{'' if javascript else '-nojs'}")

    page.click("text=生成文书")
    page.wait_for_url("**/documents/")
    assert_no_horizontal_scroll(page)
    page.click(f"a[href='/cases/{case.pk}/documents/new/evidence_list/']")
    page.fill("#id_name", "张三")
    page.click("main button[type=submit]")
    # The first PDF of a process also loads the CJK fonts: allow for a slow, shared machine.
    page.wait_for_selector("text=已生成“证据目录”", timeout=90_000)
    assert_no_horizontal_scroll(page)
    document = GeneratedDocument.objects.get(case=case)
    assert page.locator(".ev-hash").first.inner_text() == document.pdf_sha256

    page.click("text=← 文书")
    page.wait_for_url("**/documents/")
    assert page.locator("table >> text=证据目录").count() == 1
    screenshot(page, f"evidence-documents-360{'' if javascript else '-nojs'}")

    # Where to complain: a consumer-finance lender goes to the lender, then to 12378.
    page.goto(f"{live_server.url}{reverse('evidence:complaints', args=[case.pk])}")
    assert_no_horizontal_scroll(page)
    page.click(f"a[href='{reverse('evidence:pack', args=[case.pk, '12378'])}']")
    page.wait_for_selector("text=可以直接复制的文字")
    assert_no_horizontal_scroll(page)
    # The copy buttons need JavaScript; without it they stay hidden and the text is selectable.
    assert page.locator("button[data-copy-target]").first.is_visible() == javascript
    screenshot(page, f"evidence-pack-360{'' if javascript else '-nojs'}")


def test_a_borrower_keeps_evidence_and_prints_the_list(
    page: Any, live_server: Any, tmp_path: Path
) -> None:
    _journey(page, live_server, tmp_path, javascript=True)


def test_the_same_works_without_javascript(
    page_nojs: Any, live_server: Any, tmp_path: Path
) -> None:
    _journey(page_nojs, live_server, tmp_path, javascript=False)
