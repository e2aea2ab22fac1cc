"""Two-factor login with django-otp: TOTP apps plus single-use recovery codes.

Volunteers (and anyone who turned it on) log in in two steps. The password step does not log
them in: it only remembers, in the session, who passed it and when. The account is logged in
by the code step, so a volunteer's session is never authenticated on a password alone. The
session key changes at both steps (django.contrib.auth.login rotates it, and so do we).
"""

from __future__ import annotations

import io
import time
from base64 import b32encode
from typing import Any
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from collectguard.accounts.models import User

PENDING_USER = "_2fa_user_id"
PENDING_BACKEND = "_2fa_backend"
PENDING_SINCE = "_2fa_since"
PENDING_NEXT = "_2fa_next"
PENDING_FAILURES = "_2fa_failures"
NEW_RECOVERY_CODES = "_2fa_new_codes"
PENDING_SECONDS = 10 * 60
MAX_CODE_FAILURES = 5
RECOVERY_CODE_COUNT = 10
ISSUER = "CollectGuard"


def confirmed_devices(user: User) -> list[Device]:
    """TOTP devices first: they are what people normally use."""
    return [
        *TOTPDevice.objects.devices_for_user(user, confirmed=True),
        *StaticDevice.objects.devices_for_user(user, confirmed=True)
        .filter(token_set__isnull=False)
        .distinct(),
    ]


def has_confirmed_device(user: User) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or StaticToken.objects.filter(device__user=user, device__confirmed=True).exists()
    )


def needs_second_factor(user: User) -> bool:
    return user.is_volunteer or has_confirmed_device(user)


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


# The pending state between the password step and the code step ----------------------------


def pending_begin(request: HttpRequest, user: User, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_USER] = user.pk
    request.session[PENDING_BACKEND] = getattr(
        user, "backend", "django.contrib.auth.backends.ModelBackend"
    )
    request.session[PENDING_SINCE] = int(time.time())
    request.session[PENDING_NEXT] = next_url
    request.session[PENDING_FAILURES] = 0


def pending_clear(request: HttpRequest) -> None:
    for key in (PENDING_USER, PENDING_BACKEND, PENDING_SINCE, PENDING_NEXT, PENDING_FAILURES):
        request.session.pop(key, None)


def pending_user(request: HttpRequest) -> User | None:
    """The user who passed the password step a short while ago, if any."""
    user_id = request.session.get(PENDING_USER)
    since = int(request.session.get(PENDING_SINCE) or 0)
    if user_id is None:
        return None
    if time.time() - since > PENDING_SECONDS:
        pending_clear(request)
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def pending_next(request: HttpRequest) -> str:
    return str(request.session.get(PENDING_NEXT) or "")


def pending_failed(request: HttpRequest) -> bool:
    """Count a wrong code; True when the password step must be done again."""
    failures = int(request.session.get(PENDING_FAILURES) or 0) + 1
    request.session[PENDING_FAILURES] = failures
    if failures >= MAX_CODE_FAILURES:
        pending_clear(request)
        return True
    return False


def two_factor_user(request: HttpRequest) -> User | None:
    """Whoever is doing the second step: the pending user, or a logged-in, unverified one."""
    user = request.user
    if user.is_authenticated:
        return user
    return pending_user(request)


def complete_verification(request: HttpRequest, user: User, device: Device) -> None:
    """Log the user in (if the password step left them pending) and mark the session verified.

    The session key changes here as well, so a key seen before the second step is worthless.
    """
    if not request.user.is_authenticated:
        backend = str(request.session.get(PENDING_BACKEND) or settings.AUTHENTICATION_BACKENDS[-1])
        pending_clear(request)
        login(request, user, backend=backend)  # rotates the session key
    else:
        pending_clear(request)
        request.session.cycle_key()
    otp_login(request, device)


def verify_code(user: User, token: str) -> Device | None:
    """The device that accepts this code (TOTP for six digits, else a recovery code)."""
    token = "".join(token.split()).replace("-", "").lower()
    if not token or len(token) > 16:
        return None
    for device in confirmed_devices(user):
        is_totp = isinstance(device, TOTPDevice)
        if is_totp != token.isdigit():
            continue
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


def redirect_to_second_step(request: HttpRequest, next_url: str = "") -> HttpResponse:
    """Send a logged-in but unverified user to set up or enter their second factor."""
    name = (
        "accounts:two_factor_verify"
        if has_confirmed_device(request.user)  # type: ignore[arg-type]
        else "accounts:two_factor_setup"
    )
    next_url = next_url or request.get_full_path()
    return redirect(f"{reverse(name)}?{urlencode({'next': next_url})}")


def session_backend(request: HttpRequest) -> str:
    return str(request.session.get(BACKEND_SESSION_KEY, ""))


# Devices ---------------------------------------------------------------------------------


def totp_device_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up (one at a time per user)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_device_confirm(*, device: TOTPDevice, token: str) -> bool:
    token = "".join(token.split())
    if not token.isdigit() or not device.verify_token(token):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def recovery_codes_regenerate(*, user: User) -> tuple[StaticDevice, list[str]]:
    """Replace all recovery codes with new ones; returns them (they are not shown again)."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name="recovery", defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return device, codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def two_factor_reset(*, user: User) -> None:
    """Remove every device: the next volunteer page asks to set up a new authenticator."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def totp_config_url(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    label = quote(f"{ISSUER}:{device.user.get_username()}")
    params = urlencode(
        {"secret": secret, "issuer": ISSUER, "algorithm": "SHA1", "digits": 6, "period": 30}
    )
    return f"otpauth://totp/{label}?{params}"


def totp_secret_for_display(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(data: str) -> str:
    """An SVG QR code, drawn here: the secret never goes to an outside QR service."""
    image: Any = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    # Drop the XML declaration so the SVG can sit inside the page.
    return svg[svg.index("<svg") :]
