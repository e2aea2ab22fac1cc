"""Step 3 保留证据: the evidence locker, documents, complaint packs and the action checklist.

Reading (GET) goes through `get_case_for_user` (owner or a volunteer the case is shared with);
every change goes through `get_rw_case_for_user` (owner only).
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from collectguard.cases.access import get_case_for_user, get_rw_case_for_user, is_owner
from collectguard.cases.models import Case
from collectguard.evidence import documents as docs
from collectguard.evidence import packs
from collectguard.evidence.access import (
    get_document_for_user,
    get_evidence_for_user,
    get_rw_evidence_for_user,
    get_rw_filing_for_user,
)
from collectguard.evidence.checklist import checklist_for_case
from collectguard.evidence.custody import custody_head, custody_verify
from collectguard.evidence.forms import (
    DocumentForm,
    EvidenceEditForm,
    EvidenceUploadForm,
    FilingForm,
)
from collectguard.evidence.models import CustodyAction, CustodyEntry, EvidenceItem
from collectguard.evidence.routing import channel_choices, recommend_channels
from collectguard.evidence.selectors import (
    documents_for_case,
    evidence_for_case,
    filings_for_case,
)
from collectguard.evidence.services import (
    DuplicateEvidence,
    EvidenceRejected,
    case_evidence_bytes,
    custody_record,
    document_generate,
    evidence_add,
    evidence_delete,
    evidence_record_access,
    evidence_update,
    filing_create,
    filing_remove,
    filing_update,
)
from collectguard.http import AuthenticatedRequest
from collectguard.review.access import share_reveals_third_parties
from collectguard.review.redaction import redact_text

_Response = TypeVar("_Response", bound=HttpResponseBase)


def _protect_download(response: _Response) -> _Response:
    """Headers for every file we send: never rendered in our origin, never cached."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "no-store, private"
    return response


# --- Evidence locker ----------------------------------------------------------------------------


def _overview_context(
    request: AuthenticatedRequest, case: Case, form: EvidenceUploadForm | None = None
) -> dict[str, object]:
    owner = is_owner(request.user, case)
    return {
        "case": case,
        "is_owner": owner,
        "form": form if form is not None else (EvidenceUploadForm() if owner else None),
        "items": evidence_for_case(case),
        "other_files": docs.other_evidence_files(case),
        "used_bytes": case_evidence_bytes(case),
        "limit_bytes": settings.MAX_CASE_EVIDENCE_BYTES,
        "file_limit_bytes": settings.MAX_UPLOAD_BYTES,
        "recommendations": recommend_channels(case)[:3],
        "latest_documents": documents_for_case(case)[:3],
    }


@login_required
@require_GET
def overview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    return render(request, "evidence/overview.html", _overview_context(request, case))


@login_required
@require_POST
def upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    form = EvidenceUploadForm(request.POST, request.FILES)
    outcome, level = "", "success"
    if form.is_valid():
        try:
            item = evidence_add(
                case=case,
                uploaded_by=request.user,
                file=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                purpose=form.cleaned_data["purpose"],
                kind=form.cleaned_data["kind"],
            )
        except DuplicateEvidence as exc:
            outcome, level = exc.message, "info"
            if not request.htmx:
                messages.info(request, outcome)
                return redirect("evidence:item", pk=case.pk, item=exc.existing.uuid)
            form = EvidenceUploadForm()
        except EvidenceRejected as exc:
            form.add_error("file", exc.message)
        except Case.DoesNotExist as exc:
            raise Http404("Case deleted meanwhile") from exc
        else:
            outcome = _("已保存“%(name)s”。SHA-256：%(hash)s") % {
                "name": item.display_name,
                "hash": item.sha256,
            }
            if not request.htmx:
                messages.success(request, outcome)
                return redirect("evidence:overview", pk=case.pk)
            form = EvidenceUploadForm()
    context = _overview_context(request, case, form)
    context["outcome"], context["outcome_level"] = outcome, level
    if request.htmx:
        return render(request, "evidence/overview.html#locker", context)
    return render(request, "evidence/overview.html", context, status=400)


@login_required
@require_GET
def item_detail(request: AuthenticatedRequest, pk: int, item: uuid.UUID) -> HttpResponse:
    evidence = get_evidence_for_user(request.user, pk, item)
    evidence_record_access(item=evidence, actor=request.user, action=CustodyAction.VIEWED)
    history = CustodyEntry.objects.filter(case=evidence.case, target=f"evidence:{evidence.uuid}")
    # A volunteer sees third parties' numbers and names only if the borrower revealed them.
    reveal = share_reveals_third_parties(evidence.case, request.user)
    related = [
        (message, redact_text(message.body, reveal=reveal))
        for message in evidence.related_messages.order_by("received_at", "pk")
    ]
    return render(
        request,
        "evidence/item_detail.html",
        {
            "case": evidence.case,
            "item": evidence,
            "is_owner": is_owner(request.user, evidence.case),
            "related": related,
            "history": history,
        },
    )


