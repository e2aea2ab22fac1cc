from django.urls import path

from collectguard.evidence import views

app_name = "evidence"

urlpatterns = [
    path("cases/<int:pk>/evidence/", views.overview, name="overview"),
]
