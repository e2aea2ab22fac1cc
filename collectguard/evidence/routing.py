"""Which authority to complain to, from the lender's type and what the messages show.

DESIGN.md "Routing by lender type": banks and consumer-finance companies → 国家金融监督管理总局
(12378); small-loan companies (online included) → the provincial 地方金融管理局; unknown or
unlicensed lenders → the police. Harassing SMS and calls can always be reported to 12321, online
exposure to 12377, and threats go to 110 first (safety first).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collectguard.cases.models import Case, LoanType
from collectguard.evidence import legal
from collectguard.evidence.facts import CaseFacts, case_facts

#: Channels a complaint letter (or 报案材料) can be generated for, in display order.
LETTER_CHANNELS = ("lender-hq", "12378", "local-financial-regulator", "110", "12321", "12377")

#: Categories whose messages call for the police before anything else.
URGENT_CATEGORIES = {"intimidation", "visit_threat", "impersonation"}
POLICE_CATEGORIES = URGENT_CATEGORIES | {"privacy_disclosure", "insult", "third_party"}

LENDER_TYPE_LABELS = {
    "bank": gettext_lazy("银行"),
    "consumer_finance": gettext_lazy("消费金融公司"),
    "small_loan": gettext_lazy("小额贷款公司（含网络小贷）"),
    "private": gettext_lazy("民间借贷（个人或非持牌机构）"),
    "unknown": gettext_lazy("类型不明"),
}

_LOAN_TYPE_TO_LENDER = {
    LoanType.CREDIT_CARD: "bank",
    LoanType.BANK_LOAN: "bank",
    LoanType.CONSUMER_FINANCE: "consumer_finance",
    LoanType.ONLINE_SMALL_LOAN: "small_loan",
    LoanType.PRIVATE_LENDING: "private",
    LoanType.OTHER: "unknown",
}


def lender_type(case: Case) -> str:
    """bank, consumer_finance, small_loan, private or unknown.

    A lender named in the known-institutions table wins; then words in its name; then the loan
    type the borrower chose.
    """
    known = legal.institution_type(case.lender)
    if known in {"bank", "consumer_finance", "small_loan"}:
        return known
    name = case.lender
    if "消费金融" in name:
        return "consumer_finance"
    if "小额贷款" in name or "小贷" in name:
        return "small_loan"
    if name.endswith("银行") or "银行股份" in name:
        return "bank"
    return _LOAN_TYPE_TO_LENDER.get(LoanType(case.loan_type), "unknown")


def regulator_channel(kind: str) -> str:
    return {
        "bank": "12378",
        "consumer_finance": "12378",
        "small_loan": "local-financial-regulator",
    }.get(kind, "110")


@dataclass(frozen=True)
class Recommendation:
    channel: dict[str, Any]
    reason: str
    urgent: bool = False

    @property
    def has_letter(self) -> bool:
        return self.channel["id"] in LETTER_CHANNELS

    @property
    def caution(self) -> bool:
        return self.channel.get("confidence") != "High"


def recommend_channels(case: Case, facts: CaseFacts | None = None) -> list[Recommendation]:
    """Channels to use for this case, most important first, each with the reason why."""
    facts = facts or case_facts(case)
    kind = lender_type(case)
    categories = set(facts.categories)
    found: dict[str, Recommendation] = {}

    def add(channel_id: str, reason: str, *, urgent: bool = False) -> None:
        row = legal.channel(channel_id)
        if row is not None and channel_id not in found:
            found[channel_id] = Recommendation(row, reason, urgent)

    if categories & URGENT_CATEGORIES:
        add(
            "110",
            _(
                "消息里有威胁人身安全、要上门或冒充公检法的内容。遇到紧急情况直接拨打 110；"
                "也可以带着证据去派出所报案，并要求出具受案回执。"
            ),
            urgent=True,
        )
    if kind in {"bank", "consumer_finance", "small_loan"}:
        add(
            "lender-hq",
            _("先向贷款机构本身投诉：这是监管部门通常要求的第一步，机构一般应在 15 日内答复。"),
        )
    if kind in {"bank", "consumer_finance"}:
        add(
            "12378",
            _("%(type)s由国家金融监督管理总局监管；机构不答复或答复不满意时，打 12378 投诉。")
            % {"type": LENDER_TYPE_LABELS[kind]},
        )
    elif kind == "small_loan":
        add(
            "local-financial-regulator",
            _("小额贷款公司（包括网络小贷）由其注册地所在省的地方金融管理局监管。"),
        )
    else:
        add(
            "110",
            _(
                "无法确认放贷方是持牌金融机构（或是民间借贷）。暴力、威胁、骚扰式催收可以向公安机关"
                "报案；如果利息高得离谱或被预扣“砍头息”，也请一并说明。"
            ),
        )
    add(
        "12321",
        _("收到骚扰短信、骚扰电话，可以向 12321 举报号码；举报时短信原文不要做任何修改。")
        if facts.has_harassment
        else _("如果收到骚扰短信或电话，可以向 12321 举报这些号码。"),
    )
    if "privacy_disclosure" in categories:
        add(
            "12377",
            _("有在网上或群里曝光你的信息、P 图的内容：可以向 12377 举报，要求删除。"),
        )
    if categories & POLICE_CATEGORIES:
        add(
            "110",
            _("侮辱、联系你的家人朋友、散布隐私等行为可能违反《治安管理处罚法》，可以报案。"),
        )
    return list(found.values())


def channel_choices() -> list[tuple[str, str]]:
    """Channels a filing can be recorded against (unverified channels left out)."""
    return [
        (row["id"], row["name"])
        for row in legal.channels().values()
        if row.get("confidence") != "UNVERIFIED"
    ]
