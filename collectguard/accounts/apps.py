from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "collectguard.accounts"
    label = "accounts"

    def ready(self) -> None:
        from collectguard.accounts.signals import connect_signals

        connect_signals()
