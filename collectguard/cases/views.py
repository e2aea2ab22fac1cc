from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from collectguard.cases.access import cases_owned_by, get_case_for_user, get_rw_case_for_user
from collectguard.cases.forms import CaseForm
from collectguard.cases.models import Case, CaseStatus
from collectguard.cases.progress import case_progress
from collectguard.cases.services import (
    EDITABLE_FIELDS,
    StaleCaseError,
    case_create,
    case_delete,
    case_set_archived,
    case_update,
)
from collectguard.http import AuthenticatedRequest
from collectguard.review.access import share_reveals_third_parties


@login_required
@require_GET
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    show_archived = request.GET.get("archived") == "1"
    status = CaseStatus.ARCHIVED if show_archived else CaseStatus.ACTIVE
    cases = cases_owned_by(request.user).filter(status=status)
    archived_count = cases_owned_by(request.user).filter(status=CaseStatus.ARCHIVED).count()
    return render(
        request,
        "cases/case_list.html",
        {"cases": cases, "show_archived": show_archived, "archived_count": archived_count},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: AuthenticatedRequest) -> HttpResponse:
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS}
        case = case_create(owner=request.user, **fields)
        messages.success(request, _("案件已创建。下一步：导入或粘贴你收到的催收短信。"))
        return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "case": None})


@login_required
@require_GET
def case_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "steps": case_progress(case),
            "is_owner": case.owner_id == request.user.pk,
            # Notes may name relatives or colleagues: masked for volunteers unless revealed.
            "reveal_third_parties": share_reveals_third_parties(case, request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    form = CaseForm(request.POST or None, instance=case)
    conflict: Case | None = None
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS}
        expected = form.cleaned_data.get("version") or 0
        try:
            case_update(case=case, expected_version=expected, **fields)
        except Case.DoesNotExist as exc:
            raise Http404("Case deleted meanwhile") from exc
        except StaleCaseError as exc:
            conflict = exc.current
            # Keep what the user typed, but let the next save go through against the new version.
            data = request.POST.copy()
            data["version"] = str(conflict.version)
            # The form writes into its instance while validating: give it a copy so the
            # saved version stays intact for display.
            form = CaseForm(data, instance=Case.objects.get(pk=conflict.pk))
            form.is_valid()
            form.add_error(
                None,
                _(
                    "这个案件刚刚在别的页面或设备上被修改过。下面是你填写的内容，"
                    "右侧（或下方）是最新保存的内容。确认无误后再次保存，将以你的内容为准。"
                ),
            )
        else:
            messages.success(request, _("案件信息已保存。"))
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/case_form.html",
        {"form": form, "case": case, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
@require_POST
def case_archive(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    archive = request.POST.get("archive", "1") == "1"
    try:
        case_set_archived(case=case, archived=archive)
    except Case.DoesNotExist as exc:
        raise Http404("Case deleted meanwhile") from exc
    messages.success(request, _("案件已归档。") if archive else _("案件已恢复为进行中。"))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def case_delete_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_rw_case_for_user(request.user, pk)
    if request.method == "POST":
        if request.POST.get("confirm_title", "").strip() != case.title:
            messages.error(request, _("请输入完整的案件名称以确认删除。"))
            return render(request, "cases/case_delete.html", {"case": case}, status=400)
        case_delete(case=case)
        messages.success(request, _("案件及其中所有资料已永久删除。"))
        return redirect("cases:list")
    return render(request, "cases/case_delete.html", {"case": case})
