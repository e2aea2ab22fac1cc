"""Staff manage organisations and invitations here (or on the staff pages under /review/).

Shares, comments and approvals are not registered: they carry case content, which staff do not
browse. The access log is read-only.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from collectguard.review.models import AccessLogEntry, Invitation, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)
    readonly_fields = ("joined_at", "ended_at")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "region")
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are created on the staff page, which shows the link once."""

    list_display = ("organisation", "invitee_label", "created_at", "expires_at", "accepted_at")
    list_filter = ("organisation",)
    readonly_fields = (
        "organisation",
        "token_hash",
        "created_by",
        "created_at",
        "accepted_at",
        "accepted_by",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "action", "case_ref", "method", "path", "ip")
    list_filter = ("action",)
    search_fields = ("username", "path")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
