"""The committee's half-year or year report on party-member development (issue 21, item 6):
written the way committees write it, every number taken from the reports of the same day
(progress against the year and the term targets, classes, timeliness, ratings, units with
no admission), the units in a table. The wording lives in the template (docxtpl, rendered
in the forms' sandbox). A FormTemplate of code BC-PTĐV (a province's, else the system's),
uploaded on the templates page, replaces the packaged one, as for the forms."""

from __future__ import annotations

import datetime as dt
from functools import cache

from docx.enum.text import WD_ALIGN_PARAGRAPH

from dangvien.accounts.audit import audit_export
from dangvien.accounts.models import User
from dangvien.candidates.models import ClassKind
from dangvien.core.text import vn_int, vn_pct
from dangvien.documents.context import Fields, date_words, place_on
from dangvien.documents.layout import loop_table, new_page, para, to_bytes
from dangvien.documents.papers import REPORT
from dangvien.documents.render import render_docx
from dangvien.documents.templates_service import uploaded_template
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope, require_read, scope_for
from dangvien.ratings.selectors import rating_summary
from dangvien.reports.statistics import classes_held, units_without_admission
from dangvien.reports.timeliness import timeliness
from dangvien.targets.periods import period_bounds, periods_around
from dangvien.targets.progress import ProgressRow, progress_report

REPORT_CODE = REPORT.code


def _pct(row: ProgressRow | None) -> str:
    return vn_pct(row.percent) if row is not None and row.percent is not None else "—"


def year_report_fields(scope: Scope, *, org: Organization, period: str, as_of: dt.date) -> Fields:
    """Every field the template reads. `period` is the year (2026) or the half-year's year;
    the term is the one containing `as_of`."""
    bounds = period_bounds(period)
    start, end = bounds.start, min(as_of, bounds.end)
    year_code = str(end.year)
    term_code, _year = periods_around(end)
    year = progress_report(scope, org=org, period=year_code, as_of=end, max_depth=1)
    term = progress_report(scope, org=org, period=term_code, as_of=end, max_depth=1)
    top, term_top = year.top, term.top
    term_by_id = {r.org_id: r for r in term.rows}
    awareness = next(c for c in classes_held(scope, org, start, end) if c.kind == ClassKind.AWARENESS)
    on_time = timeliness(scope, org=org, start=start, end=end, today=end)
    recognition = next(s for s in on_time.shares if s.kind == "recognition")
    children = [r for r in year.rows if r.depth == 1]
    ratings = rating_summary(scope, org, end.year - (1 if end.month < 12 else 0), [])
    _idle, idle_total = units_without_admission(scope, org, end, 2)
    groups = []
    if top is not None:
        for key, g in sorted(top.groups.items()):
            groups.append(
                Fields(
                    name=key,
                    target=vn_int(g.target) if g.target is not None else "—",
                    admitted=vn_int(g.admitted),
                    percent=vn_pct(g.percent) if g.percent is not None else "—",
                )
            )
    return Fields(
        org=Fields(
            name=org.name,
            name_upper=org.name.upper(),
            parent_upper=(org.parent.name.upper() if org.parent else ""),
        ),
        place=place_on(org, as_of),
        date_words=date_words(as_of),
        period=Fields(code=bounds.code, start=f"{start:%d/%m/%Y}", end=f"{end:%d/%m/%Y}"),
        term_code=term_code,
        classes=Fields(
            count=vn_int(awareness.classes),
            attendees=vn_int(awareness.attendees),
            passed=vn_int(awareness.passed),
        ),
        admitted=vn_int(top.admitted if top else 0),
        year_target=vn_int(top.target) if top and top.target is not None else "—",
        year_percent=_pct(top),
        term_target=vn_int(term_top.target) if term_top and term_top.target is not None else "—",
        term_admitted=vn_int(term_top.admitted if term_top else 0),
        term_percent=_pct(term_top),
        recognitions=Fields(
            total=vn_int(recognition.total),
            on_time=vn_int(recognition.on_time),
            percent=vn_pct(round(recognition.percent, 2)) if recognition.percent is not None else "—",
        ),
        ratings=Fields(
            year=str(ratings.year),
            total=vn_int(ratings.members.total),
            good=vn_int(ratings.members.good_or_better),
            percent=vn_pct(round(100 * ratings.members.good_or_better / ratings.members.total, 2))
            if ratings.members.total
            else "—",
        ),
        idle=vn_int(idle_total),
        groups=groups,
        units=[
            Fields(
                name=r.name,
                target=vn_int(r.target) if r.target is not None else "—",
                admitted=vn_int(r.admitted),
                percent=_pct(r),
                term_percent=_pct(term_by_id.get(r.org_id)),
            )
            for r in children
        ],
    )


