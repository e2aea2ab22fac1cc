"""A sender's carrier, region and institution follow the page's language; the verdict's
English texts name them in English. Classification does not depend on the language."""

from __future__ import annotations

from django.utils import translation

from collectguard.intake.analysis.senders import carrier_name_en, classify_sender, library_facts
from collectguard.intake.analysis.verdict import sender_verdict


def test_carrier_and_region_are_in_the_pages_language() -> None:
    info = classify_sender("13612345678")
    with translation.override("zh-hans"):
        assert (info.carrier, info.region) == ("中国移动", "广东省汕头市")
    with translation.override("en"):
        assert (info.carrier, info.region) == ("China Mobile", "Shantou, Guangdong")
    assert info.e164 == "+8613612345678"


def test_each_language_has_its_own_cache_entry() -> None:
    library_facts.cache_clear()
    info = classify_sender("+86 136 1234 5679")
    info.region_in("zh")
    info.region_in("en")
    info.region_in("en")
    assert library_facts.cache_info().currsize == 2


def test_a_prefix_rules_carrier_is_named_in_english() -> None:
    with translation.override("en"):
        assert classify_sender("16212345678").carrier == "China Telecom (virtual operator)"
        assert classify_sender("10657123456").carrier == "China Mobile"
    assert carrier_name_en("某某通信") is None


def test_an_international_number_names_its_country_in_english_but_keeps_its_chinese_label() -> None:
    info = classify_sender("+852 1234 5678")
    with translation.override("en"):
        assert info.region == "Hong Kong"
        assert info.label_zh == "境外号码（香港）"


def test_the_english_verdict_names_the_institution_and_region_in_english() -> None:
    official = sender_verdict("95599", [])
    assert "Agricultural Bank of China" in official.headline_en
    assert "中国农业银行" in official.headline_zh
    assert "Agricultural Bank of China" in official.official.text_en
    personal = sender_verdict("13612345678", [])
    assert "Shantou, Guangdong" in personal.official.text_en
    assert "广东省汕头市" in personal.official.text_zh


def test_classification_does_not_depend_on_the_language() -> None:
    with translation.override("en"):
        english = classify_sender("95599")
    assert english == classify_sender("95599")
    assert english.institution == "中国农业银行"
