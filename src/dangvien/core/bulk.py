"""Bulk writes for imports and demo data: ids allocated up front, rows sent with COPY on
PostgreSQL and one executemany on SQLite. The ORM's bulk_create spends most of an
import compiling SQL per field per row; this is the same INSERT without that cost.

Callers pass values already valid for the column (they come through the same
validation as every service); only the rows' shape is checked here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Reserve `count` primary keys. Must run inside the caller's transaction."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cur.fetchall()]
        # SQLite: writers are serialized (BEGIN IMMEDIATE), so the maximum cannot move under us.
        cur.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 - table name from the model
        start = cur.fetchone()[0] + 1
        return list(range(start, start + count))


def bulk_insert(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    if not rows:
        return
    table = model._meta.db_table
    width = len(columns)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            raw = cur.cursor  # psycopg's own cursor, for COPY
            types = _column_types(raw, table, columns)
            sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN (FORMAT BINARY)"
            with raw.copy(sql) as copy:
                copy.set_types(types)
                for row in rows:
                    assert len(row) == width
                    copy.write_row(row)
        else:
            # SQLite stores dates and datetimes as text; adapt only the columns that hold them.
            fields = {f.column: f for f in model._meta.concrete_fields}
            temporal = [
                i
                for i, c in enumerate(columns)
                if isinstance(fields[c], models.DateField | models.DateTimeField)
            ]
            adapted: dict[object, Any] = {}

            def adapt(value: Any) -> Any:
                if value is None:
                    return None
                if value not in adapted:
                    if isinstance(value, dt.datetime):
                        adapted[value] = connection.ops.adapt_datetimefield_value(value)
                    else:
                        adapted[value] = value.isoformat()
                return adapted[value]

            params = []
            for row in rows:
                values = list(row)
                for i in temporal:
                    values[i] = adapt(values[i])
                params.append(values)
            placeholders = ", ".join(["%s"] * width)
            cur.executemany(
                f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({placeholders})",  # noqa: S608
                params,
            )


_TYPES: dict[str, dict[str, int]] = {}


def _column_types(cur: Any, table: str, columns: Sequence[str]) -> list[int]:
    """The columns' type oids, for a binary COPY: PostgreSQL then stores each value as
    psycopg encoded it instead of parsing text (dates, timestamps, numbers), about a fifth
    of a members import's time in the database (07/12/2026). Read once per table and
    process: the columns' types change only with a migration, which restarts the server."""
    if table not in _TYPES:
        cur.execute(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
            [table],
        )
        _TYPES[table] = dict(cur.fetchall())
    return [_TYPES[table][c] for c in columns]


# A load this large may leave PostgreSQL's statistics of a table far from its content.
ANALYZE_FROM_ROWS = 1_000


def analyze(models_: Sequence[type[models.Model]] | None = None) -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load (of these models' tables,
    or of the whole database). PostgreSQL plans every query from them; until autovacuum
    comes round (never, where it is turned off) a freshly loaded province's home page
    took 19 s instead of 1,3 s (06/12/2026; its two month lines 9 s and 4 s). The
    PostgreSQL manual asks for exactly this after populating a database ("Run ANALYZE
    Afterwards"). ANALYZE reads a sample of each table, whatever its size: 0,9 s for the
    four tables of a members import at province scale. SQLite plans without statistics
    unless ANALYZE was once run, which we never do: nothing goes stale there."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models_ or ())
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {tables}".strip())


def analyze_on_commit(
    models_: Sequence[type[models.Model]],
    *,
    added: int,
    later: Callable[[list[str]], None] | None = None,
) -> None:
    """`analyze` the tables of these models whose statistics a load of `added` rows leaves
    wrong, once the caller's transaction has committed (nothing if it rolls back).

    Where autovacuum runs, it analyzes a table in the background within a minute of a
    tenth of it changing; only a load that at least doubles a table (a first load) is
    analyzed at once, since the pages read right after it would be planned on a picture of
    a far smaller table. Where autovacuum is off, nothing else ever refreshes them, so the
    import applies autovacuum's own rule (50 rows and a tenth of the table changed since the
    last ANALYZE) and, given `later`, hands those tables to it (the importers queue a
    background job: what autovacuum would have done, without the user waiting 0,4–1,5 s
    for it after their rows are stored, 07/12/2026). Robust: the load has committed by
    then, so a failure (a lock, a role that does not own the tables) is logged by Django,
    never reported to the user as a failed import."""
    if connection.vendor != "postgresql" or added < ANALYZE_FROM_ROWS:
        return
    now, deferred = [], []
    for m in models_:
        reason = _needs_analyze(m, added)
        if reason == "first" or (reason == "autovacuum-off" and later is None):
            now.append(m)
        elif reason == "autovacuum-off":
            deferred.append(m._meta.label)
    if now:
        transaction.on_commit(lambda: analyze(now), robust=True)
    if deferred and later is not None:
        transaction.on_commit(lambda: later(deferred), robust=True)


def analyze_labels(labels: Sequence[str]) -> None:
    """`analyze` models named by label ("members.Membership"), as a queued job names them;
    a label that is not one of our models is refused (a job's row is data)."""
    analyze([apps.get_model(label) for label in labels])


_OFF = {"off", "false", "no", "0", "f", "n"}


def _needs_analyze(model: type[models.Model], added: int) -> str | None:
    """ "first" (never analyzed, or the load at least doubles it), "autovacuum-off" (stale
    by autovacuum's rule, which nothing runs here), or None."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.reltuples, c.reloptions, current_setting('autovacuum'),"
            " coalesce(s.n_mod_since_analyze, 0) FROM pg_class c"
            " LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = %s::regclass",
            [model._meta.db_table],
        )
        rows, options, autovacuum, changed = cur.fetchone()
    off = autovacuum in _OFF or any(
        key == "autovacuum_enabled" and value.lower() in _OFF
        for key, _, value in (option.partition("=") for option in options or ())
    )
    if stale_statistics(rows=rows, changed=changed, added=added, autovacuum=True):
        return "first"  # what autovacuum's own pace leaves wrong too
    if off and stale_statistics(rows=rows, changed=changed, added=added, autovacuum=False):
        return "autovacuum-off"
    return None


def stale_statistics(*, rows: float, changed: int, added: int, autovacuum: bool) -> bool:
    """Whether a table of `rows` rows (per its statistics; -1: never analyzed), `changed`
    since its last ANALYZE, must be analyzed now that `added` more are loaded."""
    if rows < 0 or added >= rows:  # never analyzed, or at least doubled
        return True
    return not autovacuum and changed + added > 50 + 0.1 * rows
