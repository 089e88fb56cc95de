"""Reading and writing the exchange files (CSV in UTF-8 and XLSX), streaming: a file of
any size is read row by row and never held whole in memory."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from dangvien.core.dates import DateError, parse_user_date
from dangvien.core.text import header_key

Progress = Callable[[int, int], None]  # (rows read, rows in the file: counted or estimated)
PROGRESS_EVERY = 500  # rows between two reports


class FileRejected(ValueError):
    """The whole file is unusable; the message says why, in Vietnamese."""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _('Dòng {row}, cột "{column}": {message}').format(
                row=self.row, column=self.column, message=self.message
            )
        return _("Dòng {row}: {message}").format(row=self.row, message=self.message)


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
    # What the reader should know although nothing was refused: a column not recognised.
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.dry_run:
            text = _("{rows} dòng: sẽ thêm {created}, sẽ cập nhật {updated}, không đổi {unchanged}")
        else:
            text = _("{rows} dòng: đã thêm {created}, đã cập nhật {updated}, không đổi {unchanged}")
        return text.format(
            rows=self.rows, created=self.created, updated=self.updated, unchanged=self.unchanged
        )


@dataclass(frozen=True)
class Column:
    key: str  # internal name
    header: str  # the header as DESIGN.md writes it
    required: bool = False


@dataclass(frozen=True)
class UploadLimits:
    """What a file uploaded through the web may hold (the command line has no such limit)."""

    max_uncompressed: int  # bytes of XML inside an XLSX
    max_rows: int


_LIMITS: ContextVar[UploadLimits | None] = ContextVar("dangvien_upload_limits", default=None)
# Where a Sheet says what it noticed without refusing (the import's result.notices).
_NOTICES: ContextVar[list[str] | None] = ContextVar("dangvien_import_notices", default=None)


@contextmanager
def noticing(into: list[str]) -> Iterator[None]:
    token = _NOTICES.set(into)
    try:
        yield
    finally:
        _NOTICES.reset(token)


def _unknown_sentence(header: str, columns: list[Column]) -> str:
    """A header the import does not know, with the expected one it most resembles."""
    import difflib

    keys = {header_key(c.header): c.header for c in columns}
    near = difflib.get_close_matches(header_key(header), list(keys), n=1, cutoff=0.6)
    if near:
        return _("Không nhận ra cột “{header}”: có phải “{expected}”?").format(
            header=header, expected=keys[near[0]]
        )
    return _("Không nhận ra cột “{header}”.").format(header=header)


# An XLSX is a ZIP: its sheets compress about 5 to 20 times. Far beyond that is a ZIP bomb
# (287 KB that expand to 98 MB of XML held a worker for 62 s), refused before parsing.
MAX_RATIO = 100
_RATIO_FROM = 10 * 1024 * 1024  # small files may compress better; they cost nothing anyway


@contextmanager
def upload_limits(limits: UploadLimits) -> Iterator[None]:
    token = _LIMITS.set(limits)
    try:
        yield
    finally:
        _LIMITS.reset(token)


def _check_zip(path: Path) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRejected(_("Không đọc được tệp Excel (tệp hỏng). Hãy mở bằng Excel và lưu lại.")) from None
    expanded = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if expanded > _RATIO_FROM and expanded / packed > MAX_RATIO:
        raise FileRejected(
            _(
                "Tệp Excel nén bất thường ({v1:,} KB giải nén thành {v2:,} MB): không "
                "đọc. Hãy mở bằng Excel, kiểm tra rồi lưu lại."
            ).format(v1=packed // 1024, v2=expanded // (1024 * 1024))
        )
    limits = _LIMITS.get()
    if limits is not None and expanded > limits.max_uncompressed:
        raise FileRejected(
            _(
                "Tệp Excel quá lớn khi giải nén ({v1:,} MB, tối đa {v2:,} MB trên trang "
                "web): hãy chia nhỏ tệp hoặc dùng lệnh dangvien import."
            ).format(v1=expanded // (1024 * 1024), v2=limits.max_uncompressed // (1024 * 1024))
        )


class Sheet:
    """The rows of one exchange file, with headers mapped to columns."""

    def __init__(self, path: Path, columns: list[Column], progress: Progress | None = None) -> None:
        self.path = path
        self.columns = columns
        self.progress = progress
        self.total = path.stat().st_size
        if self.total == 0:
            raise FileRejected(_("Tệp rỗng: không có dòng tiêu đề nào"))
        with path.open("rb") as fh:
            magic = fh.read(8)
        self.is_xlsx = magic.startswith(b"PK\x03\x04")
        if not self.is_xlsx and (b"\x00" in magic or magic.startswith((b"%PDF", b"\xd0\xcf\x11\xe0"))):
            raise FileRejected(
                _(
                    "Tệp không phải bảng tính .xlsx hoặc .csv (UTF-8). Hãy mở tệp trong "
                    "Excel và lưu lại dưới dạng “Excel Workbook (.xlsx)”."
                )
            )
        if self.is_xlsx:
            _check_zip(path)  # before any XML is parsed
        self._rows = self._xlsx_rows() if self.is_xlsx else self._csv_rows()
        try:
            header_row = next(self._rows)
        except StopIteration:
            raise FileRejected(_("Tệp rỗng: không có dòng tiêu đề nào")) from None
        self.headers = [str(h).strip() if h is not None else "" for h in header_row[1]]
        by_key = {header_key(c.header): c for c in columns}
        self.index: dict[str, int] = {}
        self.header_of: dict[str, str] = {}
        for i, h in enumerate(self.headers):
            col = by_key.get(header_key(h))
            if col is not None and col.key not in self.index:
                self.index[col.key] = i
                self.header_of[col.key] = h
        missing = [c for c in columns if c.required and c.key not in self.index]
        matched = set(self.index.values())
        unknown = [h for i, h in enumerate(self.headers) if h and i not in matched]
        if missing:
            raise FileRejected(
                _("Thiếu cột bắt buộc: ")
                + ", ".join(f'"{c.header}"' for c in missing)
                + _(". Dòng đầu tiên của tệp phải là dòng tiêu đề với đúng tên các cột.")
                + "".join(" " + _unknown_sentence(h, columns) for h in unknown[:5])
            )
        notices = _NOTICES.get()
        if notices is not None:
            notices.extend(
                _unknown_sentence(h, columns) + " " + _("Cột này được bỏ qua.") for h in unknown[:10]
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
                _("Tệp CSV không ở mã UTF-8. Trong Excel chọn “Lưu thành” → “CSV UTF-8”.")
            ) from None
        text.seek(0)
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(text, dialect)
        total = _count_lines(self.path) if self.progress else 0  # a quoted cell may span lines: at most
        line = 0
        try:
            for line, row in enumerate(reader, start=1):
                if line % PROGRESS_EVERY == 0 and self.progress:  # rows below the header
                    self.progress(line - 1, max(total, line) - 1)
                yield line, row
        except UnicodeDecodeError:
            raise FileRejected(_("Dòng {v1}: tệp CSV không ở mã UTF-8").format(v1=line + 1)) from None
        finally:
            if self.progress:
                self.progress(max(line - 1, 0), max(line - 1, 0))
            text.close()

    def _xlsx_rows(self) -> Iterator[tuple[int, list[Any]]]:

        from openpyxl import load_workbook

        try:
            wb = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # a damaged workbook, or a .docx/.pptx (also a ZIP)
            raise FileRejected(
                _("Không đọc được tệp Excel ({v1}). Hãy lưu lại bằng Excel.").format(v1=type(exc).__name__)
            ) from None
        ws = wb.worksheets[0]
        # The rows the sheet says it has (Excel writes it; a streamed file may not), else
        # an estimate from how far into the file the reader is: the sheet is most of it.
        sized = ws.max_row if isinstance(getattr(ws, "max_row", None), int) else None
        archive = getattr(wb, "_archive", None)
        raw = getattr(archive, "fp", None)
        line = 0
        try:
            for line, row in enumerate(ws.iter_rows(values_only=True), start=1):
                if line % PROGRESS_EVERY == 0 and self.progress:
                    if sized:
                        total = sized
                    else:
                        pos = raw.tell() if raw is not None else 0
                        total = round(line * self.total / pos) if pos else 0
                    self.progress(line - 1, max(total, line) - 1)
                yield line, list(row)
        finally:
            if self.progress:
                self.progress(max(line - 1, 0), max(line - 1, 0))
            wb.close()

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row number as the spreadsheet shows it, {column key: raw value}); blank rows skipped."""
        limits = _LIMITS.get()
        count = 0
        for line, row in self._rows:
            if not any(v not in (None, "") and str(v).strip() for v in row):
                continue
            count += 1
            if limits is not None and count > limits.max_rows:
                raise FileRejected(
                    _(
                        "Tệp có hơn {limits.max_rows:,} dòng: trên trang web hãy chia nhỏ tệp, "
                        "hoặc dùng lệnh dangvien import."
                    )
                    .format(limits=limits)
                    .replace(",", ".")
                )
            values = {key: (row[i] if i < len(row) else None) for key, i in self.index.items()}
            # One search of the row's text; the cell is looked for only when it has one.
            if not _CONTROL.search("".join(v for v in values.values() if isinstance(v, str))):
                yield line, values
                continue
            for key, value in values.items():
                if isinstance(value, str) and _CONTROL.search(value):
                    raise FileRejected(
                        _(
                            'Dòng {line}, cột "{v1}": ô có ký tự điều khiển không hợp lệ (ví dụ ký '
                            "tự NUL), thường do dán từ tệp khác. Hãy xóa ký tự đó rồi nhập lại."
                        ).format(line=line, v1=self.header_of[key])
                    )
            yield line, values


