from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from collectguard.cases.models import Case
from collectguard.evidence.filetypes import ALLOWED_SUMMARY
from collectguard.evidence.models import EvidenceItem, EvidenceKind, Filing, FilingStatus
from collectguard.intake.models import Message


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(
        label=_("选择文件"),
        # Formatted when the form is shown, in the visitor's language (not once at import).
        help_text=lazy(
            lambda: (
                _("可以上传：%(allowed)s。文件会原样保存，不会被压缩或修改。")
                % {"allowed": ALLOWED_SUMMARY}
            ),
            str,
        )(),
        error_messages={
            "required": _("请选择要上传的文件。"),
            "empty": _("文件是空的（0 字节），没有可以保存的内容。"),
        },
    )
    kind = forms.ChoiceField(label=_("证据类型"), choices=EvidenceKind.choices)
    description = forms.CharField(
        label=_("证据名称 / 说明"),
        max_length=200,
        required=False,
        help_text=EvidenceItem._meta.get_field("description").help_text,
    )
    purpose = forms.CharField(
        label=_("证明目的"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=EvidenceItem._meta.get_field("purpose").help_text,
    )


class MessageChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        when = (
            timezone.localtime(obj.received_at).strftime("%Y-%m-%d %H:%M")
            if obj.received_at
            else "—"
        )
        body = obj.body if len(obj.body) <= 60 else obj.body[:60] + "…"
        return f"{when} {obj.sender}：{body}"


class EvidenceEditForm(forms.Form):
    kind = forms.ChoiceField(label=_("证据类型"), choices=EvidenceKind.choices)
    description = forms.CharField(label=_("证据名称 / 说明"), max_length=200, required=False)
    purpose = forms.CharField(
        label=_("证明目的"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    related_messages = MessageChoiceField(
        label=_("这份证据显示的短信 / 消息"),
        queryset=Message.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("只列出第一步中被标记为有问题的消息。"),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["related_messages"]
        assert isinstance(field, MessageChoiceField)
        # Only this case's flagged messages can be chosen (and so submitted).
        field.queryset = Message.objects.filter(case=case, is_flagged=True).order_by(
            "received_at", "pk"
        )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class FilingForm(forms.ModelForm):
    class Meta:
        model = Filing
        fields = ["channel", "status", "filed_on", "reference_number", "answered_on", "notes"]
        widgets = {
            "filed_on": DateInput(),
            "answered_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, channels: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"] = forms.ChoiceField(label=_("提交到"), choices=channels)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        filed_on = data.get("filed_on")
        answered_on = data.get("answered_on")
        status = data.get("status")
        if filed_on and filed_on > today:
            self.add_error("filed_on", _("提交日期不能晚于今天。"))
        if answered_on and answered_on > today:
            self.add_error("answered_on", _("答复日期不能晚于今天。"))
        if filed_on and answered_on and answered_on < filed_on:
            self.add_error("answered_on", _("答复日期不能早于提交日期。"))
        if status in {FilingStatus.FILED, FilingStatus.ANSWERED} and not filed_on:
            self.add_error("filed_on", _("请填写提交日期，这样才能算出对方应在哪天前答复。"))
        return data


class DocumentForm(forms.Form):
    """What a document needs that the case does not hold (never stored outside the snapshot)."""

    FIELDS: dict[str, forms.Field] = {
        "name": forms.CharField(
            label=_("你的姓名"),
            max_length=50,
            required=False,
            help_text=_("不填就在打印件上留空，手写即可。"),
        ),
        "phone": forms.CharField(
            label=_("联系电话"),
            max_length=30,
            required=False,
            help_text=_("对方答复时联系你的电话。不填就留空手写。"),
        ),
        "address": forms.CharField(
            label=_("联系地址"), max_length=120, required=False, help_text=_("可以不填。")
        ),
        "exposure_location": forms.CharField(
            label=_("曝光信息的位置"),
            max_length=300,
            required=False,
            help_text=_("网址、群名或账号，例如：某某微信群、某网站帖子的网址。"),
        ),
        "extra_facts": forms.CharField(
            label=_("补充说明（可选）"),
            max_length=2000,
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("系统记录之外的事实，例如：对方上门的时间和经过、给家人打电话的情况。"),
        ),
    }

    def __init__(self, *args: Any, spec: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in spec.inputs:
            self.fields[name] = copy.deepcopy(self.FIELDS[name])
        if "name" in self.fields and not self.is_bound:
            self.fields["name"].initial = user.get_full_name()

    def inputs(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in self.fields}
