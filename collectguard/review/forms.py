from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collectguard.accounts.models import User
from collectguard.cases.models import CaseStatus
from collectguard.review.access import normalise_share_code
from collectguard.review.models import ChangeReason, Organisation
from collectguard.review.targets import parse_target_value

MAX_SHARE_DAYS = 365


class TargetField(forms.CharField):
    """'case', 'message:12', 'evidence:3' or 'letter:7'; whether it belongs to the case is
    checked by the view through `targets.resolve_target`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("initial", "case")
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> tuple[str, int | None]:
        raw = super().clean(value) or "case"
        parsed = parse_target_value(raw)
        if parsed is None:
            raise forms.ValidationError(_("找不到要评论的对象。"))
        return parsed


class CommentForm(forms.Form):
    target = TargetField(required=False)
    body = forms.CharField(
        label=_("意见"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("借款人会在案件页面看到。请用平实的语言，不要评判借款人。"),
    )


class ChangeRequestForm(forms.Form):
    target = TargetField(required=False)
    reasons = forms.MultipleChoiceField(
        label=_("需要修改的原因"),
        choices=ChangeReason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个原因。")},
    )
    body = forms.CharField(
        label=_("具体说明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("选择“其他”时必须填写。"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if ChangeReason.OTHER in data.get("reasons", []) and not data.get("body", "").strip():
            self.add_error("body", _("选择“其他”时，请写明需要修改什么。"))
        return data


class ApproveForm(forms.Form):
    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("附言（可选）"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ShareCodeForm(forms.Form):
    code = forms.CharField(
        label=_("分享码"),
        max_length=20,
        help_text=_("借款人发给你的 8 位分享码，例如 K7QM-4P2X。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self) -> str:
        code = normalise_share_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("分享码是 8 位字母和数字，请检查后重新输入。"))
        return code


def _expiry_field(**kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=_("到期日期（含当天）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("到期后对方自动无法查看。留空表示直到你收回为止。"),
        **kwargs,
    )


def _clean_expiry(value: Any) -> Any:
    if value is None:
        return value
    today = timezone.localdate()
    if value < today:
        raise forms.ValidationError(_("到期日期不能早于今天。"))
    if value > today + timedelta(days=MAX_SHARE_DAYS):
        raise forms.ValidationError(_("最长可以分享一年，到期后可以再次分享。"))
    return value


class ShareForm(forms.Form):
    RECIPIENT_CHOICES = [
        ("organisation", _("分享给一个法律援助机构（机构里的志愿者都能查看）")),
        ("volunteer", _("分享给一位指定的志愿者")),
    ]
    recipient = forms.ChoiceField(
        label=_("分享给谁"),
        choices=RECIPIENT_CHOICES,
        widget=forms.RadioSelect,
        initial="organisation",
    )
    organisation = forms.ModelChoiceField(
        label=_("机构"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        empty_label=_("请选择机构"),
    )
    volunteer_username = forms.CharField(
        label=_("志愿者的用户名"),
        max_length=150,
        required=False,
        help_text=_("请向志愿者本人询问他在本网站的用户名。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    expires_on = _expiry_field()
    reveal_third_parties = forms.BooleanField(
        label=_("让对方看到短信里第三方（家人、联系人等）的姓名和电话号码"),
        required=False,
        help_text=_("默认隐藏，例如“联系人王**，138******78”。只在确实需要时才勾选。"),
    )

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        if not self.is_bound:
            self.fields["expires_on"].initial = timezone.localdate() + timedelta(days=30)

    def clean_expires_on(self) -> Any:
        return _clean_expiry(self.cleaned_data.get("expires_on"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        recipient = data.get("recipient")
        if recipient == "organisation":
            if not data.get("organisation"):
                self.add_error("organisation", _("请选择一个机构。"))
            data["volunteer"] = None
        elif recipient == "volunteer":
            username = data.get("volunteer_username", "").strip()
            volunteer = (
                User.objects.filter(username=username, is_volunteer=True, is_active=True)
                .exclude(pk=self.owner.pk)
                .first()
                if username
                else None
            )
            if volunteer is None:
                self.add_error(
                    "volunteer_username",
                    _("没有找到这个用户名的志愿者。请核对后再试，或改为分享给机构。"),
                )
            data["volunteer"] = volunteer
            data["organisation"] = None
        return data


class ShareUpdateForm(forms.Form):
    expires_on = _expiry_field()
    reveal_third_parties = forms.BooleanField(label=_("显示第三方的姓名和电话号码"), required=False)

    def clean_expires_on(self) -> Any:
        return _clean_expiry(self.cleaned_data.get("expires_on"))


class QueueFilterForm(forms.Form):
    SORTS = [
        ("activity", _("最近动态")),
        ("expires", _("即将到期")),
        ("findings", _("问题最多")),
        ("letters", _("待审文书最多")),
        ("title", _("案件名称")),
    ]
    STATUSES = [
        ("active", _("进行中")),
        ("archived", _("已归档")),
        ("all", _("全部")),
    ]
    q = forms.CharField(label=_("案件名称"), max_length=60, required=False)
    status = forms.ChoiceField(label=_("状态"), choices=STATUSES, required=False)
    awaiting = forms.BooleanField(label=_("只看有待审文书的"), required=False)
    sort = forms.ChoiceField(label=_("排序"), choices=SORTS, required=False)

    def cleaned(self) -> dict[str, Any]:
        """The filters to apply; anything invalid falls back to the default."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": (data.get("q") or "").strip(),
            "status": data.get("status") or "active",
            "awaiting": bool(data.get("awaiting")),
            "sort": data.get("sort") or "activity",
        }


STATUS_FILTERS = {"active": [CaseStatus.ACTIVE], "archived": [CaseStatus.ARCHIVED]}


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "region", "description"]


class InvitationForm(forms.Form):
    invitee_label = forms.CharField(
        label=_("备注（被邀请人）"),
        max_length=60,
        required=False,
        help_text=_("只给工作人员看，例如“周六值班志愿者”。不要填写身份证号等敏感信息。"),
    )


SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
