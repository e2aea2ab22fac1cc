"""The statistical second opinion beside the rules (collectguard/intake/analysis/model.py)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from collectguard.intake.analysis import CATEGORIES, analyze
from collectguard.intake.analysis import model as model_module
from collectguard.intake.analysis.findings import analysis_json, rule_categories
from collectguard.intake.analysis.model import (
    MODEL_PATH,
    Model,
    features,
    is_estimate,
    model,
)
from collectguard.intake.analysis.normalize import normalize_for_matching
from collectguard.intake.analysis.training import (
    DATA,
    Params,
    model_data,
    recorded,
    rule_examples,
    train,
    training_rows,
)
from collectguard.intake.quality import load_corpus
from collectguard.legal.reference import provisions_for_behaviour, rules_data

IN_2026 = datetime(2026, 6, 1, 10, 0, tzinfo=timezone(timedelta(hours=8)))
# Veiled menace that no rule's pattern names: the model's whole reason to exist.
VEILED = "你家门口那条路晚上挺黑的，欠的钱还是早点还吧。"


def test_model_json_was_trained_on_the_labelled_sets_as_they_are_now() -> None:
    stored = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["trained_on"]
    assert stored == recorded(), "a labelled set or rule changed: run scripts/train_model.py"


def test_a_veiled_threat_no_rule_names_is_an_estimate_with_span_explanation_and_provisions() -> (
    None
):
    assert "intimidation" not in rule_categories(VEILED)
    result = analyze(VEILED, received_at=IN_2026)
    assert "intimidation" in result.categories
    (finding,) = [f for f in result.findings if f.category == "intimidation"]
    assert is_estimate(finding.rule_id) and finding.behaviour == "B05"
    assert 0 <= finding.start < finding.end <= len(VEILED)
    assert finding.matched_text == VEILED[finding.start : finding.end]
    assert finding.matched_text.strip("，。")
    assert "统计模型估计" in finding.explanation_zh and "estimate" in finding.explanation_en
    in_force = [p.id for p in provisions_for_behaviour("B05", IN_2026.date())]
    assert in_force and finding.provisions == in_force
    # The command-line contract carries it like any other finding.
    line = json.loads(analysis_json(VEILED, received_at=IN_2026))
    assert line == analyze(VEILED, received_at=IN_2026).as_dict()


def test_the_model_adds_to_what_the_rules_found_and_removes_only_what_it_vetoes() -> None:
    shipped = model()
    vetoes = 0
    for row in load_corpus(DATA / "outsider.jsonl"):
        rules = set(rule_categories(row["body"], row["sender"]))
        result = analyze(row["body"], sender=row["sender"])
        vetoed = shipped.vetoed(shipped.logits(normalize_for_matching(row["body"])[0]))
        assert rules - set(result.categories) <= vetoed
        vetoes += bool(rules - set(result.categories))
        for finding in result.findings:
            assert is_estimate(finding.rule_id) == (finding.category not in rules)
    assert vetoes, "the veto removed nothing here: the test no longer tests it"


@pytest.mark.parametrize(
    "body",
    [
        "您的借款已逾期，我司将依法向法院提起诉讼，请知悉。",
        "尊敬的用户，您的逾期信息已按规定报送征信系统，如有异议可申请复核。",
        "你家人的电话我们不会打，请你自己按时还款。",
        "我们不会联系您的家人和同事，请放心，逾期款项请通过APP偿还。",
        "【XX银行】近期有不法分子冒充我行催收人员要求转账至个人账户，请勿轻信。",
        "今天处理",
        "好的",
        "明天电影院门口见。",
        "周末回家吃饭吗？",
    ],
)
def test_lawful_notices_denials_warnings_and_small_talk_get_no_estimate(body: str) -> None:
    result = analyze(body, received_at=IN_2026)
    assert not [f for f in result.findings if is_estimate(f.rule_id)], result.categories


def test_a_text_with_nothing_of_a_debt_about_it_needs_the_higher_threshold() -> None:
    found = model()
    assert found.threshold_for("visit_threat", in_context=False) > found.threshold_for(
        "visit_threat"
    )
    assert found.threshold_for("intimidation") > found.threshold


def test_everyday_messages_are_rarely_flagged() -> None:
    rows = load_corpus(DATA / "everyday.jsonl")
    estimated = [
        row["body"]
        for row in rows
        if any(is_estimate(f.rule_id) for f in analyze(row["body"], sender=row["sender"]).findings)
    ]
    # Trained on, so this guards against a regression, not a measure of unseen text (that is
    # docs/analysis-quality.md's cross-validation).
    assert len(estimated) <= len(rows) // 100, estimated


def test_scores_are_the_sum_of_the_stored_weights() -> None:
    found = model()
    for row in load_corpus(DATA / "corpus.jsonl")[:50]:
        text = normalize_for_matching(row["body"])[0]
        present = features(text, found.nmax)
        known = [found.weights[g] for g in present if g in found.weights]
        scale = 1 / math.sqrt(max(len(present), found.floor))
        for column, category in enumerate(found.categories):
            total = sum(weights[column] for weights in known)
            z = (found.bias[column] + scale * total) / 1000
            assert found.scores(text)[category] == pytest.approx(1 / (1 + math.exp(-z)))


def test_features_fold_digits_and_read_the_normalised_text() -> None:
    assert features("欠12", 3) == {"欠", "0", "欠0", "00", "欠00"}
    assert features(normalize_for_matching("通 讯 錄")[0], 2) == features("通讯录", 2)


def test_training_is_deterministic_and_learns_a_category() -> None:
    rows = [
        {"body": f"再不还钱就去你{place}找你", "expect": {"categories": ["visit_threat"]}}
        for place in ("家", "公司", "老家", "单位", "学校", "小区", "家门口", "楼下")
    ] + [
        {"body": f"{thing}已经到了，请查收", "expect": {"categories": []}}
        for thing in ("快递", "外卖", "包裹", "文件", "发票", "合同", "样品", "礼物")
    ]
    params = Params(epochs=5, min_count=1, floor=1)
    assert train(rows, CATEGORIES, params) == train(rows, CATEGORIES, params)
    data = model_data(rows, CATEGORIES, params=params)
    learnt = Model(
        categories=tuple(data["categories"]),
        bias=tuple(data["bias"]),
        weights={g: tuple(v) for g, v in data["weights"].items()},
        threshold=0.5,
        context_threshold=0.5,
        nmax=params.nmax,
        thresholds={},
        behaviours={},
        explanations={},
    )
    assert learnt.scores("再不还钱就去你宿舍找你")["visit_threat"] > 0.5
    assert learnt.scores("门票已经到了，请查收")["visit_threat"] < 0.5


def test_training_rows_leave_out_an_excluded_fold() -> None:
    """scripts/cross_validate.py retrains without a round of writers."""
    fold = ("outsider-16.jsonl",)
    left_out = {row["id"] for row in load_corpus(DATA / fold[0])}
    every = training_rows()
    without = training_rows(exclude=fold)
    assert left_out <= {row.get("id") for row in every}
    assert left_out.isdisjoint(row.get("id") for row in without)
    assert len(every) - len(without) == len(left_out)


def test_a_rules_example_teaches_only_its_own_category() -> None:
    rows = rule_examples(rules_data()["rules"])
    examples = [row for row in rows if row.get("known")]
    assert examples and all(row["known"] == row["expect"]["categories"] for row in examples)
    counter = [row for row in rows if not row.get("known")]
    assert counter and all(
        set(row["expect"]["categories"]) == set(rule_categories(row["body"])) for row in counter
    )


def test_weights_that_do_not_fit_are_refused() -> None:
    with pytest.raises(ValueError, match="do not fit"):
        Model(
            categories=("insult",),
            bias=(0,),
            weights={"x": (1 << 21,)},
            threshold=0.5,
            context_threshold=0.7,
            nmax=2,
            thresholds={},
            behaviours={},
            explanations={},
        )


def test_a_text_too_long_for_the_packed_sums_is_summed_per_category(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found = model()
    text = normalize_for_matching(load_corpus(DATA / "corpus.jsonl")[0]["body"] * 3)[0]
    packed = found._logits(text)
    monkeypatch.setattr(model_module, "_MAX_PACKED", 1)
    assert found._logits(text) == pytest.approx(packed)


class _StandIn:
    """The shipped model, but for the methods a subclass overrides."""

    def __getattr__(self, name: str) -> object:
        return getattr(model(), name)


def _analysing_with(monkeypatch: pytest.MonkeyPatch, stand_in: _StandIn) -> Iterator[None]:
    """Analyse with ``stand_in`` as the model, and no result cache, until the test ends."""
    from collectguard.intake.analysis import findings, result_cache

    monkeypatch.setattr(findings, "estimator", lambda: stand_in)
    result_cache.configure(0)
    try:
        yield
    finally:
        result_cache.configure(result_cache.DEFAULT_SIZE)


@pytest.fixture
def sure_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A model sure of every category (so only the gates decide), with no result cache."""

    class Sure(_StandIn):
        def found(self, logits: object, already: object = (), **kwargs: object) -> list[str]:
            return [c for c in model().categories if c not in already]  # type: ignore[operator]

    yield from _analysing_with(monkeypatch, Sure())


