"""The lines of docs/benchmarks.md for issue 5's reports (no Django needed to write them)."""

from __future__ import annotations


def lines(results: list[dict]) -> list[str]:  # type: ignore[type-arg]
    def fmt(t: dict[str, float]) -> str:
        return f"{t['median_ms']:.1f} / {t['p95_ms']:.1f}"

    out = [
        "\nReports (issue 5): `report progress` over the whole subtree (every organization a row) for "
        "the year (its targets include groups: women, under 30) and for the term (no group), and with "
        "the page's rows only (the unit and its children, the whole subtree counted); `report members` "
        "at today. Each beside hand-written SQL for the same figures (bench/reports.py: per cell, "
        "then rolled up by path prefix; it does not follow merges).\n",
        "`report progress` reads the admissions kept per unit (targets/admissions.py) and the tree of "
        "the day kept under the tree's token (targets/placement.py): what every report but the first "
        "after a change costs; timed alternating with the raw SQL, run by run. Then after a change of "
        "the tree (the tree read again), after one unit changed (one admission: that unit counted "
        "again) and counted afresh (every stored figure deleted and the kept trees dropped before each "
        "run: the tree read, every unit counted and stored). The page rows and the ratio's first figure are read from what is kept.\n",
        "| backend | period | rows | admitted | groups | progress (kept) | tree changed | one unit changed "
        "| counted afresh | progress (page rows) | raw SQL | ratio median / p95 (kept) | ratio p95 (afresh) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        for key, label in (("progress", "year"), ("progress_term", "term")):
            raw = max(r[f"{key}_raw"]["p95_ms"], 0.01)
            kept_median = r[f"{key}_orm"]["median_ms"] / max(r[f"{key}_raw"]["median_ms"], 0.01)
            kept = r[f"{key}_orm"]["p95_ms"] / raw
            afresh = r[f"{key}_cold"]["p95_ms"] / raw if f"{key}_cold" in r else float("nan")
            tree = fmt(r[f"{key}_tree_changed"]) if f"{key}_tree_changed" in r else "—"
            out.append(
                f"| {r['vendor']} {r.get('report_scope', 'province')} | {label} | {r[f'{key}_rows']:,} | "
                f"{r[f'{key}_admitted']:,} | {r[f'{key}_groups']} | {fmt(r[f'{key}_orm'])} | {tree} | "
                f"{fmt(r[f'{key}_one_changed'])} | {fmt(r[f'{key}_cold'])} | "
                f"{fmt(r[f'{key}_page_rows'])} | {fmt(r[f'{key}_raw'])} | "
                f"{kept_median:.2f}× / {kept:.2f}× | {afresh:.2f}× |".replace(",", ".")
            )
    out += [
        "",
        "`report members`: read from the figures kept per unit (reports/figures.py; what every report "
        "but the first after a change costs), after one unit changed (one member's write: that unit "
        "counted again) and counted afresh (every stored figure deleted before each run: every unit "
        "counted and stored).\n",
        "| backend | members | report members (kept) | one unit changed | counted afresh | raw SQL "
        "| ratio p95 (kept / afresh) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        raw = max(r["members_raw"]["p95_ms"], 0.01)
        kept, afresh = r["members_orm"]["p95_ms"] / raw, r["members_cold"]["p95_ms"] / raw
        out.append(
            f"| {r['vendor']} {r.get('report_scope', 'province')} | {r['members_total']:,} | "
            f"{fmt(r['members_orm'])} | {fmt(r['members_one_changed'])} | {fmt(r['members_cold'])} | "
            f"{fmt(r['members_raw'])} | "
            f"{kept:.2f}× / {afresh:.2f}× |".replace(",", ".")
        )
    boards = [r for r in results if "dashboard" in r]
    if boards:
        out += [
            "",
            "The committee's home page (`committee_dashboard`: term and year progress with the forecast "
            "of every unit below, month lines, the funnel, idle cells, rating shares), without the page's "
            "rendering.\n",
            "| backend | dashboard |",
            "|---|---|",
            *(
                f"| {r['vendor']} {r.get('report_scope', 'province')} | {fmt(r['dashboard'])} |"
                for r in boards
            ),
        ]
    return out
