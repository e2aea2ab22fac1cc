"""Step 3 data: evidence originals, the custody log, generated documents and filings.

Originals live in Django's storage under ``cases/<case_id>/evidence/<uuid>`` and are never
served from a public URL; rows keep what is needed to prove a file was not altered (SHA-256,
size, type detected from the content) and who did what with it (the custody log).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from collectguard.cases.models import Case
from collectguard.evidence.filetypes import ALLOWED_TYPES, FileType


class EvidenceKind(models.TextChoices):
    SCREENSHOT = "screenshot", _("截图 / 照片")
    RECORDING = "recording", _("录音 / 录像")
    DOCUMENT = "document", _("书面材料（合同、通知、回执等）")
    BACKUP = "backup", _("手机短信 / 通话记录备份")
    OTHER = "other", _("其他")


class EvidenceSource(models.TextChoices):
    UPLOAD = "upload", _("本人上传")
    BACKUP_IMPORT = "backup_import", _("手机备份导入")
    NEGOTIATION = "negotiation", _("协商记录附件")


class EvidenceItem(models.Model):
    """One original file, kept byte for byte."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence_items")
    kind = models.CharField(
        _("证据类型"), max_length=16, choices=EvidenceKind.choices, default=EvidenceKind.SCREENSHOT
    )
    source = models.CharField(
        max_length=16, choices=EvidenceSource.choices, default=EvidenceSource.UPLOAD
    )
    description = models.CharField(
        _("证据名称 / 说明"),
        max_length=200,
        blank=True,
        help_text=_("例如：2025年11月3日 138****0000 发来的威胁短信截图。"),
    )
    purpose = models.TextField(
        _("证明目的"),
        max_length=1000,
        blank=True,
        help_text=_("这份证据能证明什么。例如：对方在夜间 23:40 发短信催收，并威胁联系我的家人。"),
    )
    related_messages = models.ManyToManyField(
        "intake.Message",
        verbose_name=_("相关的短信 / 消息"),
        blank=True,
        related_name="evidence_items",
    )
    # The file itself: a storage key the app chose (never derived from the user's file name).
    storage_key = models.CharField(max_length=255, unique=True, editable=False)
    thumbnail_key = models.CharField(max_length=255, blank=True, editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    size = models.BigIntegerField(_("大小（字节）"), editable=False)
    file_type = models.CharField(_("文件类型"), max_length=8, editable=False)
    content_type = models.CharField(max_length=64, editable=False)
    original_name = models.CharField(_("原文件名"), max_length=255, editable=False)
    # Pages the item takes in the printed evidence bundle (证据材料): a PDF its page count,
    # anything else one page (a picture, or a sheet describing a recording or backup).
    print_pages = models.PositiveSmallIntegerField(default=1, editable=False)
    uploaded_at = models.DateTimeField(_("上传时间"), editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            # The same bytes are stored once per case (a double submit or a re-upload).
            models.UniqueConstraint(fields=["case", "sha256"], name="evidence_unique_per_case")
        ]
        verbose_name = _("证据")
        verbose_name_plural = _("证据")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.description or self.original_name

    @property
    def type_info(self) -> FileType:
        return ALLOWED_TYPES[self.file_type]

    @property
    def is_image(self) -> bool:
        return self.type_info.is_image

    @property
    def origin_label(self) -> str:
        """证据来源 in the evidence list: how the original came to exist."""
        labels = {
            EvidenceKind.SCREENSHOT: _("本人手机截图、拍摄"),
            EvidenceKind.RECORDING: _("本人录音、录像"),
            EvidenceKind.DOCUMENT: _("书面材料电子版"),
            EvidenceKind.BACKUP: _("本人手机备份导出"),
            EvidenceKind.OTHER: _("本人提供"),
        }
        return str(labels.get(EvidenceKind(self.kind), labels[EvidenceKind.OTHER]))


class CustodyAction(models.TextChoices):
    ADDED = "added", _("保存原件")
    VIEWED = "viewed", _("查看")
    DOWNLOADED = "downloaded", _("下载原件")
    EDITED = "edited", _("修改说明")
    DELETED = "deleted", _("删除")
    GENERATED = "generated", _("生成文书")
    EXPORTED = "exported", _("下载文书")
    FILED = "filed", _("记录投诉 / 报案")
    IMPORTED = "imported", _("导入备份")


class CustodyEntry(models.Model):
    """One line of a case's append-only custody log.

    Each entry stores the hash of the previous entry and a hash over its own content, so a row
    edited, removed or inserted afterwards breaks the chain (`custody_verify`). The model refuses
    to update or delete rows; only deleting the whole case removes its log.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="custody_entries")
    seq = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Who it was at the time, kept in the hashed content even if the account is deleted.
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16, choices=CustodyAction.choices)
    target = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["case", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="custody_seq_unique_per_case")
        ]
        verbose_name = _("保管记录")
        verbose_name_plural = _("保管记录")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("Custody entries are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Custody entries are append-only and cannot be deleted.")


class DocumentKind(models.TextChoices):
    EVIDENCE_LIST = "evidence_list", _("证据目录")
    COMPLAINT = "complaint", _("投诉信 / 报案材料")
    STOP_NOTICE = "stop_notice", _("停止侵权告知函")
    NEGOTIATION_REQUEST = "negotiation_request", _("协商还款申请书")


class GeneratedDocument(models.Model):
    """A snapshot of one generated document: exactly what was rendered, and its PDF.

    The PDF bytes are kept, so what a volunteer approved is what prints, even after the case,
    the legal data or the templates change.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="generated_documents")
    kind = models.CharField(_("文书"), max_length=32)
    channel = models.CharField(_("渠道"), max_length=32, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    variables = models.JSONField(_("输入内容"), default=dict)
    html = models.TextField()
    template_version = models.CharField(max_length=64)
    pdf_key = models.CharField(max_length=255, unique=True)
    pdf_sha256 = models.CharField("SHA-256", max_length=64)
    pdf_size = models.PositiveIntegerField()
    pages = models.PositiveIntegerField(_("页数"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("生成时间"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["case", "kind", "channel", "-created_at"])]
        verbose_name = _("已生成的文书")
        verbose_name_plural = _("已生成的文书")

    def __str__(self) -> str:
        return self.title

    @property
    def download_name(self) -> str:
        stamp = self.created_at.strftime("%Y%m%d-%H%M")
        return f"{self.title}-{stamp}.pdf"


class FilingStatus(models.TextChoices):
    PLANNED = "planned", _("准备提交")
    FILED = "filed", _("已提交，等待答复")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已结束")


class Filing(models.Model):
    """One complaint or report the borrower made (or plans to), for the action checklist."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="filings")
    channel = models.CharField(_("提交到"), max_length=32)
    status = models.CharField(
        _("状态"), max_length=16, choices=FilingStatus.choices, default=FilingStatus.FILED
    )
    filed_on = models.DateField(_("提交日期"), null=True, blank=True)
    reference_number = models.CharField(
        _("受理编号 / 回执号"),
        max_length=100,
        blank=True,
        help_text=_("投诉编号、工单号或报警回执上的编号。没有可以空着。"),
    )
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    notes = models.TextField(_("备注"), max_length=2000, blank=True)
    document = models.ForeignKey(
        GeneratedDocument,
        verbose_name=_("提交的文书"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="filings",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["filed_on", "pk"]
        verbose_name = _("投诉 / 报案记录")
        verbose_name_plural = _("投诉 / 报案记录")

    def __str__(self) -> str:
        return f"{self.channel} {self.filed_on or ''}"
