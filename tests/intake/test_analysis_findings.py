"""Message analysis: problematic content, denials, lawful statements, provisions, signals."""

from __future__ import annotations

import dataclasses
import importlib
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from collectguard.intake.analysis import CATEGORIES, analyze, result_cache
from collectguard.intake.analysis.model import is_estimate, model
from collectguard.legal.reference import provision, rules_data

findings_module = importlib.import_module("collectguard.intake.analysis.findings")

CHINA = timezone(timedelta(hours=8))
IN_2026 = datetime(2026, 6, 1, 10, 0, tzinfo=CHINA)


def categories(body: str, **kwargs: object) -> list[str]:
    return analyze(body, received_at=IN_2026, **kwargs).categories  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("body", "category"),
    [
        ("再不还钱就通知你家人和单位领导。", "third_party"),
        ("你老婆的电话我们已经打过了。", "third_party"),
        ("明天开始挨个给你通讯录里的人打电话。", "third_party"),
        ("我们会把你的欠款信息发到朋友圈。", "privacy_disclosure"),
        ("你的照片已经P成遗照了。", "privacy_disclosure"),
        ("三天不还就把你挂到网上曝光。", "privacy_disclosure"),
        ("出门小心点，别出什么意外。", "intimidation"),
        ("不还钱后果自负。", "intimidation"),
        ("你孩子在实验小学读书吧，我们都清楚。", "intimidation"),
        ("老赖，赶紧还钱。", "insult"),
        ("你这个废物，丢人现眼。", "insult"),
        ("你已被列入失信黑名单。", "false_legal_claim"),
        ("再不还等着坐牢吧。", "false_legal_claim"),
        ("你的子女以后考公政审都会受影响。", "false_legal_claim"),
        ("三日内将冻结你名下所有银行卡。", "false_legal_claim"),
        ("这里是XX区人民法院执行局。", "impersonation"),
        ("经侦大队已经介入调查。", "impersonation"),
        ("明天我们的人上门找你。", "visit_threat"),
        ("今晚就派人去你家。", "visit_threat"),
        ("请把钱转到我个人账户。", "personal_account"),
        ("扫下面的收款码还款。", "personal_account"),
    ],
)
def test_it_finds_every_category(body: str, category: str) -> None:
    assert category in CATEGORIES
    assert category in categories(body)


@pytest.mark.parametrize(
    "body",
    [
        "逾期将报送征信，请按时还款。",
        "您的借款逾期后将按规定报送征信系统。",
        "如您继续不还款，我司将依法起诉。",
        "您的案件已移交法务部门处理。",
        "逾期我所将代为起诉，请七日内与债权人联系协商。",
        "如有还款困难可致电95558申请个性化分期。",
        "您好，请问今天能安排还款吗？",
        "您的还款已到账，感谢您的配合。",
        "我们将保留追究您法律责任的权利。",
    ],
)
def test_lawful_statements_are_not_findings(body: str) -> None:
    assert categories(body) == []


@pytest.mark.parametrize(
    "body",
    [
        "我们不会联系您的家人。",
        "请勿转账至个人账户。",
        "我们不会上门，请放心。",
        "我行不会通过个人账户收取任何还款，请认准官方渠道。",
        "我们从不上门催收，也不会联系您的紧急联系人。",
        "严禁催收人员骚扰您的家人，如有此类情况请投诉。",
        "任何要求转入个人账户的均为诈骗。",
        "近期有不法分子冒充我行，以“上黑名单”为由要求转账至个人账户，请勿轻信。",
        "我们不是骗子，这是正规的催收通知。",
    ],
)
def test_it_ignores_denials_and_fraud_warnings(body: str) -> None:
    assert categories(body) == []


