from __future__ import annotations

from django.test import Client
from django.urls import reverse

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.review.models import Comment, CommentKind, Share
from tests.review.factories import make_case, make_evidence, make_letter, make_message


def test_it_shows_the_case_with_third_parties_masked(
    volunteer_client: Client, share: Share, case: Case
) -> None:
    make_message(case)
    body = volunteer_client.get(reverse("review:case", args=[case.pk])).content.decode()
    assert case.title in body
    assert "王**" in body
    assert "138******78" in body
    assert "王小明" not in body
    assert "13812345678" not in body
    assert "12348" in body  # not legal advice, and where to find a lawyer


def test_the_borrower_can_reveal_third_parties_for_a_share(
    volunteer_client: Client, share: Share, case: Case
) -> None:
    make_message(case)
    Share.objects.filter(pk=share.pk).update(reveal_third_parties=True)
    body = volunteer_client.get(reverse("review:case", args=[case.pk])).content.decode()
    assert "王小明" in body
    assert "13812345678" in body


def test_it_comments_on_the_case(
    volunteer_client: Client, share: Share, case: Case, volunteer: User
) -> None:
    response = volunteer_client.post(
        reverse("review:comment_create", args=[case.pk]),
        {"comment-target": "case", "comment-body": "证据基本齐全。"},
    )
    assert response.status_code == 302
    comment = Comment.objects.get(case=case)
    assert comment.author == volunteer
    assert comment.organisation == share.organisation
    assert comment.kind == CommentKind.COMMENT
    assert comment.target_kind == "case"
    assert comment.target_id is None


def test_it_comments_on_a_message_an_evidence_item_and_a_letter(
    volunteer_client: Client, share: Share, case: Case
) -> None:
    targets = {
        "message": make_message(case),
        "evidence": make_evidence(case),
        "letter": make_letter(case),
    }
    for kind, obj in targets.items():
        response = volunteer_client.post(
            reverse("review:comment_create", args=[case.pk]),
            {"comment-target": f"{kind}:{obj.pk}", "comment-body": f"关于这个{kind}"},
        )
        assert response.status_code == 302, kind
        comment = Comment.objects.get(case=case, target_kind=kind)
        assert comment.target_id == obj.pk
        assert f"#{obj.pk}" in comment.target_label


def test_the_comment_form_can_be_aimed_at_a_message_from_its_link(
    volunteer_client: Client, share: Share, case: Case
) -> None:
    message = make_message(case)
    response = volunteer_client.get(
        reverse("review:case", args=[case.pk]), {"target": f"message:{message.pk}"}
    )
    assert f'value="message:{message.pk}"' in response.content.decode()


def test_it_refuses_targets_from_another_case(
    volunteer_client: Client, share: Share, case: Case, other_borrower: User
) -> None:
    elsewhere = make_case(other_borrower, "别人的案件")
    foreign = [
        f"message:{make_message(elsewhere).pk}",
        f"evidence:{make_evidence(elsewhere).pk}",
        f"letter:{make_letter(elsewhere).pk}",
        "message:999999",
        "user:1",
        "message:abc",
    ]
    for target in foreign:
        response = volunteer_client.post(
            reverse("review:comment_create", args=[case.pk]),
            {"comment-target": target, "comment-body": "看看"},
        )
        assert response.status_code == 400, target
        body = response.content.decode()
        assert "看看" in body  # what the volunteer typed is kept
        assert "别人的案件" not in body
    assert not Comment.objects.exists()


def test_an_empty_comment_is_refused(volunteer_client: Client, share: Share, case: Case) -> None:
    response = volunteer_client.post(
        reverse("review:comment_create", args=[case.pk]),
        {"comment-target": "case", "comment-body": ""},
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_it_requests_changes_with_reasons(
    volunteer_client: Client, share: Share, case: Case
) -> None:
    letter = make_letter(case)
    response = volunteer_client.post(
        reverse("review:changes_create", args=[case.pk]),
        {
            "changes-target": f"letter:{letter.pk}",
            "changes-reasons": ["wrong_authority", "outdated_law"],
            "changes-body": "小贷公司应向地方金融管理局投诉；治安管理处罚法应引用第50条。",
        },
    )
    assert response.status_code == 302
    comment = Comment.objects.get(case=case)
    assert comment.kind == CommentKind.CHANGES
    assert comment.reasons == ["wrong_authority", "outdated_law"]
    assert comment.reason_labels == ["投诉部门不对", "引用的法律条文已过时"]


def test_a_change_request_needs_a_reason_and_other_needs_words(
    volunteer_client: Client, share: Share, case: Case
) -> None:
    url = reverse("review:changes_create", args=[case.pk])
    no_reason = volunteer_client.post(url, {"changes-target": "case", "changes-body": "请修改"})
    assert no_reason.status_code == 400
    assert "请至少选择一个原因" in no_reason.content.decode()
    other = volunteer_client.post(
        url, {"changes-target": "case", "changes-reasons": ["other"], "changes-body": ""}
    )
    assert other.status_code == 400
    assert "请写明需要修改什么" in other.content.decode()
    unknown = volunteer_client.post(
        url, {"changes-target": "case", "changes-reasons": ["sue_them"]}
    )
    assert unknown.status_code == 400
    assert not Comment.objects.exists()


def test_a_volunteer_without_access_sees_and_posts_nothing(
    other_volunteer_client: Client, share: Share, case: Case
) -> None:
    assert other_volunteer_client.get(reverse("review:case", args=[case.pk])).status_code == 404
    response = other_volunteer_client.post(
        reverse("review:comment_create", args=[case.pk]),
        {"comment-target": "case", "comment-body": "x"},
    )
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_the_owner_cannot_use_the_volunteer_pages(borrower_client: Client, case: Case) -> None:
    assert borrower_client.get(reverse("review:case", args=[case.pk])).status_code == 404
    response = borrower_client.post(
        reverse("review:comment_create", args=[case.pk]), {"comment-body": "x"}
    )
    assert response.status_code == 404


def test_the_review_page_does_not_grow_queries_with_messages(
    volunteer_client: Client, share: Share, case: Case, django_assert_max_num_queries
) -> None:
    for _ in range(30):
        make_message(case)
    make_letter(case)
    make_evidence(case)
    with django_assert_max_num_queries(20):
        response = volunteer_client.get(reverse("review:case", args=[case.pk]))
    assert response.status_code == 200


def test_case_notes_are_masked_for_a_volunteer_but_not_for_the_owner(
    volunteer_client: Client, share: Share, case: Case, borrower_client: Client
) -> None:
    Case.objects.filter(pk=case.pk).update(notes="催收打给了我表哥王小明 13812345678")
    url = reverse("cases:detail", args=[case.pk])
    volunteer_body = volunteer_client.get(url).content.decode()
    assert "13812345678" not in volunteer_body
    assert "138******78" in volunteer_body
    assert "13812345678" in borrower_client.get(url).content.decode()


def test_a_volunteer_sees_which_categories_are_only_estimates(
    volunteer_client: Client, share: Share, case: Case
) -> None:
    make_message(
        case,
        "钱的事考虑好了吗？小区东门那个保安挺负责的。",
        categories=["intimidation"],
        findings=[{"category": "intimidation", "start": 0, "end": 4, "rule": "MODEL-intimidation"}],
    )
    make_message(case)  # third_party and visit_threat, found by rules
    body = volunteer_client.get(reverse("review:case", args=[case.pk])).content.decode()
    assert body.count("统计估计，请自己核对") == 1
