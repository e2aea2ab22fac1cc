"""The action checklist: what was filed where, and by when something should happen next.

Deadlines come from the provisions data (source, article and confidence shown with each):
police reports within 6 months of the last incident (治安管理处罚法 第25条); a financial
institution answers a complaint within 15 days, up to 30 (and 30 more) for complex ones
(银保监会令2020年第3号) before the regulator is the next step; a credit-report objection is
answered within 20 days (征信业管理条例 第25条); a consumer complaint to a market regulator is
handled within 7 working days (消费者权益保护法 第46条).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collectguard.cases.models import Case
from collectguard.evidence import legal
from collectguard.evidence.facts import case_facts
from collectguard.evidence.models import Filing, FilingStatus
from collectguard.evidence.routing import lender_type, recommend_channels, regulator_channel
from collectguard.evidence.selectors import filings_for_case


@dataclass(frozen=True)
class ReplyRule:
    days: int
    working_days: bool
    provision: str
    text: Any


#: How long the body a filing went to has to answer, by channel.
REPLY_RULES: dict[str, ReplyRule] = {
    "lender-hq": ReplyRule(
        15,
        False,
        "CMP-2020",
        gettext_lazy(
            "机构应在 15 日内答复；情况复杂的可延长至 30 日，特殊情况经批准可再延长 30 日。"
        ),
    ),
    "pbc-credit": ReplyRule(
        20,
        False,
        "ZX-25",
        gettext_lazy(
            "征信异议应在 20 日内书面答复；向人民银行分支机构投诉的，受理后 30 日内答复。"
        ),
    ),
    "12315": ReplyRule(
        7,
        True,
        "CPL-39/46",
        gettext_lazy("有关行政部门应在 7 个工作日内处理并告知（按工作日计，未扣除法定节假日）。"),
    ),
}
POLICE_WINDOW_MONTHS = 6
POLICE_PROVISION = "PSL-25"


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end.

    >>> add_months(date(2026, 8, 31), 6)
    datetime.date(2027, 2, 28)
    """
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_working_days(day: date, days: int) -> date:
    current = day
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


@dataclass
class FilingStatusRow:
    filing: Filing
    channel: dict[str, Any]
    due: date | None = None
    rule_text: str = ""
    provision: dict[str, Any] | None = None
    overdue: bool = False
    next_step: str = ""


@dataclass
class Checklist:
    rows: list[FilingStatusRow] = field(default_factory=list)
    police_deadline: date | None = None
    police_provision: dict[str, Any] | None = None
    last_incident: date | None = None
    todo: list[dict[str, Any]] = field(default_factory=list)


def checklist_for_case(case: Case, *, today: date | None = None) -> Checklist:
    today = today or timezone.localdate()
    facts = case_facts(case)
    filings = list(filings_for_case(case))
    channels = legal.channels()
    result = Checklist(last_incident=facts.last_contact)
    regulator = channels.get(regulator_channel(lender_type(case)), {})

    for filing in filings:
        row = FilingStatusRow(filing=filing, channel=channels.get(filing.channel, {}))
        rule = REPLY_RULES.get(filing.channel)
        if rule is not None and filing.filed_on and filing.status == FilingStatus.FILED:
            row.due = (
                add_working_days(filing.filed_on, rule.days)
                if rule.working_days
                else filing.filed_on + timedelta(days=rule.days)
            )
            row.rule_text = str(rule.text)
            row.provision = legal.citable_provision(rule.provision)
            row.overdue = row.due < today
            if row.overdue and filing.channel == "lender-hq" and regulator:
                row.next_step = _(
                    "已超过答复期限。可以带着这次投诉的记录，向%(regulator)s投诉。"
                ) % {"regulator": regulator.get("name", "")}
        result.rows.append(row)

    filed_channels = {f.channel for f in filings}
    if facts.last_contact and "110" not in filed_channels:
        result.police_deadline = add_months(facts.last_contact, POLICE_WINDOW_MONTHS)
        result.police_provision = legal.citable_provision(POLICE_PROVISION)
    for recommendation in recommend_channels(case, facts):
        channel_id = recommendation.channel["id"]
        if channel_id not in filed_channels:
            result.todo.append(
                {
                    "channel": recommendation.channel,
                    "reason": recommendation.reason,
                    "urgent": recommendation.urgent,
                }
            )
    return result
