"""Step 2 (主动沟通) pages.

Reading a page loads the case with ``get_case_for_user`` (the owner, or a volunteer it is
shared with: read-only); anything that changes data loads it with ``get_rw_case_for_user``.
Every form works as a plain POST; htmx only swaps a region in place (``page.html#partial``).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from collectguard.cases.access import get_case_for_user, get_rw_case_for_user
from collectguard.cases.models import Case
from collectguard.http import AuthenticatedRequest
from collectguard.lib.pdf import render_pdf, render_preview
from collectguard.negotiation import selectors
from collectguard.negotiation.access import get_contact, get_file, get_payment, get_proposal
from collectguard.negotiation.content import (
    LENDER_MAY,
    LENDER_MAY_NOT,
    OFFICIAL_CHANNELS,
    RECORDING,
    provisions,
)
from collectguard.negotiation.files import UploadRejected
from collectguard.negotiation.forms import (
    AgreementForm,
    AttachmentForm,
    ConfirmationForm,
    ContactForm,
    DocumentUploadForm,
    OtherDebtFormSet,
    PaymentForm,
    ProposalForm,
    SituationForm,
    debts_from_formset,
)
from collectguard.negotiation.letters import (
    TEMPLATE_NAME as LETTER_TEMPLATE,
)
from collectguard.negotiation.letters import (
    missing_facts,
    negotiation_request_context,
)
from collectguard.negotiation.models import (
    AgreedPayment,
    ContactLog,
    FileKind,
    Outcome,
    Proposal,
)
from collectguard.negotiation.schedule import (
    Affordability,
    InvalidTerms,
    Schedule,
    affordability,
    compare,
    suggest_months,
)
from collectguard.negotiation.script import phone_script, pushback_answers
from collectguard.negotiation.services import (
    CONTACT_FIELDS,
    SITUATION_FIELDS,
    TERMS_FIELDS,
    agreement_create,
    contact_create,
    contact_update,
    negotiation_files_add,
    payment_clear,
    payment_record,
    proposal_choose,
    proposal_create,
    proposal_delete,
    proposal_update,
    situation_save,
)

MAX_PROPOSALS = 20
MAX_COMPARED = 3
CONTACTS_PER_PAGE = 50


def _is_owner(request: AuthenticatedRequest, case: Case) -> bool:
    return case.owner_id == request.user.pk


def _template(request: AuthenticatedRequest, name: str, partial: str) -> str:
    return f"{name}#{partial}" if request.htmx else name


# --- Overview -----------------------------------------------------------------------------------


@login_required
@require_GET
def overview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    situation = selectors.situation_for(case)
    debts = selectors.other_debts_for(case)
    can_pay = situation.can_pay_monthly if situation else None
    chosen = selectors.chosen_proposal(case)
    chosen_schedule = selectors.schedule_or_none(chosen)
    agreement = selectors.active_agreement(case)
    contacts = selectors.contacts_for(case)
    return render(
        request,
        "negotiation/overview.html",
        {
            "case": case,
            "is_owner": _is_owner(request, case),
            "situation": situation,
            "budget": selectors.budget(situation, debts),
            "hardship_files": selectors.files_of_kind(case, FileKind.HARDSHIP),
            "proposal_count": selectors.proposals_for(case).count(),
            "chosen": chosen,
            "chosen_schedule": chosen_schedule,
            "chosen_fits": _fits(chosen_schedule, can_pay),
            "contact_count": contacts.count(),
            "recent_contacts": list(contacts[:3]),
            "agreement": agreement,
            "agreement_confirmed": bool(agreement and selectors.is_confirmed_in_writing(agreement)),
            "payments": selectors.payment_progress(agreement) if agreement else None,
            "deadlines": selectors.upcoming_deadlines(case),
            "guidance": (OFFICIAL_CHANNELS, LENDER_MAY, LENDER_MAY_NOT),
        },
    )


def _fits(schedule: Schedule | None, can_pay: Decimal | None) -> Affordability | None:
    if schedule is None or can_pay is None:
        return None
    return affordability(schedule, can_pay)


# --- Situation ----------------------------------------------------------------------------------


def _situation_page(
    request: AuthenticatedRequest,
    case: Case,
    *,
    form: SituationForm,
    debts: Any,
    upload_form: DocumentUploadForm,
) -> HttpResponse:
    return render(
        request,
        "negotiation/situation.html",
        {
            "case": case,
            "form": form,
            "debts": debts,
            "upload_form": upload_form,
            "documents": selectors.files_of_kind(case, FileKind.HARDSHIP),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def situation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    instance = selectors.situation_for(case)
    initial_debts = [
        {"lender": d.lender, "amount": d.amount, "monthly_due": d.monthly_due}
        for d in selectors.other_debts_for(case)
    ]
    form = SituationForm(request.POST or None, instance=instance)
    debts = OtherDebtFormSet(request.POST or None, initial=initial_debts, prefix="debts")
    if request.method == "POST" and form.is_valid() and debts.is_valid():
        situation_save(
            case=case,
            fields={name: form.cleaned_data.get(name) for name in SITUATION_FIELDS},
            debts=debts_from_formset(debts),
        )
        messages.success(request, _("困难情况已保存。下一步：算一个还款方案。"))
        return redirect("negotiation:overview", pk=case.pk)
    return _situation_page(request, case, form=form, debts=debts, upload_form=DocumentUploadForm())


@login_required
@require_POST
def documents_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    upload_form = DocumentUploadForm(request.POST, request.FILES)
    if upload_form.is_valid():
        try:
            stored = negotiation_files_add(
                case=case,
                uploads=upload_form.cleaned_data["uploads"],
                kind=FileKind.HARDSHIP,
                uploaded_by=request.user,
                description=upload_form.cleaned_data["description"],
            )
        except UploadRejected as exc:
            upload_form.add_error("uploads", exc.message)
        else:
            _report_stored(request, len(stored), len(upload_form.cleaned_data["uploads"]))
            return redirect(reverse("negotiation:situation", args=[case.pk]) + "#documents")
    instance = selectors.situation_for(case)
    initial_debts = [
        {"lender": d.lender, "amount": d.amount, "monthly_due": d.monthly_due}
        for d in selectors.other_debts_for(case)
    ]
    return _situation_page(
        request,
        case,
        form=SituationForm(instance=instance),
        debts=OtherDebtFormSet(initial=initial_debts, prefix="debts"),
        upload_form=upload_form,
    )


def _report_stored(request: AuthenticatedRequest, stored: int, sent: int) -> None:
    if stored:
        messages.success(
            request,
            _("已保存 %(count)s 个文件（原件原样保存，并记录了 SHA-256 校验值）。")
            % {"count": stored},
        )
    if stored < sent:
        messages.info(
            request,
            _("有 %(count)s 个文件之前已经上传过，没有重复保存。") % {"count": sent - stored},
        )


# --- Proposals ----------------------------------------------------------------------------------


@login_required
@require_GET
def proposals(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    situation = selectors.situation_for(case)
    can_pay = situation.can_pay_monthly if situation else None
    rows = selectors.proposal_rows(case, can_pay_monthly=can_pay)
    compared = _compared_rows(request, rows)
    comparison = (
        compare([r.proposal.terms() for r in compared], can_pay_monthly=can_pay)
        if len(compared) >= 2
        else []
    )
    suggestion = None
    if can_pay and case.amount_owed:
        try:
            suggestion = {"can_pay": can_pay, "months": suggest_months(case.amount_owed, can_pay)}
        except (InvalidTerms, ValueError):
            suggestion = None  # an amount owed the schedule refuses (over 1亿): no suggestion
    return render(
        request,
        "negotiation/proposals.html",
        {
            "case": case,
            "is_owner": _is_owner(request, case),
            "rows": rows,
            "compared": list(zip(compared, comparison, strict=False)),
            "compared_ids": [r.proposal.pk for r in compared],
            "can_pay": can_pay,
            "suggestion": suggestion,
            "max_compared": MAX_COMPARED,
            "credit_card_provisions": provisions(("CC-BANK-70",)),
        },
    )


def _compared_rows(
    request: AuthenticatedRequest, rows: list[selectors.ProposalRow]
) -> list[selectors.ProposalRow]:
    """The proposals ticked for comparison (at most three), else the chosen one and the latest."""
    schedulable = [r for r in rows if r.schedule is not None]
    wanted = {int(v) for v in request.GET.getlist("compare") if v.isdigit()}
    if wanted:
        return [r for r in schedulable if r.proposal.pk in wanted][:MAX_COMPARED]
    chosen = [r for r in schedulable if r.proposal.is_chosen]
    others = [r for r in reversed(schedulable) if not r.proposal.is_chosen]
    return (chosen + others)[:MAX_COMPARED]


def _proposal_initial(case: Case) -> dict[str, Any]:
    situation = selectors.situation_for(case)
    initial: dict[str, Any] = {
        "label": _("方案 %(number)s") % {"number": selectors.proposals_for(case).count() + 1},
        "first_due": timezone.localdate() + timedelta(days=30),
        "deferral_months": 0,
        "waived_amount": "0",
        "annual_rate": "0",
        "fees": "0",
        "months": 12,
    }
    if case.amount_owed:
        initial["principal"] = case.amount_owed
        if situation and situation.can_pay_monthly:
            try:
                months = suggest_months(case.amount_owed, situation.can_pay_monthly)
            except (InvalidTerms, ValueError):
                months = None
            if months:
                initial["months"] = months
    return initial


def _terms_initial(source: Proposal, *, label: bool = False) -> dict[str, Any]:
    """A saved proposal's terms as form values (a rate of 3.6000 shows as 3.6)."""
    initial: dict[str, Any] = {name: getattr(source, name) for name in TERMS_FIELDS}
    initial["annual_rate"] = format(source.annual_rate.normalize(), "f")
    if label:
        initial["label"] = source.label
    return initial