@cache
def default_template() -> bytes:
    """The packaged template, built here (python-docx) with the docxtpl fields in place."""
    doc = new_page()
    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    para(doc, "{{ org.parent_upper }}", align=center, size=13)
    para(doc, "{{ org.name_upper }}", align=center, size=13, bold=True)
    para(doc, "ĐẢNG CỘNG SẢN VIỆT NAM", align=center, bold=True)
    para(doc, "{{ place }}, {{ date_words }}", align=WD_ALIGN_PARAGRAPH.RIGHT, italic=True)
    para(doc, "BÁO CÁO", align=center, bold=True, size=15)
    para(doc, "Kết quả công tác phát triển đảng viên {{ period.code }}", align=center, bold=True)
    para(doc, "(từ ngày {{ period.start }} đến ngày {{ period.end }})", align=center, italic=True)
    para(doc, "I. KẾT QUẢ", bold=True)
    para(
        doc,
        "Đã mở {{ classes.count }} lớp bồi dưỡng nhận thức về Đảng cho {{ classes.attendees }} quần chúng "
        "({{ classes.passed }} người đạt yêu cầu); kết nạp {{ admitted }} đảng viên, đạt {{ year_percent }} "
        "chỉ tiêu năm ({{ year_target }}), {{ term_percent }} chỉ tiêu nhiệm kỳ {{ term_code }} "
        "(đã kết nạp {{ term_admitted }}/{{ term_target }}).",
        align=justify,
    )
    para(
        doc,
        "{% for g in groups %}Kết nạp {{ g.name }}: {{ g.admitted }}, đạt {{ g.percent }} chỉ tiêu ({{ g.target }}). {% endfor %}"
        "{% if not groups %}Chưa giao chỉ tiêu theo nhóm (nữ, dưới 30 tuổi, dân tộc thiểu số, tôn giáo).{% endif %}",
        align=justify,
    )
    para(
        doc,
        "Công nhận đảng viên chính thức: {{ recognitions.total }} trường hợp, {{ recognitions.on_time }} đúng hạn "
        "({{ recognitions.percent }}).",
        align=justify,
    )
    para(
        doc,
        "Xếp loại chất lượng năm {{ ratings.year }}: {{ ratings.good }}/{{ ratings.total }} đảng viên hoàn thành "
        "tốt nhiệm vụ trở lên ({{ ratings.percent }}). Có {{ idle }} chi bộ 2 năm liền chưa kết nạp đảng viên.",
        align=justify,
    )
    para(doc, "II. KẾT QUẢ THEO ĐƠN VỊ", bold=True)
    loop_table(
        doc,
        ["Đơn vị", "Chỉ tiêu năm", "Đã kết nạp", "Tỷ lệ năm", "Tỷ lệ nhiệm kỳ"],
        "units",
        ["{{ u.name }}", "{{ u.target }}", "{{ u.admitted }}", "{{ u.percent }}", "{{ u.term_percent }}"],
    )
    para(doc, "")
    para(doc, "T/M {{ org.name_upper }}", align=WD_ALIGN_PARAGRAPH.RIGHT, bold=True)
    return to_bytes(doc)


def template_for_report(org: Organization) -> tuple[bytes, str]:
    """The province's uploaded report template, else the system's, else the packaged one."""
    return uploaded_template(REPORT_CODE, org) or (default_template(), "default")


def year_report_docx(*, actor: User | None, org: Organization, period: str, as_of: dt.date) -> bytes:
    """The report as a DOCX, for a reader of the organization; the export is audited."""
    scope = scope_for(actor)
    require_read(scope, org)
    template, version = template_for_report(org)
    content = render_docx(template, year_report_fields(scope, org=org, period=period, as_of=as_of))
    audit_export(actor=actor, what=f"report year {period} ({version})", rows=1, fmt="docx", org=org.code)
    return content
