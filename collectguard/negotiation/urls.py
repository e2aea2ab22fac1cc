from django.urls import path

from collectguard.negotiation import views

app_name = "negotiation"

urlpatterns = [
    path("cases/<int:pk>/negotiation/", views.overview, name="overview"),
]
