from django.urls import path

from collectguard.intake import views

app_name = "intake"

urlpatterns = [
    path("cases/<int:pk>/intake/", views.overview, name="overview"),
]
