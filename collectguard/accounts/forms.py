from __future__ import annotations

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
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "autofocus": True}
        )
