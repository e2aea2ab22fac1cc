"""Normalisation defeats filter-evading spellings and still points back at the original text."""

from __future__ import annotations

import importlib

import pytest

from collectguard.intake.analysis.normalize import normalize

normalize_module = importlib.import_module("collectguard.intake.analysis.normalize")


def original_of(body: str, word: str) -> str:
    """The slice of ``body`` that the normalised ``word`` came from."""
    normalized = normalize(body)
    start = normalized.text.index(word)
    begin, end = normalized.span(start, start + len(word))
    return body[begin:end]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("通 讯 录", "通讯录"),
        ("通-讯-录", "通讯录"),
        ("通*讯*录", "通讯录"),
        ("通.讯.录", "通讯录"),
        ("通😀讯😀录", "通讯录"),
        ("通\u200b讯\u200b录", "通讯录"),
        ("通\ud83d\ude20讯录", "通讯录"),
        ("通　讯　录", "通讯录"),
        ("通,讯,录", "通讯录"),
        ("通、讯、录里的人", "通讯录里的人"),
    ],
)
def test_it_removes_separators_planted_between_characters(body: str, expected: str) -> None:
    assert normalize(body).text == expected


def test_it_keeps_real_punctuation_between_words() -> None:
    assert normalize("你好，我是客服。").text == "你好,我是客服。"


def test_it_keeps_the_brackets_of_an_sms_signature() -> None:
    assert normalize("【农业银行】您好").text == "【农业银行】您好"


def test_it_keeps_the_at_sign_of_a_group_chat_mention() -> None:
    # "@" names people in a group chat (发朋友圈并@了你的亲戚, @所有人): dropping it would glue
    # the mention to the words around it and hide who is being told.
    assert normalize("发朋友圈并@了你所有的亲戚").text == "发朋友圈并@了你所有的亲戚"
    assert normalize("群里＠所有人").text == "群里@所有人"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("家/人/朋/友", "家人朋友"),
        ("同_事和领_导", "同事和领导"),
        ("拉圾东西", "垃圾东西"),
        ("欠钱不还的gou", "欠钱不还的狗"),
    ],
)
def test_it_reads_other_evasions(body: str, expected: str) -> None:
    assert normalize(body).text == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("tong讯录", "通讯录"),
        ("tongxunlu", "通讯录"),
        ("tong xun lu", "通讯录"),
        ("TongXunLu", "通讯录"),
        ("jia人", "家人"),
        ("jiaren", "家人"),
        ("laolai", "老赖"),
        ("紧急联系ren", "紧急联系人"),
        ("txl", "通讯录"),
        ("爆 tong 讯 lu", "爆通讯录"),
    ],
)
def test_it_spells_pinyin_and_abbreviations_back_into_characters(body: str, expected: str) -> None:
    assert normalize(body).text == expected


@pytest.mark.parametrize("body", ["tongue", "lulu", "usb", "jiarenn", "app"])
def test_it_leaves_ordinary_latin_words_alone(body: str) -> None:
    assert normalize(body).text == body


def test_it_reads_traditional_characters_as_simplified() -> None:
    assert normalize("通訊錄 單位 親戚 騙子 還錢 們").text == "通讯录单位亲戚骗子还钱们"


def test_it_turns_full_width_letters_and_digits_half_width() -> None:
    assert normalize("ＡＰＰ还款８０００元").text == "app还款8000元"


def test_it_reads_homophone_variants() -> None:
    assert normalize("通迅录").text == "通讯录"
    assert normalize("暴光").text == "曝光"


def test_spans_point_at_the_original_characters() -> None:
    assert original_of("爆你的 tong 讯 lu!", "通讯录") == "tong 讯 lu"
    assert original_of("通 讯 录", "通讯录") == "通 讯 录"
    assert original_of("联系你ｊｉａ人", "家人") == "ｊｉａ人"
    assert original_of("你的通訊錄", "通讯录") == "通訊錄"


def test_each_respelled_character_keeps_its_own_span() -> None:
    normalized = normalize("tong讯录")
    assert [normalized.original[slice(*normalized.span(i, i + 1))] for i in range(3)] == [
        "tong",
        "讯",
        "录",
    ]


def test_an_empty_span_maps_to_a_position() -> None:
    normalized = normalize("你好")
    assert normalized.span(1, 1) == (1, 1)
    assert normalized.span(2, 2) == (2, 2)


def test_an_empty_message_normalises_to_nothing() -> None:
    normalized = normalize("")
    assert (normalized.text, normalized.starts, normalized.ends) == ("", (), ())


def test_characters_that_expand_keep_the_map_consistent() -> None:
    body = "①号㎡通 讯 录"  # NFKC turns ① into 1 and ㎡ into m2
    normalized = normalize(body)
    assert len(normalized.starts) == len(normalized.ends) == len(normalized.text)
    assert "通讯录" in normalized.text
    assert original_of(body, "通讯录") == "通 讯 录"


def form_of(forms: object, char: str) -> str:
    return char.translate(forms.table)  # type: ignore[attr-defined]


# Blocks beyond the Basic Multilingual Plane with characters whose form differs: mathematical
# letters (𝐣 → j), enclosed alphanumerics (🄰 → a), CJK compatibility ideographs, emoji.
ASTRAL_SAMPLES = [(0x1D400, 0x1D800), (0x1F100, 0x1F200), (0x1F300, 0x1F700), (0x2F800, 0x2FA20)]


def test_the_form_table_gives_every_character_its_matching_form() -> None:
    # The table is computed a block at a time (one NFKC call per block); each character must
    # get exactly what ``_char_form`` gives it alone, and be ``uneven`` exactly when that is not
    # one character.
    forms = normalize_module._FormTable()
    codes = [*range(0x10000), *(c for low, high in ASTRAL_SAMPLES for c in range(low, high))]
    forms.learn("".join(chr(code) for code in codes[1:]))
    wrong = [
        hex(code)
        for code in codes
        if form_of(forms, chr(code)) != normalize_module._char_form(chr(code))
        or (chr(code) in forms.uneven) != (len(normalize_module._char_form(chr(code))) != 1)
    ]
    assert wrong == []


def test_a_character_of_a_block_not_learned_yet_is_learned_on_first_sight(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forms = normalize_module._FormTable()
    monkeypatch.setattr(normalize_module, "_forms", lambda: forms)
    assert 0x1D400 // normalize_module._BLOCK not in forms.blocks
    # Mathematical bold letters: NFKC reads them as plain Latin letters, then as pinyin.
    assert normalize("联系你\U0001d423\U0001d422\U0001d41a人").text == "联系你家人"
    assert 0x1D400 // normalize_module._BLOCK in forms.blocks
    # An emoji's block is learned too; an emoji is one character, so no index map is needed.
    assert normalize_module.normalize_for_matching("请还款😀") == ("请还款😀", None, None)
    assert forms.has_uneven("\u200b") and not forms.has_uneven("😀")


def test_the_translate_table_is_a_plain_dict() -> None:
    # ``str.translate`` takes a slower path per character on a dict subclass (about 25%).
    assert type(normalize_module._forms().table) is dict


def test_a_vanishing_character_beside_an_expanding_one_still_gets_an_index_map() -> None:
    # Together they keep the text's length: the zero-width space must still be noticed.
    assert normalize_module.normalize_for_matching("\u200b㎡") == ("m2", [1, 1], [2, 2])
