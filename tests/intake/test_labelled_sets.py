"""The analyser (rules and model) measured on the labelled sets in tests/intake/data.

See docs/analysis-quality.md. The outsiders' sets are described in ``SETS``; the three below
were written in the project:

* ``corpus.jsonl`` — synthetic, hand-labelled messages, apart from the rules' own examples.
* ``holdout.jsonl`` — 150 messages written before the rules were tuned for them. Measured once
  after tuning on the corpus only, it missed recall for false_legal_claim (0.815) and
  visit_threat (0.842); a few of its misses showed general gaps (a regex bug, a too-coarse
  look-behind, missing idioms) that were fixed, so it is no longer a blind test.
* ``dev.jsonl`` — written apart from both to cover phrasings they lack (后果自负, 让你好看,
  出门注意安全, relatives, colleagues and village committees, exposure in groups, impersonated
  police and courts …) and as many hard negatives (lawful notices, denials, anti-fraud warnings,
  weather and safety tips, friends' chat). Parts were written after rule changes, as fresh
  probes of how the rules generalise.

All of them were read by the rule authors, and the statistical model is trained on them, so
their figures are an upper bound; a blind set kept outside the repository is the real measure
(``scripts/eval_analysis.py --blind FILE``). When a target is missed the assertion lists the
messages concerned, for the rule authors.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest

from collectguard.intake.analysis import CATEGORIES, SENDER_KINDS, SIGNALS
from collectguard.intake.quality import (
    DATA,
    HELD_AT_TARGET,
    LABELLED_SETS,
    PRECISION_TARGET,
    RECALL_TARGET,
    SENDER_KIND_TARGET,
    Report,
    evaluate,
    load_corpus,
)


@dataclass(frozen=True)
class LabelledSet:
    name: str
    min_rows: int
    min_per_category: int
    min_clean: int
    # Sets it must share no message with.
    apart_from: tuple[str, ...] = ()
    # The evasions and languages the set must show (full-width digits, traditional …).
    varied: bool = True

    @property
    def at_target(self) -> bool:
        """Whether every category must meet the targets (a set the rules were tuned on)."""
        return self.name in HELD_AT_TARGET


def _reported(
    name: str, min_rows: int, min_clean: int = 150, min_per_category: int = 60
) -> LabelledSet:
    """An outsiders' set reported in docs/analysis-quality.md but not held at target."""
    before = LABELLED_SETS[: LABELLED_SETS.index(name)]
    return LabelledSet(name, min_rows, min_per_category, min_clean, before, varied=False)


