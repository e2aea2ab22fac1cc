from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from collectguard.accounts import two_factor
from collectguard.accounts.forms import (
    AccountDeleteForm,
    OTPCodeForm,
    PasswordConfirmForm,
    SignupForm,
    TOTPSetupForm,
)
from collectguard.accounts.models import User
from collectguard.accounts.services import user_create, user_delete
from collectguard.http import AuthenticatedRequest
from collectguard.review.models import Invitation, InvitationState, Membership
from collectguard.review.services import InvitationError, invitation_accept, invitation_find


def _home_for(user: User) -> str:
    return reverse("review:queue") if user.is_volunteer else reverse(settings.LOGIN_REDIRECT_URL)


def _is_verified(request: HttpRequest) -> bool:
    check = getattr(request.user, "is_verified", None)
    return bool(callable(check) and check())


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("cases:list")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_create(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
            email=form.cleaned_data["email"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("注册成功。先新建一个案件，把一个贷款或平台的情况记下来。"))
        return redirect("cases:create")
    return render(request, "accounts/signup.html", {"form": form})


def _after_password(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """Finish the password step: log in, or hand over to the code step."""
    if two_factor.needs_second_factor(user):
        two_factor.pending_begin(request, user, next_url)
        if two_factor.has_confirmed_device(user):
            return redirect("accounts:two_factor_verify")
        return redirect("accounts:two_factor_setup")
    login(request, user)
    return redirect(next_url or _home_for(user))


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = two_factor.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(next_url or _home_for(request.user))
    form = AuthenticationForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return _after_password(request, form.get_user(), next_url)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = two_factor.two_factor_user(request)
    if user is None:
        messages.error(request, _("请先输入用户名和密码。"))
        return redirect("accounts:login")
    next_url = two_factor.safe_next(request, request.GET.get("next")) or two_factor.pending_next(
        request
    )
    if _is_verified(request):
        return redirect(next_url or _home_for(user))
    if not two_factor.has_confirmed_device(user):
        return redirect("accounts:two_factor_setup")
    form = OTPCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify_code(user, form.cleaned_data["code"])
        if device is not None:
            two_factor.complete_verification(request, user, device)
            return redirect(next_url or _home_for(user))
        if not request.user.is_authenticated and two_factor.pending_failed(request):
            messages.error(request, _("验证码错误次数过多，请重新输入密码登录。"))
            return redirect("accounts:login")
        form.add_error("code", _("验证码不正确或已经用过。请等验证器显示新的数字后再试。"))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "two_factor_user": user},
        status=400 if form.errors else 200,
    )


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = two_factor.two_factor_user(request)
    if user is None:
        messages.error(request, _("请先输入用户名和密码。"))
        return redirect("accounts:login")
    if two_factor.has_confirmed_device(user):
        # A second authenticator may only be added after proving the first one.
        if _is_verified(request):
            messages.info(request, _("你已经启用了两步验证。更换手机时，请先在下面重置。"))
            return redirect("accounts:settings")
        return redirect("accounts:two_factor_verify")
    next_url = two_factor.safe_next(request, request.GET.get("next")) or two_factor.pending_next(
        request
    )
    device = two_factor.totp_device_start(user=user)
    form = TOTPSetupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if two_factor.totp_device_confirm(device=device, token=form.cleaned_data["code"]):
            _static, codes = two_factor.recovery_codes_regenerate(user=user)
            two_factor.complete_verification(request, user, device)
            request.session[two_factor.NEW_RECOVERY_CODES] = codes
            messages.success(request, _("两步验证已启用。"))
            target = reverse("accounts:two_factor_recovery_codes")
            return redirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)
        form.add_error("code", _("数字不对。请确认手机时间准确，并输入验证器当前显示的 6 位数字。"))
    svg = two_factor.qr_svg(two_factor.totp_config_url(device))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": svg.replace("<svg ", '<svg class="qr-code" role="img" ', 1),
            "secret": two_factor.totp_secret_for_display(device),
            "two_factor_user": user,
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
def two_factor_recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    if not _is_verified(request):
        return two_factor.redirect_to_second_step(request)
    codes = request.session.pop(two_factor.NEW_RECOVERY_CODES, None)
    next_url = two_factor.safe_next(request, request.GET.get("next")) or _home_for(request.user)
    return render(
        request,
        "accounts/two_factor_recovery_codes.html",
        {"codes": codes, "next_url": next_url},
    )


@sensitive_post_parameters()
@login_required
@require_POST
def two_factor_regenerate(request: AuthenticatedRequest) -> HttpResponse:
    if not _is_verified(request):
        return two_factor.redirect_to_second_step(request)
    form = PasswordConfirmForm(request.POST, user=request.user)
    if not form.is_valid():
        return _settings_page(request, regenerate_form=form, status=400)
    _device, codes = two_factor.recovery_codes_regenerate(user=request.user)
    request.session[two_factor.NEW_RECOVERY_CODES] = codes
    return redirect("accounts:two_factor_recovery_codes")


