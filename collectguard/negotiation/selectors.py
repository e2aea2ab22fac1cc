"""Read-only queries of step 2, for these views and for other apps.

Public API for other apps (keep stable):

* ``active_agreement(case) -> Agreement | None`` (``.agreed_at`` is aware, UTC)
* ``evidence_files(case) -> list[dict]`` with ``path, sha256, size, original_name, description,
  uploaded_at, source`` (and ``content_type``)
* ``upcoming_deadlines(case, *, today=None) -> list[Deadline]``
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collectguard.cases.models import Case
from collectguard.negotiation.models import (
    AgreedPayment,
    Agreement,
    AgreementStatus,
    ContactLog,
    FileKind,
    NegotiationFile,
    OtherDebt,
    Proposal,
    Situation,
)
from collectguard.negotiation.schedule import (
    Affordability,
    InvalidTerms,
    Schedule,
    affordability,
    build_schedule,
)
from collectguard.negotiation.script import yuan

#: A promised callback that did not come is worth a reminder for this long.
MISSED_CALLBACK_DAYS = 14


def situation_for(case: Case) -> Situation | None:
    return Situation.objects.filter(case=case).first()


def other_debts_for(case: Case) -> list[OtherDebt]:
    return list(OtherDebt.objects.filter(case=case))


def files_of_kind(case: Case, kind: FileKind) -> list[NegotiationFile]:
    return list(NegotiationFile.objects.filter(case=case, kind=kind))


def proposals_for(case: Case) -> QuerySet[Proposal]:
    return Proposal.objects.filter(case=case)


def chosen_proposal(case: Case) -> Proposal | None:
    return Proposal.objects.filter(case=case, is_chosen=True).first()


def schedule_or_none(source: Proposal | Agreement | None) -> Schedule | None:
    """The schedule of saved terms, or None if they can no longer be scheduled."""
    if source is None:
        return None
    try:
        return build_schedule(source.terms())
    except InvalidTerms:
        return None


def contacts_for(case: Case) -> QuerySet[ContactLog]:
    return ContactLog.objects.filter(case=case).prefetch_related("files")


def active_agreement(case: Case) -> Agreement | None:
    """The agreement in force for this case, or None. Step 1 flags messages after ``agreed_at``."""
    return Agreement.objects.filter(case=case, status=AgreementStatus.ACTIVE).first()


def agreement_with_payments(case: Case) -> Agreement | None:
    """The active agreement with its payments, their receipts and its confirmations loaded."""
    return (
        Agreement.objects.filter(case=case, status=AgreementStatus.ACTIVE)
        .prefetch_related(
            "files",
            Prefetch("payments", queryset=AgreedPayment.objects.prefetch_related("files")),
        )
        .first()
    )


def is_confirmed_in_writing(agreement: Agreement) -> bool:
    """Whether a written confirmation of the agreement has been uploaded."""
    return NegotiationFile.objects.filter(agreement=agreement, kind=FileKind.CONFIRMATION).exists()


def earlier_agreements(case: Case) -> QuerySet[Agreement]:
    return Agreement.objects.filter(case=case, status=AgreementStatus.SUPERSEDED).annotate(
        payment_count=Count("payments")
    )


@dataclass(frozen=True)
class PaymentProgress:
    count: int
    paid: int
    overdue: int


def payment_progress(agreement: Agreement, *, today: date | None = None) -> PaymentProgress:
    today = today or timezone.localdate()
    counts = agreement.payments.aggregate(
        count=Count("pk"),
        paid=Count("pk", filter=Q(paid_on__isnull=False)),
        overdue=Count("pk", filter=Q(paid_on__isnull=True, due_date__lt=today)),
    )
    return PaymentProgress(counts["count"], counts["paid"], counts["overdue"])


# --- Evidence -----------------------------------------------------------------------------------


def _describe(stored: NegotiationFile) -> str:
    if stored.description:
        return stored.description
    if stored.kind == FileKind.CONTACT and stored.contact is not None:
        contact = stored.contact
        when = timezone.localtime(contact.occurred_at).strftime("%Y-%m-%d %H:%M")
        who = contact.their_number or contact.their_name or contact.organisation
        return _("%(when)s %(channel)s %(who)s 的沟通记录附件") % {
            "when": when,
            "channel": contact.get_channel_display(),
            "who": who,
        }
    if stored.kind == FileKind.CONFIRMATION and stored.agreement is not None:
        when = timezone.localtime(stored.agreement.agreed_at).strftime("%Y-%m-%d")
        return _("%(when)s 达成的还款协议的书面确认") % {"when": when}
    if stored.kind == FileKind.RECEIPT and stored.payment is not None:
        return _("还款协议第 %(number)s 期的还款凭证") % {"number": stored.payment.number}
    return str(stored.get_kind_display())


def evidence_files(case: Case) -> list[dict[str, Any]]:
    """Every original uploaded in step 2, for the evidence locker (step 3)."""
    files = NegotiationFile.objects.filter(case=case).select_related(
        "contact", "agreement", "payment"
    )
    return [
        {
            "path": f.path,
            "sha256": f.sha256,
            "size": f.size,
            "original_name": f.original_name,
            "description": _describe(f),
            "uploaded_at": f.uploaded_at,
            "source": f"negotiation/{f.kind}",
            "content_type": f.content_type,
        }
        for f in files
    ]


def case_file_paths(case: Case) -> list[str]:
    """Storage names of this case's files (the case-deletion collector)."""
    return list(NegotiationFile.objects.filter(case=case).values_list("path", flat=True))


