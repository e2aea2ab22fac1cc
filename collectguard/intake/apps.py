from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "collectguard.intake"
    label = "intake"