SETS = {
    "corpus": LabelledSet("corpus.jsonl", 300, 20, 80),
    "holdout": LabelledSet("holdout.jsonl", 150, 12, 30, LABELLED_SETS[:1], varied=False),
    "dev": LabelledSet("dev.jsonl", 200, 20, 80, LABELLED_SETS[:2]),
    # Written by outsiders who never saw the rules, then used to tune them
    # (docs/analysis-quality.md): kept at target so later rule changes cannot lose it.
    "outsider": LabelledSet("outsider.jsonl", 900, 60, 150, LABELLED_SETS[:3]),
    # Four more outsiders (J to M), whose sets train the statistical model but never tuned the
    # rules: reported in docs/analysis-quality.md, well-formed and apart, not held at target.
    "outsider-late": _reported("outsider-late.jsonl", 600),
    # Four sealed sets (H, I, N, O) scored once each before anyone tuning the rules or the
    # model had read them (docs/analysis-quality.md); in the third session their misses were
    # read and they joined the model's training data.
    "outsider-sealed": _reported("outsider-sealed.jsonl", 600),
    # Four more outsiders (P to S, each given a style: an agency writing to relatives, fake
    # legal departments, chat slang and evasions, southern dialects), scored once untouched,
    # then read for rule conventions and trained on.
    "outsider-2": _reported("outsider-2.jsonl", 600),
    # Six more (T to Y), scored blind, T and U twice and V to Y once, with the analyser of
    # the day; then read and trained on. W's one message that repeats a corpus line word for
    # word (ww047) was left out.
    "outsider-3": _reported("outsider-3.jsonl", 899),
    # Four sealed sets (Z1 to Z4) written after every change of the third session and scored
    # once with its final analyser; read in the fourth session and trained on since.
    "outsider-4": _reported("outsider-4.jsonl", 600, min_clean=140),
    # Four more (E1 to E4: a county-town team writing to relatives, chats and group posts a
    # borrower copied, legal-sounding documents, terse veiled lines), scored blind in the
    # fourth session, then read and trained on. Fewer insults, impersonations and personal
    # accounts than the others: their writers' styles called for fewer.
    "outsider-5": _reported("outsider-5.jsonl", 600, min_clean=200, min_per_category=25),
    # Three more (E5 to E7: a lender's month of escalation, what relatives, neighbours and
    # employers received, northern and southern collectors with sarcasm), scored blind, then
    # read and trained on.
    "outsider-6": _reported("outsider-6.jsonl", 450, min_clean=150, min_per_category=20),
    # Four more (E8 to E11: two written in the samples' manner, students and young graduates,
    # small business owners and migrant workers), scored blind, then read and trained on. Two
    # messages that repeat earlier sets word for word (ej066, ej121) were left out.
    "outsider-7": _reported("outsider-7.jsonl", 598, min_clean=200, min_per_category=25),
    # Four more (E12 to E15: two in the samples' manner, politer 2026-style collection, crude
    # evasions), scored blind, then read and trained on. One message that repeats an earlier
    # set (eo147) and one that repeats another of the four were left out.
    "outsider-8": _reported("outsider-8.jsonl", 598, min_clean=200, min_per_category=25),
    # Four more (E16 to E19: two in the samples' manner, women shamed and their families
    # threatened, a rural county), scored blind, then read and trained on.
    "outsider-9": _reported("outsider-9.jsonl", 600, min_clean=200, min_per_category=25),
    # Four sealed sets (E20 to E23: one in the samples' manner, a journalist's collection, city
    # night workers, older borrowers and guarantors) written after every change of the fourth
    # session and scored once with its final analyser; kept as a measure, neither read nor
    # trained on. Two messages that repeat earlier sets word for word (eu066, ew088) were
    # left out.
    "outsider-10": _reported("outsider-10.jsonl", 598, min_clean=200, min_per_category=25),
    # Four more (F1 to F4: veiled menace from a provincial team, the samples' manner, the
    # borrower's circle and visits, night-shift collectors mixing everything), written in the
    # fifth session, scored blind (483 of 600 exact), then read and trained on.
    "outsider-11": _reported("outsider-11.jsonl", 600, min_clean=150, min_per_category=25),
    # Four sealed sets (G1 to G4: the samples' manner, a month of messages copied by one
    # borrower, relatives and lawful notices, terse lines) written during the fifth session and
    # scored once with its final analyser; kept as a measure, neither read nor trained on. One
    # message that repeats an earlier set word for word (ge036) was left out.
    "outsider-12": _reported("outsider-12.jsonl", 599, min_clean=150, min_per_category=25),
    # Four more (H1 to H4: alarming but ordinary messages beside polite menace, collectors
    # posing as authorities beside real ones, threats to safety in every register, the
    # samples' manner), written after G1 to G4, scored blind (441 of 600 exact), then read
    # and trained on. Two messages that repeat earlier sets (hx083, hz030) were left out.
    "outsider-13": _reported("outsider-13.jsonl", 598, min_clean=150, min_per_category=25),
    # Four more (I1 to I4: the samples' manner, a borrower's whole phone, collectors keeping
    # just inside the rules, messages forwarded by relatives and colleagues), written with
    # J1 to J4, scored blind (492 of 600 exact), then read and trained on.
    "outsider-14": _reported("outsider-14.jsonl", 600, min_clean=150, min_per_category=25),
    # Four sealed sets (J1 to J4: the samples' manner, a migrant worker and a student, veiled
    # menace and banter, lawful and unlawful collection side by side), written with I1 to I4
    # and scored once with the session's final analyser; kept as a measure, neither read nor
    # trained on. Two messages that repeat earlier sets (jy061, jz030) were left out.
    "outsider-15": _reported("outsider-15.jsonl", 598, min_clean=150, min_per_category=25),
    # Sixth session. Four more (K1 to K4: the samples' manner, gig workers pressed through
    # their platforms and workplaces, menace that never says anything outright, a county town's
    # relatives, village and officials), scored blind (497 of 600 exact), then read and trained
    # on; four kind labels corrected (12368, 10086 and 12345 are short codes, as DESIGN.md says).
    "outsider-16": _reported("outsider-16.jsonl", 600, min_clean=150, min_per_category=25),
    # Four sealed sets (L1 to L4: the samples' manner, formal-looking notices beside real ones,
    # crude night messages beside family, contacts and leaks beside lawful contact), written with
    # K1 to K4 and scored once at the end of the session; neither read nor trained on. One
    # message that repeats an earlier set was left out; after scoring, 13 kind labels were
    # corrected from the senders alone (12368, 12345, 12110 are short codes, as DESIGN.md says).
    "outsider-17": _reported("outsider-17.jsonl", 599, min_clean=150, min_per_category=25),
    # Four more (M1 to M4: the samples' manner, regional voices and mixed Chinese-English, the
    # borrower's circle passing on what collectors said, a small shop owner), scored blind
    # (471 of 600 exact; 469 with the session's start), then read and trained on; one kind
    # label corrected (12368 is a short code); two messages that repeat earlier sets left out.
    "outsider-18": _reported("outsider-18.jsonl", 598, min_clean=150, min_per_category=25),
    # Four more (N1 to N4: the samples' manner for an older borrower and a guarantor, polite
    # surfaces over crossed lines, students and graduates, very long and very short messages),
    # scored blind (501 of 600 exact; 500 with the session's start), then read and trained on;
    # four kind labels corrected (12368 and 12381 are short codes; 52013 is no known kind).
    "outsider-19": _reported("outsider-19.jsonl", 600, min_clean=150, min_per_category=25),
    # Four sealed sets (P1 to P4: the samples' manner, a family under pressure, a borrower who
    # stopped answering across channels, official-sounding claims beside real notices), written
    # late in the sixth session and scored once at its end; neither read nor trained on. One
    # message that repeats an earlier set was left out.
    "outsider-20": _reported("outsider-20.jsonl", 599, min_clean=150, min_per_category=25),
    # Seventh session. Four sealed sets (Q1 to Q4: older borrowers in townships and villages,
    # young office workers with several loan apps, the self-employed and their guarantors,
    # implied menace and reports from the borrower's circle beside careful denials), written
    # and scored once (498 of 600 exact before the model's veto, 506 after); neither read nor
    # trained on.
    "outsider-21": _reported("outsider-21.jsonl", 600, min_clean=150, min_per_category=25),
    # Four more (R1 to R4: the samples' manner for a delivery rider, a night-shift nurse, a
    # student, a factory worker in Dongguan), scored blind (516 of 600 exact), then trained on
    # without being read: data for the model only, no rule was written from them.
    "outsider-22": _reported("outsider-22.jsonl", 600, min_clean=150, min_per_category=25),
    # Four more (S1 to S4: a single mother, a retired guarantor, a ride-hailing driver, an
    # online shop owner), scored blind (496 of 600 exact), then trained on without being read.
    # Two messages that repeat earlier sets (sw102, sz021) were left out.
    "outsider-23": _reported("outsider-23.jsonl", 598, min_clean=150, min_per_category=25),
    # Four more (T1 to T4: a primary-school teacher, a construction worker from Sichuan, a
    # married couple, a civil servant), scored blind (511 of 600 exact), then trained on
    # without being read. One message that repeats an earlier set (tz089) was left out.
    "outsider-24": _reported("outsider-24.jsonl", 599, min_clean=150, min_per_category=25),
    # Four more (U1 to U4: blunt collectors from the Northeast, a widow with her late husband's
    # debts, Hong Kong and overseas lenders in mixed Chinese and English, a young woman facing
    # exposure threats), scored blind (484 of 600 exact), then trained on without being read.
    "outsider-25": _reported("outsider-25.jsonl", 600, min_clean=150, min_per_category=25),
    # Four more (V1 to V4: a farmer with agricultural loans, debt-settlement agents and fake
    # regulators beside real replies, a spam folder's short cryptic texts, long formal
    # letters), scored blind (535 of 600 exact), then trained on without being read. One
    # message that repeats an earlier set (vy092) was left out.
    "outsider-26": _reported("outsider-26.jsonl", 599, min_clean=150, min_per_category=25),
    # Four more (W1 to W4: a migrant worker's roommates and landlord, a small restaurant, a
    # negotiation that mostly stays lawful, a gamer and his friends' banter), scored blind
    # (490 of 600 exact), then trained on without being read. Two messages that repeat
    # earlier sets (xy144, yw074) were left out.
    "outsider-27": _reported("outsider-27.jsonl", 598, min_clean=150, min_per_category=25),
    # Four more (X1 to X4: a county-town hairdresser, a security guard on rotating shifts, a
    # laid-off programmer, a grandmother listed as emergency contact), scored blind (502 of
    # 600 exact), then trained on without being read. Two messages that repeat earlier sets
    # (ox070, oz070) were left out.
    "outsider-28": _reported("outsider-28.jsonl", 598, min_clean=150, min_per_category=25),
    # Four more (X5 to X8: a livestreamer, a Hakka- and Minnan-speaking family in Fujian, a
    # patient behind on medical loans, one borrower's month in order), scored blind (481 of
    # 600 exact), then trained on without being read. One message that repeats an earlier
    # set (zy068) was left out.
    "outsider-29": _reported("outsider-29.jsonl", 599, min_clean=150, min_per_category=25),
    # Four more (Y1 to Y4: a cleaner and the families she works for, a soldier's wife, a
    # fisherman, an apprentice lawyer's family), scored once (496 of 600 exact). Trained on,
    # they cost the sealed sets 17 messages and outsider.jsonl its intimidation recall, so
    # they are sealed instead: neither read nor trained on. One message that repeats an
    # earlier set (aw128) was left out.
    "outsider-30": _reported("outsider-30.jsonl", 599, min_clean=150, min_per_category=25),
    # Four more (Y5 to Y8: a taxi driver's dialects, a graduate back from abroad, one quiet
    # phrase in a lawful reminder, threats to safety in every register beside ordinary safety
    # messages), scored once (516 of 600 exact); sealed with Y1 to Y4.
    "outsider-31": _reported("outsider-31.jsonl", 600, min_clean=150, min_per_category=25),
}
VARIETY = {
    "full-width digits": r"[０-９]",
    "traditional characters": r"[訊錄們門這還錢]",
    "pinyin substitutions": r"tong|jia|lai|pian",
    "spaced words": r"[\u4e00-\u9fff] [\u4e00-\u9fff] ",
    "emoji": r"[\U0001f300-\U0001faff]",
}


