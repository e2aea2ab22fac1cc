"""The reviewed reference data in collectguard/legal/data is well-formed and consistent."""

from __future__ import annotations

import re
from datetime import date

import pytest

from collectguard.intake.analysis import CATEGORIES, SENDER_KINDS, SIGNALS
from collectguard.intake.analysis.findings import expand_macros, fast_patterns
from collectguard.legal import reference
from collectguard.legal.reference import (
    CONFIDENCE_LEVELS,
    INSTITUTION_TYPES,
    behaviours,
    channels,
    institutions,
    load_json,
    prefixes,
    provision_in_force,
    provisions,
    provisions_for_behaviour,
    rules_data,
    verdict_texts,
)

CASE_LEVEL = {"night_contact", "excessive_calls", "personal_number"}
REQUIRED_PROVISION_FIELDS = {
    "id", "law", "article", "gist_zh", "gist_en", "key_phrase", "penalty",
    "effective_from", "effective_to", "status", "source", "confidence",
}  # fmt: skip


def test_every_provision_row_has_the_documented_fields() -> None:
    rows = load_json("provisions.json")["provisions"]
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), "provision ids must be unique"
    for row in rows:
        assert set(row) >= REQUIRED_PROVISION_FIELDS, row["id"]
        assert row["gist_zh"] and row["gist_en"] and row["source"], row["id"]


def test_confidence_values_are_from_the_reference_scale() -> None:
    values = [p.confidence for p in provisions().values()]
    values += [c.confidence for c in channels().values()]
    values += [p.confidence for p in prefixes()]
    values += [i.confidence for i in institutions().values()]
    assert set(values) <= set(CONFIDENCE_LEVELS)


def test_effective_dates_are_ordered() -> None:
    for row in provisions().values():
        if row.effective_from and row.effective_to:
            assert row.effective_from <= row.effective_to, row.id


def test_superseded_provisions_exist_and_end_when_their_successor_starts() -> None:
    table = provisions()
    for row in table.values():
        if row.supersedes is None:
            continue
        old = table[row.supersedes]
        assert (
            old.effective_to is None
            or row.effective_from is None
            or (old.effective_to < row.effective_from)
        ), row.id


def test_the_2025_public_security_law_replaces_article_42_on_new_years_day_2026() -> None:
    assert provision_in_force("PSL-50-5", date(2025, 12, 31)).id == "PSL2012-42-5"  # type: ignore[union-attr]
    assert provision_in_force("PSL-50-5", date(2026, 1, 1)).id == "PSL-50-5"  # type: ignore[union-attr]
    assert provision_in_force("PSL-56", date(2025, 12, 31)) is None


def test_every_behaviour_cites_existing_provisions_and_channels() -> None:
    table = provisions()
    for behaviour in behaviours().values():
        assert behaviour.provisions, behaviour.code
        for provision_id in behaviour.provisions:
            assert provision_id in table, (behaviour.code, provision_id)
        for channel in behaviour.channels:
            assert channel in channels(), (behaviour.code, channel)
        assert behaviour.explanation_zh and behaviour.explanation_en


def test_behaviours_cover_reference_section_4() -> None:
    assert sorted(behaviours()) == [f"B{n:02d}" for n in range(1, 16)]
    for behaviour in behaviours().values():
        assert behaviour.category is None or behaviour.category in set(CATEGORIES) | CASE_LEVEL


def test_every_taxonomy_category_has_a_behaviour_and_a_rule() -> None:
    by_behaviour = {b.category for b in behaviours().values()}
    by_rule = {rule["category"] for rule in rules_data()["rules"]}
    assert set(CATEGORIES) <= by_behaviour
    assert set(CATEGORIES) <= by_rule


def test_every_behaviour_still_cites_something_today_and_in_2025() -> None:
    for code in behaviours():
        assert provisions_for_behaviour(code, date(2026, 6, 1)), code
        assert provisions_for_behaviour(code, date(2025, 6, 1)), code


def test_every_rule_names_a_category_behaviour_and_unique_id() -> None:
    rules = rules_data()["rules"]
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids))
    assert rules_data()["categories"] == list(CATEGORIES)
    for rule in rules:
        assert rule["category"] in CATEGORIES, rule["id"]
        assert rule["behaviour"] in behaviours(), rule["id"]
        assert behaviours()[rule["behaviour"]].category == rule["category"], rule["id"]


