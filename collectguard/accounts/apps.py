from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "collectguard.accounts"
    label = "accounts"
