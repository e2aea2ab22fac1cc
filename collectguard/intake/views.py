"""Step 1 识别来源: bring messages in (paste, manual entry, phone backup), see who sends them,
which ones cross legal lines, and the contact statistics.

Reading (GET) goes through `get_case_for_user` (the owner, or a volunteer the case is shared
with); every change goes through `get_rw_case_for_user` (the owner only). Every page works as
plain HTML forms and links; htmx only swaps parts of a page in place.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from collectguard.cases.access import get_case_for_user, get_rw_case_for_user, is_owner
from collectguard.cases.models import Case
from collectguard.http import AuthenticatedRequest
from collectguard.intake.access import get_batch_for_user, get_rw_batch_for_user
from collectguard.intake.forms import (
    BackupUploadForm,
    ManualEntryForm,
    MessageFilterForm,
    PasteForm,
)
from collectguard.intake.paste import parse_pasted
from collectguard.intake.preview import analyse_pasted
from collectguard.intake.selectors import (
    MessageFilters,
    MessageView,
    active_agreement_at,
    has_other_contacts,
    import_batches,
    intake_summary,
    message_list,
    other_contacts,
    private_numbers,
    reveals_third_parties,
    safety_alerts,
    sender_view,
    senders_for_case,
    senders_overview,
)
from collectguard.intake.services import (
    BackupRejected,
    IntakeError,
    PasteRejected,
    backup_import,
    backup_keep_all,
    message_add_manual,
    messages_paste,
)
from collectguard.intake.stats import (
    case_findings,
    case_statistics,
    hour_totals,
    lender_type,
    worst_days,
)
from collectguard.review.redaction import redact_text

OVERVIEW_SENDERS = 10
MESSAGES_PER_PAGE = 30
SENDERS_PER_PAGE = 25


def _render(
    request: AuthenticatedRequest,
    template: str,
    context: dict[str, Any],
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole page, or only ``partial`` of it when htmx asked for it.

    htmx does not swap error responses, so a partial with form errors goes out as 200.
    """
    if partial and request.htmx:
        return render(request, f"{template}#{partial}", context)
    return render(request, template, context, status=status)


@login_required
@require_GET
def overview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    summary = intake_summary(case)
    reveal = reveals_third_parties(case, request.user)
    return render(
        request,
        "intake/overview.html",
        {
            "case": case,
            "is_owner": is_owner(request.user, case),
            "alerts": safety_alerts(case, reveal=reveal),
            "summary": summary,
            "senders": senders_overview(case, limit=OVERVIEW_SENDERS, reveal=reveal),
            "more_senders": max(0, summary["senders"] - OVERVIEW_SENDERS),
            "other_contacts": other_contacts(case) if summary["other"] else {},
            "batches": import_batches(case)[:5],
        },
    )


# --- Paste ---------------------------------------------------------------------------------------


def _preview(form: PasteForm) -> dict[str, Any]:
    """The analysis of what is in the paste box, without saving anything."""
    if not form.is_valid():
        return {"preview": None}
    parsed = parse_pasted(
        form.cleaned_data["text"],
        default_sender=form.cleaned_data.get("default_sender") or "",
        default_time=form.cleaned_data.get("default_time"),
    )
    return {"preview": analyse_pasted(parsed), "problems": parsed.problems}


