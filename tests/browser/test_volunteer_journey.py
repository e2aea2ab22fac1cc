"""A legal-aid volunteer on a phone: password, then the authenticator code; the review queue;
one case; a comment, a change request, and the approval of one letter version.

The same journey runs with JavaScript and without it (every form is a plain POST).
"""

from __future__ import annotations

from typing import Any

import pytest

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.review.models import Comment, CommentKind, LetterApproval
from tests.browser.conftest import assert_no_horizontal_scroll, log_in, screenshot
from tests.conftest import PASSWORD, make_user
from tests.review.factories import (
    current_code,
    make_case,
    make_letter,
    make_message,
    make_organisation,
    make_volunteer,
    share_with,
    totp_device,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shared_case(volunteer_name: str) -> tuple[User, Case, Any]:
    organisation = make_organisation(f"{volunteer_name} 所在的法律援助中心")
    volunteer = make_volunteer(volunteer_name, organisation)
    borrower = make_user(f"borrower-of-{volunteer_name}")
    case = make_case(borrower, "某某网贷（示例）")
    make_message(case)
    letter = make_letter(case)
    share_with(case, organisation=organisation)
    # Cases shared by others are in the queue too; the volunteer picks the right one.
    for i in range(3):
        share_with(make_case(borrower, f"其他案件{i}"), organisation=organisation)
    return volunteer, case, letter


def _journey(page: Any, live_server: Any, *, name: str) -> None:
    volunteer, case, letter = _shared_case(name)
    # The first request imports every URLconf and template library; wait for it once.
    page.goto(f"{live_server.url}/healthz", timeout=180_000)

    # 1. Password, then the code from the authenticator app (computed here).
    log_in(page, live_server, volunteer.username, PASSWORD)
    page.wait_for_url("**/accounts/two-factor/")
    assert_no_horizontal_scroll(page)
    page.fill("#id_code", current_code(totp_device(volunteer)))
    page.click("main button[type=submit]")
    page.wait_for_url("**/review/")

    # 2. The queue: the case is there, with its letter awaiting review.
    assert_no_horizontal_scroll(page)
    queue = page.locator("#queue-results").inner_text()
    assert case.title in queue
    assert "其他案件0" in queue
    page.click(f"text={case.title}")
    page.wait_for_url(f"**/review/cases/{case.pk}/")

    # 3. The case, with third parties masked.
    assert_no_horizontal_scroll(page)
    body = page.locator("main").inner_text()
    assert "138******78" in body
    assert "13812345678" not in body
    screenshot(page, f"volunteer-review-{name}")

    # 4. A comment on the whole case.
    page.fill("#id_comment-body", "证据整理得很清楚，建议补充通话录音。")
    page.click("text=发送意见")
    page.wait_for_selector("text=意见已发送给借款人")

    # 5. A change request on the letter, from the letter's own link.
    page.click(f"#letter-{letter.pk} >> text=对这份文书提意见")
    page.check("input[name='changes-reasons'][value='wrong_authority']")
    page.fill("#id_changes-body", "网络小贷应向地方金融管理局投诉。")
    page.click("text=请借款人修改")
    page.wait_for_selector("text=修改建议已发送给借款人")

    # 6. The approval of this letter version.
    page.click(f"#letter-{letter.pk} >> text=批准这个版本")
    page.wait_for_selector("text=已批准这个版本")
    assert_no_horizontal_scroll(page)

    comment = Comment.objects.get(case=case, kind=CommentKind.COMMENT)
    assert comment.author == volunteer
    changes = Comment.objects.get(case=case, kind=CommentKind.CHANGES)
    assert changes.target_kind == "letter"
    assert changes.target_id == letter.pk
    assert changes.reasons == ["wrong_authority"]
    approval = LetterApproval.objects.get(case=case)
    assert approval.pdf_sha256 == letter.pdf_sha256


def test_a_volunteer_reviews_a_case_on_a_phone(page: Any, live_server: Any) -> None:
    _journey(page, live_server, name="vera")


def test_the_same_works_without_javascript(page_nojs: Any, live_server: Any) -> None:
    _journey(page_nojs, live_server, name="victor")
