"""Small SQL expressions Django lacks, written for both databases."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Aggregate, CharField, DateField, Func, QuerySet


class YearsBefore(Func):
    """The date `years` years before a date column, computed by the database itself
    (Django's Extract functions run in Python row by row on SQLite).

    29 February minus whole years gives 28 February on PostgreSQL and 1 March on SQLite;
    either way "born after (decision − 30 years)" is "under 30 on the decision date",
    because nobody is born on the non-existent day in between."""

    output_field = DateField()

    def __init__(self, expression: Any, years: int, **extra: Any) -> None:
        if not isinstance(years, int) or years < 0:
            raise ValueError(years)
        self.years = years
        super().__init__(expression, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template=f"date(%(expressions)s, '-{self.years} years')", **extra
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template=f"(%(expressions)s - INTERVAL '{self.years} years')::date", **extra
        )


def plain_rows(qs: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list() queryset read by a bare cursor: Django's per-row
    converters cost about 5 µs a row, a sixth of a province's progress report. Only for
    columns that need no conversion on either database (integers and text). A filter that
    can match nothing (`pk__in=[]`, an empty scope) is no SQL at all: no rows, as the ORM says."""
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:
        return []
    with connections[qs.db].cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


class JoinedText(Aggregate):
    """The texts of a group joined by the unit separator (U+001F, never in a code), in no
    particular order: PostgreSQL's string_agg, SQLite's group_concat. Django 5.2 has only
    PostgreSQL's StringAgg; the caller splits on SEPARATOR and sorts."""

    SEPARATOR = "\x1f"
    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, CHR(31))"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, function="GROUP_CONCAT", template="%(function)s(%(expressions)s, CHAR(31))"
        )
