"""Small SQL expressions Django lacks, written for both databases."""

from __future__ import annotations

from typing import Any

from django.db.models import DateField, Func


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
