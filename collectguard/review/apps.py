from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "collectguard.review"
    label = "review"
