from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A borrower, a legal-aid volunteer or staff.

    Sign-up is by username, which may be a phone number: no SMS gateway is reachable, so the
    app never depends on one. E-mail is optional and only used for password resets.
    """

    is_volunteer = models.BooleanField(
        _("法援志愿者"),
        default=False,
        help_text=_("志愿者须使用两步验证登录，只能查看借款人分享给他们的案件。"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
