"""State changes of step 2. Services never see a request; every argument is keyword-only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.negotiation.files import CheckedUpload, UploadRejected, delete_quietly, store
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
    TermsFields,
)
from collectguard.negotiation.schedule import ProposalTerms, build_schedule

SITUATION_FIELDS = (
    "hardship_reason",
    "hardship_other",
    "hardship_details",
    "monthly_income",
    "essential_spending",
    "can_pay_monthly",
    "applicant_name",
)
CONTACT_FIELDS = (
    "occurred_at",
    "channel",
    "their_number",
    "organisation",
    "their_name",
    "staff_id",
    "summary",
    "outcome",
    "callback_on",
    "payment_on",
    "payment_amount",
)
AGREEMENT_FIELDS = ("agreed_at", "agreed_with_name", "agreed_with_staff_id", "agreed_via", "notes")
TERMS_FIELDS = (
    "kind",
    "principal",
    "months",
    "first_due",
    "annual_rate",
    "fees",
    "deferral_months",
    "waived_amount",
    "method",
)


def _lock_case(case: Case) -> None:
    """Serialise changes that keep "one per case" rules (one chosen proposal, one active
    agreement), so two tabs or a double-click cannot both pass the check (PostgreSQL; SQLite
    already serialises writers)."""
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).first()


def _set_terms(target: TermsFields, terms: ProposalTerms) -> None:
    for name in TERMS_FIELDS:
        setattr(target, name, getattr(terms, name))


# --- Situation ----------------------------------------------------------------------------------


def situation_save(
    *, case: Case, fields: dict[str, Any], debts: Sequence[dict[str, Any]]
) -> Situation:
    """Create or replace the borrower's situation and their list of other debts, together."""
    with transaction.atomic():
        situation = Situation.objects.filter(case=case).first() or Situation(case=case)
        for name in SITUATION_FIELDS:
            setattr(situation, name, fields.get(name, getattr(situation, name)))
        if situation.hardship_reason != "other":
            situation.hardship_other = ""
        situation.full_clean()
        situation.save()
        OtherDebt.objects.filter(case=case).delete()
        rows = []
        for position, debt in enumerate(debts):
            row = OtherDebt(
                case=case,
                lender=debt["lender"],
                amount=debt.get("amount"),
                monthly_due=debt.get("monthly_due"),
                position=position,
            )
            row.full_clean()
            rows.append(row)
        OtherDebt.objects.bulk_create(rows)
    return situation


# --- Files --------------------------------------------------------------------------------------


