"""Real exchange files for tests: written with csv and openpyxl, read back by the app."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

from dangvien.orgs.importing import COLUMNS as ORG_COLUMNS

ORG_HEADERS = [c.header for c in ORG_COLUMNS]


def write_csv(path: Path, headers: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, headers: list[str], rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def member_row(
    name="Nguyễn Văn An",
    birth="17/05/1990",
    sex="Nam",
    cccd="",
    card="",
    cell="XA-C1",
    admitted="02/03/2015",
    official="10/03/2016",
    status="",
    **extra: str,
) -> list[object]:
    return [
        name,
        birth,
        sex,
        cccd,
        card,
        cell,
        admitted,
        official,
        status,
        extra.get("ethnicity", "Kinh"),
        extra.get("religion", "Không"),
        "12/12",
        "Nông dân",
        "Thôn 1",
    ]