@pytest.fixture(scope="module", params=list(SETS))
def labelled(request: pytest.FixtureRequest) -> tuple[LabelledSet, list[dict[str, Any]], Report]:
    spec = SETS[request.param]
    rows = load_corpus(DATA / spec.name)
    return spec, rows, evaluate(rows)


def test_the_set_is_big_varied_well_formed_and_new(
    labelled: tuple[LabelledSet, list[dict[str, Any]], Report],
) -> None:
    spec, rows, _report = labelled
    assert len(rows) >= spec.min_rows
    assert len({row["id"] for row in rows}) == len(rows)
    categories: Counter[str] = Counter()
    for row in rows:
        expect = row["expect"]
        assert set(expect) == {"sender_kind", "categories", "signals"}, row["id"]
        assert set(expect["categories"]) <= set(CATEGORIES), row["id"]
        assert set(expect["signals"]) <= set(SIGNALS), row["id"]
        assert expect["sender_kind"] in SENDER_KINDS, row["id"]
        categories.update(expect["categories"])
    assert all(categories[code] >= spec.min_per_category for code in CATEGORIES), categories
    clean = sum(1 for row in rows if not row["expect"]["categories"])
    assert clean >= spec.min_clean, "lawful notices, denials and ordinary messages"
    others = {row["body"] for name in spec.apart_from for row in load_corpus(DATA / name)}
    assert [row["id"] for row in rows if row["body"] in others] == []
    if spec.varied:
        bodies = [row["body"] for row in rows]
        for what, pattern in VARIETY.items():
            assert any(re.search(pattern, body) for body in bodies), what
        assert any(re.fullmatch(r"[\x00-\x7f]+", body) for body in bodies), "other languages"


