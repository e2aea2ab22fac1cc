"""Two tabs saving the same case at the same moment: exactly one wins, the other gets a 409
that keeps what it typed (optimistic concurrency through ``Case.version``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from collectguard.accounts.models import User
from collectguard.cases.models import Case, CaseStatus
from collectguard.cases.services import StaleCaseError, case_update
from tests.concurrency.conftest import run_together

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 3
TABS = 3
FORM = {
    "lender": "某某消费金融有限公司",
    "loan_type": "consumer_finance",
    "contract_numbers": "XF20251120003",
    "amount_owed": "2431.50",
    "overdue_since": "2026-05-01",
    "notes": "",
}


@pytest.fixture
def tabs(owner: User) -> list[Client]:
    clients = []
    for _ in range(TABS):
        client = Client()
        client.force_login(owner)
        clients.append(client)
    return clients


def _save(client: Client, case: Case, title: str, version: int) -> Any:
    url = reverse("cases:edit", args=[case.pk])
    return client.post(url, {**FORM, "title": title, "version": version})


def test_tabs_saving_at_once_one_wins_the_others_get_409_with_their_text(
    tabs: list[Client], make_case: Callable[..., Case]
) -> None:
    for round_ in range(ROUNDS):
        case = make_case()
        titles = [f"第{round_}轮 标签页{index}" for index in range(TABS)]
        outcomes = run_together(
            *(
                partial(_save, client, case, title, case.version)
                for client, title in zip(tabs, titles, strict=True)
            )
        )
        responses = [outcome.unwrap() for outcome in outcomes]
        statuses = [response.status_code for response in responses]
        assert sorted(statuses) == [302] + [409] * (TABS - 1)
        winner = titles[statuses.index(302)]
        case.refresh_from_db()
        assert (case.title, case.version) == (winner, 2)
        for title, response in zip(titles, responses, strict=True):
            if response.status_code == 409:
                page = response.content.decode()
                assert title in page  # what this tab typed is kept
                assert winner in page  # beside what was saved
                assert response.context["form"]["version"].value() == "2"


def test_service_saves_at_once_exactly_one_wins(
    owner: User, make_case: Callable[..., Case]
) -> None:
    for round_ in range(ROUNDS):
        case = make_case()
        outcomes = run_together(
            *(
                partial(
                    case_update,
                    case=Case.objects.get(pk=case.pk),
                    expected_version=1,
                    notes=f"第{round_}轮 第{index}个",
                )
                for index in range(TABS)
            )
        )
        winners = [outcome.value for outcome in outcomes if outcome.error is None]
        losers = [outcome.error for outcome in outcomes if outcome.error is not None]
        assert len(winners) == 1
        assert len(losers) == TABS - 1
        assert all(isinstance(error, StaleCaseError) for error in losers)
        case.refresh_from_db()
        assert (case.notes, case.version) == (winners[0].notes, 2)
        for error in losers:
            assert isinstance(error, StaleCaseError)
            assert (error.current.notes, error.current.version) == (case.notes, 2)


def test_an_edit_racing_an_archive_never_overwrites_it(
    tabs: list[Client], make_case: Callable[..., Case]
) -> None:
    for _round in range(ROUNDS):
        case = make_case()
        archive_url = reverse("cases:archive", args=[case.pk])
        edit, archive = run_together(
            partial(_save, tabs[0], case, "改过的标题", case.version),
            partial(tabs[1].post, archive_url, {"archive": "1"}),
        )
        assert archive.unwrap().status_code == 302
        edited = edit.unwrap().status_code
        assert edited in (302, 409)
        case.refresh_from_db()
        assert case.status == CaseStatus.ARCHIVED
        assert case.version == (3 if edited == 302 else 2)
        assert case.title == ("改过的标题" if edited == 302 else "某某消费金融借款")
