from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collectguard.cases.models import Case


class CaseForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Case
        fields = [
            "title",
            "lender",
            "loan_type",
            "contract_numbers",
            "amount_owed",
            "overdue_since",
            "notes",
        ]
        widgets = {
            "overdue_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "contract_numbers": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "amount_owed": forms.NumberInput(
                attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}
            ),
        }
        help_texts = {
            "title": _("例如：某某银行信用卡、某某借款 App。"),
            "amount_owed": _("按对方最近一次告诉你的金额填写；有争议的部分可以在备注里说明。"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version

    def clean_overdue_since(self) -> Any:
        value = self.cleaned_data.get("overdue_since")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("逾期开始日期不能晚于今天。"))
        return value
