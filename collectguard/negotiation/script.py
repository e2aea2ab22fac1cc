"""The phone script and pushback answers, filled with the case's own facts.

Pure functions over already loaded objects: the views and the letter pass in the case, its
situation and the schedule of the proposal to make, so nothing here queries the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import translation

from collectguard.cases.models import Case
from collectguard.negotiation.content import (
    PUSHBACKS,
    SCRIPT,
    Provision,
    Text,
    provisions,
)
from collectguard.negotiation.models import Situation
from collectguard.negotiation.schedule import Schedule


def yuan(amount: Decimal) -> str:
    """Money as people write it: thousands separators, two decimals.

    >>> yuan(Decimal("12000"))
    '12,000.00'
    >>> yuan(Decimal("0.5"))
    '0.50'
    """
    return f"{amount:,.2f}"


def zh_date(day: date) -> str:
    """A date as written in Chinese.

    >>> zh_date(date(2027, 1, 5))
    '2027年1月5日'
    """
    return f"{day.year}年{day.month}月{day.day}日"


def en_date(day: date) -> str:
    """A date as written in English.

    >>> en_date(date(2027, 1, 5))
    '5 January 2027'
    """
    return f"{day.day} {day:%B} {day.year}"


def _amounts_phrase(schedule: Schedule) -> Text:
    amounts = [i.amount for i in schedule.instalments]
    if schedule.monthly_min == schedule.monthly_max:
        return Text(f"每月还 {yuan(amounts[0])} 元", f"¥{yuan(amounts[0])} a month")
    if len(set(amounts[1:])) == 1:
        return Text(
            f"第一期还 {yuan(amounts[0])} 元，之后每月还 {yuan(amounts[1])} 元",
            f"¥{yuan(amounts[0])} for the first month, then ¥{yuan(amounts[1])} a month",
        )
    return Text(
        f"每月还 {yuan(schedule.monthly_min)} 至 {yuan(schedule.monthly_max)} 元",
        f"¥{yuan(schedule.monthly_min)} to ¥{yuan(schedule.monthly_max)} a month",
    )


def plan_phrase(schedule: Schedule | None, can_pay_monthly: Decimal | None = None) -> Text:
    """One sentence describing the plan, to be spoken or written to the lender."""
    if schedule is None:
        if can_pay_monthly:
            return Text(
                f"分期还款，每月还 {yuan(can_pay_monthly)} 元左右",
                f"repayment in instalments of about ¥{yuan(can_pay_monthly)} a month",
            )
        return Text("分期或延期还款", "repayment in instalments or a deferral")
    terms = schedule.terms
    parts_zh: list[str] = []
    parts_en: list[str] = []
    if schedule.waived > 0:
        parts_zh.append(f"减免罚息和费用 {yuan(schedule.waived)} 元")
        parts_en.append(f"a waiver of ¥{yuan(schedule.waived)} in penalty interest and fees")
    if terms.deferral_months:
        parts_zh.append(f"推迟 {terms.deferral_months} 个月开始还款")
        parts_en.append(f"a deferral of {terms.deferral_months} months")
    start_zh, start_en = zh_date(schedule.first_due), en_date(schedule.first_due)
    total_zh, total_en = yuan(schedule.total), yuan(schedule.total)
    if terms.months == 1:
        parts_zh.append(f"在{start_zh}一次还清 {total_zh} 元")
        parts_en.append(f"paying ¥{total_en} in one payment on {start_en}")
    else:
        amounts = _amounts_phrase(schedule)
        parts_zh.append(
            f"分 {terms.months} 期还款，{amounts.zh}，从{start_zh}开始，共 {total_zh} 元"
        )
        parts_en.append(
            f"{terms.months} monthly instalments of {amounts.en} from {start_en}, "
            f"¥{total_en} in total"
        )
    return Text("，".join(parts_zh), ", then ".join(parts_en))


def _facts(case: Case, situation: Situation | None, plan: Text) -> tuple[dict, dict]:
    contracts = "、".join(case.contract_number_list())
    lender = case.lender
    with translation.override("zh-hans"):
        hardship_zh = situation.hardship_label if situation else "家庭经济出现困难"
        lender_zh = lender or "贵司"
        who_zh = (
            f"{lender_zh}合同号为 {contracts} 的借款人"
            if contracts
            else f"在{lender_zh}借款的借款人"
        )
    with translation.override("en"):
        hardship_en = situation.hardship_label if situation else "financial difficulties"
        lender_en = lender or "your company"
        who_en = (
            f"the borrower on contract {contracts} with {lender_en}"
            if contracts
            else f"a borrower of {lender_en}"
        )
    zh = {"who": who_zh, "lender": lender_zh, "hardship": hardship_zh, "plan": plan.zh}
    en = {"who": who_en, "lender": lender_en, "hardship": hardship_en, "plan": plan.en}
    return zh, en


@dataclass(frozen=True)
class FilledStep:
    key: str
    heading: Text
    say: Text
    tip: Text
    provisions: list[Provision]


@dataclass(frozen=True)
class FilledPushback:
    key: str
    they_say: Text
    you_say: Text
    why: Text
    provisions: list[Provision]


def phone_script(
    case: Case, *, situation: Situation | None, schedule: Schedule | None
) -> list[FilledStep]:
    """The script's steps for this case (the credit-card step only for credit cards)."""
    can_pay = situation.can_pay_monthly if situation else None
    zh, en = _facts(case, situation, plan_phrase(schedule, can_pay))
    return [
        FilledStep(
            key=step.key,
            heading=step.heading,
            say=step.say.format(zh, en),
            tip=step.tip,
            provisions=provisions(step.provisions),
        )
        for step in SCRIPT
        if not step.loan_types or case.loan_type in step.loan_types
    ]


def pushback_answers(
    case: Case, *, situation: Situation | None, schedule: Schedule | None
) -> list[FilledPushback]:
    can_pay = situation.can_pay_monthly if situation else None
    zh, en = _facts(case, situation, plan_phrase(schedule, can_pay))
    return [
        FilledPushback(
            key=p.key,
            they_say=p.they_say,
            you_say=p.you_say.format(zh, en),
            why=p.why,
            provisions=provisions(p.provisions),
        )
        for p in PUSHBACKS
    ]
