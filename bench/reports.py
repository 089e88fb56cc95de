"""Issue 5's reports beside hand-written SQL for the same figures, in the same run.

* progress: `progress_report` of the whole subtree for the term (every row, its target in
  effect, admissions rolled up, the groups that have targets) against one SQL that counts
  admissions per organization of the tree as of the day, with the women and the under-30s
  among them (each admission's cell placed by its version on that day, rolled up to every
  ancestor by path prefix), one that reads the targets in effect and one that reads the rows'
  codes, names and parents on that day. The raw SQL does not
  follow merges: it is the floor, not a second implementation.
* members: `member_counts` (status, sex, age band, kind, sector, ethnicity, education at a
  date) against the one GROUP BY a DBA would write over the period rows (the bands as a
  CASE on the birth date)."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from dangvien.orgs.models import Organization
from dangvien.orgs.scope import scope_for
from dangvien.reports.figures import figures_touch_units, tree_touch
from dangvien.reports.models import AdmissionFigures, MemberFigures
from dangvien.reports.selectors import member_counts
from dangvien.targets.periods import period_bounds, periods_around
from dangvien.targets.placement import placements_forget
from dangvien.targets.progress import progress_report


def raw_progress(root: Organization | None, period: str, as_of: dt.date, *, groups: bool):  # type: ignore[no-untyped-def]
    """root None: the whole tree (every province, rolled up to one more row)."""
    bounds = period_bounds(period)
    end = min(bounds.end, as_of)
    root_path = root.path if root is not None else ""
    depth = root_path.count(".")
    levels = " UNION ALL ".join(f"SELECT {k} AS k" for k in range(depth, depth + 6))
    q = connection.ops.quote_name
    thirty = (
        "date(e.\"on\", '-30 years')"
        if connection.vendor == "sqlite"
        else "(e.\"on\" - INTERVAL '30 years')::date"
    )
    if groups:  # the group figures the demo's yearly targets ask for: women, under 30
        person = (
            "JOIN members_membership m ON m.id = e.membership_id JOIN people_person pe ON pe.id = m.person_id"
        )
        sums = (
            f", sum(CASE WHEN pe.sex = 'female' THEN 1 ELSE 0 END) AS f, "
            f"sum(CASE WHEN pe.birth_date > {thirty} THEN 1 ELSE 0 END) AS y"
        )
        outer = ", sum(c.f), sum(c.y)"
    else:
        person, sums, outer = "", "", ""
    # Per cell first (placed by its version on the day), then rolled up to every ancestor.
    counts_sql = f"""
        WITH c AS (
            SELECT v.path AS path, count(*) AS n{sums}
            FROM members_memberevent e {person}
            JOIN orgs_orgversion v ON v.organization_id = e.cell_id
                 AND v.valid_from <= %s AND (v.valid_to IS NULL OR v.valid_to > %s)
            WHERE e.kind = 'admitted' AND e.{q("on")} >= %s AND e.{q("on")} <= %s AND v.path LIKE %s
            GROUP BY v.path
        )
        SELECT substr(c.path, 1, 9 * d.k), sum(c.n){outer}
        FROM c JOIN ({levels}) d ON length(c.path) >= 9 * d.k
        GROUP BY substr(c.path, 1, 9 * d.k)
    """
    targets_sql = """
        SELECT t.organization_id, t."group", r.value
        FROM targets_targetrevision r JOIN targets_target t ON t.id = r.target_id
        JOIN orgs_orgversion v ON v.organization_id = t.organization_id
             AND v.valid_from <= %s AND (v.valid_to IS NULL OR v.valid_to > %s)
        WHERE t.period = %s AND r.effective_on <= %s AND v.path LIKE %s
        ORDER BY r.effective_on, r.id
    """

    # Each row's code, name and parent code: the report prints them.
    tree_sql = """
        SELECT v.organization_id, o.code, v.name, p.code, v.path
        FROM orgs_orgversion v JOIN orgs_organization o ON o.id = v.organization_id
        LEFT JOIN orgs_organization p ON p.id = v.parent_id
        WHERE v.valid_from <= %s AND (v.valid_to IS NULL OR v.valid_to > %s) AND v.path LIKE %s
    """

    def run() -> None:
        with connection.cursor() as cur:
            cur.execute(tree_sql, [as_of, as_of, root_path + "%"])
            cur.fetchall()
            cur.execute(counts_sql, [as_of, as_of, bounds.start, end, root_path + "%"])
            cur.fetchall()
            cur.execute(targets_sql, [as_of, as_of, bounds.code, as_of, root_path + "%"])
            values = {}
            for org_id, group, value in cur.fetchall():
                values[(org_id, group)] = value

    return run


def raw_members(root: Organization | None, as_of: dt.date):  # type: ignore[no-untyped-def]
    from dangvien.people.ages import AGE_BANDS, birth_range_for_band

    root_path = root.path if root is not None else ""
    limits = [birth_range_for_band(label, as_of)[0] for label, _l, _h in AGE_BANDS[:-1]]
    band = (
        "CASE "
        + " ".join(f"WHEN pe.birth_date >= '{d.isoformat()}' THEN {i}" for i, d in enumerate(limits))
        + f" ELSE {len(limits)} END"
    )
    sql = f"""
        SELECT p.status, pe.sex, {band}, o.kind, o.sector, pe.ethnicity, pe.education, count(*)
        FROM members_membershipperiod p
        JOIN members_membership m ON m.id = p.membership_id
        JOIN people_person pe ON pe.id = m.person_id
        JOIN orgs_organization o ON o.id = p.cell_id
        WHERE p.valid_from <= %s AND (p.valid_to IS NULL OR p.valid_to > %s)
          AND p.status IN ('probationary', 'official', 'exempt', 'temp_exempt')
          AND p.cell_id IN (SELECT organization_id FROM orgs_orgversion
                            WHERE valid_from <= %s AND (valid_to IS NULL OR valid_to > %s) AND path LIKE %s)
        GROUP BY 1, 2, 3, 4, 5, 6, 7
    """
    params = [as_of, as_of, as_of, as_of, root_path + "%"]

    def run() -> None:
        with connection.cursor() as cur:
            cur.execute(sql, params)
            cur.fetchall()

    return run


def forget_everything() -> None:
    """Nothing kept: the stored admissions deleted, the kept trees dropped."""
    AdmissionFigures.objects.all().delete()
    placements_forget()


def timed_pair(a, b, repeat: int):  # type: ignore[no-untyped-def]
    """a's and b's medians and p95s over `repeat` runs each, alternating a and b, after
    one run of each to warm the caches."""
    import statistics
    import time

    a()
    b()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, out in ((a, samples[0]), (b, samples[1])):
            start = time.perf_counter()
            fn()
            out.append((time.perf_counter() - start) * 1000)
    result = []
    for xs in samples:
        xs.sort()
        result.append(
            {
                "median_ms": round(statistics.median(xs), 2),
                "p95_ms": round(xs[int(len(xs) * 0.95) - 1], 2),
                "n": repeat,
            }
        )
    return result[0], result[1]


def measure(root: Organization | None, today: dt.date, timed, repeat: int = 10) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """root None: the whole tree."""
    scope = scope_for(None)
    term, year = periods_around(today)
    out: dict[str, object] = {}
    for key, period in (("progress", year), ("progress_term", term)):
        report = progress_report(scope, org=root, period=period, as_of=today)
        out[f"{key}_rows"] = len(report.rows)
        out[f"{key}_admitted"] = report.rows[0].admitted if report.rows else 0
        out[f"{key}_groups"] = len(report.rows[0].groups) if report.rows else 0
        # Read from the admissions kept per unit (the usual case), after one unit changed
        # (one admission: that unit counted again) and counted afresh (every stored figure
        # deleted before each run: every unit counted and stored, a day's first report).
        # The report and its hand-written SQL alternate, run by run, so that both see the
        # same machine (the ratio of two blocks timed minutes apart measured the
        # neighbours' load as much as the code).
        out[f"{key}_orm"], out[f"{key}_raw"] = timed_pair(
            lambda p=period: progress_report(scope, org=root, period=p, as_of=today),
            raw_progress(root, period, today, groups=bool(out[f"{key}_groups"])),
            repeat,
        )
        # The first report after a change of the tree (a rename, a move…): the tree read
        # again (targets/placement.py), the admissions still kept.
        out[f"{key}_tree_changed"] = timed(
            lambda p=period: progress_report(scope, org=root, period=p, as_of=today),
            repeat,
            before=tree_touch,
        )
        one = AdmissionFigures.objects.order_by("unit").values_list("unit", flat=True).first()
        out[f"{key}_one_changed"] = timed(
            lambda p=period: progress_report(scope, org=root, period=p, as_of=today),
            repeat,
            before=lambda u=one: figures_touch_units([u or ""]),
        )
        out[f"{key}_cold"] = timed(
            lambda p=period: progress_report(scope, org=root, period=p, as_of=today),
            max(3, repeat // 2),
            before=forget_everything,
        )
        out[f"{key}_page_rows"] = timed(
            lambda p=period: progress_report(scope, org=root, period=p, as_of=today, max_depth=1), repeat
        )
    if (
        root is not None
    ):  # the committee's home page: both progress views with forecasts, funnel, idle cells, ratings
        from dangvien.targets.dashboard import committee_dashboard

        out["dashboard"] = timed(lambda: committee_dashboard(scope, root, today), max(3, repeat // 2))
    out["members_total"] = member_counts(scope, root, today).total
    # Read from the figures kept per unit (the usual case: nothing changed since the last
    # report of the day), and counted afresh (the first report after a change).
    out["members_orm"] = timed(lambda: member_counts(scope, root, today), repeat)
    # Counted afresh: every stored figure deleted (untimed) before each run.
    out["members_cold"] = timed(
        lambda: member_counts(scope, root, today),
        max(3, repeat // 2),
        before=MemberFigures.objects.all().delete,
    )
    # The usual first report after a change: one member's write stamped one unit.
    one_unit = MemberFigures.objects.filter(day=today).order_by("unit").values_list("unit", flat=True).first()
    out["members_one_changed"] = timed(
        lambda: member_counts(scope, root, today),
        repeat,
        before=lambda: figures_touch_units([one_unit or ""]),
    )
    out["members_raw"] = timed(raw_members(root, today), repeat)
    return out
