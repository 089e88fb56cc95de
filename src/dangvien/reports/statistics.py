"""Statistics leadership reads, each at a chosen date or over a chosen period, from the
history rows (member events and periods, dossier steps, certificates), so the same
figure asked twice gives the same answer. Each function is a bounded number of queries,
whatever the size of the tree.

Which organizations a figure covers: those that stood under the organization on the last
day asked (`end` or `as_of`), or that stood under it before and were merged away — as in
the progress report."""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_noop

from dangvien.candidates.models import Candidate, Certificate, ClassKind, Result, TrainingClass
from dangvien.cases.models import Case
from dangvien.committees.models import NoSource
from dangvien.committees.sourcing import no_source_on
from dangvien.members.models import EventKind, MemberEvent
from dangvien.orgs.models import CELL_KINDS, Organization, OrgVersion
from dangvien.orgs.scope import Scope
from dangvien.orgs.selectors import org_path_on


def _ever_under(org: Organization, end: dt.date) -> QuerySet[OrgVersion, Any] | None:
    path = org_path_on(org, end) or (org.path if org.founded_on is None or org.founded_on <= end else None)
    if path is None:
        return None
    return OrgVersion.objects.filter(path__startswith=path, valid_from__lte=end).values("organization_id")


# --- joined and left -------------------------------------------------------------------

JOINED = [
    (EventKind.ADMITTED, gettext_noop("Kết nạp")),
    ("in", gettext_noop("Chuyển đến")),
]
LEFT = [
    ("out", gettext_noop("Chuyển đi (trong hệ thống)")),
    (EventKind.TRANSFERRED_OUT, gettext_noop("Chuyển sinh hoạt ra ngoài")),
    (EventKind.DIED, gettext_noop("Từ trần")),
    (EventKind.REMOVED, gettext_noop("Xóa tên")),
    (EventKind.EXPELLED, gettext_noop("Khai trừ")),
    (EventKind.LEFT, gettext_noop("Ra khỏi Đảng")),
]


@dataclass
class Flows:
    start: dt.date
    end: dt.date
    joined: dict[str, int] = field(default_factory=dict)  # label → count
    left: dict[str, int] = field(default_factory=dict)

    @property
    def joined_total(self) -> int:
        return sum(self.joined.values())

    @property
    def left_total(self) -> int:
        return sum(self.left.values())


def member_flows(scope: Scope, org: Organization, start: dt.date, end: dt.date) -> Flows:
    """Members who joined and left org's subtree in [start, end], by reason (two queries).

    A move between two cells of the subtree is neither; a move across its edge is a
    transfer in or out."""
    result = Flows(start, end)
    cells = _ever_under(org, end)
    labels = dict(JOINED + LEFT)
    counts = dict.fromkeys(labels, 0)
    if cells is not None:
        events = MemberEvent.objects.filter(on__gte=start, on__lte=end).filter(scope.org_filter("cell"))
        for kind, n in (
            events.filter(cell_id__in=cells, kind__in=[k for k, _ in JOINED + LEFT if k not in ("in", "out")])
            .values_list("kind")
            .annotate(n=Count("id"))
            .order_by()
        ):
            counts[kind] += n
        previous = (
            MemberEvent.objects.filter(membership=OuterRef("membership"))
            .filter(Q(on__lt=OuterRef("on")) | Q(on=OuterRef("on"), id__lt=OuterRef("id")))
            .order_by("-on", "-id")
            .values("cell_id")[:1]
        )
        ever = set(cells.values_list("organization_id", flat=True))
        for new_cell, old_cell in (
            events.filter(kind=EventKind.CELL_CHANGED)
            .annotate(old=Subquery(previous))
            .filter(Q(cell_id__in=cells) | Q(old__in=cells))
            .values_list("cell_id", "old")
        ):
            inside, was_inside = new_cell in ever, old_cell in ever
            if inside and not was_inside:
                counts["in"] += 1
            elif was_inside and not inside:
                counts["out"] += 1
    result.joined = {label: counts[k] for k, label in JOINED}
    result.left = {label: counts[k] for k, label in LEFT}
    return result


# --- the pipeline funnel ---------------------------------------------------------------


@dataclass
class Stage:
    key: str
    label: str
    count: int
    median_days: int | None  # from the previous stage, for those who passed both
    median_of: str  # what the median measures, in words

    rate: float | None = None  # count / previous stage's count


@dataclass
class Funnel:
    start: dt.date
    end: dt.date
    stages: list[Stage]


def _median(values: list[int]) -> int | None:
    return int(statistics.median(values)) if values else None


