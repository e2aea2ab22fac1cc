from django.contrib import admin

from collectguard.intake.models import ImportBatch

# Messages, calls and sender summaries are the borrower's personal data: staff see them only
# through the audited case views, never in the admin. Import batches carry counts and hashes.


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("original_name", "kind", "case", "messages_imported", "calls_imported")
    list_filter = ("kind", "kept_all")
    readonly_fields = [f.name for f in ImportBatch._meta.fields if f.name != "left_out_senders"]
    exclude = ("left_out_senders",)
    raw_id_fields = ("case", "created_by")
