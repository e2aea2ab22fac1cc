"""Forms of step 2: they convert and check what the borrower typed; views read cleaned_data.

Money and counts are typed into text inputs (with a numeric keyboard on phones), so whatever was
typed comes back unchanged when there is an error, full-width digits and thousands separators
are accepted, and every refusal says what to fix in the borrower's language.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from collectguard.negotiation.files import (
    MAX_FILES_PER_UPLOAD,
    CheckedUpload,
    UploadRejected,
    check_upload,
)
from collectguard.negotiation.models import (
    Channel,
    ContactLog,
    HardshipReason,
    Outcome,
    ProposalKind,
    RepaymentMethod,
    Situation,
)
from collectguard.negotiation.schedule import (
    MAX_AMOUNT,
    MAX_DAYS_AHEAD,
    ProposalTerms,
    Schedule,
    TermsError,
    build_schedule,
    validate_terms,
)

EARLIEST = date(2000, 1, 1)
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
]
# A clock a few minutes fast on the phone should not make "just now" a future time.
CLOCK_SKEW = timedelta(minutes=10)


def _normalise_number(value: Any) -> Any:
    """Full-width digits to ASCII; drop thousands separators, spaces and a 元/¥ sign.

    >>> _normalise_number("１２，０００．５０元")
    '12000.50'
    >>> _normalise_number(" ¥3,000 ")
    '3000'
    """
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFKC", value).strip()
    for junk in (",", " ", "元", "¥", "￥"):
        text = text.replace(junk, "")
    return text


class MoneyField(forms.DecimalField):
    """Yuan and fen. ``bounded`` adds the usual limits (not negative, under 1亿, 2 decimals)."""

    widget = forms.TextInput

    def __init__(self, *, bounded: bool = True, positive: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs["max_digits"] = None
        kwargs["decimal_places"] = 2 if bounded else None
        if bounded:
            kwargs["min_value"] = Decimal("0.01") if positive else Decimal(0)
            kwargs["max_value"] = MAX_AMOUNT
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _("请输入金额，只写数字，例如 1200 或 1200.50。"),
                "min_value": _("金额必须大于 0。") if positive else _("金额不能是负数。"),
                "max_value": _("金额超过 1 亿元，请检查是否多输了数字。"),
                "max_decimal_places": _("金额最多两位小数（精确到分）。"),
                "required": _("请填写金额。"),
            },
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        return super().to_python(_normalise_number(value))

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # No min/max/step attributes: a text input keeps exactly what was typed.
        return {"inputmode": "decimal", "autocomplete": "off"}


class WholeNumberField(forms.IntegerField):
    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _("请输入整数，例如 12。"),
                "required": _("请填写这一项。"),
            },
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        return super().to_python(_normalise_number(value))

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {"inputmode": "numeric", "autocomplete": "off"}


class RateField(forms.DecimalField):
    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "error_messages", {"invalid": _("请输入数字，例如 3.6 表示年利率 3.6%。")}
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        return super().to_python(_normalise_number(value).rstrip("%") if value else value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {"inputmode": "decimal", "autocomplete": "off"}


def _date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": _("请输入日期，例如 2027-01-15。"),
            "required": _("请填写日期。"),
        },
    )


def _datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "invalid": _("请输入日期和时间，例如 2026-11-29 14:30。"),
            "required": _("请填写日期和时间。"),
        },
    )


def _not_in_future(value: datetime) -> None:
    if value > timezone.now() + CLOCK_SKEW:
        raise forms.ValidationError(_("这个时间还没有到。请填写已经发生的时间。"))
    if timezone.localtime(value).date() < EARLIEST:
        raise forms.ValidationError(_("时间太早了，请检查年份。"))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several files in one input, each checked by content (``files.check_upload``).

    Cleans to a list of ``CheckedUpload``; one unusable file refuses the whole submission, so
    nothing is half saved.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("请选择要上传的文件。"),
                "invalid": _("没有收到文件，请重新选择。"),
                "empty": _("这是一个空文件。"),
            },
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[CheckedUpload]:
        items = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        if not items:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(items) > MAX_FILES_PER_UPLOAD:
            raise forms.ValidationError(
                _("一次最多上传 %(count)s 个文件。") % {"count": MAX_FILES_PER_UPLOAD}
            )
        checked: list[CheckedUpload] = []
        problems: list[str] = []
        for item in items:
            upload: UploadedFile = super().clean(item, initial)
            try:
                checked.append(check_upload(upload))
            except UploadRejected as exc:
                problems.append(exc.message)
        if problems:
            raise forms.ValidationError([*problems, _("所有文件都没有保存，请重新选择。")])
        return checked


def _files_field(label: Any, help_text: Any = "") -> EvidenceFilesField:
    return EvidenceFilesField(
        label=label,
        help_text=help_text
        or _("图片、PDF、录音或视频，每个最多 50 MB。原文件原样保存，并记录 SHA-256 校验值。"),
    )


# --- Situation ----------------------------------------------------------------------------------


class SituationForm(forms.ModelForm):
    monthly_income = MoneyField(label=_("每月收入（元）"))
    essential_spending = MoneyField(
        label=_("每月必要支出（元）"),
        help_text=Situation._meta.get_field("essential_spending").help_text,
    )
    can_pay_monthly = MoneyField(
        label=_("每月最多能还（元）"),
        help_text=Situation._meta.get_field("can_pay_monthly").help_text,
    )

    class Meta:
        model = Situation
        fields = [
            "hardship_reason",
            "hardship_other",
            "hardship_details",
            "monthly_income",
            "essential_spending",
            "can_pay_monthly",
            "applicant_name",
        ]
        widgets = {
            "hardship_reason": forms.RadioSelect,
            "hardship_details": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"hardship_other": _("选了“其他原因”时填写。")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["hardship_reason"]).choices = HardshipReason.choices
        self.fields["hardship_reason"].error_messages["required"] = _("请选择一个困难原因。")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("hardship_reason") == HardshipReason.OTHER
            and not (data.get("hardship_other") or "").strip()
        ):
            self.add_error("hardship_other", _("请简单写一下是什么原因。"))
        return data


class OtherDebtForm(forms.Form):
    lender = forms.CharField(label=_("其他贷款机构"), max_length=120, required=False)
    amount = MoneyField(label=_("欠款金额（元）"))
    monthly_due = MoneyField(label=_("每月要还（元）"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        filled = data.get("amount") is not None or data.get("monthly_due") is not None
        if filled and not (data.get("lender") or "").strip():
            self.add_error("lender", _("请填写是哪家机构的欠款。"))
        return data


MAX_OTHER_DEBTS = 10
OtherDebtFormSet = forms.formset_factory(
    OtherDebtForm, extra=2, max_num=MAX_OTHER_DEBTS, validate_max=True, can_delete=True
)


def debts_from_formset(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The rows the borrower kept: filled in and not ticked for deletion."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE") or not (data.get("lender") or "").strip():
            continue
        rows.append(
            {
                "lender": data["lender"].strip(),
                "amount": data.get("amount"),
                "monthly_due": data.get("monthly_due"),
            }
        )
    return rows


class DocumentUploadForm(forms.Form):
    uploads = _files_field(_("困难证明文件"))
    description = forms.CharField(
        label=_("说明（可选）"),
        max_length=200,
        required=False,
        help_text=_("例如：医院诊断证明、失业证明、收入证明。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["uploads"].required = True


# --- Proposals and agreements ---------------------------------------------------------------------


def terms_message(error: TermsError) -> str:
    return error.message_zh if (get_language() or "zh").startswith("zh") else error.message_en


class TermsForm(forms.Form):
    """The terms of a plan; ``clean`` checks them with ``schedule.validate_terms``."""

    kind = forms.ChoiceField(
        label=_("方案类型"),
        choices=ProposalKind.choices,
        initial=ProposalKind.INSTALMENTS,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择方案类型。"), "invalid_choice": _("请选择方案类型。")},
    )
    principal = MoneyField(
        label=_("欠款金额（元）"),
        bounded=False,
        required=True,
        help_text=_("按对方告知的金额填写；有争议的部分可以只按你认可的金额算。"),
    )
    months = WholeNumberField(label=_("分几期（月）"), help_text=_("1 到 60 期。"))
    first_due = _date_field(_("第一期还款日"))
    deferral_months = WholeNumberField(
        label=_("推迟几个月开始还"),
        required=False,
        help_text=_("延期或组合方案填写；不推迟填 0。"),
    )
    waived_amount = MoneyField(
        label=_("申请减免的罚息或费用（元）"),
        bounded=False,
        help_text=_("减免或组合方案填写；不申请减免填 0。"),
    )
    annual_rate = RateField(
        label=_("年利率（%）"),
        help_text=_("分期期间还要计的利息，不知道就填 0。"),
    )
    fees = MoneyField(label=_("分期手续费等费用合计（元）"), bounded=False)
    method = forms.ChoiceField(
        label=_("还款方式"),
        choices=RepaymentMethod.choices,
        initial=RepaymentMethod.EQUAL_TOTAL,
        help_text=_("年利率为 0 时两种方式结果一样。"),
        error_messages={"invalid_choice": _("请选择还款方式。")},
    )

    #: Proposals are for the future; an agreement may have been made earlier.
    check_dates = True

    terms: ProposalTerms | None = None
    schedule: Schedule | None = None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        needed = ("kind", "principal", "months", "first_due", "method")
        if any(self.has_error(name) or data.get(name) is None for name in needed):
            return data
        terms = ProposalTerms(
            kind=data["kind"],
            principal=data["principal"],
            months=data["months"],
            first_due=data["first_due"],
            annual_rate=data.get("annual_rate") or Decimal(0),
            fees=data.get("fees") or Decimal(0),
            deferral_months=data.get("deferral_months") or 0,
            waived_amount=data.get("waived_amount") or Decimal(0),
            method=data["method"],
        )
        if any(self.has_error(name) for name in ("annual_rate", "fees", "waived_amount")):
            return data
        if self.has_error("deferral_months"):
            return data
        errors = validate_terms(terms, today=timezone.localdate(), check_dates=self.check_dates)
        for error in errors:
            name = error.field if error.field in self.fields else None
            self.add_error(name, terms_message(error))
        if not errors:
            self.terms = terms
            self.schedule = build_schedule(terms)
        return data


class ProposalForm(TermsForm):
    label = forms.CharField(
        label=_("方案名称"),
        max_length=60,
        help_text=_("例如：方案一、12 期、先停 3 个月。"),
        error_messages={"required": _("给这个方案起个名字，方便比较。")},
    )
    field_order = ["label"]


class AgreementForm(TermsForm):
    check_dates = False

    agreed_at = _datetime_field(_("达成协议的时间"))
    agreed_with_name = forms.CharField(label=_("对方姓名"), max_length=60, required=False)
    agreed_with_staff_id = forms.CharField(label=_("对方工号"), max_length=40, required=False)
    agreed_via = forms.ChoiceField(
        label=_("通过什么方式达成"),
        choices=Channel.choices,
        error_messages={"required": _("请选择方式。"), "invalid_choice": _("请选择方式。")},
    )
    notes = forms.CharField(
        label=_("备注"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：对方答应停止催收、减免的具体项目、还款账户。"),
    )
    confirmations = _files_field(
        _("书面确认（截图或文件）"),
        _("对方发来的短信、邮件或 App 站内信截图。没有也可以先保存，之后再上传。"),
    )
    field_order = ["agreed_at", "agreed_via", "agreed_with_name", "agreed_with_staff_id"]

    def clean_agreed_at(self) -> datetime:
        value: datetime = self.cleaned_data["agreed_at"]
        _not_in_future(value)
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        agreed_at, first_due = data.get("agreed_at"), data.get("first_due")
        if agreed_at and first_due and not self.has_error("first_due"):
            agreed_on = timezone.localtime(agreed_at).date()
            if first_due < agreed_on:
                self.add_error("first_due", _("第一期还款日不能早于达成协议的日期。"))
            elif first_due > agreed_on + timedelta(days=MAX_DAYS_AHEAD):
                self.add_error(
                    "first_due",
                    _("第一期还款日在达成协议一年以后，请检查年份；推迟还款请填“推迟几个月”。"),
                )
        if self.errors:
            self.terms = self.schedule = None
        return data


# --- Contact log --------------------------------------------------------------------------------


class ContactForm(forms.ModelForm):
    occurred_at = _datetime_field(_("时间"))
    callback_on = _date_field(_("对方承诺回电的日期"), required=False)
    payment_on = _date_field(
        _("约定的还款日期"), required=False, help_text=_("你答应或对方要求的还款日期。")
    )
    payment_amount = MoneyField(label=_("约定的还款金额（元）"), positive=True)
    attachments = _files_field(_("录音或截图"))

    class Meta:
        model = ContactLog
        fields = [
            "occurred_at",
            "channel",
            "their_number",
            "organisation",
            "their_name",
            "staff_id",
            "summary",
            "outcome",
            "callback_on",
            "payment_on",
            "payment_amount",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "their_number": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args: Any, with_attachments: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_attachments:
            del self.fields["attachments"]
        cast(forms.ChoiceField, self.fields["channel"]).choices = [
            ("", "---------"),
            *Channel.choices,
        ]
        cast(forms.ChoiceField, self.fields["outcome"]).choices = [
            ("", "---------"),
            *Outcome.choices,
        ]
        self.fields["channel"].error_messages["required"] = _("请选择沟通方式。")
        self.fields["outcome"].error_messages["required"] = _("请选择结果。")
        self.fields["summary"].error_messages["required"] = _("请写下说了什么，哪怕只有一句。")

    def clean_occurred_at(self) -> datetime:
        value: datetime = self.cleaned_data["occurred_at"]
        _not_in_future(value)
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        occurred = data.get("occurred_at")
        if occurred is None:
            return data
        day = timezone.localtime(occurred).date()
        for name in ("callback_on", "payment_on"):
            value = data.get(name)
            if value is None or self.has_error(name):
                continue
            if value < day:
                self.add_error(name, _("这个日期早于这次沟通，请检查。"))
            elif value > day + timedelta(days=2 * 365):
                self.add_error(name, _("日期太远了，请检查年份。"))
        amount_without_date = (
            data.get("payment_amount") is not None and data.get("payment_on") is None
        )
        if amount_without_date and not self.has_error("payment_on"):
            self.add_error("payment_on", _("填写了金额时，请一并填写约定的还款日期。"))
        return data


class AttachmentForm(forms.Form):
    uploads = _files_field(_("录音或截图"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["uploads"].required = True


class ConfirmationForm(forms.Form):
    uploads = _files_field(
        _("书面确认（截图或文件）"), _("对方发来的短信、邮件或 App 站内信截图，或盖章的协议。")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["uploads"].required = True


class PaymentForm(forms.Form):
    paid_on = _date_field(_("实际还款日期"))
    paid_amount = MoneyField(label=_("实际还款金额（元）"), required=True, positive=True)
    receipts = _files_field(_("还款凭证（可选）"), _("还款成功的截图或回单。"))

    def clean_paid_on(self) -> date:
        value: date = self.cleaned_data["paid_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("还款日期不能晚于今天：还没还的，等还了再标记。"))
        if value < EARLIEST:
            raise forms.ValidationError(_("日期太早了，请检查年份。"))
        return value
