from django.apps import AppConfig


class NegotiationConfig(AppConfig):
    name = "collectguard.negotiation"
    label = "negotiation"
