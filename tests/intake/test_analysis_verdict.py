"""Per-sender verdicts answer the seed article's three questions in plain language."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from collectguard.intake.analysis import CallStats, analyze, sender_verdict, verdicts

CHINA = timezone(timedelta(hours=8))
NOON = datetime(2026, 6, 1, 12, 0, tzinfo=CHINA)
LATE = datetime(2026, 6, 1, 23, 30, tzinfo=CHINA)


def test_it_recognises_an_official_bank_service_number() -> None:
    message = analyze(
        "【工商银行】您的信用卡已逾期，欠款1,200.00元，请通过手机银行还款。",
        sender="95588",
        received_at=NOON,
    )
    verdict = sender_verdict("95588", [message])
    assert verdict.code == "official_institution"
    assert verdict.headline_zh == "中国工商银行的官方客服号码"
    assert verdict.official.code == "yes"
    assert verdict.specifics.code == "yes"
    assert verdict.abuse.code == "no"
    assert verdict.channels == []


def test_it_calls_a_personal_mobile_a_likely_outsourced_collector() -> None:
    message = analyze("您好，关于您的欠款3,500元，今天能安排还款吗？", sender="13612345678")
    verdict = sender_verdict("13612345678", [message])
    assert verdict.code == "outsourced_personal_phone"
    assert verdict.headline_zh == "很可能是外包催收人员用个人手机联系"
    assert verdict.headline_en == "Likely an outsourced collector using a personal phone"
    assert verdict.official.code == "no"
    assert "广东省汕头市" in verdict.official.text_zh
    assert verdict.specifics.code == "partly"


def test_a_virtual_operator_number_is_called_bulk_calling() -> None:
    verdict = sender_verdict("17012349999", [analyze("请尽快还款。", sender="17012349999")])
    assert verdict.code == "outsourced_virtual_number"


def test_an_sms_port_points_at_the_signature() -> None:
    message = analyze("【XX小贷】您的借款逾期后将按规定报送征信系统。", sender="10659000000")
    verdict = sender_verdict("10659000000", [message])
    assert verdict.code == "enterprise_sms"
    assert verdict.official.code == "partly"
    assert "【XX小贷】" in verdict.official.text_zh


def test_vague_pressure_without_specifics_is_called_a_template() -> None:
    verdict = sender_verdict("13612345678", [analyze("请尽快还款！", sender="13612345678")])
    assert verdict.specifics.code == "no"
    assert "模板群发" in verdict.specifics.text_zh


def test_threats_and_privacy_leaks_lead_the_verdict() -> None:
    messages = [
        analyze("你的通讯录我们已经导出来了，今晚开始一个个通知。", sender="16712340000"),
        analyze("出门小心点。", sender="16712340000"),
    ]
    verdict = sender_verdict("16712340000", messages)
    assert verdict.code == "abusive_collection"
    assert verdict.abuse.code == "yes"
    assert "联系或威胁联系你的家人" in verdict.abuse.text_zh
    assert verdict.categories == ["intimidation", "privacy_disclosure", "third_party"]
    assert verdict.channels[0] == "110"


def test_a_request_for_a_personal_account_comes_first() -> None:
    messages = [analyze("老赖，把钱转到我个人卡上。", sender="13012345678")]
    verdict = sender_verdict("13012345678", messages)
    assert verdict.code == "personal_account_request"
    assert "96110" in verdict.channels


def test_impersonation_sends_you_to_12368_to_check() -> None:
    message = analyze("这里是XX区人民法院，你已被起诉。", sender="02012345678")
    verdict = sender_verdict("02012345678", [message])
    assert verdict.code == "impersonation"
    assert "12368" in verdict.channels


def test_every_verdict_carries_the_spoofing_caution_and_how_to_verify() -> None:
    verdict = sender_verdict("95588", [])
    assert "伪造" in verdict.caution_zh
    assert "12368" in verdict.caution_zh
    assert "spoofed" in verdict.caution_en
    assert any("卡背面" in step for step in verdict.verify_zh)


def test_night_contacts_and_call_floods_are_case_findings() -> None:
    message = analyze("还钱。", sender="13612345678", received_at=LATE)
    calls = CallStats(attempts=20, connected=5, max_attempts_per_day=9, days_over_6_attempts=2)
    verdict = sender_verdict("13612345678", [message], calls=calls)
    assert verdict.night_messages == 1
    assert "night_contact" in verdict.case_findings
    assert "excessive_calls" in verdict.case_findings


def test_a_bank_collector_on_a_personal_mobile_is_flagged() -> None:
    message = analyze("我是XX银行委托的催收员，请还款。", sender="13612345678")
    verdict = sender_verdict("13612345678", [message], lender_type="bank")
    assert "personal_number" in verdict.case_findings
    assert "12378" in verdict.channels


def test_small_loan_complaints_go_to_the_local_financial_regulator() -> None:
    message = analyze("再不还钱就通知你家人。", sender="13612345678")
    verdict = sender_verdict("13612345678", [message], lender_type="small_loan")
    assert "local-financial-regulator" in verdict.channels
    assert "12378" not in verdict.channels


def test_verdicts_group_spellings_of_one_number_together() -> None:
    results = verdicts(
        [
            analyze("还钱。", sender="+8613612345678"),
            analyze("还钱！", sender="13612345678"),
            analyze("【农业银行】请还款。", sender="95599"),
        ],
        calls={"17012349999": CallStats(attempts=3)},
    )
    assert [(v.number, v.messages) for v in results] == [
        ("13612345678", 2),
        ("95599", 1),
        ("17012349999", 0),
    ]
