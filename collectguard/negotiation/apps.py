from django.apps import AppConfig


class NegotiationConfig(AppConfig):
    name = "collectguard.negotiation"
    label = "negotiation"

    def ready(self) -> None:
        from collectguard.cases.signals import register_file_collector
        from collectguard.negotiation.selectors import case_file_paths

        # Deleting a case deletes the originals uploaded in step 2 (after the rows are gone).
        register_file_collector(case_file_paths)
