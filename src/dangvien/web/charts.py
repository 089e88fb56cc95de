"""Charts drawn on the server as SVG: no script, no CDN, sharp in print, readable on an
old office PC. Every text is escaped; every chart carries a title for screen readers and
is shown beside (or above) a table of its numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dangvien.core.dates import add_months
from dangvien.core.text import vn_int, vn_pct

RED, GOLD, GREY, GREEN, INK = "#b3171d", "#d4a017", "#9aa0a6", "#2e7d32", "#333333"
LEVEL_COLOURS = ["#2e7d32", "#7cb342", "#f9a825", "#c62828"]


@dataclass
class Bar:
    label: str
    value: int
    target: int | None = None
    flag: str = ""  # "risk" draws the bar amber, "done" green


def _svg(
    width: int, height: int, title: str, body: str, table: list[tuple[str, str]] | None = None
) -> SafeString:
    # Safe: every text inside went through escape() or is a number we formatted.
    svg = (
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{body}</svg>'
    )
    if table:
        # The chart's numbers as a table, folded under it: for a screen reader, for a
        # figure to copy, for whoever does not read a picture (issue 23).
        rows = "".join(
            f'<tr><th scope="row">{escape(k)}</th><td class="num">{escape(v)}</td></tr>' for k, v in table
        )
        svg += (
            f'<details class="chart-table"><summary>{escape(_("Bảng số liệu"))}: {escape(title)}</summary>'
            f"<table><tbody>{rows}</tbody></table></details>"
        )
    return mark_safe(svg)


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 13, fill: str = INK) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{fill}">'
        f"{escape(text)}</text>"
    )


def bar_chart(bars: list[Bar], *, title: str, width: int = 720) -> SafeString:
    """Horizontal bars (long Vietnamese names read better across), the target as a dark
    tick on each bar, "admitted / target (percent)" at the right."""
    label_w, num_w, row = 230, 150, 26
    plot_w = width - label_w - num_w - 10
    top = max([b.value for b in bars] + [b.target or 0 for b in bars] + [1])
    height = row * len(bars) + 10
    parts = []
    for i, b in enumerate(bars):
        y = 5 + i * row
        colour = GOLD if b.flag == "risk" else GREEN if b.flag == "done" else RED
        w = plot_w * b.value / top
        name = b.label if len(b.label) <= 30 else b.label[:29] + "…"
        parts.append(
            _text(label_w - 6, y + 17, name, anchor="end")
            + f'<rect x="{label_w}" y="{y + 4}" width="{plot_w}" height="16" fill="#f1f1f1"/>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="16" fill="{colour}"/>'
        )
        if b.target is not None:
            tx = label_w + plot_w * b.target / top
            parts.append(f'<rect x="{tx - 1.5:.1f}" y="{y + 1}" width="3" height="22" fill="{INK}"/>')
            text = f"{vn_int(b.value)} / {vn_int(b.target)}"
            if b.target:
                text += f" ({vn_pct(round(100 * b.value / b.target, 2))})"
        else:
            text = vn_int(b.value)
        parts.append(
            f'<text x="{label_w + plot_w + 8}" y="{y + 17}" font-size="13" fill="{INK}">{escape(text)}</text>'
        )
    table = [
        (b.label, f"{vn_int(b.value)} / {vn_int(b.target)}" if b.target is not None else vn_int(b.value))
        for b in bars
    ]
    return _svg(width, height, title, "".join(parts), table)


def line_chart(
    points: list[tuple[dt.date, int]],
    *,
    start: dt.date,
    end: dt.date,
    target: int | None,
    title: str,
    width: int = 720,
    height: int = 240,
) -> SafeString:
    """Cumulative admissions over the period, the target as a dashed line, and the even
    pace (from 0 on the first day to the target on the last) as a dotted one."""
    left, right, top_m, bottom = 48, 16, 12, 30
    pw, ph = width - left - right, height - top_m - bottom
    span = max(1, (end - start).days)
    top = max([n for _, n in points] + [target or 0, 1])
    top = int(top * 1.1) + 1

    def x(d: dt.date) -> float:
        return left + pw * min(max((d - start).days, 0), span) / span

    def y(n: float) -> float:
        return top_m + ph - ph * n / top

    parts = [f'<line x1="{left}" y1="{y(0):.1f}" x2="{left + pw}" y2="{y(0):.1f}" stroke="{GREY}"/>']
    for frac in (0.5, 1.0):
        v = round(top * frac)
        parts.append(
            f'<line x1="{left}" y1="{y(v):.1f}" x2="{left + pw}" y2="{y(v):.1f}" stroke="#eeeeee"/>'
            + _text(left - 6, y(v) + 4, vn_int(v), anchor="end", size=11)
        )
    # Month ticks: every month for a year, every January for a term.
    months = []
    d = dt.date(start.year, start.month, 1)
    while d <= end:
        months.append(d)
        d = add_months(d, 1)
    step = 1 if len(months) <= 14 else 12
    for m in months[::step]:
        label = _("T{month}").format(month=m.month) if step == 1 else str(m.year)  # T3: tháng 3
        parts.append(
            f'<text x="{x(max(m, start)):.1f}" y="{height - 10}" font-size="11" fill="{INK}">{label}</text>'
        )
    if target:
        parts.append(
            f'<line x1="{left}" y1="{y(target):.1f}" x2="{left + pw}" y2="{y(target):.1f}" '
            f'stroke="{INK}" stroke-dasharray="6 4"/>'
            f'<text x="{left + pw}" y="{y(target) - 4:.1f}" text-anchor="end" font-size="12" fill="{INK}">'
            f"{escape('Chỉ tiêu ' + vn_int(target))}</text>"
            f'<line x1="{x(start):.1f}" y1="{y(0):.1f}" x2="{x(end):.1f}" y2="{y(target):.1f}" '
            f'stroke="{GREY}" stroke-dasharray="2 4"/>'
        )
    if points:
        points = [(start, 0), *points]  # from nothing on the period's first day
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(d):.1f},{y(n):.1f}" for i, (d, n) in enumerate(points))
        last_d, last_n = points[-1]
        parts.append(
            f'<path d="{path}" fill="none" stroke="{RED}" stroke-width="2.5"/>'
            f'<circle cx="{x(last_d):.1f}" cy="{y(last_n):.1f}" r="4" fill="{RED}"/>'
            + _text(x(last_d) + 6, y(last_n) - 6, vn_int(last_n), size=12, fill=RED)
        )
    # The table: the count at the end of each month (the line's every point would be a
    # row per admission day), and the target.
    by_month: dict[str, int] = {}
    for d, n in points[1:] if points else []:
        by_month[f"{d:%m/%Y}"] = n
    table = [(_("Đến hết tháng {m}").format(m=m), vn_int(n)) for m, n in by_month.items()]
    if target is not None:
        table.append((_("Chỉ tiêu"), vn_int(target)))
    return _svg(width, height, title, "".join(parts), table)


def funnel_chart(stages: list[tuple[str, int]], *, title: str, width: int = 720) -> SafeString:
    """Centred bars narrowing stage by stage."""
    row, label_w = 30, 300
    top = max([n for _, n in stages] + [1])
    plot_w = width - label_w - 80
    parts = []
    for i, (label, n) in enumerate(stages):
        y = 4 + i * row
        w = max(2.0, plot_w * n / top)
        x0 = label_w + (plot_w - w) / 2
        parts.append(
            _text(label_w - 8, y + 19, label, anchor="end")
            + f'<rect x="{x0:.1f}" y="{y + 4}" width="{w:.1f}" height="22" rx="3" fill="{RED}" '
            f'fill-opacity="{1 - 0.12 * i:.2f}"/>'
            f'<text x="{label_w + plot_w + 8}" y="{y + 19}" font-size="13" fill="{INK}">{vn_int(n)}</text>'
        )
    return _svg(
        width, row * len(stages) + 8, title, "".join(parts), [(label, vn_int(n)) for label, n in stages]
    )


def share_bar(parts_in: list[tuple[str, int]], *, title: str, width: int = 720) -> SafeString:
    """One bar split by levels (the four rating levels), with a legend and percentages."""
    total = sum(n for _, n in parts_in)
    parts, x0 = [], 0.0
    for i, (_label, n) in enumerate(parts_in):
        w = width * n / total if total else 0
        if w:
            parts.append(
                f'<rect x="{x0:.1f}" y="0" width="{w:.1f}" height="26" fill="{LEVEL_COLOURS[i % 4]}"/>'
            )
        x0 += w
    lx = 0
    for i, (label, n) in enumerate(parts_in):
        share = vn_pct(round(100 * n / total, 2)) if total else "—"
        text = f"{label}: {vn_int(n)} ({share})"
        parts.append(
            f'<rect x="{lx}" y="{36 + 22 * (i // 2)}" width="12" height="12" fill="{LEVEL_COLOURS[i % 4]}"/>'
            f'<text x="{lx + 18}" y="{47 + 22 * (i // 2)}" font-size="13" fill="{INK}">{escape(text)}</text>'
        )
        lx = 0 if i % 2 else width // 2
    table = [
        (label, f"{vn_int(n)} ({vn_pct(round(100 * n / total, 2)) if total else '—'})")
        for label, n in parts_in
    ]
    return _svg(width, 36 + 22 * ((len(parts_in) + 1) // 2), title, "".join(parts), table)
