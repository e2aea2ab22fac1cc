"""Step 2 (主动沟通): the borrower's situation, proposals, contact log and agreement.

Money is ``Decimal`` (12 digits, fen). Datetimes are aware and stored in UTC. Files uploaded here
(hardship documents, call recordings, screenshots, written confirmations, receipts) are evidence:
stored byte for byte through the storage API with their SHA-256, and listed by
``selectors.evidence_files`` for the evidence locker of step 3.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from collectguard.cases.models import Case
from collectguard.negotiation.schedule import ProposalTerms


class HardshipReason(models.TextChoices):
    UNEMPLOYMENT = "unemployment", _("失业")
    ILLNESS = "illness", _("生病或医疗支出")
    FAMILY_EMERGENCY = "family_emergency", _("家庭变故")
    BUSINESS_FAILURE = "business_failure", _("经营失败")
    INCOME_CUT = "income_cut", _("收入减少")
    OTHER = "other", _("其他原因")


class ProposalKind(models.TextChoices):
    INSTALMENTS = "instalments", _("分期还款")
    DEFERRAL = "deferral", _("延期还款")
    WAIVER = "waiver", _("减免罚息或费用后分期")
    COMBINATION = "combination", _("组合方案（延期和/或减免，再分期）")


class RepaymentMethod(models.TextChoices):
    EQUAL_TOTAL = "equal_total", _("等额本息（每期金额相同）")
    EQUAL_PRINCIPAL = "equal_principal", _("等额本金（每期本金相同，利息逐月减少）")


class Channel(models.TextChoices):
    PHONE_IN = "phone_in", _("对方来电")
    PHONE_OUT = "phone_out", _("我打给对方")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信")
    VISIT = "visit", _("上门")
    LETTER = "letter", _("信件")
    APP = "app", _("App 客服或站内信")
    OTHER = "other", _("其他")


class Outcome(models.TextChoices):
    NO_ANSWER = "no_answer", _("没有接通 / 没有结果")
    INFORMED = "informed", _("说明了情况，对方没有表态")
    CONSIDERING = "considering", _("对方会考虑，等待答复")
    AGREED = "agreed", _("对方同意了方案")
    REJECTED = "rejected", _("对方拒绝了方案")
    THREATENED = "threatened", _("对方威胁、辱骂或施压")
    OTHER = "other", _("其他")


class FileKind(models.TextChoices):
    HARDSHIP = "hardship", _("困难证明")
    CONTACT = "contact", _("沟通记录附件")
    CONFIRMATION = "confirmation", _("协议书面确认")
    RECEIPT = "receipt", _("还款凭证")


class Situation(models.Model):
    """Why the borrower cannot pay in full, and what they can afford (one per case)."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="negotiation_situation"
    )
    hardship_reason = models.CharField(_("困难原因"), max_length=32, choices=HardshipReason.choices)
    hardship_other = models.CharField(_("其他原因是"), max_length=120, blank=True)
    hardship_details = models.TextField(
        _("具体情况"),
        max_length=2000,
        blank=True,
        help_text=_("用一两句话说明发生了什么、从什么时候开始。会写进协商申请里。"),
    )
    monthly_income = models.DecimalField(
        _("每月收入（元）"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    essential_spending = models.DecimalField(
        _("每月必要支出（元）"),
        null=True,
        blank=True,
        help_text=_("房租、吃饭、交通、看病、孩子上学等必须花的钱。"),
        max_digits=12,
        decimal_places=2,
    )
    can_pay_monthly = models.DecimalField(
        _("每月最多能还（元）"),
        null=True,
        blank=True,
        help_text=_("留出生活必需之后，实际每月能拿出来还这笔借款的钱。宁可少说，不要勉强。"),
        max_digits=12,
        decimal_places=2,
    )
    applicant_name = models.CharField(
        _("申请人姓名"),
        max_length=60,
        blank=True,
        help_text=_("只用于协商申请的署名。可以留空，打印后手写。"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("困难情况")
        verbose_name_plural = _("困难情况")

    def __str__(self) -> str:
        return f"{self.case} · {self.hardship_label}"

    @property
    def hardship_label(self) -> str:
        if self.hardship_reason == HardshipReason.OTHER and self.hardship_other:
            return self.hardship_other
        return str(self.get_hardship_reason_display())


class OtherDebt(models.Model):
    """A debt to another lender: many borrowers owe several at once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="negotiation_debts")
    lender = models.CharField(_("其他贷款机构"), max_length=120)
    amount = models.DecimalField(
        _("欠款金额（元）"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    monthly_due = models.DecimalField(
        _("每月要还（元）"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("其他欠款")
        verbose_name_plural = _("其他欠款")

    def __str__(self) -> str:
        return self.lender


class TermsFields(models.Model):
    """The terms of a repayment plan, as ``schedule.ProposalTerms`` takes them."""

    kind = models.CharField(
        _("方案类型"), max_length=16, choices=ProposalKind.choices, default=ProposalKind.INSTALMENTS
    )
    principal = models.DecimalField(_("欠款金额（元）"), max_digits=12, decimal_places=2)
    months = models.PositiveSmallIntegerField(_("分几期（月）"))
    first_due = models.DateField(_("第一期还款日"))
    annual_rate = models.DecimalField(
        _("年利率（%）"), max_digits=7, decimal_places=4, default=Decimal(0)
    )
    fees = models.DecimalField(
        _("分期手续费等费用合计（元）"), default=Decimal(0), max_digits=12, decimal_places=2
    )
    deferral_months = models.PositiveSmallIntegerField(_("推迟几个月开始还"), default=0)
    waived_amount = models.DecimalField(
        _("申请减免的罚息或费用（元）"), default=Decimal(0), max_digits=12, decimal_places=2
    )
    method = models.CharField(
        _("还款方式"),
        max_length=16,
        choices=RepaymentMethod.choices,
        default=RepaymentMethod.EQUAL_TOTAL,
    )

    class Meta:
        abstract = True

    def terms(self) -> ProposalTerms:
        return ProposalTerms(
            kind=self.kind,  # type: ignore[arg-type]
            principal=self.principal,
            months=self.months,
            first_due=self.first_due,
            annual_rate=self.annual_rate,
            fees=self.fees,
            deferral_months=self.deferral_months,
            waived_amount=self.waived_amount,
            method=self.method,  # type: ignore[arg-type]
        )


class Proposal(TermsFields):
    """A repayment plan the borrower considers; at most one per case is the one to propose."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="negotiation_proposals")
    label = models.CharField(_("方案名称"), max_length=60)
    is_chosen = models.BooleanField(_("准备提出的方案"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(is_chosen=True), name="one_chosen_proposal_per_case"
            )
        ]
        verbose_name = _("还款方案")
        verbose_name_plural = _("还款方案")

    def __str__(self) -> str:
        return self.label


class ContactLog(models.Model):
    """One contact with the lender or a collector: who, when, how, what was said or promised."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="negotiation_contacts")
    occurred_at = models.DateTimeField(_("时间"))
    channel = models.CharField(_("方式"), max_length=16, choices=Channel.choices)
    their_number = models.CharField(_("对方号码"), max_length=40, blank=True)
    organisation = models.CharField(
        _("对方自称的机构"),
        max_length=120,
        blank=True,
        help_text=_("例如贷款机构本身，或“受某某银行委托”的催收公司。"),
    )
    their_name = models.CharField(_("对方姓名"), max_length=60, blank=True)
    staff_id = models.CharField(_("对方工号"), max_length=40, blank=True)
    summary = models.TextField(
        _("说了什么、答应了什么"),
        max_length=5000,
        help_text=_("尽量写原话。对方的承诺（回电、减免、分期）要写清楚。"),
    )
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices)
    callback_on = models.DateField(_("对方承诺回电的日期"), null=True, blank=True)
    payment_on = models.DateField(_("约定的还款日期"), null=True, blank=True)
    payment_amount = models.DecimalField(
        _("约定的还款金额（元）"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["case", "-occurred_at"])]
        verbose_name = _("沟通记录")
        verbose_name_plural = _("沟通记录")

    def __str__(self) -> str:
        return f"{self.case} · {self.occurred_at:%Y-%m-%d %H:%M}"


class AgreementStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    SUPERSEDED = "superseded", _("已被新协议取代")


class Agreement(TermsFields):
    """A plan the lender agreed to, and who agreed it; its instalments are ``AgreedPayment``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="negotiation_agreements")
    proposal = models.ForeignKey(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agreed_at = models.DateTimeField(_("达成协议的时间"))
    agreed_with_name = models.CharField(_("对方姓名"), max_length=60, blank=True)
    agreed_with_staff_id = models.CharField(_("对方工号"), max_length=40, blank=True)
    agreed_via = models.CharField(_("通过什么方式达成"), max_length=16, choices=Channel.choices)
    notes = models.TextField(_("备注"), max_length=2000, blank=True)
    status = models.CharField(
        max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-agreed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="active"),
                name="one_active_agreement_per_case",
            )
        ]
        verbose_name = _("还款协议")
        verbose_name_plural = _("还款协议")

    def __str__(self) -> str:
        return f"{self.case} · {self.agreed_at:%Y-%m-%d}"


class AgreedPayment(models.Model):
    """One instalment of an agreement, with what was actually paid."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="payments")
    number = models.PositiveSmallIntegerField(_("期数"))
    due_date = models.DateField(_("应还日期"))
    amount = models.DecimalField(_("应还金额（元）"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("实际还款日期"), null=True, blank=True)
    paid_amount = models.DecimalField(
        _("实际还款金额（元）"), null=True, blank=True, max_digits=12, decimal_places=2
    )

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="one_row_per_instalment")
        ]
        verbose_name = _("约定还款")
        verbose_name_plural = _("约定还款")

    def __str__(self) -> str:
        return f"{self.agreement} #{self.number}"

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None


class NegotiationFile(models.Model):
    """An uploaded original, kept byte for byte, with the hash that proves it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="negotiation_files")
    kind = models.CharField(max_length=16, choices=FileKind.choices)
    contact = models.ForeignKey(
        ContactLog, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    payment = models.ForeignKey(
        AgreedPayment, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    # Storage name, chosen by us (never built from the uploaded file name).
    path = models.CharField(max_length=500, unique=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["case", "sha256"])]
        verbose_name = _("上传文件")
        verbose_name_plural = _("上传文件")

    def __str__(self) -> str:
        return self.original_name