@login_required
@require_http_methods(["GET", "POST"])
def paste(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    form = PasteForm(
        request.POST or None, preview_url=reverse("intake:paste_preview", args=[case.pk])
    )
    context: dict[str, Any] = {"case": case, "form": form}
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "save" and form.is_valid():
            try:
                outcome = messages_paste(
                    case=case,
                    text=form.cleaned_data["text"],
                    default_sender=form.cleaned_data.get("default_sender") or "",
                    default_time=form.cleaned_data.get("default_time"),
                )
            except PasteRejected as exc:
                form.add_error("text", exc.message)
                status = 400
            else:
                messages.success(request, _saved_message(len(outcome.created), outcome.duplicates))
                return redirect("intake:messages", pk=case.pk)
        context.update(_preview(form))
        if form.errors:
            status = 400
    return render(request, "intake/paste.html", context, status=status)


def _saved_message(created: int, duplicates: int) -> str:
    text = ngettext("已保存 %(n)s 条消息。", "已保存 %(n)s 条消息。", created) % {"n": created}
    if duplicates:
        text += ngettext(
            "%(n)s 条之前已经保存过，没有重复保存。",
            "%(n)s 条之前已经保存过，没有重复保存。",
            duplicates,
        ) % {"n": duplicates}
    return text


@login_required
@require_POST
def paste_preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Live analysis while typing (htmx); nothing is saved."""
    case = get_rw_case_for_user(request.user, pk)
    form = PasteForm(request.POST)
    context = {"case": case, "form": form, **_preview(form)}
    if not request.htmx:
        return render(request, "intake/paste.html", context)
    return render(request, "intake/paste.html#preview", context)


# --- Manual entry --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def manual(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    form = ManualEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            message_add_manual(
                case=case,
                kind=data["kind"],
                occurred_at=data["occurred_at"],
                sender=data.get("sender") or "",
                body=data.get("body") or "",
                channel=data.get("channel") or "other",
                call_type=data.get("call_type") or "incoming",
                duration_s=data.get("duration_s") or 0,
            )
        except IntakeError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已记录。"))
            return redirect("intake:overview", pk=case.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "intake/manual.html", {"case": case, "form": form}, status=status)


# --- Phone backups -------------------------------------------------------------------------------


def _upload_context(case: Case, form: BackupUploadForm) -> dict[str, Any]:
    return {
        "case": case,
        "form": form,
        "batches": import_batches(case)[:10],
        "limit_bytes": settings.MAX_UPLOAD_BYTES,
    }


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    form = BackupUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            result = backup_import(
                case=case,
                user=request.user,
                fileobj=upload_file,
                original_name=upload_file.name or "backup.xml",
                keep_all=form.cleaned_data["keep_all"],
                expected_kind=form.cleaned_data.get("expected_kind") or None,
            )
        except BackupRejected as exc:
            form.add_error("file", exc.message)
        else:
            if result.already_imported:
                messages.info(request, _("这个文件之前已经导入过了，没有重复导入。"))
            elif result.kind_mismatch:
                messages.warning(request, _kind_notice(result.kind))
            url = reverse("intake:import_result", args=[case.pk, result.batch.pk])
            if request.htmx:
                return HttpResponseClientRedirect(url)
            return redirect(url)
    status = 400 if form.is_bound and form.errors else 200
    return _render(
        request, "intake/upload.html", _upload_context(case, form), partial="upload", status=status
    )


def _kind_notice(kind: str) -> str:
    if kind == "calls":
        return _("这个文件其实是通话记录备份（不是短信备份），已按通话记录导入。")
    return _("这个文件其实是短信备份（不是通话记录备份），已按短信导入。")


@login_required
@require_GET
def import_result(request: AuthenticatedRequest, pk: int, batch_id: int) -> HttpResponse:
    case, batch = get_batch_for_user(request.user, pk, batch_id)
    return render(
        request,
        "intake/import_result.html",
        {
            "case": case,
            "batch": batch,
            "is_owner": is_owner(request.user, case),
            # The numbers left out are the borrower's family and friends: only the owner
            # sees them and what they wrote.
            "left_out": batch.left_out_senders[:50] if is_owner(request.user, case) else [],
        },
    )


@login_required
@require_POST
def keep_all(request: AuthenticatedRequest, pk: int, batch_id: int) -> HttpResponse:
    case, batch = get_rw_batch_for_user(request.user, pk, batch_id)
    try:
        result = backup_keep_all(batch=batch, user=request.user)
    except IntakeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已保留全部：又导入了 %(messages)s 条短信、%(calls)s 个通话。")
            % {"messages": result.messages_imported, "calls": result.calls_imported},
        )
    return redirect("intake:import_result", pk=case.pk, batch_id=batch.pk)


# --- Reading -------------------------------------------------------------------------------------


@login_required
@require_GET
def message_list_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = MessageFilterForm(request.GET or None, case=case)
    filters = MessageFilters()
    if form.is_valid():
        filters = MessageFilters(
            sender=form.cleaned_data.get("sender"),
            category=form.cleaned_data.get("category") or "",
            night_only=bool(form.cleaned_data.get("night")),
            flagged_only=bool(form.cleaned_data.get("flagged")),
        )
    paginator = Paginator(message_list(case, filters), MESSAGES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    agreement_at = active_agreement_at(case)
    reveal = reveals_third_parties(case, request.user)
    private = private_numbers(case, reveal=reveal)
    query = request.GET.copy()
    query.pop("page", None)
    return _render(
        request,
        "intake/messages.html",
        {
            "case": case,
            "form": form,
            "page": page,
            "items": [MessageView(m, agreement_at, reveal, private) for m in page.object_list],
            "agreement_at": agreement_at,
            "query": query.urlencode(),
        },
        partial="results",
    )


@login_required
@require_GET
def senders(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    paginator = Paginator(senders_for_case(case), SENDERS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    loan = lender_type(case)
    reveal = reveals_third_parties(case, request.user)
    return _render(
        request,
        "intake/senders.html",
        {
            "case": case,
            "page": page,
            "senders": [
                sender_view(sender, loan=loan, reveal=reveal) for sender in page.object_list
            ],
        },
        partial="results",
    )


@login_required
@require_GET
def statistics(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    stats = case_statistics(case)
    private = private_numbers(case, reveal=reveals_third_parties(case, request.user))
    findings = case_findings(case, stats)
    for finding in findings:
        finding.numbers = [_masked(number, private) for number in finding.numbers]
    return render(
        request,
        "intake/statistics.html",
        {
            "case": case,
            "stats": stats,
            "findings": findings,
            "worst_days": worst_days(stats),
            "hours": hour_totals(stats),
            "top_senders": [
                {**row, "number": _masked(row["number"], private)} for row in stats["senders"][:50]
            ],
            "more_senders": max(0, len(stats["senders"]) - 50),
            "other_contacts": other_contacts(case) if has_other_contacts(case) else {},
        },
    )


def _masked(number: str, private: frozenset[str]) -> str:
    return redact_text(number, reveal=False) if number in private else number
