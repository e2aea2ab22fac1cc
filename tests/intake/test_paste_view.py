"""The paste page: live analysis (htmx), the same on a plain submit, then save."""

from __future__ import annotations

import pytest
from django.test import Client

from collectguard.cases.models import Case
from collectguard.intake.models import Message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
THREAT = "13612345678 2026-06-01 23:40 今天不还，明天就打电话给你老板和同事。"


def _url(case: Case, suffix: str = "") -> str:
    return f"/cases/{case.pk}/intake/paste/{suffix}"


def test_the_page_wires_live_analysis_and_keeps_a_plain_form(
    borrower_client: Client, case: Case
) -> None:
    html = borrower_client.get(_url(case)).content.decode()
    assert f'hx-post="/cases/{case.pk}/intake/paste/preview/"' in html
    assert 'hx-trigger="input changed delay:500ms"' in html
    assert f'<form method="post" action="/cases/{case.pk}/intake/paste/"' in html
    assert 'name="action" value="preview"' in html and 'name="action" value="save"' in html


def test_htmx_preview_returns_only_the_analysis(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(
        _url(case, "preview/"), {"text": THREAT}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="paste-preview"')
    assert '<mark class="cat-third_party"' in html
    assert "<html" not in html
    assert not Message.objects.exists(), "a preview saves nothing"


def test_a_plain_preview_shows_the_same_analysis_and_keeps_the_text(
    borrower_client: Client, case: Case
) -> None:
    response = borrower_client.post(_url(case), {"text": THREAT, "action": "preview"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<mark class="cat-third_party"' in html
    assert "今天不还，明天就打电话给你" in html  # kept in the textarea
    assert not Message.objects.exists()


def test_saving_stores_and_redirects(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(_url(case), {"text": THREAT, "action": "save"})
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/intake/messages/"
    assert Message.objects.filter(case=case).count() == 1
    followed = borrower_client.get(response["Location"]).content.decode()
    assert "已保存 1 条消息" in followed


def test_bad_input_keeps_what_was_typed_and_saves_nothing(
    borrower_client: Client, case: Case
) -> None:
    text = "13612345678 2026-02-30 10:00 这个日期不存在"
    response = borrower_client.post(
        _url(case), {"text": text, "default_sender": "95588", "action": "save"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "2026-02-30" in html and "不存在" in html
    assert 'value="95588"' in html
    assert not Message.objects.exists()


def test_empty_text_is_an_error(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(_url(case), {"text": "  ", "action": "save"})
    assert response.status_code == 400
    assert "请粘贴至少一条消息" in response.content.decode()


def test_markup_in_a_message_is_shown_as_text(borrower_client: Client, case: Case) -> None:
    evil = '<script>alert(1)</script><link rel="attachment" href="file:///etc/passwd"> 老赖'
    response = borrower_client.post(_url(case, "preview/"), {"text": evil}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<script>alert" not in html and '<link rel="attachment"' not in html
    assert "&lt;script&gt;" in html


def test_a_threat_of_violence_leads_with_safety(borrower_client: Client, case: Case) -> None:
    response = borrower_client.post(
        _url(case, "preview/"),
        {"text": "今天晚上就带人上门，你家孩子放学路上小心点"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    if "in-urgent" not in html:
        pytest.skip("the analyser does not mark this message as urgent")
    assert "110" in html


def test_every_analysis_page_says_it_can_miss_veiled_threats(
    borrower_client: Client, case: Case
) -> None:
    preview = borrower_client.post(_url(case), {"text": THREAT, "action": "preview"})
    borrower_client.post(_url(case), {"text": THREAT, "action": "save"})
    for response in (
        preview,
        borrower_client.get(f"/cases/{case.pk}/intake/messages/"),
        borrower_client.get(f"/cases/{case.pk}/intake/"),
    ):
        html = response.content.decode()
        assert "说得隐晦的威胁可能查不出来" in html and "12348" in html


# A veiled threat no rule names: the statistical model finds it (analysis/model.py).
VEILED = "13612345678 2026-06-01 21:40 你家门口那条路晚上挺黑的，欠的钱还是早点还吧。"


def test_a_model_finding_is_shown_as_an_estimate_to_check(
    borrower_client: Client, case: Case
) -> None:
    html = borrower_client.post(_url(case), {"text": VEILED, "action": "preview"}).content.decode()
    assert '<mark class="cat-intimidation"' in html
    assert "统计估计，请自己核对" in html and "统计模型估计" in html
    plain = borrower_client.post(_url(case), {"text": THREAT, "action": "preview"})
    assert "统计估计" not in plain.content.decode(), "a rule's finding is not marked"


def test_the_estimate_mark_and_explanation_are_in_english_too(
    borrower_client: Client, case: Case
) -> None:
    borrower_client.post(_url(case), {"text": VEILED, "action": "save"})
    html = borrower_client.get(
        f"/cases/{case.pk}/intake/messages/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Statistical estimate: check it yourself" in html
    assert "Statistical estimate: this message may contain intimidation" in html
