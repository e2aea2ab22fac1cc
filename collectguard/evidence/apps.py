from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "collectguard.evidence"
    label = "evidence"

    def ready(self) -> None:
        from collectguard.cases.signals import register_file_collector
        from collectguard.evidence.selectors import case_file_keys

        # Deleting a case removes its originals, previews and generated PDFs from storage.
        register_file_collector(case_file_keys)
