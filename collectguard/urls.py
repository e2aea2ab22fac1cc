from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from collectguard import views

# Staff see every case through the admin: they must pass a second factor (TOTP) to log in.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("collectguard.accounts.urls")),
    path("cases/", include("collectguard.cases.urls")),
    path("", include("collectguard.intake.urls")),
    path("", include("collectguard.negotiation.urls")),
    path("", include("collectguard.evidence.urls")),
    path("", include("collectguard.review.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
