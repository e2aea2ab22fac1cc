"""Gates for volunteer and staff pages: both need an account of that kind and a session that
passed the second factor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from collectguard.accounts.two_factor import redirect_to_second_step
from collectguard.http import AuthenticatedRequest
from collectguard.review.access import is_verified

View = Callable[..., HttpResponse]


def _gate(predicate: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_active or not predicate(request.user):
                # Not a page this account has: same answer as for a page that does not exist.
                raise Http404("Not found")
            if not is_verified(request.user):
                next_url = request.get_full_path() if request.method == "GET" else "/"
                return redirect_to_second_step(request, next_url=next_url)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


volunteer_required = _gate(lambda user: bool(user.is_volunteer))
staff_required = _gate(lambda user: bool(user.is_staff))
