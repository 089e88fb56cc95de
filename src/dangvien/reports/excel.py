"""Formatted XLSX for the report tables: a title naming the organization and the date,
Vietnamese headers, numbers as numbers (percentages as fractions formatted 0.00%, which
Excel shows as 83,63% on a Vietnamese system), column widths that fit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from dangvien.core.spreadsheet import as_text_cell, export_text


@dataclass
class Table:
    title: str  # e.g. "Tiến độ kết nạp nhiệm kỳ 2025-2030 — Đảng bộ xã An Phú, đến ngày 01/12/2026"
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    percent_columns: frozenset[int] = frozenset()  # indexes of columns holding a percent (83.63)
    sheet: str = "Báo cáo"


def write_tables(out: IO[bytes], tables: list[Table]) -> int:
    """Write the tables; returns how many data rows were written (for the export's audit)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    count = 0
    thin = Side(style="thin", color="999999")
    head_fill = PatternFill("solid", fgColor="F2DCDB")
    for i, t in enumerate(tables):
        name = "".join(c for c in t.sheet if c not in "[]:*?/\\")[:31] or f"Bảng {i + 1}"
        if name in wb.sheetnames:
            name = f"{name[:27]} {i + 1}"
        ws = wb.create_sheet(name)
        ws.append([export_text(t.title, csv=False)])
        as_text_cell(ws["A1"])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([])
        ws.append(list(t.headers))
        widths = [max(8, len(str(h)) + 2) for h in t.headers]
        for col in range(1, len(t.headers) + 1):
            c = ws.cell(row=3, column=col)
            c.font = Font(bold=True)
            c.fill = head_fill
            c.alignment = Alignment(wrap_text=True, vertical="center")
            c.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        for row in t.rows:
            values = []
            for j, v in enumerate(row):
                if j in t.percent_columns and v is not None:
                    v = float(Decimal(str(v)) / 100)
                elif isinstance(v, Decimal):
                    v = float(v)
                elif isinstance(v, str):
                    v = export_text(v, csv=False)
                values.append(v)
                if j < len(widths):
                    widths[j] = min(60, max(widths[j], len(_shown(v)) + 2))
            ws.append(values)
            count += 1
            r = ws.max_row
            for j in range(len(values)):
                c = ws.cell(row=r, column=j + 1)
                as_text_cell(c)
                if j in t.percent_columns:
                    c.number_format = "0.00%"
                elif isinstance(values[j], dt.date):
                    c.number_format = "DD/MM/YYYY"
                elif isinstance(values[j], int | float):
                    c.number_format = "#,##0"
        for j, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = w
        ws.freeze_panes = "A4"
        ws.print_options.gridLines = True
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
    wb.save(out)
    return count


def _shown(v: object) -> str:
    if isinstance(v, dt.date):
        return "00/00/0000"
    return "" if v is None else str(v)
