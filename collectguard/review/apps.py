from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "collectguard.review"
    label = "review"

    def ready(self) -> None:
        from collectguard.review.audit import connect_signals

        connect_signals()
