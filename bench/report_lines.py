"""The lines of docs/benchmarks.md for issue 5's reports (no Django needed to write them)."""

from __future__ import annotations


def lines(results: list[dict]) -> list[str]:  # type: ignore[type-arg]
    def fmt(t: dict[str, float]) -> str:
        return f"{t['median_ms']:.1f} / {t['p95_ms']:.1f}"

    out = [
        "\nReports (issue 5): `report progress` of the term over the whole subtree (every organization "
        "a row) and with the page's rows only (the unit and its children, the whole subtree counted), "
        "and `report members` at today, beside hand-written SQL for the same figures (see "
        "bench/reports.py: the raw progress SQL neither follows merges nor computes groups).\n",
        "| backend | scope | rows | admitted | progress | progress (page rows) | progress (raw SQL) | ratio p95 "
        "| members | report members | members (raw SQL) | ratio p95 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        p_ratio = r["progress_orm"]["p95_ms"] / max(r["progress_raw"]["p95_ms"], 0.01)
        m_ratio = r["members_orm"]["p95_ms"] / max(r["members_raw"]["p95_ms"], 0.01)
        out.append(
            f"| {r['vendor']} | {r.get('report_scope', 'province')} | {r['progress_rows']:,} | "
            f"{r['progress_admitted']:,} | {fmt(r['progress_orm'])} | {fmt(r['progress_page_rows'])} | "
            f"{fmt(r['progress_raw'])} | {p_ratio:.2f}× | {r['members_total']:,} | {fmt(r['members_orm'])} | "
            f"{fmt(r['members_raw'])} | {m_ratio:.2f}× |".replace(",", ".")
        )
    return out