@pytest.mark.parametrize(
    ("body", "category"),
    [
        ("只要你按时还款，我们就不会打扰你的家人。", "third_party"),
        ("别以为我们不会找你爸妈。", "third_party"),
        ("别逼我们联系你的家人。", "third_party"),
        ("我们不得不上门拜访了。", "visit_threat"),
    ],
)
def test_a_denial_that_is_really_a_threat_still_counts(body: str, category: str) -> None:
    assert category in categories(body)


@pytest.mark.parametrize(
    ("body", "category"),
    [
        ("再不还就爆你的 通 讯 录。", "third_party"),
        ("已经联系你jia人了。", "third_party"),
        ("再不还款就联系你tong讯录里的人。", "third_party"),
        ("請盡快還款，否則我們將聯繫你的單位和親戚。", "third_party"),
        ("你这个laolai。", "insult"),
        ("你个ＳＢ。", "insult"),
        ("不還錢就等著坐牢吧！", "false_legal_claim"),
        ("请转账到我个人账户：６２２２０２１２３４５６７８９０１２", "personal_account"),
    ],
)
def test_it_sees_through_evasive_spellings(body: str, category: str) -> None:
    assert category in categories(body)


def test_finding_spans_point_at_the_original_text() -> None:
    body = "再不还就爆你的 通 讯 录，明天去你公司找你老板。"
    result = analyze(body, received_at=IN_2026)
    assert result.findings
    for finding in result.findings:
        assert 0 <= finding.start < finding.end <= len(body)
        assert body[finding.start : finding.end] == finding.matched_text
    assert "爆你的 通 讯 录" in {f.matched_text for f in result.findings}


def test_a_pinyin_evasion_is_highlighted_as_written() -> None:
    body = "已经联系你jia人了"
    (finding,) = [f for f in analyze(body).findings if f.category == "third_party"]
    assert body[finding.start : finding.end] == "联系你jia人"


def test_each_finding_cites_provisions_and_explains_itself() -> None:
    (finding,) = analyze("出门小心点。", received_at=IN_2026).findings
    assert finding.category == "intimidation"
    assert finding.behaviour == "B05"
    assert finding.provisions[0] == "PSL-50-1"
    assert "110" in finding.explanation_zh
    assert finding.explanation_en


def test_acts_before_2026_cite_the_old_article_42() -> None:
    before = analyze("出门小心点。", received_at=datetime(2025, 12, 31, 23, 0, tzinfo=CHINA))
    provisions = before.findings[0].provisions
    assert "PSL2012-42-1" in provisions
    assert "PSL-50-1" not in provisions
    assert provision("PSL2012-42-1").article == "第42条第(一)项"


def test_acts_from_2026_cite_the_new_article_50() -> None:
    after = analyze("出门小心点。", received_at=datetime(2026, 1, 1, 0, 30, tzinfo=CHINA))
    provisions = after.findings[0].provisions
    assert "PSL-50-1" in provisions
    assert "PSL2012-42-1" not in provisions


def test_the_act_date_is_the_day_in_china_not_in_utc() -> None:
    # 2025-12-31 16:30 UTC is already 2026-01-01 00:30 in Beijing.
    result = analyze("出门小心点。", received_at=datetime(2025, 12, 31, 16, 30, tzinfo=UTC))
    assert "PSL-50-1" in result.findings[0].provisions


def test_provisions_that_did_not_exist_yet_are_not_cited() -> None:
    # The banking association's guideline was published on 2026-01-30.
    early = analyze("你已被列入黑名单。", received_at=datetime(2026, 1, 10, tzinfo=CHINA))
    later = analyze("你已被列入黑名单。", received_at=IN_2026)
    assert "CBA-2026" not in early.findings[0].provisions
    assert "CBA-2026" in later.findings[0].provisions


def test_it_never_cites_unverified_or_low_confidence_rows() -> None:
    cited = {
        pid
        for body in ["通知你家人", "出门小心", "老赖", "黑名单", "我是法院的", "上门", "个人账户"]
        for finding in analyze(body, received_at=IN_2026).findings
        for pid in finding.provisions
    }
    assert cited
    assert all(provision(pid).confidence in {"High", "Medium-High", "Medium"} for pid in cited)


