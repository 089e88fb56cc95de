from __future__ import annotations

from functools import partial

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.core.replica import reads_replica
from dangvien.reports.figures import data_version
from dangvien.reports.kept import kept_report
from dangvien.targets.dashboard import Dashboard, committee_dashboard, home_block
from dangvien.watch.selectors import WatchLine, watch_list
from dangvien.watch.today import cell_today
from dangvien.web import charts
from dangvien.web.context import acting_user, request_scope
from dangvien.web.fragments import kept_html
from dangvien.web.views.progress import progress_charts


@reads_replica
def home(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    today = timezone.localdate()
    blocks = []
    version = data_version()
    for root in scope.roots[:5]:
        # Kept until the data change, like the dashboard: a province's units are summed
        # over 3,000 cells' tallies (90 ms) at every visit otherwise.
        counts, children = home_block(scope, root, today, version=version)
        block: dict[str, object] = {
            "org": root,
            "counts": counts,
            "children": children,
            "max_children": max((getattr(c, "member_count", 0) for c in children), default=0),
        }
        # Drawn once per kept block (a province's 100 units; web/fragments.py).
        block["html"] = kept_html(
            "home-block",
            scope,
            root,
            (today,),
            "web/_home_block.html",
            partial(dict, b=block),
            version=version,
        )
        blocks.append(block)
    watch: list[WatchLine] = []
    watch_total = 0
    dashboard, dashboard_html = None, ""
    # A cell's secretary or viewer: the cell's day first (issue 23), not a committee's dashboard.
    day = None
    if scope.roots and scope.roots[0].is_cell:
        day = cell_today(scope, scope.roots[0], acting_user(request), today)
    elif scope.roots:
        root = scope.roots[0]
        # Kept until the data change, as the blocks are: the watch list is seven queries
        # (20 ms at a province) and the pictures 13 ms of drawing, at every visit otherwise.
        watch, watch_total = kept_report(
            "watch", scope, root, (today,), lambda: watch_list(scope, org=root, today=today), version=version
        )
        dashboard = committee_dashboard(scope, root, today, version=version)
        if dashboard is not None:
            d = dashboard
            # The dashboard and its pictures, drawn once per kept dashboard (13 ms of drawing).
            dashboard_html = kept_html(
                "dashboard",
                scope,
                root,
                (today,),
                "web/_dashboard.html",
                lambda: {"d": d, "pictures": dashboard_charts(d)},
                version=version,
            )
    return render(
        request,
        "web/home.html",
        {
            "nav": "home",
            "blocks": blocks,
            "today": today,
            "watch": watch,
            "watch_total": watch_total,
            "d": dashboard,
            "dashboard_html": dashboard_html,
            "day": day,
            "can_write_cell": day is not None and scope.can_write(day.cell),
        },
    )


def dashboard_charts(d: Dashboard) -> dict[str, object]:
    pictures: dict[str, object] = {}
    if d.term is not None:
        pictures["term"] = progress_charts(d.term)
    if d.year is not None:
        pictures["year"] = progress_charts(d.year)
    pictures["funnel"] = charts.funnel_chart(
        [(s.label, s.count) for s in d.funnel.stages], title=_("Nguồn kết nạp từ đầu năm")
    )
    if d.ratings is not None:
        pictures["ratings"] = charts.share_bar(
            [(label, n) for _k, label, n in d.ratings.members.rows()], title=_("Xếp loại đảng viên")
        )
    return pictures