def _count_lines(path: Path) -> int:
    """Lines of a text file, read in blocks: 64,000 rows in a few milliseconds."""
    n = 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            n += block.count(b"\n")
    return n


def cell_text(value: Any) -> str:
    if type(value) is str:  # every cell of a CSV file: the common case first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


# Control characters refused in an imported cell (a NUL cannot even be stored by PostgreSQL).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Characters an XLSX file cannot hold (openpyxl refuses them): C0 controls but tab, LF, CR.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A cell starting with one of these is a formula to Excel or LibreOffice ("CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_text(value: str, *, csv: bool) -> str:
    """A string as an export writes it: characters XLSX cannot hold removed (a name with
    \x01 must not make the whole export fail), and in CSV a leading formula character
    neutralized with an apostrophe. (XLSX cells are written as text cells instead.)"""
    value = _ILLEGAL.sub("", value)
    if csv and value.startswith(FORMULA_START):
        return "'" + value
    return value


def as_text_cell(cell: Any) -> None:
    """openpyxl makes a string starting with "=" a formula: write it as text, never evaluated."""
    if cell.data_type == "f":
        cell.data_type = "s"


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
                [
                    ""
                    if v is None
                    else v.strftime("%d/%m/%Y")
                    if isinstance(v, dt.date)
                    else export_text(v, csv=True)
                    if isinstance(v, str)
                    else v
                    for v in row
                ]
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
                c = WriteOnlyCell(ws, value=export_text(v, csv=False) if isinstance(v, str) else v)
                as_text_cell(c)
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
                h: (
                    v.isoformat()
                    if isinstance(v, dt.date)
                    else export_text(v, csv=False)
                    if isinstance(v, str)
                    else v
                )
                for h, v in zip(headers, row, strict=True)
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
        errors.append(RowError(line, headers[key], _("chưa có ngày")))
    return value
