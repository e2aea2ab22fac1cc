from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "collectguard.evidence"
    label = "evidence"