@login_required
@require_GET
@never_cache
def item_download(request: AuthenticatedRequest, pk: int, item: uuid.UUID) -> HttpResponseBase:
    evidence = get_evidence_for_user(request.user, pk, item)
    try:
        handle = default_storage.open(evidence.storage_key, "rb")
    except FileNotFoundError as exc:
        raise Http404("Original missing") from exc
    evidence_record_access(item=evidence, actor=request.user, action=CustodyAction.DOWNLOADED)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.type_info.mime,
    )
    return _protect_download(response)


@login_required
@require_GET
def item_preview(request: AuthenticatedRequest, pk: int, item: uuid.UUID) -> HttpResponseBase:
    """The derived JPEG preview of an image (never the original)."""
    evidence = get_evidence_for_user(request.user, pk, item)
    if not evidence.thumbnail_key:
        raise Http404("No preview")
    try:
        handle = default_storage.open(evidence.thumbnail_key, "rb")
    except FileNotFoundError as exc:
        raise Http404("Preview missing") from exc
    response = FileResponse(handle, content_type="image/jpeg")
    response["Content-Disposition"] = "inline"
    return _protect_download(response)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: AuthenticatedRequest, pk: int, item: uuid.UUID) -> HttpResponse:
    evidence = get_rw_evidence_for_user(request.user, pk, item)
    initial = {
        "kind": evidence.kind,
        "description": evidence.description,
        "purpose": evidence.purpose,
        "related_messages": list(evidence.related_messages.all()),
    }
    form = EvidenceEditForm(request.POST or None, initial=initial, case=evidence.case)
    if request.method == "POST" and form.is_valid():
        try:
            evidence_update(
                item=evidence,
                actor=request.user,
                description=form.cleaned_data["description"],
                purpose=form.cleaned_data["purpose"],
                kind=form.cleaned_data["kind"],
                related_messages=form.cleaned_data["related_messages"],
            )
        except (EvidenceItem.DoesNotExist, Case.DoesNotExist) as exc:
            raise Http404("Deleted meanwhile") from exc
        messages.success(request, _("说明已保存。原件没有任何改动。"))
        return redirect("evidence:item", pk=evidence.case.pk, item=evidence.uuid)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "evidence/item_edit.html",
        {"case": evidence.case, "item": evidence, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_delete(request: AuthenticatedRequest, pk: int, item: uuid.UUID) -> HttpResponse:
    evidence = get_rw_evidence_for_user(request.user, pk, item)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("请勾选确认后再删除。"))
            return render(
                request,
                "evidence/item_delete.html",
                {"case": evidence.case, "item": evidence},
                status=400,
            )
        name = evidence.display_name
        try:
            evidence_delete(item=evidence, actor=request.user)
        except (EvidenceItem.DoesNotExist, Case.DoesNotExist) as exc:
            raise Http404("Deleted meanwhile") from exc
        messages.success(
            request, _("已删除“%(name)s”。保管记录里仍保留它的哈希值和删除记录。") % {"name": name}
        )
        return redirect("evidence:overview", pk=pk)
    return render(request, "evidence/item_delete.html", {"case": evidence.case, "item": evidence})


