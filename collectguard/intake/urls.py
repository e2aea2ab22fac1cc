from django.urls import path

from collectguard.intake import views

app_name = "intake"

urlpatterns = [
    path("cases/<int:pk>/intake/", views.overview, name="overview"),
    path("cases/<int:pk>/intake/paste/", views.paste, name="paste"),
    path("cases/<int:pk>/intake/paste/preview/", views.paste_preview, name="paste_preview"),
    path("cases/<int:pk>/intake/manual/", views.manual, name="manual"),
    path("cases/<int:pk>/intake/import/", views.upload, name="upload"),
    path(
        "cases/<int:pk>/intake/import/<int:batch_id>/",
        views.import_result,
        name="import_result",
    ),
    path(
        "cases/<int:pk>/intake/import/<int:batch_id>/keep-all/",
        views.keep_all,
        name="keep_all",
    ),
    path("cases/<int:pk>/intake/messages/", views.message_list_view, name="messages"),
    path("cases/<int:pk>/intake/senders/", views.senders, name="senders"),
    path("cases/<int:pk>/intake/statistics/", views.statistics, name="statistics"),
]