def test_the_ordinary_gate_names_known_categories_and_rules_and_compiles() -> None:
    gate = rules_data()["ordinary"]
    ids = {rule["id"] for rule in rules_data()["rules"]}
    assert set(gate["categories"]) <= set(CATEGORIES)
    assert gate["rules"] and set(gate["rules"]) <= ids
    re.compile(expand_macros(gate["pattern"], rules_data()["lexicon"]))


def test_the_models_unless_names_known_categories_and_compiles() -> None:
    unless = rules_data()["model"]["unless"]
    assert unless and set(unless) <= set(CATEGORIES)
    for pattern in unless.values():
        re.compile(expand_macros(pattern, rules_data()["lexicon"]))


def test_every_signal_rule_names_a_known_signal() -> None:
    assert rules_data()["signals"] == list(SIGNALS)
    for rule in rules_data()["signal_rules"]:
        assert rule["signal"] in SIGNALS, rule["id"]


def test_every_pattern_compiles_with_its_lexicon() -> None:
    lexicon = rules_data()["lexicon"]
    for rule in rules_data()["rules"] + rules_data()["signal_rules"]:
        for pattern in fast_patterns(rule["pattern"], lexicon):
            re.compile(pattern)
    for key in ("cue", "contrast", "voiders", "conditions", "suffix", "warning"):
        re.compile(expand_macros(rules_data()["negation"][key], lexicon))


def test_every_compiled_rule_keeps_a_literal_prefix_for_speed() -> None:
    # re's first-character prefilter is what keeps analysis well under a millisecond.
    parser = pytest.importorskip("re._parser")
    compiler = pytest.importorskip("re._compiler")
    lexicon = rules_data()["lexicon"]
    for rule in rules_data()["rules"] + rules_data()["signal_rules"]:
        for pattern in fast_patterns(rule["pattern"], lexicon):
            parsed = parser.parse(pattern)
            prefix = (
                compiler._get_charset_prefix(parsed, 0)
                or compiler._get_literal_prefix(parsed, 0)[0]
            )
            assert prefix, (rule["id"], pattern[:60])


def test_the_normalisation_tables_are_aligned() -> None:
    tables = rules_data()["normalization"]
    assert len(tables["traditional"]) == len(tables["simplified"])
    assert len(set(tables["traditional"])) == len(tables["traditional"])
    for word, syllables in tables["pinyin"].items():
        assert len(syllables.split()) == len(word), word
        assert re.fullmatch(r"[a-z ]+", syllables), word


def test_prefix_rules_compile_and_use_the_sender_kinds() -> None:
    for rule in prefixes():
        assert rule.kind in SENDER_KINDS, rule.id
        assert rule.source and rule.label_zh and rule.label_en, rule.id


def test_institutions_are_typed_and_their_numbers_classify() -> None:
    assert set(load_json("institutions.json")["types"]) == set(INSTITUTION_TYPES)
    for number, institution in institutions().items():
        assert institution.type in INSTITUTION_TYPES, number
        assert institution.source, number
        assert any(rule.regex.match(number) for rule in prefixes()), number
        if institution.regulator_channel:
            assert institution.regulator_channel in channels(), number


def test_reference_banks_have_their_official_numbers() -> None:
    names = {number: inst.name for number, inst in institutions().items()}
    assert names["95588"] == "中国工商银行"
    assert names["95599"] == "中国农业银行"
    assert names["95533"] == "中国建设银行"
    assert names["95566"] == "中国银行"
    assert names["95559"] == "交通银行"
    assert names["95555"] == "招商银行"


def test_channels_have_a_name_and_a_confidence() -> None:
    for channel in channels().values():
        assert channel.name_zh and channel.handles_zh and channel.source, channel.id
    assert channels()["12378"].phone == "12378"


def test_verdict_texts_cover_every_code_and_label() -> None:
    texts = verdict_texts()
    assert set(texts["labels"]["categories"]) == set(CATEGORIES)
    assert set(texts["labels"]["signals"]) == set(SIGNALS)
    assert set(texts["labels"]["case_findings"]) == CASE_LEVEL
    assert set(SENDER_KINDS) - {"short_code"} <= set(texts["official"])
    for verdict in texts["verdicts"].values():
        assert {"headline_zh", "headline_en", "detail_zh", "detail_en"} <= set(verdict)


def test_loaders_are_cached() -> None:
    assert reference.provisions() is reference.provisions()
    assert reference.rules_data() is reference.rules_data()
