"""The frame every import shares: all-or-nothing in one transaction, dry runs rolled
back, one audit entry for the file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.core.spreadsheet import FileRejected, ImportResult, Progress, RowError, noticing


class _Rollback(Exception):
    pass


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def run_import(
    *,
    kind: str,
    path: Path,
    actor: User | None,
    dry_run: bool,
    progress: Progress | None,
    body: Callable[[ImportResult, Progress | None], None],
) -> ImportResult:
    result = ImportResult(kind=kind, dry_run=dry_run)
    try:
        with transaction.atomic(), noticing(result.notices):
            body(result, progress)
            if result.rows == 0 and not result.errors:
                # A header and nothing under it: never offered for confirmation.
                result.errors.append(
                    RowError(
                        1,
                        "",
                        _(
                            "Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào. Hãy điền dữ liệu từ dòng 2 "
                            "rồi tải lên lại."
                        ),
                    )
                )
            if result.errors or dry_run:
                raise _Rollback
            audit_log(
                actor=actor,
                action=f"{kind}.import",
                changes={
                    "file_sha256": file_sha256(path),
                    "rows": result.rows,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
    except _Rollback:
        pass
    except FileRejected as exc:
        result.errors.append(RowError(1, "", str(exc)))
    return result
