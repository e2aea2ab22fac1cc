"""Request-level protections that Django does not ship."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

Handler = Callable[[HttpRequest], HttpResponse]


class RequestSizeLimitMiddleware:
    """Refuse bodies over MAX_UPLOAD_BYTES before anything reads them.

    Django streams any upload to a temporary file whatever its size; checking
    Content-Length first means a 2 GB body costs nothing. Chunked bodies without a length
    are refused too: browsers always send a length for forms.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in {"POST", "PUT", "PATCH"}:
            length = request.META.get("CONTENT_LENGTH") or ""
            chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
            limit = settings.MAX_UPLOAD_BYTES + 64 * 1024  # room for the other form fields
            too_big = chunked or (length.isdigit() and int(length) > limit)
            if too_big:
                body = render_to_string(
                    "errors/413.html",
                    {"limit_mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)},
                    request=None,
                )
                return HttpResponse(body, status=413)
        return self.get_response(request)


class IdleSessionTimeoutMiddleware:
    """Log out sessions idle for longer than SESSION_IDLE_TIMEOUT seconds.

    SESSION_COOKIE_AGE bounds the whole session (12 h); this bounds inactivity (30 min), which
    matters on shared phones and internet-café computers.
    """

    key = "_last_activity"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        now = int(time.time())
        last = session.get(self.key)
        if last is not None and now - int(last) > settings.SESSION_IDLE_TIMEOUT:
            # The user is not loaded yet (this runs before AuthenticationMiddleware).
            session.flush()
            return self.get_response(request)
        # Rewriting the session on every request would be wasteful; once a minute is enough.
        active = session.session_key or session.modified or "_auth_user_id" in session
        if active and (last is None or now - int(last) > 60):
            session[self.key] = now
        return self.get_response(request)