def test_an_ordinary_message_gets_no_estimate_of_the_gated_categories(sure_model: None) -> None:
    """The model stands back where the rules of those categories do (ORDINARY: an errand or a
    friendly word, nothing of a debt or a threat)."""
    gated = set(rules_data()["ordinary"]["categories"])
    assert {"third_party", "visit_threat", "insult", "impersonation"} <= gated
    ordinary = analyze("房东：下周二上门修热水器，麻烦家里留个人", received_at=IN_2026)
    assert gated.isdisjoint(ordinary.categories), ordinary.categories
    assert "intimidation" in ordinary.categories  # other categories are not gated
    threat = analyze("再不还钱，房东那边我们也会去说，修热水器的钱也别想", received_at=IN_2026)
    assert gated <= set(threat.categories), threat.categories


def test_an_authoritys_own_service_notice_gets_no_impersonation_estimate(
    sure_model: None,
) -> None:
    """rules.json's model ``unless``: a police station's or court's notice about the reader's
    own business (a theft they reported, jury duty) is not someone posing as the authority."""
    notice = analyze("您昨天报的电动车被盗案已有进展，请方便时来所里一趟。", received_at=IN_2026)
    assert "impersonation" not in notice.categories
    posing = analyze("您涉嫌恶意透支，请今天把钱转到安全账户配合调查。", received_at=IN_2026)
    assert "impersonation" in posing.categories


