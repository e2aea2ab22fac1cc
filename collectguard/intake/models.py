"""Step 1 data: what reached the borrower, from whom, and when.

Rows keep the original epoch-millisecond timestamp of a phone backup and a dedupe key, so
re-importing the same export adds nothing. Analysis results are stored with each message
(they are recomputed by `messages_reanalyse` when the rules change).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from collectguard.cases.models import Case


class SenderKind(models.TextChoices):
    SERVICE_NUMBER = "service_number", _("金融机构客服号码（95/96 开头）")
    SMS_PLATFORM = "sms_platform", _("短信平台号码（106 开头）")
    MOBILE = "mobile", _("个人手机号")
    VIRTUAL_MOBILE = "virtual_mobile", _("虚拟运营商手机号")
    LANDLINE = "landline", _("固定电话")
    TOLL_FREE = "toll_free", _("400/800 号码")
    SHORT_CODE = "short_code", _("运营商或政府短号码")
    INTERNATIONAL = "international", _("境外号码")
    IOT = "iot", _("物联网号码")
    UNKNOWN = "unknown", _("无法识别")


class Direction(models.TextChoices):
    INCOMING = "incoming", _("收到")
    OUTGOING = "outgoing", _("发出")


class Channel(models.TextChoices):
    SMS = "sms", _("短信")
    MMS = "mms", _("彩信")
    WECHAT = "wechat", _("微信")
    APP = "app", _("App 通知")
    LETTER = "letter", _("信件")
    VISIT = "visit", _("上门")
    OTHER = "other", _("其他")


class Source(models.TextChoices):
    PASTE = "paste", _("粘贴")
    MANUAL = "manual", _("手动记录")
    BACKUP = "backup", _("手机备份导入")


class ImportBatch(models.Model):
    """One uploaded phone-backup file and what became of it."""

    class Kind(models.TextChoices):
        SMS = "sms", _("短信备份")
        CALLS = "calls", _("通话记录备份")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="import_batches")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    # The original file, kept byte for byte as evidence (an EvidenceItem id once stored there).
    evidence_item_id = models.BigIntegerField(null=True, blank=True)
    kept_all = models.BooleanField(default=False)
    messages_imported = models.PositiveIntegerField(default=0)
    calls_imported = models.PositiveIntegerField(default=0)
    duplicates_skipped = models.PositiveIntegerField(default=0)
    left_out_messages = models.PositiveIntegerField(default=0)
    left_out_calls = models.PositiveIntegerField(default=0)
    # [{"number": ..., "kind": ..., "messages": n, "calls": n, "sample": "..."}]
    left_out_senders = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The same file imported twice is one batch: re-importing adds nothing.
            models.UniqueConstraint(fields=["case", "sha256"], name="import_unique_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.kind})"

    @property
    def left_out_count(self) -> int:
        return self.left_out_messages + self.left_out_calls


class Message(models.Model):
    # No index of its own: every index below starts with the case (fewer indexes to keep up
    # to date when a phone backup inserts 100,000 rows).
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    # Normalised number; empty when unknown (a visit, a letter, a paste without a sender).
    sender = models.CharField(_("号码"), max_length=64, blank=True)
    sender_raw = models.CharField(max_length=128, blank=True)  # as written in the source
    sender_kind = models.CharField(max_length=20, choices=SenderKind.choices)
    direction = models.CharField(max_length=8, choices=Direction.choices, default="incoming")
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.SMS)
    # The backup's box for SMS/MMS (received, sent, draft, outbox, failed, queued); empty otherwise.
    box = models.CharField(max_length=10, blank=True)
    body = models.TextField(_("内容"))
    received_at = models.DateTimeField(_("时间"), null=True, blank=True)
    date_ms = models.BigIntegerField(null=True, blank=True)  # the backup's own epoch-ms value
    source = models.CharField(max_length=8, choices=Source.choices)
    # Not indexed: looked up together with the case and sender (see importer.leave_out).
    import_batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        db_index=False,
    )
    categories = models.JSONField(default=list, blank=True)
    signals = models.JSONField(default=list, blank=True)
    # [{"category", "start", "end", "provisions": [...], "rule": ...}]
    findings = models.JSONField(default=list, blank=True)
    is_flagged = models.BooleanField(default=False)
    # Threatens violence, children or a visit "today": the step-1 page leads with what to do now.
    is_urgent = models.BooleanField(default=False)
    is_night = models.BooleanField(default=False)
    dedupe_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "dedupe_key"], name="message_unique_per_case")
        ]
        indexes = [
            models.Index(fields=["case", "received_at"]),
            models.Index(fields=["case", "sender", "received_at"]),
            # Partial: flagged messages are a minority, and only they are ever looked up.
            models.Index(
                fields=["case", "received_at"],
                condition=models.Q(is_flagged=True),
                name="message_flagged",
            ),
            # Partial: it holds only the few rows the safety banner looks for, so it costs
            # nothing when a backup inserts 100,000 SMS.
            models.Index(
                fields=["case", "received_at"],
                condition=models.Q(is_urgent=True),
                name="message_urgent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender}: {self.body[:30]}"


class Call(models.Model):
    class CallType(models.TextChoices):
        INCOMING = "incoming", _("已接来电")
        OUTGOING = "outgoing", _("拨出")
        MISSED = "missed", _("未接来电")
        VOICEMAIL = "voicemail", _("语音信箱")
        REJECTED = "rejected", _("已拒接")
        BLOCKED = "blocked", _("已拦截")
        ANSWERED_ELSEWHERE = "answered_elsewhere", _("在其他设备接听")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="calls", db_index=False)
    number = models.CharField(_("号码"), max_length=64)
    number_raw = models.CharField(max_length=128, blank=True)
    sender_kind = models.CharField(max_length=20, choices=SenderKind.choices)
    call_type = models.CharField(max_length=20, choices=CallType.choices)
    started_at = models.DateTimeField(_("时间"))
    date_ms = models.BigIntegerField(null=True, blank=True)
    duration_s = models.PositiveIntegerField(_("通话时长（秒）"), default=0)
    notes = models.TextField(_("备注"), blank=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    import_batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
        db_index=False,
    )
    is_night = models.BooleanField(default=False)
    dedupe_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "dedupe_key"], name="call_unique_per_case")
        ]
        indexes = [models.Index(fields=["case", "number", "started_at"])]

    def __str__(self) -> str:
        return f"{self.number or '?'} {self.call_type} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_attempt(self) -> bool:
        """DESIGN.md: a call attempt is any call that is not outgoing."""
        return self.call_type != self.CallType.OUTGOING

    @property
    def is_connected(self) -> bool:
        return self.call_type == self.CallType.INCOMING and self.duration_s > 0


class Sender(models.Model):
    """What is known about one number in a case, kept up to date as messages and calls arrive.

    Summaries of the analysed messages (categories, signals, behaviours, 【signatures】) are
    unions, so new messages only ever add to them; the counts are recomputed from the rows by
    `collectguard.intake.senders.senders_refresh`. The step-1 page reads these rows instead of
    every message, so it stays fast however many messages a case has.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="senders")
    number = models.CharField(_("号码"), max_length=64, blank=True)
    kind = models.CharField(max_length=20, choices=SenderKind.choices)
    messages_received = models.PositiveIntegerField(default=0)
    messages_sent = models.PositiveIntegerField(default=0)
    night_messages = models.PositiveIntegerField(default=0)
    flagged_messages = models.PositiveIntegerField(default=0)
    # Received through other channels (WeChat, app, letter) or in person (visits).
    other_messages = models.PositiveIntegerField(default=0)
    calls = models.PositiveIntegerField(default=0)
    call_attempts = models.PositiveIntegerField(default=0)
    calls_connected = models.PositiveIntegerField(default=0)
    night_calls = models.PositiveIntegerField(default=0)
    max_attempts_per_day = models.PositiveIntegerField(default=0)
    days_over_3_connected = models.PositiveIntegerField(default=0)
    days_over_6_attempts = models.PositiveIntegerField(default=0)
    categories = models.JSONField(default=list, blank=True)
    signals = models.JSONField(default=list, blank=True)
    behaviours = models.JSONField(default=list, blank=True)
    signatures = models.JSONField(default=list, blank=True)
    urgent = models.BooleanField(default=False)
    # Sent something about a debt (a finding, a debt signal or collection vocabulary): a phone
    # backup keeps this number's messages and calls even under data minimisation.
    collection_related = models.BooleanField(default=False)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-flagged_messages", "-messages_received", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="sender_unique_per_case")
        ]

    def __str__(self) -> str:
        return self.number or "?"

    @property
    def night_contacts(self) -> int:
        return self.night_messages + self.night_calls

    @property
    def contacts(self) -> int:
        return self.messages_received + self.call_attempts
