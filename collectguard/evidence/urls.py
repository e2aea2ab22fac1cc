from django.urls import path

from collectguard.evidence import views

app_name = "evidence"

urlpatterns = [
    # Evidence locker
    path("cases/<int:pk>/evidence/", views.overview, name="overview"),
    path("cases/<int:pk>/evidence/upload/", views.upload, name="upload"),
    path("cases/<int:pk>/evidence/custody/", views.custody_log, name="custody"),
    path("cases/<int:pk>/evidence/<uuid:item>/", views.item_detail, name="item"),
    path("cases/<int:pk>/evidence/<uuid:item>/download/", views.item_download, name="download"),
    path("cases/<int:pk>/evidence/<uuid:item>/preview.jpg", views.item_preview, name="preview"),
    path("cases/<int:pk>/evidence/<uuid:item>/edit/", views.item_edit, name="edit"),
    path("cases/<int:pk>/evidence/<uuid:item>/delete/", views.item_delete, name="delete"),
    # Documents
    path("cases/<int:pk>/documents/", views.documents, name="documents"),
    path("cases/<int:pk>/documents/new/<slug:kind>/", views.document_new, name="document_new"),
    path(
        "cases/<int:pk>/documents/new/<slug:kind>/<slug:channel>/",
        views.document_new,
        name="document_new_channel",
    ),
    path("cases/<int:pk>/documents/<int:doc>/", views.document_detail, name="document"),
    path("cases/<int:pk>/documents/<int:doc>/pdf/", views.document_pdf, name="document_pdf"),
    path("cases/<int:pk>/documents/<int:doc>/page/", views.document_page, name="document_page"),
    # Where to complain, and what was filed
    path("cases/<int:pk>/complaints/", views.complaints, name="complaints"),
    path("cases/<int:pk>/complaints/<slug:channel>/", views.complaint_pack, name="pack"),
    path("cases/<int:pk>/checklist/", views.checklist, name="checklist"),
    path("cases/<int:pk>/checklist/<int:filing>/edit/", views.filing_edit, name="filing_edit"),
    path(
        "cases/<int:pk>/checklist/<int:filing>/delete/", views.filing_delete, name="filing_delete"
    ),
]
