"""Admin: staff may look, never change. Evidence and its custody log are read-only here;
a case's files are removed only by deleting the case (which removes its storage objects)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from collectguard.evidence.models import CustodyEntry, EvidenceItem, Filing, GeneratedDocument


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CustodyEntry)
class CustodyEntryAdmin(ReadOnlyAdmin):
    list_display = ("case", "seq", "created_at", "action", "target", "actor_label")
    list_filter = ("action",)
    raw_id_fields = ("case", "actor")


@admin.register(EvidenceItem)
class EvidenceItemAdmin(ReadOnlyAdmin):
    # No description, purpose or file names: staff see that evidence exists, not what it says.
    list_display = ("uuid", "case", "kind", "file_type", "size", "uploaded_at")
    list_filter = ("kind", "file_type")
    fields = ("uuid", "case", "kind", "file_type", "size", "sha256", "uploaded_at")
    raw_id_fields = ("case",)


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "channel", "pages", "created_at")
    list_filter = ("kind",)
    fields = ("case", "kind", "channel", "pages", "pdf_sha256", "template_version", "created_at")
    raw_id_fields = ("case",)


@admin.register(Filing)
class FilingAdmin(ReadOnlyAdmin):
    list_display = ("case", "channel", "status", "filed_on")
    list_filter = ("channel", "status")
    fields = ("case", "channel", "status", "filed_on", "answered_on")
    raw_id_fields = ("case",)
