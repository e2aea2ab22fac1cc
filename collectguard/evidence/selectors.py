"""Read-only queries of step 3, for this app's views and for other apps."""

from __future__ import annotations

from django.db.models import QuerySet

from collectguard.cases.models import Case
from collectguard.evidence.models import EvidenceItem, Filing, GeneratedDocument


def evidence_for_case(case: Case) -> QuerySet[EvidenceItem]:
    return (
        EvidenceItem.objects.filter(case=case)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )


def documents_for_case(case: Case) -> QuerySet[GeneratedDocument]:
    """Every generated document (snapshot) of a case, newest first.

    A volunteer approves one of these rows; its stored PDF is what prints.
    """
    return (
        GeneratedDocument.objects.filter(case=case)
        .select_related("created_by")
        .defer("html")
        .order_by("-created_at", "-pk")
    )


def filings_for_case(case: Case) -> QuerySet[Filing]:
    return Filing.objects.filter(case=case).select_related("document").order_by("filed_on", "pk")


def case_file_keys(case: Case) -> list[str]:
    """Storage keys of every file this app keeps for the case (for case deletion)."""
    keys: list[str] = []
    for storage_key, thumbnail_key in EvidenceItem.objects.filter(case=case).values_list(
        "storage_key", "thumbnail_key"
    ):
        keys.append(storage_key)
        if thumbnail_key:
            keys.append(thumbnail_key)
    keys.extend(GeneratedDocument.objects.filter(case=case).values_list("pdf_key", flat=True))
    return keys
