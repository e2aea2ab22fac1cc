from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from collectguard.cases.access import get_case_for_user, get_rw_case_for_user
from collectguard.cases.models import Case
from collectguard.http import AuthenticatedRequest
from collectguard.review import selectors, services
from collectguard.review.access import (
    get_approval_for_case,
    get_comment_for_case,
    get_invitation_for_staff,
    get_membership_for_staff,
    get_organisation_for_staff,
    get_share_by_code,
    get_share_for_case,
    share_reveals_third_parties,
    share_used_by,
)
from collectguard.review.decorators import staff_required, volunteer_required
from collectguard.review.export import case_export
from collectguard.review.forms import (
    ApproveForm,
    ChangeRequestForm,
    CommentForm,
    InvitationForm,
    OrganisationForm,
    QueueFilterForm,
    ShareCodeForm,
    ShareForm,
    ShareUpdateForm,
)
from collectguard.review.models import (
    CommentKind,
    Invitation,
    Membership,
    Organisation,
    TargetKind,
)
from collectguard.review.targets import letter_pdf, parse_target_value, resolve_target

log = logging.getLogger("collectguard.review")

QUEUE_PAGE_SIZE = 20
LOG_PAGE_SIZE = 50
NEW_INVITATION_LINK = "_review_new_invitation"


# Volunteers: queue and review ------------------------------------------------------------


@never_cache
@volunteer_required
@require_GET
def queue(request: AuthenticatedRequest) -> HttpResponse:
    filters = QueueFilterForm(request.GET or None)
    options = filters.cleaned()
    cases = selectors.queue_for(request.user, **options)
    page = Paginator(cases, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "options": options,
        "page": page,
        "query": query.urlencode(),
    }
    template = "review/queue.html#results" if request.htmx else "review/queue.html"
    return render(request, template, context)


@never_cache
@volunteer_required
@require_http_methods(["GET", "POST"])
def open_code(request: AuthenticatedRequest) -> HttpResponse:
    form = ShareCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            share = get_share_by_code(request.user, form.cleaned_data["code"])
        except Http404:
            form.add_error(
                "code",
                _("没有找到分享给你或你所在机构的这个分享码。它可能已被收回或已过期。"),
            )
        else:
            return redirect("review:case", pk=share.case_id)
    return render(
        request, "review/open_code.html", {"form": form}, status=400 if form.errors else 200
    )