@pytest.fixture
def doubtful_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The shipped model, but sure that no message shows any category (with its real vetoes)."""

    class Doubtful(_StandIn):
        def logits(self, text: str, *, memo: bool = True) -> tuple[float, ...]:
            return tuple(-math.inf for _ in model().categories)

    yield from _analysing_with(monkeypatch, Doubtful())


def test_a_rule_finding_the_model_is_sure_is_absent_is_vetoed(doubtful_model: None) -> None:
    body = "再不还钱就联系你的家人和同事。"
    assert "third_party" in rule_categories(body)  # the rules alone still say so
    assert analyze(body, received_at=IN_2026).categories == []


def test_an_urgent_rule_finding_stands_against_the_models_doubt(doubtful_model: None) -> None:
    result = analyze("今晚我们的人就在你家楼下等你，你小心点", received_at=IN_2026)
    by_category = {f.category: f for f in result.findings}
    assert by_category["visit_threat"].urgent  # VT-WAITING: they say they are at the door
    assert "intimidation" not in by_category  # IN-SAFETY alone is not urgent: vetoed
    assert set(rule_categories("今晚我们的人就在你家楼下等你，你小心点")) == {
        "visit_threat",
        "intimidation",
    }


def test_insults_are_never_vetoed(doubtful_model: None) -> None:
    """Abuse is a closed vocabulary; the model's doubt about it was wrong more often than the
    rule (``training.Params.veto``)."""
    assert "insult" not in model().veto
    assert analyze("你这个老赖，脸都不要了", received_at=IN_2026).categories == ["insult"]


def test_the_shipped_model_vetoes_a_banks_own_warning_against_personal_accounts() -> None:
    """A rule reads a lender's reminder as reaching someone else; the model, reading the whole
    message, is sure it does not (measured on unseen writers: docs/analysis-quality.md)."""
    body = (
        "【星桥银行】您的学生信用卡已逾期，欠款金额2,031.56元。请登录星桥手机银行还款，"
        "或致电客服95392协商。我行工作人员不会要求您向个人账户转账。"
    )
    assert "third_party" in rule_categories(body)
    assert analyze(body, received_at=IN_2026).categories == []
