from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from collectguard.accounts.models import User


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        label=_("电子邮箱（可选）"),
        required=False,
        help_text=_("只用于找回密码。不填也可以，但忘记密码时将无法自助重置。"),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")
        labels = {"username": _("用户名或手机号")}
        help_texts = {"username": _("150 个字符以内，可使用字母、数字和 @/./+/-/_。")}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "autofocus": True}
        )


class OTPCodeForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"),
        max_length=20,
        help_text=_("打开验证器 App，输入显示的 6 位数字；手机不在身边时，可以输入一个恢复码。"),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
                "autofocus": True,
            }
        ),
    )


class TOTPSetupForm(forms.Form):
    code = forms.CharField(
        label=_("验证器显示的 6 位数字"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class PasswordConfirmForm(forms.Form):
    """Re-authentication before changing how the account logs in (ASVS 7.5.1)."""

    password = forms.CharField(
        label=_("当前密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("密码不正确。"))
        return password


class AccountDeleteForm(PasswordConfirmForm):
    confirm_username = forms.CharField(
        label=_("请输入你的用户名确认"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )

    field_order = ["confirm_username", "password"]

    def clean_confirm_username(self) -> str:
        value = self.cleaned_data["confirm_username"].strip()
        if value != self.user.get_username():
            raise forms.ValidationError(_("用户名不一致。"))
        return value
