"""Every lookup of step-3 objects goes through the case's access helpers first.

An object of someone else's case is a 404 (through `get_case_for_user`); read-only access to a
write view is a 403 (through `get_rw_case_for_user`).
"""

from __future__ import annotations

import uuid

from django.http import Http404

from collectguard.accounts.models import User
from collectguard.cases.access import get_case_for_user, get_rw_case_for_user
from collectguard.cases.models import Case
from collectguard.evidence.models import EvidenceItem, Filing, GeneratedDocument


def _item_in(case: Case, item_uuid: uuid.UUID) -> EvidenceItem:
    item = EvidenceItem.objects.filter(case=case, uuid=item_uuid).first()
    if item is None:
        raise Http404("No such evidence")
    item.case = case
    return item


def get_evidence_for_user(user: User, pk: int, item_uuid: uuid.UUID) -> EvidenceItem:
    return _item_in(get_case_for_user(user, pk), item_uuid)


def get_rw_evidence_for_user(user: User, pk: int, item_uuid: uuid.UUID) -> EvidenceItem:
    return _item_in(get_rw_case_for_user(user, pk), item_uuid)


def get_document_for_user(user: User, pk: int, document_pk: int) -> GeneratedDocument:
    case = get_case_for_user(user, pk)
    document = GeneratedDocument.objects.filter(case=case, pk=document_pk).first()
    if document is None:
        raise Http404("No such document")
    document.case = case
    return document


def get_rw_filing_for_user(user: User, pk: int, filing_pk: int) -> Filing:
    case = get_rw_case_for_user(user, pk)
    filing = Filing.objects.filter(case=case, pk=filing_pk).first()
    if filing is None:
        raise Http404("No such filing")
    filing.case = case
    return filing
