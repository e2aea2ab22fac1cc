from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoanType(models.TextChoices):
    CREDIT_CARD = "credit_card", _("银行信用卡")
    BANK_LOAN = "bank_loan", _("银行贷款")
    CONSUMER_FINANCE = "consumer_finance", _("消费金融公司贷款")
    ONLINE_SMALL_LOAN = "online_small_loan", _("网络小额贷款")
    PRIVATE_LENDING = "private_lending", _("民间借贷")
    OTHER = "other", _("其他 / 不确定")


class CaseStatus(models.TextChoices):
    ACTIVE = "active", _("进行中")
    ARCHIVED = "archived", _("已归档")


class Case(models.Model):
    """One lender or loan a borrower is being pursued for."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cases"
    )
    title = models.CharField(_("案件名称"), max_length=120)
    lender = models.CharField(_("贷款机构 / 平台"), max_length=120, blank=True)
    loan_type = models.CharField(
        _("贷款类型"), max_length=32, choices=LoanType.choices, default=LoanType.OTHER
    )
    contract_numbers = models.CharField(
        _("合同号 / 借款编号"),
        max_length=500,
        blank=True,
        help_text=_("有多个时用逗号或换行分开。可以在借款 App 或合同里找到。"),
    )
    amount_owed = models.DecimalField(
        _("欠款金额（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    overdue_since = models.DateField(_("逾期开始日期"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True, max_length=5000)
    status = models.CharField(
        _("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.ACTIVE
    )
    # Optimistic concurrency: every edit must name the version it started from.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["owner", "status", "-updated_at"])]
        verbose_name = _("案件")
        verbose_name_plural = _("案件")

    def __str__(self) -> str:
        return self.title

    @property
    def is_archived(self) -> bool:
        return self.status == CaseStatus.ARCHIVED

    def contract_number_list(self) -> list[str]:
        raw = self.contract_numbers.replace("，", ",").replace("\n", ",")
        return [item.strip() for item in raw.split(",") if item.strip()]
