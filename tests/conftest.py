"""Shared test set-up: personas, hermetic storage, no network."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from collectguard.accounts.models import User
from collectguard.cases.models import Case

PASSWORD = "correct horse battery staple 42"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last.

    Their session-scoped ``live_server`` serves from a thread that shares the in-memory SQLite
    connection, and it lives until the session ends. The concurrency tests' ``shared_db``
    briefly swaps that connection for a file database, so a late request from the last browser
    page could close it under the next test ("Cannot operate on a closed database"). With the
    browser tests last, no test runs after the live server starts.
    """
    browser = [item for item in items if "tests/browser/" in item.nodeid]
    if browser:
        others = [item for item in items if "tests/browser/" not in item.nodeid]
        items[:] = others + browser


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests may talk to loopback services (PostgreSQL, test servers) and nothing else."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in {"127.0.0.1", "::1", "localhost"}
            and not (self.family == socket.AF_UNIX)
        ):
            raise OSError(f"network access in tests is not allowed: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture(autouse=True)
def _storage_in_tmp(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    media = tmp_path_factory.mktemp("media")
    settings.MEDIA_ROOT = media
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
    }


@pytest.fixture(autouse=True)
def _chinese_by_default() -> Iterator[None]:
    """Each test starts in the default language, whatever an earlier test activated."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, **extra: Any) -> User:
    user = User(username=username, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def borrower(db: None) -> User:
    return make_user("alice")


@pytest.fixture
def other_borrower(db: None) -> User:
    return make_user("bob")


@pytest.fixture
def outsider(db: None) -> User:
    return make_user("mallory")


@pytest.fixture
def staff(db: None) -> User:
    return make_user("staffer", is_staff=True, is_superuser=True)


@pytest.fixture
def case(borrower: User) -> Case:
    return Case.objects.create(
        owner=borrower,
        title="某某银行信用卡",
        lender="某某银行",
        loan_type="credit_card",
        contract_numbers="XF20251120003",
        amount_owed="12000.00",
    )


@pytest.fixture
def borrower_client(borrower: User) -> Iterator[Client]:
    client = Client()
    client.force_login(borrower)
    yield client


@pytest.fixture
def other_client(other_borrower: User) -> Iterator[Client]:
    client = Client()
    client.force_login(other_borrower)
    yield client
