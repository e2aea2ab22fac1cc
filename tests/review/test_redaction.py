from __future__ import annotations

import doctest

from hypothesis import given
from hypothesis import strategies as st

from collectguard.review import access, redaction
from collectguard.review.redaction import redact_text


def test_the_doctests_hold() -> None:
    for module in (redaction, access):
        result = doctest.testmod(module)
        assert result.attempted > 0
        assert result.failed == 0


def test_it_masks_mobile_numbers_keeping_three_and_two_digits() -> None:
    assert redact_text("打 13812345678 找他", reveal=False) == "打 138******78 找他"
    assert redact_text("+86 138-1234-5678", reveal=False) == "+86 138-****-**78"
    # Full-width digits are written to dodge filters; they are masked all the same.
    assert redact_text("１３８１２３４５６７８", reveal=False) == "１３８******７８"


def test_it_masks_names_after_family_and_contact_words() -> None:
    assert redact_text("你妈妈李芳说你不接电话", reveal=False) == "你妈妈李*说你不接电话"
    assert redact_text("紧急联系人：欧阳明月，", reveal=False) == "紧急联系人：欧阳**，"
    assert redact_text("已经通知你的同事张伟和领导王强", reveal=False) == (
        "已经通知你的同事张*和领导王*"
    )


def test_it_leaves_ordinary_words_and_official_numbers_alone() -> None:
    for text in (
        "你的家人都会知道",
        "请联系客服95588或400-820-0000",
        "合同号 XF20251120003，欠款 2431.50 元",
        "你的联系人会收到通知",
        "",
    ):
        assert redact_text(text, reveal=False) == text


def test_revealing_shows_everything() -> None:
    text = "联系人王小明 13812345678"
    assert redact_text(text, reveal=True) == text


@given(
    st.text(
        alphabet=st.sampled_from(list("联系人家妈王李张小明都会知道0123456789１３８ -，。+")),
        max_size=60,
    )
)
def test_masking_keeps_every_offset(text: str) -> None:
    """Findings are offsets into the original text: masking must not shift them."""
    masked = redact_text(text, reveal=False)
    assert len(masked) == len(text)
    for original, shown in zip(text, masked, strict=True):
        assert shown == original or shown == "*"
