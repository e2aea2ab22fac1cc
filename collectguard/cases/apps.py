from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "collectguard.cases"
    label = "cases"

    def ready(self) -> None:
        from collectguard.lib import checks  # noqa: F401  (registers system checks)
