from django.urls import path

from collectguard.review import views

app_name = "review"

urlpatterns = [
    # Volunteers (two-factor verified)
    path("review/", views.queue, name="queue"),
    path("review/open/", views.open_code, name="open_code"),
    path("review/s/<str:code>/", views.share_link, name="share_link"),
    path("review/cases/<int:pk>/", views.review_case, name="case"),
    path("review/cases/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("review/cases/<int:pk>/changes/", views.changes_create, name="changes_create"),
    path(
        "review/cases/<int:pk>/letters/<int:document_id>/approve/",
        views.letter_approve,
        name="letter_approve",
    ),
    # The owner, and volunteers the case is shared with
    path(
        "cases/<int:pk>/approvals/<int:approval_id>/pdf/",
        views.approved_pdf_download,
        name="approved_pdf",
    ),
    # The owner only
    path("cases/<int:pk>/sharing/", views.sharing, name="sharing"),
    path("cases/<int:pk>/sharing/new/", views.share_create, name="share_create"),
    path("cases/<int:pk>/sharing/<int:share_id>/", views.share_update, name="share_update"),
    path(
        "cases/<int:pk>/sharing/<int:share_id>/revoke/",
        views.share_revoke,
        name="share_revoke",
    ),
    path(
        "cases/<int:pk>/feedback/<int:comment_id>/resolve/",
        views.comment_resolve,
        name="comment_resolve",
    ),
    path("cases/<int:pk>/access-log/", views.access_log, name="access_log"),
    path("cases/<int:pk>/export/", views.export, name="export"),
    # Staff (two-factor verified)
    path("review/organisations/", views.organisation_list, name="organisation_list"),
    path(
        "review/organisations/<int:pk>/",
        views.organisation_detail,
        name="organisation_detail",
    ),
    path(
        "review/organisations/<int:pk>/invitations/",
        views.invitation_create,
        name="invitation_create",
    ),
    path(
        "review/organisations/<int:pk>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "review/organisations/<int:pk>/members/<int:membership_id>/deactivate/",
        views.membership_deactivate,
        name="membership_deactivate",
    ),
]