@never_cache
@volunteer_required
@require_GET
def share_link(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The link a borrower sends over WeChat: opens the case if it is shared with this user."""
    share = get_share_by_code(request.user, code)
    return redirect("review:case", pk=share.case_id)


def _target_from_query(case: Case, raw: str) -> Any:
    parsed = parse_target_value(raw or "case")
    if parsed is None:
        return resolve_target(case, TargetKind.CASE, None)
    return resolve_target(case, *parsed) or resolve_target(case, TargetKind.CASE, None)


def _review_page(
    request: AuthenticatedRequest,
    case: Case,
    *,
    comment_form: CommentForm | None = None,
    changes_form: ChangeRequestForm | None = None,
    approve_errors: dict[int, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    target = _target_from_query(case, request.GET.get("target", ""))
    posted = comment_form or changes_form
    if posted is not None:
        target = _target_from_query(case, posted.data.get(posted.add_prefix("target"), ""))
    initial = {"target": target.value}
    reveal = share_reveals_third_parties(case, request.user)
    context = {
        "case": case,
        "share": share_used_by(request.user, case),
        "reveal": reveal,
        "material": selectors.review_material(case),
        "feedback": selectors.case_feedback(case),
        "target": target,
        "comment_form": comment_form or CommentForm(initial=initial, prefix="comment"),
        "changes_form": changes_form or ChangeRequestForm(initial=initial, prefix="changes"),
        "approve_errors": approve_errors or {},
        "max_messages": selectors.MAX_MESSAGES_ON_PAGE,
    }
    return render(request, "review/case.html", context, status=status)


@never_cache
@volunteer_required
@require_GET
def review_case(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    return _review_page(request, case)


def _resolve_posted_target(case: Case, form: CommentForm | ChangeRequestForm) -> Any:
    kind, target_id = form.cleaned_data.get("target") or (TargetKind.CASE, None)
    target = resolve_target(case, kind, target_id)
    if target is None:
        form.add_error(None, _("要评论的内容不存在或不属于这个案件。"))
    return target


@volunteer_required
@require_POST
def comment_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = CommentForm(request.POST, prefix="comment")
    if form.is_valid():
        target = _resolve_posted_target(case, form)
        if target is not None:
            share = share_used_by(request.user, case)
            services.comment_create(
                case=case,
                author=request.user,
                target=target,
                body=form.cleaned_data["body"],
                organisation=share.organisation if share else None,
            )
            messages.success(request, _("意见已发送给借款人。"))
            return redirect(reverse("review:case", args=[case.pk]) + "#feedback")
    return _review_page(request, case, comment_form=form, status=400)


@volunteer_required
@require_POST
def changes_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = ChangeRequestForm(request.POST, prefix="changes")
    if form.is_valid():
        target = _resolve_posted_target(case, form)
        if target is not None:
            share = share_used_by(request.user, case)
            services.comment_create(
                case=case,
                author=request.user,
                target=target,
                body=form.cleaned_data["body"],
                organisation=share.organisation if share else None,
                kind=CommentKind.CHANGES,
                reasons=form.cleaned_data["reasons"],
            )
            messages.success(request, _("修改建议已发送给借款人。"))
            return redirect(reverse("review:case", args=[case.pk]) + "#feedback")
    return _review_page(request, case, changes_form=form, status=400)


@volunteer_required
@require_POST
def letter_approve(request: AuthenticatedRequest, pk: int, document_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    letter = resolve_target(case, TargetKind.LETTER, document_id)
    if letter is None:
        raise Http404("No such letter")
    form = ApproveForm(request.POST)
    error, status = _("请重新打开文书后再批准。"), 400
    if form.is_valid():
        share = share_used_by(request.user, case)
        try:
            services.letter_approve(
                case=case,
                letter=letter,
                approved_by=request.user,
                seen_sha256=form.cleaned_data["sha256"],
                organisation=share.organisation if share else None,
                note=form.cleaned_data["note"],
            )
        except services.ApprovalError as exc:
            error, status = str(exc), 409
        else:
            messages.success(request, _("已批准这个版本。借款人将打印的正是这个版本。"))
            return redirect(reverse("review:case", args=[case.pk]) + "#letters")
    return _review_page(request, case, approve_errors={document_id: error}, status=status)


# The approved PDF: exactly the stored, recorded version ----------------------------------


def _verified_pdf_response(
    request: AuthenticatedRequest, name: str, expected_sha256: str, filename: str
) -> HttpResponseBase:
    """Serve a stored PDF only if its bytes still hash to what was recorded."""
    digest = hashlib.sha256()
    try:
        with default_storage.open(name, "rb") as source:
            while chunk := source.read(64 * 1024):
                digest.update(chunk)
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        log.error("stored PDF missing: %s", name)
        raise Http404("PDF missing") from None
    if digest.hexdigest() != expected_sha256:
        handle.close()
        log.error("stored PDF does not match its recorded hash: %s", name)
        return render(request, "review/pdf_mismatch.html", status=409)
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )


@never_cache
@login_required
@require_GET
def approved_pdf_download(
    request: AuthenticatedRequest, pk: int, approval_id: int
) -> HttpResponseBase:
    """The approved version of a letter, byte for byte, or nothing."""
    case = get_case_for_user(request.user, pk)
    approval = get_approval_for_case(case, approval_id)
    letter = resolve_target(case, TargetKind.LETTER, approval.document_id)
    if letter is None:
        raise Http404("No such letter")
    name, _sha256 = letter_pdf(letter.obj)
    if not name:
        raise Http404("No PDF")
    return _verified_pdf_response(
        request, name, approval.pdf_sha256, f"letter-{case.pk}-{approval.document_id}-approved.pdf"
    )


# Borrowers: sharing, feedback, access log, export ----------------------------------------


def _sharing_page(
    request: AuthenticatedRequest,
    case: Case,
    *,
    form: ShareForm | None = None,
    update: tuple[int, ShareUpdateForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    shares = list(selectors.shares_of(case))
    context = {
        "case": case,
        "form": form or ShareForm(owner=request.user),
        "live_shares": [share for share in shares if share.is_live()],
        "past_shares": [share for share in shares if not share.is_live()],
        # A share whose settings form came back with errors, and that form (what was typed).
        "update_share_id": update[0] if update else None,
        "update_form": update[1] if update else None,
    }
    return render(request, "review/sharing.html", context, status=status)


@never_cache
@login_required
@require_GET
def sharing(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    return _sharing_page(request, case)


@login_required
@require_POST
def share_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    form = ShareForm(request.POST, owner=request.user)
    if form.is_valid():
        try:
            share = services.share_create(
                case=case,
                organisation=form.cleaned_data["organisation"],
                volunteer=form.cleaned_data["volunteer"],
                expires_on=form.cleaned_data["expires_on"],
                reveal_third_parties=form.cleaned_data["reveal_third_parties"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("已分享。把下面的分享码或链接通过微信发给对方。你可以随时收回。"),
            )
            return redirect(reverse("review:sharing", args=[case.pk]) + f"#share-{share.pk}")
    return _sharing_page(request, case, form=form, status=400)


@login_required
@require_POST
def share_update(request: AuthenticatedRequest, pk: int, share_id: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    share = get_share_for_case(case, share_id)
    if not share.is_live():
        messages.error(request, _("这个分享已经结束，不能再修改。需要时请重新分享。"))
        return redirect("review:sharing", pk=case.pk)
    form = ShareUpdateForm(request.POST)
    if not form.is_valid():
        return _sharing_page(request, case, update=(share.pk, form), status=400)
    services.share_update(
        share=share,
        expires_on=form.cleaned_data["expires_on"],
        reveal_third_parties=form.cleaned_data["reveal_third_parties"],
    )
    messages.success(request, _("分享设置已保存。"))
    return redirect(reverse("review:sharing", args=[case.pk]) + f"#share-{share.pk}")


@login_required
@require_POST
def share_revoke(request: AuthenticatedRequest, pk: int, share_id: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    share = get_share_for_case(case, share_id)
    services.share_revoke(share=share)
    messages.success(request, _("已收回。对方从现在起无法再查看这个案件。"))
    return redirect("review:sharing", pk=case.pk)


@login_required
@require_POST
def comment_resolve(request: AuthenticatedRequest, pk: int, comment_id: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    comment = get_comment_for_case(case, comment_id)
    services.comment_resolve(comment=comment, resolved=request.POST.get("resolved", "1") == "1")
    return redirect(reverse("cases:detail", args=[case.pk]) + "#feedback")


@never_cache
@login_required
@require_GET
def access_log(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    page = Paginator(selectors.access_log_of(case), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "review/access_log.html", {"case": case, "page": page})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def export(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    case = get_rw_case_for_user(request.user, pk)
    if request.method == "POST":
        result = case_export(case)
        return FileResponse(
            result.file,
            as_attachment=True,
            filename=result.filename,
            content_type="application/zip",
        )
    return render(request, "review/export.html", {"case": case})


# Staff: organisations and invitations -----------------------------------------------------


def _organisation_page(
    request: AuthenticatedRequest,
    organisation: Organisation,
    *,
    form: InvitationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "organisation": organisation,
        "members": Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_active", "user__username"),
        "invitations": Invitation.objects.filter(organisation=organisation).select_related(
            "accepted_by"
        ),
        "form": form or InvitationForm(),
        "new_link": request.session.pop(NEW_INVITATION_LINK, None),
    }
    return render(request, "review/organisation_detail.html", context, status=status)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def organisation_list(request: AuthenticatedRequest) -> HttpResponse:
    form = OrganisationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(**form.cleaned_data)
        messages.success(request, _("机构已创建。现在可以邀请志愿者。"))
        return redirect("review:organisation_detail", pk=organisation.pk)
    organisations = Organisation.objects.order_by("name")
    return render(
        request,
        "review/organisation_list.html",
        {"form": form, "organisations": organisations},
        status=400 if form.errors else 200,
    )


@never_cache
@staff_required
@require_GET
def organisation_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_staff(pk)
    return _organisation_page(request, organisation)


@staff_required
@require_POST
def invitation_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_staff(pk)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _organisation_page(request, organisation, form=form, status=400)
    _invitation, token = services.invitation_create(
        organisation=organisation,
        created_by=request.user,
        invitee_label=form.cleaned_data["invitee_label"],
    )
    # Shown once on the next page; only its hash is stored.
    request.session[NEW_INVITATION_LINK] = request.build_absolute_uri(
        reverse("accounts:invitation", args=[token])
    )
    return redirect("review:organisation_detail", pk=organisation.pk)


@staff_required
@require_POST
def invitation_revoke(request: AuthenticatedRequest, pk: int, invitation_id: int) -> HttpResponse:
    organisation = get_organisation_for_staff(pk)
    invitation = get_invitation_for_staff(organisation, invitation_id)
    services.invitation_revoke(invitation=invitation)
    messages.success(request, _("邀请已作废。"))
    return redirect("review:organisation_detail", pk=organisation.pk)


@staff_required
@require_POST
def membership_deactivate(
    request: AuthenticatedRequest, pk: int, membership_id: int
) -> HttpResponse:
    organisation = get_organisation_for_staff(pk)
    membership = get_membership_for_staff(organisation, membership_id)
    services.membership_deactivate(membership=membership)
    messages.success(request, _("已移出机构。分享给本机构的案件，对方立即无法再查看。"))
    return redirect("review:organisation_detail", pk=organisation.pk)
