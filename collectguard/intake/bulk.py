"""Fast, idempotent bulk inserts for imports of hundreds of thousands of rows.

Django's ``bulk_create`` builds one multi-row statement per few dozen rows on SQLite (999
parameters at most) and prepares every value through the field machinery; an import of a
whole phone spends most of its time there. Here one single-row ``INSERT … ON CONFLICT DO
NOTHING`` is prepared once and run with ``executemany`` (SQLite ≥ 3.24 and PostgreSQL), the
values are prepared once per row by the caller, and the database reports how many rows were
new, so duplicates (the unique dedupe key) are skipped and counted in the same step.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models

Row = Sequence[Any]


class RowWriter:
    """Insert rows of ``model`` given as tuples in the order of ``fields``.

    With ``conflict`` and ``update``, a row whose ``conflict`` fields match an existing row
    updates that row's ``update`` fields instead (an upsert); otherwise it is skipped.
    """

    def __init__(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        *,
        conflict: Sequence[str] = (),
        update: Sequence[str] = (),
    ) -> None:
        meta = model._meta
        quote = connection.ops.quote_name

        def column(name: str) -> str:
            field = meta.get_field(name)
            assert isinstance(field, models.Field)
            return quote(str(field.column))

        self.fields = [meta.get_field(name) for name in fields]
        columns = ", ".join(column(name) for name in fields)
        marks = ", ".join(["%s"] * len(self.fields))
        if update:
            target = ", ".join(column(name) for name in conflict)
            changes = ", ".join(f"{column(n)} = excluded.{column(n)}" for n in update)
            on_conflict = f"ON CONFLICT ({target}) DO UPDATE SET {changes}"
        else:
            on_conflict = "ON CONFLICT DO NOTHING"
        # Table and column names come from the model, never from input.
        self.sql = (
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks}) "  # noqa: S608
            + on_conflict
        )

    def preparer(self, name: str) -> Callable[[Any], Any]:
        """How to turn a Python value of field ``name`` into what the database driver takes."""
        field = next(f for f in self.fields if f.name == name)
        if isinstance(field, models.DateTimeField):
            if connection.vendor == "sqlite":
                return _sqlite_datetime
            return connection.ops.adapt_datetimefield_value
        if isinstance(field, models.JSONField):
            if connection.vendor == "sqlite":
                # What Django stores for a JSONField on SQLite: the JSON text.
                return json.dumps
            return lambda value: field.get_db_prep_save(value, connection)
        return lambda value: value

    def insert(self, rows: Sequence[Row]) -> int:
        """Insert ``rows``, skipping any that would break a unique constraint; returns how
        many were inserted."""
        if not rows:
            return 0
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)
            return max(cursor.rowcount, 0)


def _sqlite_datetime(value: datetime | None) -> str | None:
    """The text Django's SQLite backend stores for an aware datetime (naive UTC, ``str()``).

    >>> from datetime import timedelta, timezone
    >>> shanghai = timezone(timedelta(hours=8))
    >>> _sqlite_datetime(datetime(2026, 6, 1, 22, 30, 0, 123000, tzinfo=shanghai))
    '2026-06-01 14:30:00.123000'
    """
    if value is None:
        return None
    return str(value.astimezone(UTC).replace(tzinfo=None))
