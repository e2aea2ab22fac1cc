"""Every matching rule in rules.json carries examples, and its tests check them.

``examples`` must be found in the rule's category; ``counter_examples`` (near misses: a denial,
a question, the collector's own staff, a company account…) must not be flagged in it at all.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from collectguard.intake.analysis import analyze
from collectguard.intake.analysis.findings import rule_categories
from collectguard.legal.reference import rules_data

IN_2026 = datetime(2026, 6, 1, 10, 0, tzinfo=timezone(timedelta(hours=8)))
RULES: list[dict[str, Any]] = list(rules_data()["rules"])


def _cases(field: str) -> list[tuple[str, str, str, str]]:
    """(rule id, category, text, sender): a rule that counts only for some senders
    (``only_sender_roles``) names the sender its examples come from (``example_sender``)."""
    return [
        (rule["id"], rule["category"], text, rule.get("example_sender", ""))
        for rule in RULES
        for text in rule.get(field, ())
    ]


def test_every_rule_has_examples() -> None:
    assert [rule["id"] for rule in RULES if not rule.get("examples")] == []


@pytest.mark.parametrize(("rule_id", "category", "text", "sender"), _cases("examples"))
def test_each_example_is_found_in_its_rules_category(
    rule_id: str, category: str, text: str, sender: str
) -> None:
    result = analyze(text, sender=sender, received_at=IN_2026)
    assert category in result.categories, (rule_id, text, result.categories)


@pytest.mark.parametrize(("rule_id", "category", "text", "sender"), _cases("counter_examples"))
def test_each_counter_example_stays_out_of_the_category(
    rule_id: str, category: str, text: str, sender: str
) -> None:
    result = analyze(text, sender=sender, received_at=IN_2026)
    assert category not in result.categories, (rule_id, text, result.categories)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # A pronoun counts only when a relative or colleague was named before it.
        ("你父母住哪我们清楚，要不要让他们知道？", {"third_party", "intimidation"}),
        ("要不要让他们知道？", set()),
        # A-not-A questions (要不要, 会不会) ask; they do not deny.
        ("要不要我们去找你班主任聊聊？", {"third_party"}),
        # Stating the lawful procedure for a visit is not a visit threat.
        ("外访人员上门前会提前与您预约并出示工作证件。", set()),
        # English gets the same categories.
        ("We know where you live. Pay today or you will regret it.", {"intimidation"}),
        ("Our field agents will come to your home tomorrow.", {"visit_threat"}),
        ("We will never contact your family or employer.", set()),
        # A denial inside the words a rule reads still denies (…我们不会去找她).
        ("你妈那边你放心，我们不会去找她。", set()),
        ("你的欠款信息我们不会告诉你的家人。", set()),
        ("你家人的电话我们不会打。", set()),
        # A conditional that a 但 separates from the denial no longer turns it into a threat.
        ("如果您家人问起，您可以告诉他们我们是正规机构，但我们不会主动联系他们。", set()),
        ("只要您按时还款，我们就不会联系您的家人。", {"third_party"}),
        # "@" mentions in a group chat reach third parties.
        ("你欠钱的事我们已经发朋友圈并@了你所有的亲戚。", {"privacy_disclosure", "third_party"}),
        ("周五公司聚餐，@所有人 记得报名。", set()),
        # Broadcasting to a whole contact list in English, with an insult.
        (
            "Pay today or every contact in your phone gets a message saying you are a scammer.",
            {"third_party", "privacy_disclosure", "insult"},
        ),
        # Threats of arrest or detention are intimidation as well as a false legal claim.
        # Formal procedure language is a false legal claim, not also intimidation (IN-ARREST).
        ("你已被立案，逾期将依法拘传。", {"false_legal_claim"}),
        ("你已被立案，等着进看守所吧。", {"false_legal_claim", "intimidation"}),
        # A doctored photo is a disclosure (DESIGN.md), not a threat to safety; a death
        # picture (遗照) still is.
        ("你的裸照已经P好了，今晚发给你所有联系人。", {"privacy_disclosure", "third_party"}),
        (
            "你的头像我们做成了遗照，明天发你朋友圈所有人。",
            {"privacy_disclosure", "third_party", "intimidation"},
        ),
        # Knowing a relative's workplace is not a threat to safety; going there is a visit.
        ("你老公在电厂上班对吧？明天我们去厂门口等他。", {"third_party", "visit_threat"}),
        # Knowing the borrower's own address is.
        ("这周六就上门，地址我们核实过了。", {"visit_threat", "intimidation"}),
        # Payment to a named member of staff is a personal account, whatever the cover story.
        ("对公账户今天关了，剩下3200先打到我们主管的卡上。", {"personal_account"}),
        ("我这边不接受私下转账，请在APP里还款。", set()),
        # An emergency contact asked only for the borrower's number, nothing disclosed.
        ("我们可能会通过您预留的紧急联系人核实您的联系方式，但不会透露您的欠款信息。", set()),
        # "See you tonight" after showing they found the home announces a visit; between
        # friends it does not.
        ("你小区门禁密码我们都知道了，今晚见。", {"third_party", "intimidation", "visit_threat"}),
        ("好的，那我们周六下午三点见。", set()),
        # A letter posted to a relative or to the police station (委托当地派出所) reaches a
        # third party; the collector's own supervisor does not.
        (
            "你的欠款我们已经委托了当地派出所配合调查，下周就会有民警上门。",
            {"third_party", "visit_threat", "false_legal_claim"},
        ),
        ("把2,400元转到催收主管刘某的微信即可。", {"personal_account"}),
        # Mixed-language and English variants.
        (
            "We know where your parents live. Pay or we visit them tomorrow.",
            {"intimidation", "third_party", "visit_threat"},
        ),
        (
            "Interpol liaison office: your unpaid loan is classified as financial fraud.",
            {"impersonation", "false_legal_claim"},
        ),
        # Lawful statements stay clean.
        ("您的借款已逾期，我司将依法向法院提起诉讼，请知悉。", set()),
        ("尊敬的用户，您的逾期信息已按规定报送征信系统，如有异议可申请复核。", set()),
    ],
)
def test_general_constructions(body: str, expected: set[str]) -> None:
    """What the rules alone make of general constructions. The statistical model beside them
    (analysis/model.py) is measured on the labelled and everyday sets (test_model.py)."""
    assert set(rule_categories(body)) == expected


@pytest.mark.parametrize(
    ("sender", "body", "spoofed"),
    [
        # From the court's own number, a false legal claim or a demand to repay means the
        # number is likely spoofed (IM-SPOOFED: with_category false_legal_claim).
        ("12368", "【法院通知】你因网贷逾期已被立案，明天将对你实施拘留。", True),
        ("12368", "法院诉讼服务：你被起诉拖欠网贷，请三日内向原告还款撤诉。", True),
        ("12345", "【12345政务热线】你长期拖欠网贷不还，请于今日内还款。", True),
        ("12378", "【金融监管总局】请将欠款转入专员个人账户。", True),
        # What real authorities send stays clean.
        ("12368", "【12368】您好，经查询，您名下暂无立案记录。", False),
        ("12378", "【12378】您反映的问题已转交被投诉机构处理，机构将在15日内与您联系。", False),
        # Only authorities' numbers: a bank asking for its own repayment is not spoofing one.
        ("95588", "【工商银行】您的信用卡已逾期，请今日内还款。", False),
    ],
)
def test_an_authority_number_that_collects_is_likely_spoofed(
    sender: str, body: str, spoofed: bool
) -> None:
    result = analyze(body, sender=sender, received_at=IN_2026)
    assert ("impersonation" in result.categories) is spoofed, result.categories
    rules = {f.rule_id for f in result.findings if f.category == "impersonation"}
    assert rules == ({"IM-SPOOFED"} if spoofed else set())


def test_the_spoofing_finding_only_counts_for_authority_senders() -> None:
    # The same demand from a mobile is judged by its words alone (no signature, no claim).
    result = analyze("请三日内向原告还款撤诉。", sender="13812345678", received_at=IN_2026)
    assert "impersonation" not in result.categories


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # Cantonese and Sichuanese words are read as Mandarin (rules.json normalization).
        ("听日我哋上你屋企揾你。", {"visit_threat"}),
        ("今晚我们几个弟兄伙就来你屋头，你把门开到等到。", {"visit_threat", "intimidation"}),
        # … so a denial in dialect still denies.
        ("我哋唔会联系你屋企人。", set()),
    ],
)
def test_dialect_is_read_as_mandarin(body: str, expected: set[str]) -> None:
    assert set(analyze(body, received_at=IN_2026).categories) == expected


NOTICE = (
    "【某市某区人民法院】您有一条新的诉讼文书，案号(2026)浙0106民初5521号，"
    "请登录人民法院送达平台查看。"
)


@pytest.mark.parametrize(
    ("sender", "body", "expected"),
    [
        # A court's notice read as genuine (COURT_NOTICE) from an SMS platform or 12368: clean.
        ("10690000123456", NOTICE, set()),
        ("12368", NOTICE, set()),
        # The same from a person's mobile: no court sends from one (IM-PERSONAL-SIGNATURE).
        ("13612345678", NOTICE, {"impersonation"}),
        # A court's own enforcement notice may list a debtor after a judgment.
        (
            "12368",
            "【某区人民法院】申请执行人某银行与你金融借款合同纠纷一案，你未履行生效判决确定的义务，"
            "本院已依法将你纳入失信被执行人名单，详情可登录中国执行信息公开网查询。",
            set(),
        ),
        # What a court never asks voids the exception: a mobile to call back, jail, a transfer.
        (
            "10690000123456",
            "【法院送达】您有一份未签收的法院传票，法院将缺席判决并强制执行，请回电13600001234处理。",
            {"impersonation", "false_legal_claim"},
        ),
    ],
)
def test_a_court_notice_is_judged_by_what_it_asks_and_where_it_comes_from(
    sender: str, body: str, expected: set[str]
) -> None:
    result = analyze(body, sender=sender, received_at=IN_2026)
    assert set(result.categories) == expected, result.categories


def test_the_rules_see_a_personal_number_as_its_own_role() -> None:
    from collectguard.intake.analysis import classify_sender
    from collectguard.intake.analysis.findings import PERSONAL_ROLE, _role

    assert _role(classify_sender("13612345678")) == PERSONAL_ROLE
    assert _role(classify_sender("17012345678")) == PERSONAL_ROLE  # a virtual mobile
    assert _role(classify_sender("12368")) == "court"
    assert _role(classify_sender("10690000123456")) is None
