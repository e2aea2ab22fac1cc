from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collectguard.cases.models import Case
from collectguard.intake.analysis.findings import CATEGORIES
from collectguard.intake.labels import category_label
from collectguard.intake.models import Call, Channel, ImportBatch, Sender
from collectguard.intake.paste import MAX_PASTE_CHARS
from collectguard.intake.services import ManualKind

_DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _not_in_future(value: Any) -> Any:
    if value and value > timezone.now() + timedelta(minutes=5):
        raise forms.ValidationError(_("这个时间还没有到，请检查日期和时间。"))
    return value


class PasteForm(forms.Form):
    text = forms.CharField(
        label=_("收到的消息"),
        max_length=MAX_PASTE_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "可以一次粘贴一条或多条：每行一条，或用空行隔开。带号码和时间更好，例如："
            "“13612345678 2026-06-01 23:40 今天不还……”。"
        ),
    )
    default_sender = forms.CharField(
        label=_("发送号码（消息里没有写时）"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    default_time = forms.DateTimeField(
        label=_("收到的时间（消息里没有写时）"),
        required=False,
        widget=_DATETIME_WIDGET,
    )

    def __init__(self, *args: Any, preview_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if preview_url:
            # Live analysis while typing; without JavaScript the form's buttons do the same.
            self.fields["text"].widget.attrs.update(
                {
                    "hx-post": preview_url,
                    "hx-trigger": "input changed delay:500ms",
                    "hx-target": "#paste-preview",
                    "hx-swap": "outerHTML",
                    "hx-include": "closest form",
                    "hx-sync": "this:replace",
                }
            )

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        if not text.strip():
            raise forms.ValidationError(_("请粘贴至少一条消息。"))
        return text

    def clean_default_time(self) -> Any:
        return _not_in_future(self.cleaned_data.get("default_time"))


class ManualEntryForm(forms.Form):
    KIND_CHOICES = [
        (ManualKind.CALL, _("一个电话")),
        (ManualKind.VISIT, _("有人上门")),
        (ManualKind.MESSAGE, _("微信、App、信件等其他渠道的消息")),
    ]
    CHANNEL_CHOICES = [
        (Channel.WECHAT, Channel.WECHAT.label),
        (Channel.APP, Channel.APP.label),
        (Channel.LETTER, Channel.LETTER.label),
        (Channel.SMS, Channel.SMS.label),
        (Channel.OTHER, Channel.OTHER.label),
    ]
    CALL_CHOICES = [
        (Call.CallType.MISSED, Call.CallType.MISSED.label),
        (Call.CallType.INCOMING, Call.CallType.INCOMING.label),
        (Call.CallType.REJECTED, Call.CallType.REJECTED.label),
        (Call.CallType.OUTGOING, Call.CallType.OUTGOING.label),
    ]

    kind = forms.ChoiceField(
        label=_("要记录什么"), choices=KIND_CHOICES, widget=forms.RadioSelect, initial="call"
    )
    occurred_at = forms.DateTimeField(label=_("日期和时间"), widget=_DATETIME_WIDGET)
    sender = forms.CharField(
        label=_("对方号码或微信号"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("上门的情况可以不填。"),
    )
    channel = forms.ChoiceField(
        label=_("消息来自"), choices=CHANNEL_CHOICES, required=False, initial=Channel.WECHAT
    )
    call_type = forms.ChoiceField(
        label=_("电话情况"), choices=CALL_CHOICES, required=False, initial=Call.CallType.MISSED
    )
    duration_s = forms.IntegerField(
        label=_("通话时长（秒）"),
        min_value=0,
        max_value=24 * 3600,
        required=False,
        help_text=_("没接通填 0。"),
    )
    body = forms.CharField(
        label=_("对方说了什么、做了什么"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("尽量写原话。上门的，写清几个人、是否出示证件、说了什么、待了多久。"),
    )

    def clean_occurred_at(self) -> Any:
        return _not_in_future(self.cleaned_data.get("occurred_at"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        if kind == ManualKind.CALL:
            if not cleaned.get("call_type"):
                self.add_error("call_type", _("请选择电话的情况。"))
            if cleaned.get("duration_s") is None:
                cleaned["duration_s"] = 0
            if cleaned.get("call_type") in (
                Call.CallType.MISSED,
                Call.CallType.REJECTED,
            ) and cleaned.get("duration_s"):
                self.add_error("duration_s", _("未接或拒接的电话，通话时长应为 0。"))
        elif (
            kind in (ManualKind.VISIT, ManualKind.MESSAGE)
            and not (cleaned.get("body") or "").strip()
        ):
            self.add_error("body", _("请写下对方说了什么或做了什么。"))
        if kind == ManualKind.MESSAGE and not cleaned.get("channel"):
            self.add_error("channel", _("请选择消息来自哪里。"))
        return cleaned


class BackupUploadForm(forms.Form):
    KIND_CHOICES = [
        ("", _("不确定，自动识别")),
        (ImportBatch.Kind.SMS, _("短信备份（sms-….xml）")),
        (ImportBatch.Kind.CALLS, _("通话记录备份（calls-….xml）")),
    ]

    file = forms.FileField(
        label=_("备份文件"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,text/xml,application/xml"}),
    )
    expected_kind = forms.ChoiceField(
        label=_("这是什么备份"), choices=KIND_CHOICES, required=False, widget=forms.RadioSelect
    )
    keep_all = forms.BooleanField(
        label=_("保留全部短信和通话（不精简）"),
        required=False,
        help_text=_(
            "默认只保留与欠款有关的号码的短信和来电，家人朋友的聊天不会存进来。"
            "导入后也可以再选择保留全部。"
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError(_("文件是空的（0 字节），里面没有短信或通话记录。"))
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("文件大小为 %(size)s，超过了 %(limit)s 的上限。")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.MAX_UPLOAD_BYTES),
                }
            )
        return upload


class MessageFilterForm(forms.Form):
    sender = forms.ModelChoiceField(
        label=_("号码"), queryset=Sender.objects.none(), required=False, empty_label=_("全部号码")
    )
    category = forms.ChoiceField(label=_("问题类型"), required=False)
    night = forms.BooleanField(label=_("只看夜间（22:00–08:00）"), required=False)
    flagged = forms.BooleanField(label=_("只看有问题的消息"), required=False)

    LISTED_SENDERS = 200

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sender_field = self.fields["sender"]
        assert isinstance(sender_field, forms.ModelChoiceField)
        # Any number of the case is accepted (links from the senders page); the drop-down lists
        # the most relevant ones, since a whole phone can hold thousands of numbers.
        sender_field.queryset = Sender.objects.filter(case=case)
        listed = list(
            Sender.objects.filter(case=case)
            .order_by("-flagged_messages", "-collection_related", "-call_attempts", "number")
            .values_list("pk", "number")[: self.LISTED_SENDERS]
        )
        selected = self.data.get("sender") if self.is_bound else None
        if selected and selected.isdigit() and int(selected) not in {pk for pk, _n in listed}:
            extra = Sender.objects.filter(case=case, pk=int(selected)).values_list("pk", "number")
            listed.extend(extra)
        sender_field.widget.choices = [("", _("全部号码"))] + [
            (pk, number or _("未知号码")) for pk, number in listed
        ]
        category_field = self.fields["category"]
        assert isinstance(category_field, forms.ChoiceField)
        category_field.choices = [("", _("全部类型"))] + [
            (code, category_label(code)) for code in CATEGORIES
        ]
