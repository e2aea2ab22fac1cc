"""Lookups of step-2 objects inside a case the user may already see.

Views first load the case with ``cases.access.get_case_for_user`` (reading) or
``get_rw_case_for_user`` (changing); these helpers then find an object *of that case*, so an id
from someone else's case is a 404 like any unknown id.
"""

from __future__ import annotations

from django.http import Http404

from collectguard.cases.models import Case
from collectguard.negotiation.models import AgreedPayment, ContactLog, NegotiationFile, Proposal


def get_proposal(case: Case, pk: int) -> Proposal:
    proposal = Proposal.objects.filter(case=case, pk=pk).first()
    if proposal is None:
        raise Http404("No such proposal")
    return proposal


def get_contact(case: Case, pk: int) -> ContactLog:
    contact = ContactLog.objects.filter(case=case, pk=pk).first()
    if contact is None:
        raise Http404("No such contact")
    return contact


def get_payment(case: Case, pk: int) -> AgreedPayment:
    payment = (
        AgreedPayment.objects.filter(agreement__case=case, pk=pk)
        .select_related("agreement", "agreement__case")
        .first()
    )
    if payment is None:
        raise Http404("No such payment")
    return payment


def get_file(case: Case, pk: int) -> NegotiationFile:
    stored = NegotiationFile.objects.filter(case=case, pk=pk).first()
    if stored is None:
        raise Http404("No such file")
    return stored
