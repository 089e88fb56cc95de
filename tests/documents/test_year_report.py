"""Issue 21, item 6: the committee's year report, every number equal to the reports' JSON
of the same day; a reader outside the scope gets nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse
from docx import Document

from dangvien.documents.year_report import year_report_docx
from dangvien.targets.services import target_set

from ..conftest import register

D = dt.date
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}%".replace(".", ",")


def test_the_year_reports_numbers_are_the_progress_reports_of_the_same_day(tree, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    target_set(actor=None, org=tree.xa, period="2026", value=3)
    target_set(actor=None, org=tree.xa, period="2025-2030", value=12)
    target_set(actor=None, org=tree.xa_c1, period="2026", value=2)
    for i, name in enumerate(("Nguyễn Văn An", "Lê Thị Bình")):
        register(tree.xa_c1, name, admitted=D(2026, 3, 2 + i), official=None, birth=D(1996, 1, 1 + i))
    register(tree.xa_c2, "Trần Văn Cường", admitted=D(2026, 9, 1), official=None, birth=D(1997, 2, 2))
    as_of = D(2026, 6, 30)  # before the third admission
    out = StringIO()
    call_command(
        "report",
        "progress",
        "--org",
        "XA",
        "--period",
        "2026",
        "--as-of",
        "2026-06-30",
        "--format",
        "json",
        stdout=out,
    )
    year = json.loads(out.getvalue())["rows"]
    out = StringIO()
    call_command(
        "report",
        "progress",
        "--org",
        "XA",
        "--period",
        "2025-2030",
        "--as-of",
        "2026-06-30",
        "--format",
        "json",
        stdout=out,
    )
    term = json.loads(out.getvalue())["rows"]
    text = _text(year_report_docx(actor=None, org=tree.xa, period="2026", as_of=as_of))
    top, term_top = year[0], term[0]
    assert top["admitted"] == 2 and term_top["admitted"] == 2
    assert (
        f"kết nạp {top['admitted']} đảng viên, đạt {_pct(top['percent'])} chỉ tiêu năm ({top['target']}), "
        f"{_pct(term_top['percent'])} chỉ tiêu nhiệm kỳ 2025-2030 "
        f"(đã kết nạp {term_top['admitted']}/{term_top['target']})"
    ) in text
    assert "66,67%" in text and "16,67%" in text
    c1 = next(r for r in year if r["code"] == "XA-C1")
    assert f"{c1['name']}\n{c1['target']}\n{c1['admitted']}\n{_pct(c1['percent'])}" in text
    assert "…" not in text and "{{" not in text  # no blank, no field left unfilled
    # The command line writes the same paper.
    path = tmp_path / "bc.docx"
    call_command(
        "documents", "report", "--org", "XA", "--period", "2026", "--as-of", "2026-06-30", "-o", str(path)
    )
    assert _text(path.read_bytes()) == text
    (ARTIFACTS / "year-report.docx").write_bytes(path.read_bytes())


def test_the_report_button_keeps_to_the_scope(tree, users, login):
    url = reverse("web:progress") + "?to-chuc=XA&ky=2026&ngay=30/06/2026&xuat=bao-cao"
    r = login(users.an).get(url)
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "Đảng bộ xã An Phú".upper() in _text(r.content)
    assert login(users.binh).get(url).status_code == 404
