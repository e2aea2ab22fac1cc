"""Real concurrency: threads with their own database connections, started together.

Every test here runs with ``transaction=True`` (what a thread commits is what the others see)
and asks for `shared_db`.

On SQLite the test database is normally an in-memory one in shared-cache mode. Connections of
one process can share it, but its table locks ignore the busy timeout: a second writer fails at
once with "database table is locked" instead of waiting, as it would on the file database the
app really uses. So for these tests the in-memory database is copied to a file (WAL mode and
the 20 s busy timeout of the real settings apply), every connection uses that file for the
test, and the in-memory database is kept alive and restored afterwards. On PostgreSQL nothing
needs to change.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from tests.conftest import make_user

#: How long a thread may wait for the others at the barrier, or for its work to finish.
THREAD_TIMEOUT = 60.0


@pytest.fixture
def shared_db(transactional_db: None, tmp_path: Path) -> Iterator[None]:
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    settings_dict = connection.settings_dict
    memory_name = settings_dict["NAME"]
    connection.ensure_connection()
    path = tmp_path / "concurrency.sqlite3"
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    # The in-memory database lives only while a connection to it is open.
    keeper = sqlite3.connect(memory_name, uri=True)
    try:
        settings_dict["NAME"] = str(path)
        connection.close()  # really closes now that the name is a file
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = memory_name
        connection.ensure_connection()  # back on the in-memory database before letting go
        keeper.close()


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None

    def unwrap(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.value


def run_together(*work: Callable[[], Any]) -> list[Outcome]:
    """Run each callable in its own thread (own connection), all released at once.

    Returns one `Outcome` per callable, in order; an exception a callable raised is kept in
    its outcome, not raised here.
    """
    barrier = threading.Barrier(len(work))
    outcomes = [Outcome() for _ in work]

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(THREAD_TIMEOUT)
            outcomes[index].value = job()
        except BaseException as exc:  # reported to the test
            outcomes[index].error = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, job), name=f"racer-{i}") for i, job in enumerate(work)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a racing thread did not finish"
    return outcomes


@pytest.fixture
def owner(shared_db: None) -> User:
    return make_user("ada")


@pytest.fixture
def make_case(owner: User) -> Callable[..., Case]:
    def make(title: str = "某某消费金融借款") -> Case:
        return Case.objects.create(
            owner=owner, title=title, lender="某某消费金融有限公司", loan_type="consumer_finance"
        )

    return make
