"""The progress report as a table (screen, terminal and Excel share it)."""

from __future__ import annotations

from typing import Any

from dangvien.reports.excel import Table
from dangvien.targets.progress import ProgressReport


def progress_table(report: ProgressReport, org_name: str) -> Table:
    groups = list(report.top.groups) if report.top else []
    headers = ["Mã tổ chức", "Tên tổ chức", "Trực thuộc", "Chỉ tiêu", "Đã kết nạp", "Tỷ lệ đạt (%)"]
    for g in groups:
        headers += [f"Chỉ tiêu {g}", f"Kết nạp {g}", f"Tỷ lệ {g} (%)"]
    percent_columns = {5} | {8 + 3 * i for i in range(len(groups))}
    rows: list[list[Any]] = []
    for r in report.rows:
        row: list[Any] = [r.code, "  " * r.depth + r.name, r.parent or "", r.target, r.admitted, r.percent]
        for g in groups:
            fig = r.groups[g]
            row += [fig.target, fig.admitted, fig.percent]
        rows.append(row)
    return Table(
        title=(
            f"Tiến độ kết nạp đảng viên {report.period.label} — {org_name}, đến ngày {report.as_of:%d/%m/%Y}"
        ),
        headers=headers,
        rows=rows,
        percent_columns=frozenset(percent_columns),
        sheet=f"Tiến độ {report.period.code}",
    )
