"""Who may open which step-2 page: every URL, for every kind of visitor.

The owner reads and changes; a volunteer the case is shared with only reads (403 on anything
that changes data); another borrower gets 404 everywhere; an anonymous visitor is sent to log in.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.negotiation.models import (
    AgreedPayment,
    ContactLog,
    FileKind,
    NegotiationFile,
    Proposal,
)
from collectguard.negotiation.services import negotiation_files_add
from tests.negotiation.conftest import checked, png

# (url name, extra kwargs key) for pages that only read.
READ = [
    ("overview", None),
    ("proposals", None),
    ("proposal", "proposal_id"),
    ("script", None),
    ("script_print", None),
    ("letter", None),
    ("letter_preview", None),
    ("contacts", None),
    ("agreement", None),
    ("file", "file_id"),
]
# Pages that change data, with the method they are used with (form pages also on GET).
WRITE = [
    ("situation", None, "get"),
    ("situation", None, "post"),
    ("documents", None, "post"),
    ("proposal_new", None, "get"),
    ("proposal_new", None, "post"),
    ("proposal_edit", "proposal_id", "get"),
    ("proposal_edit", "proposal_id", "post"),
    ("proposal_choose", "proposal_id", "post"),
    ("proposal_delete", "proposal_id", "post"),
    ("contact_new", None, "get"),
    ("contact_new", None, "post"),
    ("contact_edit", "contact_id", "get"),
    ("contact_edit", "contact_id", "post"),
    ("contact_attach", "contact_id", "post"),
    ("agreement_new", None, "get"),
    ("agreement_new", None, "post"),
    ("agreement_confirm", None, "post"),
    ("payment_paid", "payment_id", "post"),
    ("payment_unpaid", "payment_id", "post"),
]


@pytest.fixture
def ids(
    case: Case, borrower: User, proposal: Proposal, contact: ContactLog, agreement: Any
) -> dict[str, int]:
    [stored] = negotiation_files_add(
        case=case,
        uploads=[checked("shot.png", png())],
        kind=FileKind.CONTACT,
        uploaded_by=borrower,
        contact=contact,
    )
    return {
        "proposal_id": proposal.pk,
        "contact_id": contact.pk,
        "payment_id": agreement.payments.first().pk,
        "file_id": stored.pk,
    }


def url(name: str, case: Case, ids: dict[str, int], key: str | None) -> str:
    kwargs: dict[str, int] = {"pk": case.pk}
    if key:
        kwargs[key] = ids[key]
    return reverse(f"negotiation:{name}", kwargs=kwargs)


def snapshot() -> tuple[Any, ...]:
    return (
        list(Proposal.objects.values_list("pk", "label", "is_chosen", "months")),
        list(ContactLog.objects.values_list("pk", "summary")),
        list(AgreedPayment.objects.values_list("pk", "paid_on")),
        NegotiationFile.objects.count(),
    )


POST_DATA = {"label": "偷改", "summary": "x", "paid_on": "2026-11-29", "paid_amount": "1"}


@pytest.mark.parametrize(("name", "key"), READ)
def test_the_owner_can_read_every_page(
    borrower_client: Client, case: Case, ids: dict[str, int], name: str, key: str | None
) -> None:
    assert borrower_client.get(url(name, case, ids, key)).status_code == 200


@pytest.mark.parametrize(("name", "key"), READ)
def test_a_volunteer_the_case_is_shared_with_can_read(
    volunteer_client: Client, case: Case, ids: dict[str, int], name: str, key: str | None
) -> None:
    assert volunteer_client.get(url(name, case, ids, key)).status_code == 200


@pytest.mark.parametrize(("name", "key", "method"), WRITE)
def test_a_volunteer_cannot_change_anything(
    volunteer_client: Client,
    case: Case,
    ids: dict[str, int],
    name: str,
    key: str | None,
    method: str,
) -> None:
    before = snapshot()
    response = getattr(volunteer_client, method)(url(name, case, ids, key), POST_DATA)
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(("name", "key", "method"), [(n, k, "get") for n, k in READ] + WRITE)
def test_it_hides_other_peoples_cases(
    other_client: Client,
    case: Case,
    ids: dict[str, int],
    name: str,
    key: str | None,
    method: str,
) -> None:
    before = snapshot()
    response = getattr(other_client, method)(url(name, case, ids, key), POST_DATA)
    assert response.status_code == 404
    assert "王经理" not in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(("name", "key", "method"), [(n, k, "get") for n, k in READ] + WRITE)
def test_pages_require_login(
    case: Case, ids: dict[str, int], name: str, key: str | None, method: str
) -> None:
    before = snapshot()
    response = getattr(Client(), method)(url(name, case, ids, key), POST_DATA)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert snapshot() == before


@pytest.mark.parametrize("key", ["proposal_id", "contact_id", "payment_id", "file_id"])
def test_ids_from_another_case_are_404_even_in_my_own_case(
    borrower_client: Client, borrower: User, case: Case, ids: dict[str, int], key: str
) -> None:
    """An object id of case A used under the URL of the borrower's case B is not found."""
    other_case = Case.objects.create(owner=borrower, title="另一个案件")
    name = {
        "proposal_id": "proposal",
        "contact_id": "contact_edit",
        "payment_id": "payment_paid",
        "file_id": "file",
    }[key]
    method = "post" if name == "payment_paid" else "get"
    before = snapshot()
    response = getattr(borrower_client, method)(url(name, other_case, ids, key), POST_DATA)
    assert response.status_code == 404
    assert snapshot() == before
