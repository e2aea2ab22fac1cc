from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from collectguard.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "is_volunteer", "is_staff", "date_joined")
    list_filter = ("is_volunteer", "is_staff", "is_active")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("CollectGuard", {"fields": ("is_volunteer",)}))
