"""Reading and writing the exchange files (CSV in UTF-8 and XLSX), streaming: a file of
any size is read row by row and never held whole in memory."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from dangvien.core.dates import DateError, parse_user_date
from dangvien.core.text import header_key

Progress = Callable[[int, int], None]  # (bytes read, total bytes)


class FileRejected(ValueError):
    """The whole file is unusable; the message says why, in Vietnamese."""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return f'Dòng {self.row}, cột "{self.column}": {self.message}'
        return f"Dòng {self.row}: {self.message}"


@dataclass
class ImportResult:
    kind: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)  # a few lines of what will change

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verb = "sẽ" if self.dry_run else "đã"
        return (
            f"{self.rows} dòng: {verb} thêm {self.created}, {verb} cập nhật {self.updated}, "
            f"không đổi {self.unchanged}"
        )


@dataclass(frozen=True)
class Column:
    key: str  # internal name
    header: str  # the header as DESIGN.md writes it
    required: bool = False


class Sheet:
    """The rows of one exchange file, with headers mapped to columns."""

    def __init__(self, path: Path, columns: list[Column], progress: Progress | None = None) -> None:
        self.path = path
        self.columns = columns
        self.progress = progress
        self.total = path.stat().st_size
        if self.total == 0:
            raise FileRejected("Tệp rỗng: không có dòng tiêu đề nào")
        with path.open("rb") as fh:
            magic = fh.read(8)
        self.is_xlsx = magic.startswith(b"PK\x03\x04")
        if not self.is_xlsx and (b"\x00" in magic or magic.startswith((b"%PDF", b"\xd0\xcf\x11\xe0"))):
            raise FileRejected(
                "Tệp không phải bảng tính .xlsx hoặc .csv (UTF-8). "
                "Hãy mở tệp trong Excel và lưu lại dưới dạng “Excel Workbook (.xlsx)”."
            )
        self._rows = self._xlsx_rows() if self.is_xlsx else self._csv_rows()
        try:
            header_row = next(self._rows)
        except StopIteration:
            raise FileRejected("Tệp rỗng: không có dòng tiêu đề nào") from None
        self.headers = [str(h).strip() if h is not None else "" for h in header_row[1]]
        by_key = {header_key(c.header): c for c in columns}
        self.index: dict[str, int] = {}
        self.header_of: dict[str, str] = {}
        for i, h in enumerate(self.headers):
            col = by_key.get(header_key(h))
            if col is not None and col.key not in self.index:
                self.index[col.key] = i
                self.header_of[col.key] = h
        missing = [c.header for c in columns if c.required and c.key not in self.index]
        if missing:
            raise FileRejected(
                "Thiếu cột bắt buộc: "
                + ", ".join(f'"{m}"' for m in missing)
                + ". Dòng đầu tiên của tệp phải là dòng tiêu đề với đúng tên các cột."
            )
        for c in columns:
            self.header_of.setdefault(c.key, c.header)

    def _csv_rows(self) -> Iterator[tuple[int, list[Any]]]:
        raw = self.path.open("rb")
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        try:
            sample = text.read(4096)
        except UnicodeDecodeError:
            raise FileRejected(
                "Tệp CSV không ở mã UTF-8. Trong Excel chọn “Lưu thành” → “CSV UTF-8”."
            ) from None
        text.seek(0)
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(text, dialect)
        line = 0
        try:
            for line, row in enumerate(reader, start=1):
                if line % 2000 == 0 and self.progress:
                    self.progress(raw.tell(), self.total)
                yield line, row
        except UnicodeDecodeError:
            raise FileRejected(f"Dòng {line + 1}: tệp CSV không ở mã UTF-8") from None
        finally:
            if self.progress:
                self.progress(self.total, self.total)
            text.close()

    def _xlsx_rows(self) -> Iterator[tuple[int, list[Any]]]:
        import zipfile

        from openpyxl import load_workbook

        try:
            wb = load_workbook(self.path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise FileRejected(
                f"Không đọc được tệp Excel ({type(exc).__name__}). Hãy lưu lại bằng Excel."
            ) from None
        ws = wb.worksheets[0]
        raw = ws._archive.fp if hasattr(ws, "_archive") else None
        try:
            for line, row in enumerate(ws.iter_rows(values_only=True), start=1):
                if line % 2000 == 0 and self.progress:
                    pos = raw.tell() if raw is not None else 0
                    self.progress(min(pos, self.total), self.total)
                yield line, list(row)
        finally:
            if self.progress:
                self.progress(self.total, self.total)
            wb.close()

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row number as the spreadsheet shows it, {column key: raw value}); blank rows skipped."""
        for line, row in self._rows:
            if not any(v not in (None, "") and str(v).strip() for v in row):
                continue
            values = {key: (row[i] if i < len(row) else None) for key, i in self.index.items()}
            yield line, values


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def write_table(
    out: IO[bytes], fmt: str, headers: list[str], rows: Iterable[list[Any]], *, title: str = ""
) -> int:
    """Stream rows to CSV (UTF-8 with BOM, so Excel opens it right), XLSX or JSON."""
    count = 0
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
        writer = csv.writer(text)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(
                ["" if v is None else (v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v) for v in row]
            )
            count += 1
        text.flush()
        text.detach()
    elif fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=(title or "Dữ liệu")[:31])
        bold = Font(bold=True)
        head = []
        for h in headers:
            c = WriteOnlyCell(ws, value=h)
            c.font = bold
            head.append(c)
        ws.append(head)
        for row in rows:
            cells = []
            for v in row:
                c = WriteOnlyCell(ws, value=v)
                if isinstance(v, dt.date):
                    c.number_format = "DD/MM/YYYY"
                cells.append(c)
            ws.append(cells)
            count += 1
        wb.save(out)
    elif fmt == "json":
        out.write(b"[")
        for row in rows:
            item = {
                h: (v.isoformat() if isinstance(v, dt.date) else v) for h, v in zip(headers, row, strict=True)
            }
            out.write((b"," if count else b"") + b"\n" + json.dumps(item, ensure_ascii=False).encode())
            count += 1
        out.write(b"\n]\n")
    else:
        raise ValueError(fmt)
    return count


def safe_upload_name(suffix: str) -> str:
    return os.urandom(12).hex() + suffix


def date_cell(
    values: dict[str, Any],
    key: str,
    headers: dict[str, str],
    line: int,
    errors: list[RowError],
    *,
    required: bool = False,
) -> dt.date | None:
    """A date cell (dd/mm/yyyy or a real Excel date); a problem is added to `errors`."""
    try:
        value = parse_user_date(values.get(key))
    except DateError as exc:
        errors.append(RowError(line, headers[key], str(exc)))
        return None
    if value is None and required:
        errors.append(RowError(line, headers[key], "chưa có ngày"))
    return value
