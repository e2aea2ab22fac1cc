"""Legal-aid review: organisations, their volunteers, the borrower's consent (shares), the
volunteers' feedback on a case, and the log of everything non-owners did with it.

Feedback points at messages, evidence items and letters of other apps by (kind, id) rather than
by foreign keys: those apps evolve on their own, and `targets.py` checks that an id belongs to
the case before anything is stored or shown.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collectguard.cases.models import Case

# Share codes are read out or typed from a WeChat message: no 0/O, 1/I/L.
SHARE_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHARE_CODE_LENGTH = 8


class Organisation(models.Model):
    """A legal-aid organisation whose volunteers review the cases shared with it."""

    name = models.CharField(_("机构名称"), max_length=120, unique=True)
    region = models.CharField(_("所在地区"), max_length=60, blank=True)
    description = models.CharField(_("简介"), max_length=300, blank=True)
    is_active = models.BooleanField(
        _("启用"), default=True, help_text=_("停用后，分享给这个机构的案件对其志愿者不可见。")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("法律援助机构")
        verbose_name_plural = _("法律援助机构")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    is_active = models.BooleanField(_("有效"), default=True)
    joined_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="review_one_membership")
        ]
        verbose_name = _("机构成员")
        verbose_name_plural = _("机构成员")

    def __str__(self) -> str:
        return f"{self.user_id}@{self.organisation_id}"


class InvitationState(models.TextChoices):
    PENDING = "pending", _("待接受")
    ACCEPTED = "accepted", _("已接受")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已作废")


class Invitation(models.Model):
    """A single-use link that makes whoever opens it a volunteer of the organisation.

    Only the SHA-256 of the token is stored: the link is shown to staff once, and a database
    leak does not hand out volunteer accounts.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    invitee_label = models.CharField(
        _("备注（被邀请人）"),
        max_length=60,
        blank=True,
        help_text=_("只给工作人员看，方便分辨是发给谁的邀请。"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("志愿者邀请")
        verbose_name_plural = _("志愿者邀请")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.invitee_label or self.pk}"

    def state(self, now: datetime | None = None) -> InvitationState:
        now = now or timezone.now()
        if self.accepted_at:
            return InvitationState.ACCEPTED
        if self.revoked_at:
            return InvitationState.REVOKED
        if self.expires_at <= now:
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    def get_state_display(self) -> str:
        return str(self.state().label)


class ShareQuerySet(models.QuerySet["Share"]):
    def live(self, now: datetime | None = None) -> ShareQuerySet:
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class Share(models.Model):
    """The borrower's consent: one case, opened to one organisation or one named volunteer.

    Access is checked against this row on every request, so revoking or expiring takes effect
    on the very next page a volunteer loads.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shares",
        verbose_name=_("机构"),
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shares_received",
        verbose_name=_("志愿者"),
    )
    code = models.CharField(_("分享码"), max_length=SHARE_CODE_LENGTH, unique=True)
    reveal_third_parties = models.BooleanField(
        _("显示第三方的姓名和号码"),
        default=False,
        help_text=_("默认隐藏短信里出现的家人、联系人等第三方的姓名和电话号码。"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("收回时间"), null=True, blank=True)

    objects = ShareQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(organisation__isnull=False, volunteer__isnull=True)
                    | Q(organisation__isnull=True, volunteer__isnull=False)
                ),
                name="review_share_one_recipient",
            )
        ]
        indexes = [
            models.Index(fields=["volunteer", "revoked_at"]),
            models.Index(fields=["organisation", "revoked_at"]),
        ]
        verbose_name = _("案件分享")
        verbose_name_plural = _("案件分享")

    def __str__(self) -> str:
        return self.display_code

    @property
    def display_code(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}"

    def is_live(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def last_day(self) -> date | None:
        """The last day (Asia/Shanghai) the share is open: `expires_at` is the midnight after."""
        if self.expires_at is None:
            return None
        return timezone.localtime(self.expires_at - timedelta(microseconds=1)).date()

    @property
    def is_expired(self) -> bool:
        return self.revoked_at is None and self.expires_at is not None and not self.is_live()


class TargetKind(models.TextChoices):
    CASE = "case", _("整个案件")
    MESSAGE = "message", _("短信 / 通话")
    EVIDENCE = "evidence", _("证据")
    LETTER = "letter", _("文书")


class CommentKind(models.TextChoices):
    COMMENT = "comment", _("意见")
    CHANGES = "changes", _("需要修改")


class ChangeReason(models.TextChoices):
    MISSING_EVIDENCE = "missing_evidence", _("缺少证据")
    WRONG_AUTHORITY = "wrong_authority", _("投诉部门不对")
    HARMFUL_STATEMENT = "harmful_statement", _("有可能对你不利的说法")
    WRONG_FACTS = "wrong_facts", _("事实或金额有误")
    OUTDATED_LAW = "outdated_law", _("引用的法律条文已过时")
    OTHER = "other", _("其他")


class Comment(models.Model):
    """A volunteer's comment or change request on the case or on one thing in it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="review_comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=CommentKind.choices)
    target_kind = models.CharField(max_length=16, choices=TargetKind.choices)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    # What the target was when the comment was written, in case it is later deleted.
    target_label = models.CharField(max_length=200, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    body = models.TextField(_("内容"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["case", "-created_at"])]
        verbose_name = _("审阅意见")
        verbose_name_plural = _("审阅意见")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(ChangeReason.choices)
        return [str(labels.get(code, code)) for code in self.reasons]


class LetterApproval(models.Model):
    """A volunteer's approval of one generated version of a letter.

    The SHA-256 of the PDF is copied here: what prints after approval is checked against it,
    so a different version can never pass as the approved one.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="letter_approvals")
    document_id = models.PositiveBigIntegerField()
    document_label = models.CharField(max_length=200)
    pdf_sha256 = models.CharField(max_length=64)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("附言"), max_length=1000, blank=True)
    approved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-approved_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "document_id", "approved_by"], name="review_approve_once"
            )
        ]
        verbose_name = _("文书批准")
        verbose_name_plural = _("文书批准")

    def __str__(self) -> str:
        return f"{self.document_label} ({self.pdf_sha256[:12]})"


class AccessAction(models.TextChoices):
    VIEW = "view", _("查看")
    DOWNLOAD = "download", _("下载")
    CHANGE = "change", _("提交 / 修改")
    DENIED = "denied", _("被拒绝")


class AccessLogEntry(models.Model):
    """Who other than the owner saw, downloaded or changed a case, and from where.

    No content is stored, only the path. Rows outlive a deleted case (case set to NULL, the
    id kept in `case_ref`) until the retention rule in docs/retention.md removes them.
    """

    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="access_log"
    )
    case_ref = models.PositiveBigIntegerField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    username = models.CharField(max_length=150)
    action = models.CharField(max_length=16, choices=AccessAction.choices)
    method = models.CharField(max_length=8, blank=True)
    path = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["case", "-at"])]
        verbose_name = _("访问记录")
        verbose_name_plural = _("访问记录")

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.case_ref} {self.at:%Y-%m-%d %H:%M}"