def test_the_corpus_has_every_sender_kind() -> None:
    kinds = {row["expect"]["sender_kind"] for row in load_corpus(DATA / SETS["corpus"].name)}
    assert kinds == set(SENDER_KINDS)


def _detail(report: Report, code: str) -> str:
    score = report.categories[code]
    lines = []
    for label, ids in (("missed", score.missed), ("wrongly flagged", score.wrong)):
        for item_id in ids:
            info = report.rows[item_id]
            lines.append(
                f"{label} {item_id}: found {info['categories']} in {info['row']['body'][:50]}"
            )
    return "\n".join(lines)


@pytest.fixture(scope="module", params=[name for name, spec in SETS.items() if spec.at_target])
def held(request: pytest.FixtureRequest) -> tuple[LabelledSet, list[dict[str, Any]], Report]:
    spec = SETS[request.param]
    rows = load_corpus(DATA / spec.name)
    return spec, rows, evaluate(rows)


@pytest.mark.parametrize("code", CATEGORIES)
def test_precision_and_recall_per_category(
    held: tuple[LabelledSet, list[dict[str, Any]], Report], code: str
) -> None:
    spec, _rows, report = held
    score = report.categories[code]
    assert score.precision >= PRECISION_TARGET and score.recall >= RECALL_TARGET, (
        f"{spec.name} {code}: precision {score.precision:.3f}, recall {score.recall:.3f}\n"
        + _detail(report, code)
    )


def test_sender_kind_accuracy(labelled: tuple[LabelledSet, list[dict[str, Any]], Report]) -> None:
    _spec, _rows, report = labelled
    assert report.kind_accuracy >= SENDER_KIND_TARGET, report.kind_errors