@sensitive_post_parameters()
@login_required
@require_POST
def two_factor_reset(request: AuthenticatedRequest) -> HttpResponse:
    if two_factor.has_confirmed_device(request.user) and not _is_verified(request):
        return two_factor.redirect_to_second_step(request)
    form = PasswordConfirmForm(request.POST, user=request.user, prefix="reset")
    if not form.is_valid():
        return _settings_page(request, reset_form=form, status=400)
    two_factor.two_factor_reset(user=request.user)
    request.session.cycle_key()
    messages.success(request, _("原来的验证器和恢复码已作废。请现在设置新的验证器。"))
    return redirect("accounts:two_factor_setup")


def _settings_page(
    request: AuthenticatedRequest,
    *,
    regenerate_form: PasswordConfirmForm | None = None,
    reset_form: PasswordConfirmForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/settings.html",
        {
            "has_two_factor": two_factor.has_confirmed_device(user),
            "is_verified": _is_verified(request),
            "recovery_codes_left": two_factor.recovery_codes_left(user),
            "memberships": Membership.objects.filter(user=user, is_active=True).select_related(
                "organisation"
            ),
            "regenerate_form": regenerate_form or PasswordConfirmForm(user=user),
            "reset_form": reset_form or PasswordConfirmForm(user=user, prefix="reset"),
        },
        status=status,
    )


@login_required
def account_settings(request: AuthenticatedRequest) -> HttpResponse:
    return _settings_page(request)


@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: AuthenticatedRequest) -> HttpResponse:
    if two_factor.has_confirmed_device(request.user) and not _is_verified(request):
        return two_factor.redirect_to_second_step(request)
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            user_delete(user=request.user)
            logout(request)
            messages.success(request, _("你的账户和其中所有案件、文件已永久删除。"))
            return redirect("home")
        return render(request, "accounts/account_delete.html", {"form": form}, status=400)
    return render(request, "accounts/account_delete.html", {"form": form})


# Volunteer invitations -------------------------------------------------------------------


def _invitation_or_error(request: HttpRequest, token: str) -> Invitation | HttpResponse:
    """The pending invitation behind this link, or the page saying it cannot be used."""
    invitation = invitation_find(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    if invitation.state() != InvitationState.PENDING or not invitation.organisation.is_active:
        return render(
            request, "accounts/invitation_invalid.html", {"invitation": invitation}, status=410
        )
    return invitation


def _invitation_page(
    request: HttpRequest,
    invitation: Invitation,
    token: str,
    *,
    signup_form: SignupForm | None = None,
    login_form: AuthenticationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "accounts/invitation.html",
        {
            "invitation": invitation,
            "invitation_token": token,
            "signup_form": signup_form or SignupForm(prefix="signup"),
            "login_form": login_form or AuthenticationForm(request, prefix="login"),
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = _invitation_or_error(request, token)
    if isinstance(found, HttpResponse):
        return found
    return _invitation_page(request, found, token)


@sensitive_post_parameters()
@never_cache
@require_POST
def invitation_signup(request: HttpRequest, token: str) -> HttpResponse:
    found = _invitation_or_error(request, token)
    if isinstance(found, HttpResponse):
        return found
    if request.user.is_authenticated:
        return redirect("accounts:invitation", token=token)
    form = SignupForm(request.POST, prefix="signup")
    if not form.is_valid():
        return _invitation_page(request, found, token, signup_form=form, status=400)
    try:
        with transaction.atomic():
            user = user_create(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                email=form.cleaned_data["email"],
            )
            invitation_accept(invitation=found, user=user)
    except InvitationError:
        return render(request, "accounts/invitation_invalid.html", status=410)
    two_factor.pending_begin(request, user, reverse("review:queue"))
    messages.success(request, _("账户已创建。志愿者账户必须设置两步验证，请用手机完成下面的设置。"))
    return redirect("accounts:two_factor_setup")


@sensitive_post_parameters()
@never_cache
@require_POST
def invitation_login(request: HttpRequest, token: str) -> HttpResponse:
    found = _invitation_or_error(request, token)
    if isinstance(found, HttpResponse):
        return found
    if request.user.is_authenticated:
        return redirect("accounts:invitation", token=token)
    form = AuthenticationForm(request, data=request.POST, prefix="login")
    if not form.is_valid():
        return _invitation_page(request, found, token, login_form=form, status=400)
    user = form.get_user()
    try:
        invitation_accept(invitation=found, user=user)
    except InvitationError:
        return render(request, "accounts/invitation_invalid.html", status=410)
    user.is_volunteer = True
    messages.success(request, _("你已加入机构。请完成两步验证后进入审阅队列。"))
    return _after_password(request, user, reverse("review:queue"))


@login_required
@require_POST
def invitation_accept_view(request: AuthenticatedRequest, token: str) -> HttpResponse:
    found = _invitation_or_error(request, token)
    if isinstance(found, HttpResponse):
        return found
    try:
        invitation_accept(invitation=found, user=request.user)
    except InvitationError:
        return render(request, "accounts/invitation_invalid.html", status=410)
    messages.success(request, _("你已加入机构。"))
    if _is_verified(request):
        return redirect("review:queue")
    return two_factor.redirect_to_second_step(request, next_url=reverse("review:queue"))