def test_it_reports_legitimacy_signals() -> None:
    result = analyze(
        "【XX消费金融】您的借款（合同号XF20251120003）已逾期，应还2,431.50元，请登录APP还款。",
        sender="10690001234567",
    )
    assert result.signals == ["institution", "contract_ref", "amount", "repayment_channel"]
    assert result.categories == []


def test_a_known_bank_named_in_the_text_is_an_institution_signal() -> None:
    result = analyze("您在招商银行的信用卡已逾期。")
    assert "institution" in result.signals
    assert result.institution_names == ["招商银行"]


def test_a_header_in_brackets_is_not_a_signature() -> None:
    assert "institution" not in analyze("【温馨提示】请尽快还款。").signals


def test_a_card_tail_number_is_not_a_contract_reference() -> None:
    assert "contract_ref" not in analyze("您尾号3310的信用卡已逾期。").signals


def test_the_real_court_number_may_speak_as_a_court() -> None:
    body = "【XX市人民法院】您有一件诉讼案件，请登录查询。"
    assert "impersonation" not in analyze(body, sender="12368").categories
    assert "impersonation" in analyze(body, sender="13612345678").categories


def test_threats_of_violence_or_a_visit_today_are_urgent() -> None:
    assert analyze("今晚就派人去你家。").urgent
    assert analyze("再不还就弄死你。").urgent
    assert analyze("你孩子在实验小学读书吧。").urgent
    assert not analyze("下个月可能安排外访。").urgent
    assert not analyze("老赖。").urgent


def test_categories_are_sorted_and_unique() -> None:
    result = analyze("给你做好的遗照已经发你家人了，老赖，后果自负。")
    assert result.categories == sorted(set(result.categories))
    assert set(result.categories) == {"insult", "intimidation", "privacy_disclosure", "third_party"}


def test_it_produces_the_analyze_messages_contract() -> None:
    result = analyze("今天不还就打电话给你老板。", sender="13612345678", received_at=IN_2026)
    data = result.as_dict()
    assert set(data) == {"sender_kind", "categories", "signals", "findings"}
    assert data["sender_kind"] == "mobile"
    assert data["categories"] == ["third_party"]
    assert set(data["findings"][0]) == {"category", "start", "end", "provisions"}


def test_it_analyses_an_empty_message() -> None:
    result = analyze("")
    assert (result.sender_kind, result.categories, result.signals, result.findings) == (
        "unknown",
        [],
        [],
        [],
    )


def test_it_is_fast_enough_for_bulk_imports() -> None:
    body = ("【XX银行】尊敬的客户，您尾号3310的信用卡已逾期，最低还款额986.00元，" * 4)[:200]
    analyze(body)  # compile the rules outside the measurement
    runs = 200
    started = time.process_time()
    for _ in range(runs):
        analyze(body)
    per_message = (time.process_time() - started) / runs
    # Well under 1 ms on a quiet machine; the bound is loose so a busy CI box does not flake.
    assert per_message < 0.005


# The engine's contexts (denials, not_preceded_by, not_after), checked on small rules of their own
# so the tests do not depend on the wording of rules.json, which changes with every round.
ENGINE_NEGATION: dict[str, Any] = {
    "window": 14,
    "cue": "不(?<!会不)会|请勿",
    "contrast": "但是|但",
    "voiders": "(?:如果|要是|只要)(?![^。!?\\n]*?(?:但是|但))|以为",
    "conditions": "只要你",
    "suffix": "均为诈骗",
    "warning": "不法分子",
    "lawful": [],
}


_unvetoing: list[Any] = []


def _without_veto() -> Any:
    """The shipped model with no ``veto`` (built once)."""
    if not _unvetoing:
        _unvetoing.append(dataclasses.replace(model(), veto={}))
    return _unvetoing[0]