def funnel(scope: Scope, org: Organization, start: dt.date, end: dt.date) -> Funnel:
    """Pool → valid certificate → in admission → admitted → official, over [start, end]:
    how many entered each stage in the period, the rate against the stage before, and the
    median days from the stage before for those who passed both. Five queries."""
    cells = _ever_under(org, end)
    stages: list[Stage] = []
    if cells is None:
        return Funnel(start, end, stages)
    in_scope = scope.org_filter("cell")
    listed = list(
        Candidate.objects.filter(
            in_scope, cell_id__in=cells, listed_on__gte=start, listed_on__lte=end
        ).values_list("person_id", "listed_on")
    )
    listed_on: dict[int, dt.date] = {p: d for p, d in listed if d is not None}
    # Certificates of the awareness class issued in the period to this subtree's candidates.
    certs = list(
        Certificate.objects.filter(
            kind=ClassKind.AWARENESS,
            issued_on__gte=start,
            issued_on__lte=end,
            person_id__in=Candidate.objects.filter(in_scope, cell_id__in=cells).values("person_id"),
        )
        .values_list("person_id", "issued_on")
        .order_by("issued_on")
    )
    cert_on = {p: d for p, d in certs}
    opened = list(
        Case.objects.filter(
            in_scope, cell_id__in=cells, opened_on__gte=start, opened_on__lte=end
        ).values_list("person_id", "opened_on")
    )
    latest_cert = dict(
        Certificate.objects.filter(kind=ClassKind.AWARENESS, person_id__any=[p for p, _ in opened])
        .values_list("person_id")
        .annotate(last=Max("issued_on"))
    )
    admitted = list(
        MemberEvent.objects.filter(
            in_scope, kind=EventKind.ADMITTED, cell_id__in=cells, on__gte=start, on__lte=end
        ).values_list("membership__person_id", "on", "membership__admission_case__opened_on")
    )
    official = list(
        MemberEvent.objects.filter(
            in_scope, kind=EventKind.MADE_OFFICIAL, cell_id__in=cells, on__gte=start, on__lte=end
        ).values_list("on", "membership__admission_date")
    )
    stages = [
        Stage("listed", gettext_noop("Vào danh sách cảm tình Đảng"), len(listed), None, ""),
        Stage(
            "certificate",
            gettext_noop("Có giấy chứng nhận lớp nhận thức về Đảng"),
            len(cert_on),
            _median(
                [(d - listed_on[p]).days for p, d in cert_on.items() if p in listed_on and d >= listed_on[p]]
            ),
            gettext_noop("từ khi vào danh sách đến khi có giấy chứng nhận"),
        ),
        Stage(
            "opened",
            gettext_noop("Làm hồ sơ kết nạp"),
            len(opened),
            _median(
                [(d - latest_cert[p]).days for p, d in opened if p in latest_cert and d >= latest_cert[p]]
            ),
            gettext_noop("từ khi có giấy chứng nhận đến khi mở hồ sơ"),
        ),
        Stage(
            "admitted",
            gettext_noop("Được kết nạp"),
            len({p for p, _, _ in admitted}),
            _median([(d - o).days for _, d, o in admitted if o is not None and d >= o]),
            gettext_noop("từ khi mở hồ sơ đến quyết định kết nạp"),
        ),
        Stage(
            "official",
            gettext_noop("Được công nhận chính thức"),
            len(official),
            _median([(d - a).days for d, a in official if d >= a]),
            gettext_noop("từ quyết định kết nạp đến ngày chính thức"),
        ),
    ]
    for prev, stage in itertools.pairwise(stages):
        stage.rate = stage.count / prev.count if prev.count else None
    return Funnel(start, end, stages)


# --- classes ---------------------------------------------------------------------------


@dataclass
class ClassLine:
    kind: str
    label: str
    classes: int = 0
    attendees: int = 0
    passed: int = 0


def classes_held(scope: Scope, org: Organization, start: dt.date, end: dt.date) -> list[ClassLine]:
    """Classes ended in [start, end] that this subtree organized, with their attendees
    (one query)."""
    lines = {k: ClassLine(k, str(label)) for k, label in ClassKind.choices}
    rows = (
        TrainingClass.objects.filter(
            ends_on__gte=start, ends_on__lte=end, organizer__path__startswith=org.path
        )
        .filter(scope.org_filter("organizer"))
        .values_list("kind")
        .annotate(
            n=Count("id", distinct=True),
            a=Count("attendances", distinct=True),
            p=Count("attendances", filter=Q(attendances__result=Result.PASSED), distinct=True),
        )
        .order_by()
    )
    for kind, n, a, p in rows:
        lines[kind].classes, lines[kind].attendees, lines[kind].passed = n, a, p
    return list(lines.values())


# --- units without admissions ----------------------------------------------------------


@dataclass
class IdleUnit:
    org: Organization
    last_admission: dt.date | None
    no_source: str = ""  # the reason, when the unit has no source left: listed apart


def units_without_admission(
    scope: Scope, org: Organization, as_of: dt.date, years: int = 2, *, limit: int = 500
) -> tuple[list[IdleUnit], int]:
    """Active cells under org with no admission in the `years` years up to as_of (the
    most idle first), and how many there are; units marked as having no source left come
    last, carry their reason, and are not counted. Two queries."""
    since = (
        as_of.replace(year=as_of.year - years)
        if (as_of.month, as_of.day) != (2, 29)
        else (dt.date(as_of.year - years, 2, 28))
    )
    cells = (
        scope.orgs()
        .filter(path__startswith=org.path, kind__in=CELL_KINDS)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=as_of))
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=since))
    )
    last = (
        MemberEvent.objects.filter(kind=EventKind.ADMITTED, cell=OuterRef("pk"), on__lte=as_of)
        .order_by("-on")
        .values("on")[:1]
    )
    reason = NoSource.objects.filter(no_source_on(as_of), organization=OuterRef("pk")).values("reason")[:1]
    idle = cells.annotate(last=Subquery(last), no_source=Subquery(reason)).filter(
        Q(last__isnull=True) | Q(last__lte=since)
    )
    total = idle.filter(no_source__isnull=True).count()
    rows = list(idle.select_related("parent").order_by("last", "path")[:limit])
    # Ordered with "never" first on both databases (NULLs sort last on PostgreSQL).
    rows.sort(key=lambda o: (o.no_source is not None, o.last is not None, o.last or dt.date.min, o.path))
    return [IdleUnit(o, o.last, o.no_source or "") for o in rows], total
