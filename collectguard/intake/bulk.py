"""Fast, idempotent bulk inserts for imports of hundreds of thousands of rows.

Django's ``bulk_create`` builds one multi-row statement per few dozen rows on SQLite (999
parameters at most) and prepares every value through the field machinery; an import of a
whole phone spends most of its time there. Here the values are prepared once per row by the
caller, duplicates (the unique dedupe key) are skipped by ``ON CONFLICT DO NOTHING``, and the
database reports how many rows were new, so they are counted in the same step:

* SQLite (≥ 3.24): one single-row ``INSERT`` prepared once and run with ``executemany``, which
  stays in C;
* PostgreSQL: the batch is copied (``COPY``, formatted in C by psycopg) into a temporary
  staging table of the same columns, then moved with one ``INSERT … SELECT … ON CONFLICT``.
  ``executemany`` would quote every value of every row in Python and have the server run one
  statement per row; arrays (``unnest``) are quoted in Python too. The staging table lives in
  the database session and is emptied before each batch.
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
        self.postgres = connection.vendor == "postgresql"
        # On PostgreSQL JSON values come as text (see `preparer`): cast them.
        marks = ", ".join(
            "%s::jsonb" if self.postgres and isinstance(field, models.JSONField) else "%s"
            for field in self.fields
        )
        if update:
            target = ", ".join(column(name) for name in conflict)
            changes = ", ".join(f"{column(n)} = excluded.{column(n)}" for n in update)
            on_conflict = f"ON CONFLICT ({target}) DO UPDATE SET {changes}"
        else:
            on_conflict = "ON CONFLICT DO NOTHING"
        # The positions of the conflict fields: an upsert of one batch may not name the same
        # row twice (PostgreSQL refuses), so such a batch goes row by row.
        self.conflict_positions = [list(fields).index(name) for name in conflict] if update else []
        table = quote(meta.db_table)
        # Table and column names come from the model, never from input.
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) " + on_conflict  # noqa: S608
        stage = quote(f"stage_{meta.db_table}")
        self.stage_sql = (
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} AS "  # noqa: S608
            f"SELECT {columns} FROM {table} WITH NO DATA",
            f"TRUNCATE {stage}",
        )
        self.copy_sql = f"COPY {stage} ({columns}) FROM STDIN"
        self.direct_copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        self.move_sql = (
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {stage} "  # noqa: S608
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
            encoder = field.encoder
            if connection.vendor == "sqlite":
                # What Django stores for a JSONField on SQLite: the JSON text.
                return (
                    json.dumps if encoder is None else lambda value: json.dumps(value, cls=encoder)
                )
            # On PostgreSQL too the JSON text, which the database reads as jsonb (see `insert`):
            # one prepared text serves every row with the same value.
            return lambda value: json.dumps(value, cls=encoder)
        return lambda value: value

    def insert(self, rows: Sequence[Row]) -> int:
        """Insert ``rows``, skipping any that would break a unique constraint; returns how
        many were inserted (or, for an upsert, inserted or updated)."""
        if not rows:
            return 0
        with connection.cursor() as cursor:
            if self.postgres and self._one_statement(rows):
                for statement in self.stage_sql:
                    cursor.execute(statement)
                with cursor.copy(self.copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                cursor.execute(self.move_sql)
            else:
                cursor.executemany(self.sql, rows)
            return max(cursor.rowcount, 0)

    def copy_new(self, rows: Sequence[Row]) -> int:
        """PostgreSQL: copy ``rows`` straight into the table, for rows known to be new (the
        caller guarantees no row breaks a unique constraint: any that did would abort the
        transaction). Half the server's work of `insert`, which copies into the staging table
        and moves the rows from there."""
        assert self.postgres
        if rows:
            with connection.cursor() as cursor, cursor.copy(self.direct_copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        return len(rows)

    def _one_statement(self, rows: Sequence[Row]) -> bool:
        if not self.conflict_positions:
            return True
        keys = {tuple(row[i] for i in self.conflict_positions) for row in rows}
        return len(keys) == len(rows)


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