def negotiation_files_add(
    *,
    case: Case,
    uploads: Sequence[CheckedUpload],
    kind: FileKind,
    uploaded_by: User,
    description: str = "",
    contact: ContactLog | None = None,
    agreement: Agreement | None = None,
    payment: AgreedPayment | None = None,
) -> list[NegotiationFile]:
    """Store checked uploads as evidence of this case; return the new rows.

    The same bytes attached twice to the same place (a double-submitted form, a retried upload)
    are stored once. If anything fails, no row is written and the files already written are
    removed again. Raises ``UploadRejected`` when the case's storage allowance would be exceeded.
    """
    attached = NegotiationFile.objects.filter(
        case=case, kind=kind, contact=contact, agreement=agreement, payment=payment
    )
    seen = set(attached.values_list("sha256", flat=True))
    fresh: list[CheckedUpload] = []
    for checked in uploads:
        if checked.sha256 not in seen:
            seen.add(checked.sha256)
            fresh.append(checked)
    if not fresh:
        return []
    used = NegotiationFile.objects.filter(case=case).aggregate(total=Sum("size"))["total"] or 0
    if used + sum(c.size for c in fresh) > settings.MAX_CASE_EVIDENCE_BYTES:
        raise UploadRejected(
            _("这个案件的文件总量会超过 %(mb)s MB 的上限，文件没有保存。")
            % {"mb": settings.MAX_CASE_EVIDENCE_BYTES // (1024 * 1024)}
        )
    written: list[str] = []
    try:
        with transaction.atomic():
            rows = []
            for checked in fresh:
                path = store(case.pk, checked)
                written.append(path)
                row = NegotiationFile(
                    case=case,
                    kind=kind,
                    contact=contact,
                    agreement=agreement,
                    payment=payment,
                    path=path,
                    sha256=checked.sha256,
                    size=checked.size,
                    original_name=checked.original_name,
                    content_type=checked.content_type,
                    description=description[:200],
                    uploaded_by=uploaded_by,
                )
                row.full_clean()
                row.save()
                rows.append(row)
    except BaseException:
        delete_quietly(written)
        raise
    return rows


# --- Proposals ----------------------------------------------------------------------------------


def proposal_create(*, case: Case, label: str, terms: ProposalTerms) -> Proposal:
    """Save a proposal; the first one saved for a case becomes the one to propose."""
    build_schedule(terms)  # refuses terms that cannot be scheduled
    with transaction.atomic():
        _lock_case(case)
        first = not Proposal.objects.filter(case=case).exists()
        proposal = Proposal(case=case, label=label, is_chosen=first)
        _set_terms(proposal, terms)
        proposal.full_clean()
        proposal.save()
    return proposal


def proposal_update(*, proposal: Proposal, label: str, terms: ProposalTerms) -> Proposal:
    build_schedule(terms)
    proposal.label = label
    _set_terms(proposal, terms)
    proposal.full_clean()
    proposal.save(update_fields=["label", *TERMS_FIELDS, "updated_at"])
    return proposal


def proposal_choose(*, proposal: Proposal) -> Proposal:
    """Mark this proposal as the one to put to the lender (and no other)."""
    with transaction.atomic():
        _lock_case(proposal.case)
        Proposal.objects.filter(case_id=proposal.case_id, is_chosen=True).exclude(
            pk=proposal.pk
        ).update(is_chosen=False)
        proposal.is_chosen = True
        proposal.save(update_fields=["is_chosen", "updated_at"])
    return proposal


def proposal_delete(*, proposal: Proposal) -> None:
    proposal.delete()


# --- Contact log --------------------------------------------------------------------------------


def contact_create(
    *,
    case: Case,
    fields: dict[str, Any],
    attachments: Sequence[CheckedUpload] = (),
    uploaded_by: User,
) -> ContactLog:
    """Log a contact with its attachments (recordings, screenshots), all or nothing."""
    with transaction.atomic():
        contact = ContactLog(case=case, **{k: fields.get(k) for k in CONTACT_FIELDS})
        for name in ("their_number", "organisation", "their_name", "staff_id"):
            setattr(contact, name, getattr(contact, name) or "")
        contact.full_clean()
        contact.save()
        if attachments:
            negotiation_files_add(
                case=case,
                uploads=attachments,
                kind=FileKind.CONTACT,
                uploaded_by=uploaded_by,
                contact=contact,
            )
    return contact


def contact_update(*, contact: ContactLog, fields: dict[str, Any]) -> ContactLog:
    """Raises `ContactLog.DoesNotExist` when the entry (or its case) was deleted meanwhile."""
    for name in CONTACT_FIELDS:
        value = fields.get(name)
        if name in ("their_number", "organisation", "their_name", "staff_id"):
            value = value or ""
        setattr(contact, name, value)
    with transaction.atomic():
        # By id: the case may be gone already (deleted in another request).
        Case.objects.select_for_update().filter(pk=contact.case_id).values_list("pk").first()
        if not ContactLog.objects.filter(pk=contact.pk).exists():
            raise ContactLog.DoesNotExist
        contact.full_clean()
        contact.save(update_fields=list(CONTACT_FIELDS))
    return contact


# --- Agreement ----------------------------------------------------------------------------------


def agreement_create(
    *,
    case: Case,
    terms: ProposalTerms,
    fields: dict[str, Any],
    uploaded_by: User,
    proposal: Proposal | None = None,
    confirmations: Sequence[CheckedUpload] = (),
) -> Agreement:
    """Record an agreed plan with its instalments; an earlier agreement is superseded.

    The instalments are computed once, here, and stored: what was agreed does not change if the
    schedule arithmetic is later improved.
    """
    schedule = build_schedule(terms)
    with transaction.atomic():
        _lock_case(case)
        Agreement.objects.filter(case=case, status=AgreementStatus.ACTIVE).update(
            status=AgreementStatus.SUPERSEDED
        )
        agreement = Agreement(case=case, proposal=proposal, status=AgreementStatus.ACTIVE)
        _set_terms(agreement, terms)
        for name in AGREEMENT_FIELDS:
            setattr(agreement, name, fields.get(name) or getattr(agreement, name))
        agreement.full_clean()
        agreement.save()
        AgreedPayment.objects.bulk_create(
            AgreedPayment(
                agreement=agreement, number=i.number, due_date=i.due_date, amount=i.amount
            )
            for i in schedule.instalments
        )
        if confirmations:
            negotiation_files_add(
                case=case,
                uploads=confirmations,
                kind=FileKind.CONFIRMATION,
                uploaded_by=uploaded_by,
                agreement=agreement,
            )
    return agreement


def payment_record(
    *,
    payment: AgreedPayment,
    paid_on: date,
    paid_amount: Decimal,
    uploaded_by: User,
    receipts: Sequence[CheckedUpload] = (),
) -> AgreedPayment:
    """Mark an instalment as paid (date and amount actually paid), with optional receipts."""
    with transaction.atomic():
        payment.paid_on = paid_on
        payment.paid_amount = paid_amount
        payment.full_clean()
        payment.save(update_fields=["paid_on", "paid_amount"])
        if receipts:
            negotiation_files_add(
                case=payment.agreement.case,
                uploads=receipts,
                kind=FileKind.RECEIPT,
                uploaded_by=uploaded_by,
                payment=payment,
            )
    return payment


def payment_clear(*, payment: AgreedPayment) -> AgreedPayment:
    """Undo marking an instalment as paid. Receipts already uploaded stay as evidence."""
    payment.paid_on = None
    payment.paid_amount = None
    payment.save(update_fields=["paid_on", "paid_amount"])
    return payment