# --- Deadlines ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    on: date
    kind: Literal["callback", "promised_payment", "instalment"]
    title: str
    detail: str
    overdue: bool
    url: str


def _who(contact: ContactLog) -> str:
    parts = [contact.organisation, contact.their_name]
    if contact.staff_id:
        parts.append(_("工号 %(id)s") % {"id": contact.staff_id})
    if contact.their_number:
        parts.append(contact.their_number)
    return " · ".join(p for p in parts if p)


def upcoming_deadlines(case: Case, *, today: date | None = None) -> list[Deadline]:
    """Promised callbacks and payment dates, and agreed instalments due or overdue, by date.

    Shows each promised callback from today on, and one that passed in the last
    ``MISSED_CALLBACK_DAYS`` with no contact logged since (it did not come); payment dates
    promised in a contact from today on; every unpaid instalment of the active agreement that
    is overdue, and the next one due.
    """
    today = today or timezone.localdate()
    since = today - timedelta(days=MISSED_CALLBACK_DAYS)
    contacts_url = reverse("negotiation:contacts", args=[case.pk])
    agreement_url = reverse("negotiation:agreement", args=[case.pk])
    deadlines: list[Deadline] = []

    promised = ContactLog.objects.filter(case=case).filter(
        Q(callback_on__gte=since) | Q(payment_on__gte=today)
    )
    last_contact = ContactLog.objects.filter(case=case).aggregate(last=Max("occurred_at"))["last"]
    last_day = timezone.localdate(last_contact) if last_contact else None
    for contact in promised:
        if contact.callback_on and contact.callback_on >= since:
            missed = contact.callback_on < today
            if not missed or last_day is None or last_day < contact.callback_on:
                deadlines.append(
                    Deadline(
                        on=contact.callback_on,
                        kind="callback",
                        title=_("对方承诺回电，但没有新的沟通记录")
                        if missed
                        else _("对方承诺回电"),
                        detail=_who(contact),
                        overdue=missed,
                        url=f"{contacts_url}#contact-{contact.pk}",
                    )
                )
        if contact.payment_on and contact.payment_on >= today:
            amount = (
                _("%(amount)s 元") % {"amount": yuan(contact.payment_amount)}
                if contact.payment_amount
                else ""
            )
            deadlines.append(
                Deadline(
                    on=contact.payment_on,
                    kind="promised_payment",
                    title=_("约定的还款日期"),
                    detail=" · ".join(p for p in (amount, _who(contact)) if p),
                    overdue=False,
                    url=f"{contacts_url}#contact-{contact.pk}",
                )
            )

    unpaid = AgreedPayment.objects.filter(
        agreement__case=case, agreement__status=AgreementStatus.ACTIVE, paid_on__isnull=True
    ).order_by("number")
    next_shown = False
    for payment in unpaid:
        overdue = payment.due_date < today
        if not overdue and next_shown:
            break
        next_shown = next_shown or not overdue
        deadlines.append(
            Deadline(
                on=payment.due_date,
                kind="instalment",
                title=(
                    _("协议第 %(number)s 期还款已逾期")
                    if overdue
                    else _("协议第 %(number)s 期还款")
                )
                % {"number": payment.number},
                detail=_("%(amount)s 元") % {"amount": yuan(payment.amount)},
                overdue=overdue,
                url=f"{agreement_url}#payment-{payment.pk}",
            )
        )
    return sorted(deadlines, key=lambda d: (d.on, d.kind))


# --- Page data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalRow:
    proposal: Proposal
    schedule: Schedule | None
    affordability: Affordability | None


def proposal_rows(case: Case, *, can_pay_monthly: Decimal | None = None) -> list[ProposalRow]:
    """Saved proposals with their schedules and whether each fits the monthly budget."""
    rows = []
    for proposal in proposals_for(case):
        schedule = schedule_or_none(proposal)
        fits = (
            affordability(schedule, can_pay_monthly)
            if schedule is not None and can_pay_monthly is not None
            else None
        )
        rows.append(ProposalRow(proposal, schedule, fits))
    return rows


@dataclass(frozen=True)
class Budget:
    """What is left each month once essentials and other lenders are paid."""

    income: Decimal | None
    spending: Decimal | None
    other_monthly: Decimal
    left: Decimal | None  # None when income or spending is unknown
    can_pay: Decimal | None
    over_budget: bool


def budget(situation: Situation | None, debts: list[OtherDebt]) -> Budget | None:
    if situation is None:
        return None
    other = sum((d.monthly_due or Decimal(0) for d in debts), Decimal(0))
    left = None
    if situation.monthly_income is not None and situation.essential_spending is not None:
        left = situation.monthly_income - situation.essential_spending - other
    can_pay = situation.can_pay_monthly
    return Budget(
        income=situation.monthly_income,
        spending=situation.essential_spending,
        other_monthly=other,
        left=left,
        can_pay=can_pay,
        over_budget=left is not None and can_pay is not None and can_pay > left,
    )