@login_required
@require_GET
def custody_log(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    entries = CustodyEntry.objects.filter(case=case).select_related("actor").order_by("-seq")
    return render(
        request,
        "evidence/custody.html",
        {
            "case": case,
            "entries": entries[:500],
            "problems": custody_verify(case),
            "head": custody_head(case),
        },
    )


# --- Documents ----------------------------------------------------------------------------------


@login_required
@require_GET
def documents(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    return render(
        request,
        "evidence/documents.html",
        {
            "case": case,
            "is_owner": is_owner(request.user, case),
            "choices": docs.document_choices(case),
            "generated": documents_for_case(case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_new(
    request: AuthenticatedRequest, pk: int, kind: str, channel: str = ""
) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    spec = docs.get_spec(kind, channel)
    if spec is None:
        raise Http404("No such document")
    form = DocumentForm(request.POST or None, spec=spec, user=request.user)
    if request.method == "POST" and form.is_valid():
        document = document_generate(
            case=case,
            actor=request.user,
            kind=kind,
            channel=channel,
            inputs=form.inputs(),
        )
        messages.success(
            request,
            _("已生成“%(title)s”，共 %(pages)s 页。")
            % {
                "title": document.title,
                "pages": document.pages,
            },
        )
        return redirect("evidence:document", pk=case.pk, doc=document.pk)
    return render(
        request,
        "evidence/document_new.html",
        {"case": case, "spec": spec, "form": form, "channel": docs.channel_info(channel)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def document_detail(request: AuthenticatedRequest, pk: int, doc: int) -> HttpResponse:
    document = get_document_for_user(request.user, pk, doc)
    return render(
        request,
        "evidence/document_detail.html",
        {
            "case": document.case,
            "document": document,
            "is_owner": is_owner(request.user, document.case),
            "channel": docs.channel_info(document.channel),
            "spec": docs.get_spec(document.kind, document.channel),
        },
    )


@login_required
@require_GET
@never_cache
def document_pdf(request: AuthenticatedRequest, pk: int, doc: int) -> HttpResponseBase:
    """The stored PDF bytes of a snapshot: exactly what was generated (and approved)."""
    document = get_document_for_user(request.user, pk, doc)
    try:
        handle = default_storage.open(document.pdf_key, "rb")
    except FileNotFoundError as exc:
        raise Http404("PDF missing") from exc
    custody_record(
        case=document.case,
        actor=request.user,
        action=CustodyAction.EXPORTED,
        target=f"document:{document.pk}",
        details={"sha256": document.pdf_sha256, "kind": document.kind},
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name,
        content_type="application/pdf",
    )
    return _protect_download(response)


@login_required
@require_GET
def document_page(request: AuthenticatedRequest, pk: int, doc: int) -> HttpResponse:
    """The stored HTML of a snapshot, for browsers that cannot download files (WeChat)."""
    document = get_document_for_user(request.user, pk, doc)
    custody_record(
        case=document.case,
        actor=request.user,
        action=CustodyAction.VIEWED,
        target=f"document:{document.pk}",
        details={"sha256": document.pdf_sha256, "title": document.title},
    )
    response = HttpResponse(document.html, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store, private"
    return response


# --- Complaints and the action checklist --------------------------------------------------------


@login_required
@require_GET
def complaints(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    return render(
        request,
        "evidence/complaints.html",
        {"case": case, "recommendations": recommend_channels(case)},
    )


@login_required
@require_GET
def complaint_pack(request: AuthenticatedRequest, pk: int, channel: str) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    pack = packs.complaint_pack(case, channel, viewer=request.user)
    if pack is None:
        raise Http404("No pack for this channel")
    return render(
        request,
        "evidence/pack.html",
        {
            "case": case,
            "pack": pack,
            "is_owner": is_owner(request.user, case),
            "documents": documents_for_case(case).filter(channel=channel)[:5],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def checklist(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        case = get_rw_case_for_user(request.user, pk)
    else:
        case = get_case_for_user(request.user, pk)
    owner = is_owner(request.user, case)
    initial = {"channel": request.GET.get("channel", "")}
    form = FilingForm(
        request.POST or None, initial=initial, channels=channel_choices(), prefix="filing"
    )
    if request.method == "POST" and form.is_valid():
        filing_create(
            case=case,
            actor=request.user,
            channel=form.cleaned_data["channel"],
            status=form.cleaned_data["status"],
            filed_on=form.cleaned_data["filed_on"],
            reference_number=form.cleaned_data["reference_number"],
            answered_on=form.cleaned_data["answered_on"],
            notes=form.cleaned_data["notes"],
        )
        messages.success(request, _("已记录。"))
        return redirect("evidence:checklist", pk=case.pk)
    return render(
        request,
        "evidence/checklist.html",
        {
            "case": case,
            "is_owner": owner,
            "form": form if owner else None,
            "checklist": checklist_for_case(case),
            "filings": filings_for_case(case),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def filing_edit(request: AuthenticatedRequest, pk: int, filing: int) -> HttpResponse:
    record = get_rw_filing_for_user(request.user, pk, filing)
    form = FilingForm(request.POST or None, instance=record, channels=channel_choices())
    if request.method == "POST" and form.is_valid():
        filing_update(
            filing=record,
            actor=request.user,
            channel=form.cleaned_data["channel"],
            status=form.cleaned_data["status"],
            filed_on=form.cleaned_data["filed_on"],
            reference_number=form.cleaned_data["reference_number"],
            answered_on=form.cleaned_data["answered_on"],
            notes=form.cleaned_data["notes"],
        )
        messages.success(request, _("已保存。"))
        return redirect("evidence:checklist", pk=record.case.pk)
    return render(
        request,
        "evidence/filing_edit.html",
        {"case": record.case, "filing": record, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def filing_delete(request: AuthenticatedRequest, pk: int, filing: int) -> HttpResponse:
    record = get_rw_filing_for_user(request.user, pk, filing)
    filing_remove(filing=record, actor=request.user)
    messages.success(request, _("已删除这条记录。"))
    return redirect("evidence:checklist", pk=pk)
