"""Parse a row → match a batch → write a batch.

An import reads its file row by row (never whole in memory), turns each row into a parsed
value or row errors (`parse`), and hands the parsed rows on in batches: `match` finds what
a batch refers to with one query per kind of key (people by CCCD, by name and birth date,
members by card...), never one per row; `write` stores the batch (or gathers it, when the
writes need the whole file, e.g. one service call per cell and year). `finish` runs after
the last batch. The frame around it (frame.run_import) rolls everything back if any row
failed or the run is a dry run."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from dangvien.core.spreadsheet import ImportResult, RowError

R = TypeVar("R")

BATCH = 500


def run_rows(
    rows: Iterable[tuple[int, dict[str, Any]]],
    result: ImportResult,
    *,
    parse: Callable[[int, dict[str, Any], list[RowError]], R | None],
    match: Callable[[list[R]], None],
    write: Callable[[list[R]], None],
    finish: Callable[[], None] | None = None,
    batch: int = BATCH,
) -> None:
    """Drive one import: each row through `parse` (its errors go to the result), every
    `batch` parsed rows through `match` then `write`, then `finish`.

    A row `parse` returns *with* errors is still matched, so that all of a row's mistakes
    are reported at once (a bad date and an unknown organization), but never written; a
    row it returns None for is left out."""
    pending: list[R] = []
    failed: list[R] = []

    def flush() -> None:
        if pending or failed:
            match(pending + failed)
            write(list(pending))
            pending.clear()
            failed.clear()

    for line, values in rows:
        result.rows += 1
        errors: list[RowError] = []
        parsed = parse(line, values, errors)
        result.errors.extend(errors)
        if parsed is None:
            continue
        (failed if errors else pending).append(parsed)
        if len(pending) + len(failed) >= batch:
            flush()
    flush()
    if finish is not None:
        finish()
