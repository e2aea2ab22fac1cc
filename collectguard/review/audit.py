"""The access log: every view, download and change of a case by someone who is not its owner.

`collectguard.cases.access.get_case_for_user` calls `case_access_record` whenever a case is
opened through a share, so every app's views are covered without each of them remembering to
log. That helper never sees the request; the path, method and address come from a context
variable filled when Django starts handling a request (`request_started` carries the WSGI
environ or the ASGI scope), and cleared when it finishes.
"""

from __future__ import annotations

import contextvars
import ipaddress
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db.models import Q
from django.urls import Resolver404, resolve

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.review.models import AccessAction, AccessLogEntry

log = logging.getLogger("collectguard.access")

DOWNLOAD_HINTS = ("download", "pdf", "export", "file", "zip")


@dataclass
class RequestMeta:
    method: str = ""
    path: str = ""
    ip: str | None = None
    # (case id, user id, action) already written during this request: one row per request.
    logged: set[tuple[int, int, str]] = field(default_factory=set)


_current: contextvars.ContextVar[RequestMeta | None] = contextvars.ContextVar(
    "collectguard_request_meta", default=None
)


def _client_ip(meta: dict[str, Any]) -> str | None:
    """The address the socket saw, or the proxy-reported one when proxies are trusted.

    Mirrors the django-axes settings: a client-sent X-Forwarded-For is ignored unless
    TRUSTED_PROXY_COUNT says how many proxies stand in front of the app.
    """
    candidate = str(meta.get("REMOTE_ADDR") or "")
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None)
    forwarded = str(meta.get("HTTP_X_FORWARDED_FOR") or "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def _on_request_started(sender: Any, environ: dict[str, Any] | None = None, **kwargs: Any) -> None:
    if environ is not None:
        meta = environ
    else:
        scope = kwargs.get("scope") or {}
        client = scope.get("client") or (None, None)
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
        }
        meta = {
            "REQUEST_METHOD": scope.get("method", ""),
            "PATH_INFO": scope.get("path", ""),
            "REMOTE_ADDR": client[0] or "",
            "HTTP_X_FORWARDED_FOR": headers.get("x-forwarded-for", ""),
        }
    _current.set(
        RequestMeta(
            method=str(meta.get("REQUEST_METHOD", ""))[:8],
            path=str(meta.get("PATH_INFO", ""))[:300],
            ip=_client_ip(meta),
        )
    )


def _on_request_finished(sender: Any, **kwargs: Any) -> None:
    _current.set(None)


def connect_signals() -> None:
    request_started.connect(_on_request_started, dispatch_uid="review-audit-start")
    request_finished.connect(_on_request_finished, dispatch_uid="review-audit-finish")


def _action_for(meta: RequestMeta) -> AccessAction:
    if meta.method not in {"GET", "HEAD", ""}:
        return AccessAction.CHANGE
    try:
        name = resolve(meta.path).url_name or ""
    except Resolver404:
        name = ""
    if any(hint in name for hint in DOWNLOAD_HINTS):
        return AccessAction.DOWNLOAD
    return AccessAction.VIEW


def case_access_record(
    *, user: User, case: Case | None, case_ref: int, action: AccessAction | None = None
) -> AccessLogEntry | None:
    """Write one access-log row for a non-owner's access to a case.

    The action defaults to what the current request is doing (GET a download URL: download;
    any other GET: view; POST: change). Outside a request (shell, commands) nothing is logged:
    the log records what people did through the app.
    """
    meta = _current.get()
    if meta is None:
        return None
    action = action or _action_for(meta)
    key = (case_ref, user.pk, str(action))
    if key in meta.logged:
        return None
    meta.logged.add(key)
    return AccessLogEntry.objects.create(
        case=case,
        case_ref=case_ref,
        user=user,
        username=user.get_username(),
        action=action,
        method=meta.method,
        path=meta.path,
        ip=meta.ip,
    )


def case_access_denied(*, user: User, case_id: int, read_only: bool) -> None:
    """Record a refused access in the case's log when the borrower should know about it.

    A volunteer whose share was revoked or expired, or who tried a write view with read-only
    access, shows up in the borrower's log. Strangers guessing ids only reach the server log:
    they would otherwise fill the borrower's log with noise.
    """
    from collectguard.review.models import Share

    if not user.is_volunteer:
        return
    case = Case.objects.filter(pk=case_id).only("pk").first()
    if case is None:
        return
    if not read_only:
        had_share = Share.objects.filter(
            Q(volunteer=user) | Q(organisation__memberships__user=user), case=case
        ).exists()
        if not had_share:
            return
    case_access_record(user=user, case=case, case_ref=case.pk, action=AccessAction.DENIED)
