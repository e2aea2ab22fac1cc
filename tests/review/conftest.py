"""Personas for the review app: an organisation, its volunteer with a verified session, and the
borrower's case shared with that organisation."""

from __future__ import annotations

import pytest
from django.test import Client

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.review.models import Organisation, Share
from tests.review.factories import make_organisation, make_volunteer, share_with, verified_client


@pytest.fixture
def organisation(db: None) -> Organisation:
    return make_organisation("某某县法律援助中心")


@pytest.fixture
def volunteer(organisation: Organisation) -> User:
    return make_volunteer("vera", organisation)


@pytest.fixture
def volunteer_client(volunteer: User) -> Client:
    return verified_client(volunteer)


@pytest.fixture
def other_volunteer(db: None) -> User:
    return make_volunteer("victor", make_organisation("另一个法律援助站"))


@pytest.fixture
def other_volunteer_client(other_volunteer: User) -> Client:
    return verified_client(other_volunteer)


@pytest.fixture
def share(case: Case, organisation: Organisation) -> Share:
    return share_with(case, organisation=organisation)


@pytest.fixture
def staff_client(staff: User) -> Client:
    return verified_client(staff)