def _proposal_form_page(
    request: AuthenticatedRequest,
    case: Case,
    form: ProposalForm,
    proposal: Proposal | None,
    *,
    preview: bool,
) -> HttpResponse:
    situation = selectors.situation_for(case)
    can_pay = situation.can_pay_monthly if situation else None
    return render(
        request,
        _template(request, "negotiation/proposal_form.html", "proposal_form"),
        {
            "case": case,
            "form": form,
            "proposal": proposal,
            "preview": form.schedule if preview else None,
            "preview_fits": _fits(form.schedule, can_pay) if preview else None,
            "can_pay": can_pay,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    form = ProposalForm(request.POST or None, initial=_proposal_initial(case))
    preview = request.POST.get("action") == "preview"
    if request.method == "POST" and form.is_valid() and not preview:
        if selectors.proposals_for(case).count() >= MAX_PROPOSALS:
            form.add_error(
                None,
                _("最多保存 %(count)s 个方案。请先删除不用的方案。") % {"count": MAX_PROPOSALS},
            )
        else:
            assert form.terms is not None
            proposal = proposal_create(
                case=case, label=form.cleaned_data["label"], terms=form.terms
            )
            messages.success(request, _("方案已保存。"))
            return redirect("negotiation:proposal", pk=case.pk, proposal_id=proposal.pk)
    return _proposal_form_page(request, case, form, None, preview=preview)


@login_required
@require_GET
def proposal_detail(request: AuthenticatedRequest, pk: int, proposal_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    proposal = get_proposal(case, proposal_id)
    situation = selectors.situation_for(case)
    can_pay = situation.can_pay_monthly if situation else None
    schedule = selectors.schedule_or_none(proposal)
    return render(
        request,
        "negotiation/proposal_detail.html",
        {
            "case": case,
            "is_owner": _is_owner(request, case),
            "proposal": proposal,
            "schedule": schedule,
            "fits": _fits(schedule, can_pay),
            "can_pay": can_pay,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request: AuthenticatedRequest, pk: int, proposal_id: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    proposal = get_proposal(case, proposal_id)
    form = ProposalForm(request.POST or None, initial=_terms_initial(proposal, label=True))
    preview = request.POST.get("action") == "preview"
    if request.method == "POST" and form.is_valid() and not preview:
        assert form.terms is not None
        proposal_update(proposal=proposal, label=form.cleaned_data["label"], terms=form.terms)
        messages.success(request, _("方案已更新。"))
        return redirect("negotiation:proposal", pk=case.pk, proposal_id=proposal.pk)
    return _proposal_form_page(request, case, form, proposal, preview=preview)


@login_required
@require_POST
def proposal_choose_view(request: AuthenticatedRequest, pk: int, proposal_id: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    proposal = proposal_choose(proposal=get_proposal(case, proposal_id))
    messages.success(
        request,
        _("“%(label)s”是你准备提出的方案。话术和协商申请会按它填写。") % {"label": proposal.label},
    )
    return redirect("negotiation:proposals", pk=case.pk)


@login_required
@require_POST
def proposal_delete_view(request: AuthenticatedRequest, pk: int, proposal_id: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    proposal = get_proposal(case, proposal_id)
    proposal_delete(proposal=proposal)
    messages.success(request, _("方案“%(label)s”已删除。") % {"label": proposal.label})
    return redirect("negotiation:proposals", pk=case.pk)


# --- Script and written request -----------------------------------------------------------------


def _script_context(request: AuthenticatedRequest, case: Case) -> dict[str, Any]:
    situation = selectors.situation_for(case)
    chosen = selectors.chosen_proposal(case)
    schedule = selectors.schedule_or_none(chosen)
    return {
        "case": case,
        "is_owner": _is_owner(request, case),
        "situation": situation,
        "chosen": chosen,
        "stale_plan": schedule is not None and schedule.first_due < timezone.localdate(),
        "steps": phone_script(case, situation=situation, schedule=schedule),
        "pushbacks": pushback_answers(case, situation=situation, schedule=schedule),
        "recording": RECORDING,
        "show_gloss": not (translation.get_language() or "zh").startswith("zh"),
    }


@login_required
@require_GET
def script(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    return render(request, "negotiation/script.html", _script_context(request, case))


@login_required
@require_GET
def script_print(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    return render(request, "negotiation/script_print.html", _script_context(request, case))


@login_required
@require_GET
def letter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    context = negotiation_request_context(case)
    return render(
        request,
        "negotiation/letter.html",
        {
            # The letter's own variables at the top level, as the letter_body partial reads them.
            **context,
            "case": case,
            "is_owner": _is_owner(request, case),
            "missing": missing_facts(context),
            "cautions": [p for p in context["cited_provisions"] if p["needs_caution"]],
        },
    )


@login_required
@require_GET
@never_cache
def letter_preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    with translation.override("zh-hans"):
        return render_preview(LETTER_TEMPLATE, negotiation_request_context(case), request)


@login_required
@require_GET
@never_cache
def letter_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    with translation.override("zh-hans"):
        document = render_pdf(LETTER_TEMPLATE, negotiation_request_context(case))
        # Named in Chinese like its content, whatever the interface language.
        filename = f"{_('协商还款申请')}-{timezone.localdate():%Y%m%d}.pdf"
    response = HttpResponse(document.pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Document-SHA256"] = document.sha256
    return response


# --- Contact log --------------------------------------------------------------------------------


@login_required
@require_GET
def contacts(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    page = Paginator(selectors.contacts_for(case), CONTACTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "negotiation/contacts.html",
        {
            "case": case,
            "is_owner": _is_owner(request, case),
            "page": page,
            "deadlines": selectors.upcoming_deadlines(case),
            "attachment_form": AttachmentForm(),
            "recording": RECORDING,
        },
    )


def _after_contact_message(request: AuthenticatedRequest, contact: ContactLog) -> None:
    messages.success(request, _("沟通记录已保存。"))
    if contact.outcome == Outcome.AGREED:
        messages.info(
            request,
            _("对方同意了方案：请要求对方书面确认，并在“还款协议”里记下协议。"),
        )
    elif contact.outcome == Outcome.THREATENED:
        messages.warning(
            request,
            _(
                "威胁、辱骂和施压都是证据，原样保留。第 3 步“保留证据”可以整理证据并投诉。"
                "如果你觉得有人身危险，请立即拨打 110。"
            ),
        )


@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = ContactForm(request.POST or None, request.FILES or None, initial={"occurred_at": now})
    if request.method == "POST" and form.is_valid():
        try:
            contact = contact_create(
                case=case,
                fields={name: form.cleaned_data.get(name) for name in CONTACT_FIELDS},
                attachments=form.cleaned_data["attachments"],
                uploaded_by=request.user,
            )
        except UploadRejected as exc:
            form.add_error("attachments", exc.message)
        else:
            _after_contact_message(request, contact)
            url = reverse("negotiation:contacts", args=[case.pk])
            return redirect(f"{url}#contact-{contact.pk}")
    return render(
        request,
        "negotiation/contact_form.html",
        {"case": case, "form": form, "contact": None, "recording": RECORDING},
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: AuthenticatedRequest, pk: int, contact_id: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    contact = get_contact(case, contact_id)
    form = ContactForm(request.POST or None, instance=contact, with_attachments=False)
    if request.method == "POST" and form.is_valid():
        try:
            contact_update(
                contact=contact,
                fields={name: form.cleaned_data.get(name) for name in CONTACT_FIELDS},
            )
        except ContactLog.DoesNotExist as exc:
            raise Http404("Contact deleted meanwhile") from exc
        messages.success(request, _("沟通记录已更新。"))
        url = reverse("negotiation:contacts", args=[case.pk])
        return redirect(f"{url}#contact-{contact.pk}")
    return render(
        request,
        "negotiation/contact_form.html",
        {"case": case, "form": form, "contact": contact, "recording": RECORDING},
    )


@login_required
@require_POST
def contact_attach(request: AuthenticatedRequest, pk: int, contact_id: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    contact = get_contact(case, contact_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            stored = negotiation_files_add(
                case=case,
                uploads=form.cleaned_data["uploads"],
                kind=FileKind.CONTACT,
                uploaded_by=request.user,
                contact=contact,
            )
        except UploadRejected as exc:
            messages.error(request, exc.message)
        else:
            _report_stored(request, len(stored), len(form.cleaned_data["uploads"]))
    else:
        for error in form.errors.get("uploads", []):
            messages.error(request, str(error))
    url = reverse("negotiation:contacts", args=[case.pk])
    return redirect(f"{url}#contact-{contact.pk}")


# --- Agreement ----------------------------------------------------------------------------------


def _agreement_page(
    request: AuthenticatedRequest,
    case: Case,
    *,
    bound: tuple[int, PaymentForm] | None = None,
    confirmation_form: ConfirmationForm | None = None,
) -> HttpResponse:
    agreement = selectors.agreement_with_payments(case)
    payments = list(agreement.payments.all()) if agreement else []
    rows = [(p, bound[1] if bound and bound[0] == p.pk else _payment_form(p)) for p in payments]
    return render(
        request,
        "negotiation/agreement.html",
        {
            "case": case,
            "is_owner": _is_owner(request, case),
            "agreement": agreement,
            "schedule": selectors.schedule_or_none(agreement),
            "payment_rows": rows,
            "confirmations": (
                [f for f in agreement.files.all() if f.kind == FileKind.CONFIRMATION]
                if agreement
                else []
            ),
            "confirmation_form": confirmation_form or ConfirmationForm(),
            "progress": selectors.payment_progress(agreement) if agreement else None,
            "earlier": selectors.earlier_agreements(case),
            "today": timezone.localdate(),
        },
    )


def _payment_form(payment: AgreedPayment) -> PaymentForm:
    return PaymentForm(
        initial={"paid_on": timezone.localdate(), "paid_amount": payment.amount},
        prefix=f"p{payment.pk}",
    )


@login_required
@require_GET
def agreement(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    return _agreement_page(request, case)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    source_id = request.GET.get("proposal") or request.POST.get("proposal") or ""
    source = (
        get_proposal(case, int(source_id))
        if source_id.isdigit()
        else selectors.chosen_proposal(case)
    )
    initial: dict[str, Any] = {
        "agreed_at": timezone.localtime().replace(second=0, microsecond=0),
        "agreed_via": "phone_out",
    }
    if source is not None:
        initial.update(_terms_initial(source))
    elif case.amount_owed:
        initial["principal"] = case.amount_owed
    form = AgreementForm(request.POST or None, request.FILES or None, initial=initial)
    preview = request.POST.get("action") == "preview"
    if request.method == "POST" and form.is_valid() and not preview:
        assert form.terms is not None
        try:
            agreement_create(
                case=case,
                terms=form.terms,
                fields=form.cleaned_data,
                uploaded_by=request.user,
                proposal=source,
                confirmations=form.cleaned_data["confirmations"],
            )
        except UploadRejected as exc:
            form.add_error("confirmations", exc.message)
        else:
            messages.success(request, _("还款协议已记录。按下面的计划还款，每还一期就标记一次。"))
            return redirect("negotiation:agreement", pk=case.pk)
    return render(
        request,
        _template(request, "negotiation/agreement_form.html", "agreement_form"),
        {
            "case": case,
            "form": form,
            "source": source,
            "preview": form.schedule if preview else None,
            "has_active": selectors.active_agreement(case) is not None,
        },
    )


@login_required
@require_POST
def agreement_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    active = selectors.active_agreement(case)
    if active is None:
        messages.error(request, _("还没有记录还款协议，请先记录协议再上传书面确认。"))
        return redirect("negotiation:agreement", pk=case.pk)
    form = ConfirmationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            stored = negotiation_files_add(
                case=case,
                uploads=form.cleaned_data["uploads"],
                kind=FileKind.CONFIRMATION,
                uploaded_by=request.user,
                agreement=active,
            )
        except UploadRejected as exc:
            form.add_error("uploads", exc.message)
        else:
            _report_stored(request, len(stored), len(form.cleaned_data["uploads"]))
            return redirect(reverse("negotiation:agreement", args=[case.pk]) + "#confirmation")
    return _agreement_page(request, case, confirmation_form=form)


def _payment_response(
    request: AuthenticatedRequest, case: Case, payment: AgreedPayment, form: PaymentForm
) -> HttpResponse:
    if not request.htmx:
        return _agreement_page(request, case, bound=(payment.pk, form))
    # The instalment in place, and the "paid k / n" summary out of band.
    fresh = get_payment(case, payment.pk)
    context = {
        "case": case,
        "is_owner": True,
        "payment": fresh,
        "payment_form": form,
        "today": timezone.localdate(),
        "progress": selectors.payment_progress(fresh.agreement),
        "oob": True,
    }
    template = "negotiation/agreement.html"
    return HttpResponse(
        render_to_string(f"{template}#payment", context, request)
        + render_to_string(f"{template}#progress", context, request)
    )


@login_required
@require_POST
def payment_paid(request: AuthenticatedRequest, pk: int, payment_id: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    payment = get_payment(case, payment_id)
    form = PaymentForm(request.POST, request.FILES, prefix=f"p{payment.pk}")
    if form.is_valid():
        try:
            payment_record(
                payment=payment,
                paid_on=form.cleaned_data["paid_on"],
                paid_amount=form.cleaned_data["paid_amount"],
                uploaded_by=request.user,
                receipts=form.cleaned_data["receipts"],
            )
        except UploadRejected as exc:
            form.add_error("receipts", exc.message)
        else:
            if not request.htmx:
                messages.success(
                    request, _("第 %(number)s 期已标记为已还。") % {"number": payment.number}
                )
                url = reverse("negotiation:agreement", args=[case.pk])
                return redirect(f"{url}#payment-{payment.pk}")
            return _payment_response(request, case, payment, _payment_form(payment))
    return _payment_response(request, case, payment, form)


@login_required
@require_POST
def payment_unpaid(request: AuthenticatedRequest, pk: int, payment_id: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    payment = payment_clear(payment=get_payment(case, payment_id))
    if request.htmx:
        return _payment_response(request, case, payment, _payment_form(payment))
    messages.success(request, _("第 %(number)s 期已改回未还。") % {"number": payment.number})
    url = reverse("negotiation:agreement", args=[case.pk])
    return redirect(f"{url}#payment-{payment.pk}")


# --- Files --------------------------------------------------------------------------------------


@login_required
@require_GET
@never_cache
def file_download(request: AuthenticatedRequest, pk: int, file_id: int) -> FileResponse:
    """The original bytes, always as a download (never rendered in the app's origin)."""
    case = get_case_for_user(request.user, pk)
    stored = get_file(case, file_id)
    response = FileResponse(
        default_storage.open(stored.path, "rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-SHA256"] = stored.sha256
    return response
