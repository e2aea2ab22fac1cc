from django.contrib import admin

from collectguard.cases.models import Case


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "lender", "loan_type", "status", "updated_at")
    list_filter = ("status", "loan_type")
    search_fields = ("title", "lender", "owner__username")
    raw_id_fields = ("owner",)
