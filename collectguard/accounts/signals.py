"""Sessions end 12 hours after login, however active they are.

SESSION_COOKIE_AGE alone is a sliding window: every save of the session (the idle-timeout
middleware saves it once a minute) pushes its expiry forward, so an active session never
ended. Setting an absolute expiry date at login makes the 12 hours absolute (ASVS 7.3.2).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.utils import timezone


def absolute_session_expiry(
    sender: Any, request: Any = None, user: Any = None, **kwargs: Any
) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session.set_expiry(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))


def connect_signals() -> None:
    user_logged_in.connect(absolute_session_expiry, dispatch_uid="accounts-absolute-expiry")
