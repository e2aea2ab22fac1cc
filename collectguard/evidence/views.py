from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from collectguard.cases.access import get_case_for_user
from collectguard.http import AuthenticatedRequest


@login_required
def overview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    return render(request, "evidence/overview.html", {"case": case})
