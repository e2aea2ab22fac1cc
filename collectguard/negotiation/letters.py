"""The written request (协商还款申请): its context, for the preview, the PDF and snapshots.

The context holds only plain values (str, int, bool, Decimal, date, lists and dicts of them),
so a snapshot of it can be stored as JSON (DjangoJSONEncoder) and the letter printed again
from it. It is built in Chinese whatever the interface language: the letter goes to a Chinese
lender.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone, translation

from collectguard.cases.models import Case, LoanType
from collectguard.negotiation.content import Provision, provisions
from collectguard.negotiation.schedule import Schedule
from collectguard.negotiation.script import plan_phrase
from collectguard.negotiation.selectors import (
    chosen_proposal,
    other_debts_for,
    schedule_or_none,
    situation_for,
)

TEMPLATE_NAME = "pdf/negotiation_request.html"
#: Bump when the letter's wording changes, so snapshots say which text they were printed from.
TEMPLATE_VERSION = "2026-11-29.1"

# Who may not be contacted, by loan type: the rules that bind that kind of lender.
_THIRD_PARTY_RULES: dict[str, tuple[str, ...]] = {
    LoanType.CREDIT_CARD: ("CC-BANK-68", "CBA-2026"),
    LoanType.BANK_LOAN: ("CBA-2026",),
    LoanType.CONSUMER_FINANCE: ("CBA-2026", "GBT-45251"),
    LoanType.ONLINE_SMALL_LOAN: ("GBT-45251",),
}


def _provision_dict(provision: Provision) -> dict[str, Any]:
    return {
        "id": provision.id,
        "title": provision.title.zh,
        "gist": provision.gist.zh,
        # For the English page beside the Chinese the letter quotes (the letter is Chinese).
        "title_en": provision.title.en,
        "gist_en": provision.gist.en,
        "effective": provision.effective,
        "source": provision.source,
        "confidence": provision.confidence,
        "needs_caution": provision.needs_caution,
    }


def _schedule_dict(schedule: Schedule) -> dict[str, Any]:
    return {
        "kind": schedule.terms.kind,
        "months": schedule.terms.months,
        "deferral_months": schedule.terms.deferral_months,
        "annual_rate": schedule.terms.annual_rate,
        "waived": schedule.waived,
        "fees": schedule.fees,
        "total_interest": schedule.total_interest,
        "total": schedule.total,
        "first_due": schedule.first_due,
        "last_due": schedule.last_due,
        "instalments": [
            {"number": i.number, "due_date": i.due_date, "amount": i.amount}
            for i in schedule.instalments
        ],
    }


def negotiation_request_context(case: Case) -> dict[str, Any]:
    """Everything the written request says, from the case and its step-2 data."""
    situation = situation_for(case)
    debts = other_debts_for(case)
    proposal = chosen_proposal(case)
    schedule = schedule_or_none(proposal)
    can_pay = situation.can_pay_monthly if situation else None
    with translation.override("zh-hans"):
        hardship = situation.hardship_label if situation else ""
        loan_type = str(case.get_loan_type_display())
    cited = provisions(_THIRD_PARTY_RULES.get(case.loan_type, ()))
    if case.loan_type == LoanType.CREDIT_CARD:
        cited = [*provisions(("CC-BANK-70",)), *cited]
    other_monthly = sum((d.monthly_due or Decimal(0) for d in debts), Decimal(0))
    return {
        "template_version": TEMPLATE_VERSION,
        "case_id": case.pk,
        "proposal_id": proposal.pk if proposal else None,
        "date": timezone.localdate(),
        "lender": case.lender,
        "applicant_name": situation.applicant_name if situation else "",
        "contracts": case.contract_number_list(),
        "loan_type": loan_type,
        "is_credit_card": case.loan_type == LoanType.CREDIT_CARD,
        "amount_owed": case.amount_owed,
        "overdue_since": case.overdue_since,
        "has_situation": situation is not None,
        "hardship": hardship,
        "hardship_details": situation.hardship_details if situation else "",
        "monthly_income": situation.monthly_income if situation else None,
        "essential_spending": situation.essential_spending if situation else None,
        "can_pay_monthly": can_pay,
        "other_debts": [
            {"lender": d.lender, "amount": d.amount, "monthly_due": d.monthly_due} for d in debts
        ],
        "other_monthly_total": other_monthly,
        "plan": plan_phrase(schedule, can_pay).zh,
        "schedule": _schedule_dict(schedule) if schedule else None,
        "third_party_provisions": [_provision_dict(p) for p in cited if p.id != "CC-BANK-70"],
        "credit_card_provision": (
            _provision_dict(provisions(("CC-BANK-70",))[0])
            if case.loan_type == LoanType.CREDIT_CARD
            else None
        ),
        "cited_provisions": [_provision_dict(p) for p in cited],
    }


def missing_facts(context: dict[str, Any]) -> list[str]:
    """Keys of facts the letter would be stronger with (the page links to where to add them)."""
    missing = []
    if not context["lender"]:
        missing.append("lender")
    if not context["contracts"]:
        missing.append("contracts")
    if context["amount_owed"] is None:
        missing.append("amount_owed")
    if not context["has_situation"]:
        missing.append("situation")
    if context["schedule"] is None:
        missing.append("proposal")
    elif context["schedule"]["first_due"] < context["date"]:
        missing.append("proposal_dates")
    if not context["applicant_name"]:
        missing.append("applicant_name")
    return missing
