from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "collectguard.legal"
    label = "legal"
