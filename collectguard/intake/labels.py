"""Names of the finding categories and signals as the interface shows them, and the texts that
explain a stored finding (read from the legal data, so they change with it)."""

from __future__ import annotations

from functools import cache
from typing import Any, Final

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from collectguard.intake.analysis.model import rule_id as estimate_rule_id
from collectguard.legal.reference import behaviours, rules_data

CATEGORY_LABELS: Final[dict[str, Any]] = {
    "third_party": _("联系或威胁联系家人、同事等第三人"),
    "privacy_disclosure": _("公开或威胁公开欠款和个人隐私"),
    "intimidation": _("恐吓、威胁人身安全"),
    "insult": _("辱骂、侮辱"),
    "false_legal_claim": _("虚构或夸大法律后果"),
    "impersonation": _("冒充公检法或监管部门"),
    "visit_threat": _("威胁上门"),
    "personal_account": _("要求转账到个人账户"),
    "night_contact": _("夜间（22:00 至次日 8:00）联系"),
    "excessive_calls": _("同一号码一天内打电话太多"),
    "personal_number": _("用个人手机号催收"),
}

SIGNAL_LABELS: Final[dict[str, Any]] = {
    "institution": _("写明了机构名称"),
    "contract_ref": _("有合同号 / 借款编号"),
    "amount": _("有具体金额"),
    "repayment_channel": _("指向官方还款渠道"),
}

# Order in which categories are shown and which colour wins where spans overlap.
SEVERITY_ORDER: Final = (
    "intimidation",
    "visit_threat",
    "impersonation",
    "personal_account",
    "privacy_disclosure",
    "third_party",
    "false_legal_claim",
    "insult",
)


def category_label(code: str) -> str:
    return str(CATEGORY_LABELS.get(code, code))


def signal_label(code: str) -> str:
    return str(SIGNAL_LABELS.get(code, code))


def english() -> bool:
    return (get_language() or "").startswith("en")


@cache
def _rule_explanations() -> dict[str, tuple[str, str]]:
    """Per rule id, its own explanation; the statistical model's findings have theirs too."""
    found = {
        row["id"]: (row.get("explanation_zh") or "", row.get("explanation_en") or "")
        for row in rules_data()["rules"]
    }
    for category, text in rules_data()["model"]["explanations"].items():
        found[estimate_rule_id(category)] = (text["zh"], text["en"])
    return found


def finding_explanation(finding: dict[str, Any]) -> str:
    """The plain-language explanation of a stored finding, in the user's language.

    The rule's own text when it has one, otherwise its behaviour's (legal/reference.md §4).
    """
    zh, en = _rule_explanations().get(finding.get("rule") or "", ("", ""))
    if not zh:
        behaviour = behaviours().get(finding.get("behaviour") or "")
        if behaviour is None:
            behaviour = next(
                (b for b in behaviours().values() if b.category == finding.get("category")), None
            )
        if behaviour is not None:
            zh, en = behaviour.explanation_zh, behaviour.explanation_en
    return en if english() and en else zh
