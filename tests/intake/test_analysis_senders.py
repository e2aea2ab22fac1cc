"""Sender numbers are classified the way legal/reference.md §3 describes."""

from __future__ import annotations

import pytest

from collectguard.intake.analysis.senders import SENDER_KINDS, classify_sender, normalize_number


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("95588", "service_number"),
        ("95511", "service_number"),
        ("9510101", "service_number"),
        ("96110", "service_number"),
        ("96511", "service_number"),
        ("106550001234", "sms_platform"),
        ("10690001234567", "sms_platform"),
        ("1065712345", "sms_platform"),
        ("13612345678", "mobile"),
        ("19912345678", "mobile"),
        ("19212345678", "mobile"),
        ("14712345678", "mobile"),
        ("17012349999", "virtual_mobile"),
        ("17052345678", "virtual_mobile"),
        ("17112345678", "virtual_mobile"),
        ("16212345678", "virtual_mobile"),
        ("16512349999", "virtual_mobile"),
        ("16712340000", "virtual_mobile"),
        ("02012345678", "landline"),
        ("057112345678", "landline"),
        ("01087654321", "landline"),
        # Beijing written internationally: +86 10 and eight digits, not a 106 platform.
        ("+86 10 6512 8873", "landline"),
        ("0086-10-8412-6603", "landline"),
        ("+86 21 6512 8873", "landline"),
        ("4001234567", "toll_free"),
        ("8001234567", "toll_free"),
        ("10086", "short_code"),
        ("10010", "short_code"),
        ("10000", "short_code"),
        ("12345", "short_code"),
        ("12368", "short_code"),
        ("110", "short_code"),
        ("+85212345678", "international"),
        ("+12025550123", "international"),
        ("00639171234567", "international"),
        ("1064812345678", "iot"),
        ("1401234567890", "iot"),
        ("", "unknown"),
        ("BANK", "unknown"),
        ("123", "unknown"),
        # Seven or eight digits without an area code: reference.md's landline has one.
        ("6675321", "unknown"),
        ("87654321", "unknown"),
    ],
)
def test_it_classifies_every_kind_of_sender(raw: str, kind: str) -> None:
    assert kind in SENDER_KINDS
    assert classify_sender(raw).kind == kind


@pytest.mark.parametrize(
    "raw",
    [
        "13612345678",
        "+8613612345678",
        "+86 136 1234 5678",
        "0086-136-1234-5678",
        "008613612345678",
        "8613612345678",
        "136 1234 5678",
        "(136)1234-5678",
        "＋８６１３６１２３４５６７８",
        "tel:+8613612345678",
    ],
)
def test_every_spelling_of_a_mainland_mobile_is_one_sender(raw: str) -> None:
    assert normalize_number(raw) == "13612345678"
    assert classify_sender(raw).kind == "mobile"


def test_it_restores_the_trunk_zero_of_a_landline_written_with_86() -> None:
    assert normalize_number("+86 20 1234 5678") == "02012345678"
    assert classify_sender("+862012345678").kind == "landline"


def test_it_keeps_short_codes_as_they_are() -> None:
    assert normalize_number("95588") == "95588"
    assert normalize_number("10086") == "10086"
    assert normalize_number("106 9000 1234") == "10690001234"


def test_it_writes_other_countries_in_e164() -> None:
    assert normalize_number("00852 1234 5678") == "+85212345678"
    info = classify_sender("+852 1234 5678")
    assert (info.number, info.e164, info.region) == ("+85212345678", "+85212345678", "香港")


def test_it_recognises_official_bank_numbers() -> None:
    info = classify_sender("95588")
    assert info.is_official_institution
    assert (info.institution, info.institution_type, info.institution_role) == (
        "中国工商银行",
        "bank",
        "lender",
    )


def test_it_recognises_the_court_service_number_as_a_public_body() -> None:
    info = classify_sender("12368")
    assert info.is_official_institution
    assert info.institution_type == "other"
    assert info.institution_role == "court"


def test_an_unknown_service_number_is_not_official() -> None:
    info = classify_sender("95123")
    assert info.kind == "service_number"
    assert not info.is_official_institution
    assert info.institution is None


def test_a_mobile_gets_carrier_and_region_from_phonenumbers() -> None:
    info = classify_sender("13612345678")
    assert info.carrier == "中国移动"
    assert info.region == "广东省汕头市"
    assert info.e164 == "+8613612345678"


def test_a_virtual_number_names_its_host_network_from_the_data() -> None:
    assert classify_sender("16212345678").carrier == "中国电信（虚拟运营商）"
    assert classify_sender("16512349999").carrier == "中国移动（虚拟运营商）"
    assert classify_sender("17112345678").carrier == "中国联通（虚拟运营商）"


def test_a_landline_gets_its_city() -> None:
    assert classify_sender("02012345678").region == "广东省广州市"


def test_every_classification_carries_a_label_and_the_rule_that_matched() -> None:
    info = classify_sender("106550001234")
    assert info.prefix_rule == "sms-10655"
    assert info.label_zh and info.note_zh and info.confidence == "Medium"


@pytest.mark.parametrize("raw", ["+", " + ", "＋"])
def test_a_plus_sign_alone_is_unknown_not_international(raw: str) -> None:
    assert classify_sender(raw).kind == "unknown"


def test_two_spellings_of_one_number_share_its_facts_but_keep_what_was_written() -> None:
    plain = classify_sender("13612345678")
    spelled = classify_sender("+86 136 1234 5678")
    assert spelled.raw == "+86 136 1234 5678"
    assert plain.raw == "13612345678"
    assert (spelled.number, spelled.kind, spelled.carrier, spelled.region) == (
        plain.number,
        plain.kind,
        plain.carrier,
        plain.region,
    )


def test_a_number_without_its_area_code_says_what_it_may_be() -> None:
    info = classify_sender("6675321")
    assert info.kind == "unknown"
    assert "区号" in info.label_zh and "固定电话" in info.note_zh
