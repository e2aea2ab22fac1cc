from django.urls import path

from collectguard.negotiation import views

app_name = "negotiation"

_case = "cases/<int:pk>/negotiation"

urlpatterns = [
    path(f"{_case}/", views.overview, name="overview"),
    path(f"{_case}/situation/", views.situation, name="situation"),
    path(f"{_case}/situation/documents/", views.documents_upload, name="documents"),
    path(f"{_case}/proposals/", views.proposals, name="proposals"),
    path(f"{_case}/proposals/new/", views.proposal_new, name="proposal_new"),
    path(f"{_case}/proposals/<int:proposal_id>/", views.proposal_detail, name="proposal"),
    path(f"{_case}/proposals/<int:proposal_id>/edit/", views.proposal_edit, name="proposal_edit"),
    path(
        f"{_case}/proposals/<int:proposal_id>/choose/",
        views.proposal_choose_view,
        name="proposal_choose",
    ),
    path(
        f"{_case}/proposals/<int:proposal_id>/delete/",
        views.proposal_delete_view,
        name="proposal_delete",
    ),
    path(f"{_case}/script/", views.script, name="script"),
    path(f"{_case}/script/print/", views.script_print, name="script_print"),
    path(f"{_case}/letter/", views.letter, name="letter"),
    path(f"{_case}/letter/preview/", views.letter_preview, name="letter_preview"),
    path(f"{_case}/letter/pdf/", views.letter_pdf, name="letter_pdf"),
    path(f"{_case}/contacts/", views.contacts, name="contacts"),
    path(f"{_case}/contacts/new/", views.contact_new, name="contact_new"),
    path(f"{_case}/contacts/<int:contact_id>/edit/", views.contact_edit, name="contact_edit"),
    path(
        f"{_case}/contacts/<int:contact_id>/attachments/",
        views.contact_attach,
        name="contact_attach",
    ),
    path(f"{_case}/agreement/", views.agreement, name="agreement"),
    path(f"{_case}/agreement/new/", views.agreement_new, name="agreement_new"),
    path(f"{_case}/agreement/confirmation/", views.agreement_confirm, name="agreement_confirm"),
    path(
        f"{_case}/agreement/payments/<int:payment_id>/paid/",
        views.payment_paid,
        name="payment_paid",
    ),
    path(
        f"{_case}/agreement/payments/<int:payment_id>/unpaid/",
        views.payment_unpaid,
        name="payment_unpaid",
    ),
    path(f"{_case}/files/<int:file_id>/", views.file_download, name="file"),
]
