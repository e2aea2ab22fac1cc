"""The evidence page, editing what the borrower says about an item, and deleting it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from collectguard.cases.models import Case
from collectguard.evidence.custody import custody_verify
from collectguard.evidence.models import CustodyEntry, EvidenceItem
from tests.evidence.conftest import make_flagged_message, png_bytes, upload


@pytest.fixture
def item(borrower_client: Client, case: Case) -> EvidenceItem:
    upload(borrower_client, case, png_bytes(), "a.png", description="威胁短信截图")
    return EvidenceItem.objects.get(case=case)


def test_the_overview_lists_evidence_with_its_hash(
    borrower_client: Client, item: EvidenceItem, django_assert_max_num_queries: object
) -> None:
    for n in range(5):
        upload(borrower_client, item.case, png_bytes(colour=(n, n, n)), f"{n}.png")
    with django_assert_max_num_queries(25):  # type: ignore[operator]
        response = borrower_client.get(reverse("evidence:overview", args=[item.case_id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "威胁短信截图" in body
    assert item.sha256 in body
    assert "本工具提供的是信息和文书模板，不构成法律意见" in body


def test_viewing_an_item_is_logged(shared_volunteer_client: Client, item: EvidenceItem) -> None:
    response = shared_volunteer_client.get(reverse("evidence:item", args=[item.case_id, item.uuid]))
    assert response.status_code == 200
    assert item.sha256 in response.content.decode()
    assert CustodyEntry.objects.filter(action="viewed", target=f"evidence:{item.uuid}").exists()


def test_editing_changes_the_description_never_the_original(
    borrower_client: Client, item: EvidenceItem
) -> None:
    message = make_flagged_message(item.case, "今晚不还钱就去你家")
    url = reverse("evidence:edit", args=[item.case_id, item.uuid])

    response = borrower_client.post(
        url,
        {
            "kind": "screenshot",
            "description": "11月3日深夜威胁短信",
            "purpose": "证明对方威胁上门",
            "related_messages": [message.pk],
        },
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.description, item.purpose) == ("11月3日深夜威胁短信", "证明对方威胁上门")
    assert list(item.related_messages.all()) == [message]
    entry = CustodyEntry.objects.get(action="edited")
    assert set(entry.details["fields"]) == {"description", "purpose", "related_messages"}
    assert custody_verify(item.case) == []


def test_messages_of_another_case_cannot_be_linked(
    borrower_client: Client, item: EvidenceItem, other_borrower: object
) -> None:
    elsewhere = Case.objects.create(owner=item.case.owner, title="另一笔")
    foreign = make_flagged_message(elsewhere, "别的案件里的短信")
    url = reverse("evidence:edit", args=[item.case_id, item.uuid])

    response = borrower_client.post(
        url, {"kind": "screenshot", "description": "新的说明", "related_messages": [foreign.pk]}
    )

    assert response.status_code == 400
    assert "新的说明" in response.content.decode()
    item.refresh_from_db()
    assert item.description == "威胁短信截图"
    assert not item.related_messages.exists()


def test_a_volunteer_cannot_edit_or_delete(
    shared_volunteer_client: Client, item: EvidenceItem
) -> None:
    for name in ("edit", "delete"):
        url = reverse(f"evidence:{name}", args=[item.case_id, item.uuid])
        assert shared_volunteer_client.get(url).status_code == 403
        assert shared_volunteer_client.post(url, {"confirm": "yes"}).status_code == 403
    assert EvidenceItem.objects.filter(pk=item.pk).exists()


def test_deleting_needs_confirmation(borrower_client: Client, item: EvidenceItem) -> None:
    url = reverse("evidence:delete", args=[item.case_id, item.uuid])
    assert borrower_client.post(url, {}).status_code == 400
    assert EvidenceItem.objects.filter(pk=item.pk).exists()


def test_deleting_removes_the_files_and_keeps_the_hash_in_the_log(
    borrower_client: Client, item: EvidenceItem, django_capture_on_commit_callbacks: object
) -> None:
    url = reverse("evidence:delete", args=[item.case_id, item.uuid])
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = borrower_client.post(url, {"confirm": "yes"})

    assert response.status_code == 302
    assert not EvidenceItem.objects.filter(pk=item.pk).exists()
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    entry = CustodyEntry.objects.get(action="deleted")
    assert entry.details["sha256"] == item.sha256
    assert custody_verify(item.case) == []


def test_deleting_the_case_removes_every_file(
    borrower_client: Client, item: EvidenceItem, django_capture_on_commit_callbacks: object
) -> None:
    from collectguard.cases.services import case_delete

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        case_delete(case=item.case)
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_the_custody_page_reports_tampering(borrower_client: Client, item: EvidenceItem) -> None:
    url = reverse("evidence:custody", args=[item.case_id])
    assert "哈希链完整" in borrower_client.get(url).content.decode()

    CustodyEntry.objects.filter(case=item.case, seq=1).update(actor_label="someone else")

    body = borrower_client.get(url).content.decode()
    assert "发现问题" in body
    assert "第 1 条的内容被改动过" in body


def test_the_case_page_shows_step_three_progress(
    borrower_client: Client, item: EvidenceItem
) -> None:
    body = borrower_client.get(reverse("cases:detail", args=[item.case_id])).content.decode()
    assert "已保存 1 份证据原件" in body
    assert "生成证据目录" in body