@pytest.fixture
def engine_rules(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Run the analyser on the given rules (and ``ENGINE_NEGATION``) instead of rules.json's."""
    real = rules_data()

    def install(*rules: dict[str, Any]) -> None:
        rows = [
            {"category": "third_party", "behaviour": "B01", **rule, "id": f"T-{index}"}
            for index, rule in enumerate(rules)
        ]
        data = {**real, "rules": rows, "negation": ENGINE_NEGATION}
        monkeypatch.setattr(findings_module, "rules_data", lambda: data)
        # The shipped model vetoes what it doubts; these rules are the engine's, not its.
        monkeypatch.setattr(findings_module, "estimator", _without_veto)
        findings_module._compiled.cache_clear()
        result_cache.clear()

    yield install
    monkeypatch.undo()
    findings_module._compiled.cache_clear()
    result_cache.clear()


def spans(body: str) -> list[str]:
    """What the rules (not the statistical model) highlight in ``body``."""
    found = analyze(body, received_at=IN_2026).findings
    return [f.matched_text for f in found if not is_estimate(f.rule_id)]


def test_a_match_rejected_by_its_preceding_context_does_not_hide_a_later_one(
    engine_rules: Callable[..., None],
) -> None:
    engine_rules({"pattern": "(?:前台|经理)[^,。]{0,12}?电话", "not_preceded_by": "公司"})
    # 前台…电话 is our own front desk; 经理…电话, inside that span, is the borrower's manager.
    assert spans("公司前台、你部门经理都会接到电话") == ["经理都会接到电话"]
    assert spans("公司前台会接到电话") == []


def test_a_match_rejected_by_not_after_does_not_hide_a_later_one(
    engine_rules: Callable[..., None],
) -> None:
    engine_rules({"pattern": "家人[^,。]{0,8}?知道", "not_after": "的"})
    assert spans("我的家人和你家人都会知道") == ["家人都会知道"]


def test_a_denied_match_does_not_hide_a_later_one(engine_rules: Callable[..., None]) -> None:
    engine_rules({"pattern": "(?:找|联系)[^,。]{0,20}?家人"})
    # 不会 denies the match from 找; the one from 联系, inside its span, is past the denial's reach.
    assert spans("我们不会找你麻烦的这件事情我们明天一早就联系你家人") == ["联系你家人"]
    assert spans("我们不会找你家人") == []


def test_a_denial_the_match_starts_inside_of_still_denies(
    engine_rules: Callable[..., None],
) -> None:
    engine_rules({"pattern": "会去找(?:她|他)"})
    assert spans("我们会去找她") == ["会去找她"]
    assert spans("我们不会去找她") == []
    # A cue that is wholly inside the match (不会放过) is part of the threat, not a denial.
    engine_rules({"pattern": "不会放过(?:她|他)"})
    assert spans("我们不会放过他") == ["不会放过他"]


def test_a_condition_after_the_denied_words_makes_the_denial_a_threat(
    engine_rules: Callable[..., None],
) -> None:
    engine_rules({"pattern": "联系[^,。]{0,4}?家人"})
    assert spans("我们不会联系你家人,只要你今天还上") == ["联系你家人"]
    # Only in the same sentence: a later sentence's condition does not reach back.
    assert spans("我们不会联系你家人。只要你今天还上就结清") == []
    assert spans("我们不会联系你家人") == []


def test_a_conditional_governs_only_the_clause_right_before_the_denial(
    engine_rules: Callable[..., None],
) -> None:
    engine_rules({"pattern": "联系[^,。]{0,4}?家人"})
    # The conditional right before the denial makes it a threat …
    assert spans("只要你按时还款,我们就不会联系你家人") == ["联系你家人"]
    assert spans("如果你还不还款我们就不会联系你家人吗") == ["联系你家人"]
    # … but not one that opened an earlier, unrelated clause of the sentence.
    assert spans("如果您有疑问,请拨打客服热线,我们不会联系您的家人") == []
