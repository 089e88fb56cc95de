"""The daily watch: `tick(as_of)` scans everything with a due date and notifies the users
responsible for it — the staff of every committee above the cell and the cell's secretary.

Idempotent by construction: every notification has a key naming its occasion (the item,
the step, the due date, the kind), and (user, key) is unique in the database, so a second
tick on the same day — or a second tick running at the same moment — adds nothing. The
e-mail digest claims its rows with one conditional UPDATE, so no row is mailed twice."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import get_connection, send_mass_mail
from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.audit import audit_seal
from dangvien.accounts.models import Role, RoleAssignment, User
from dangvien.candidates.models import OPEN_STATES, Candidate, ClassKind
from dangvien.cases.admission import procedure as P
from dangvien.cases.models import (
    OPEN_TRANSFER_STATES,
    Case,
    CaseState,
    Recognition,
    RecognitionState,
    Transfer,
    TransferState,
)
from dangvien.cases.recognition import rules as R
from dangvien.committees.duties import duties_report
from dangvien.committees.models import Meeting, NoSource
from dangvien.committees.sourcing import no_source_on
from dangvien.core.dates import add_months
from dangvien.members.models import Membership, Status
from dangvien.orgs.models import CELL_KINDS, PATH_STEP, Organization
from dangvien.orgs.scope import scope_for
from dangvien.reports.figures import figures_prune
from dangvien.rules.calendar import Calendar, calendar_from_db
from dangvien.rules.selectors import RuleBook
from dangvien.targets.admissions import figures_warm
from dangvien.targets.dashboard import dashboards_warm
from dangvien.watch.models import Kind, Notification

log = logging.getLogger(__name__)

CERTIFICATE_WARNING_DAYS = 60  # issue 4: certificates expiring within 60 days
UNASSESSED_MONTHS = 3
NO_ADMISSION_MONTHS = 24
PROBATION_WARNING_DAYS = 30  # tell the cell a month before the probation ends


@dataclass(frozen=True)
class Item:
    kind: str
    key: str
    text: str
    url: str
    due_on: dt.date | None
    cell_path: str
    also_path: str = ""  # a transfer concerns both sides


@dataclass
class TickResult:
    as_of: dt.date
    items: int = 0
    created: int = 0
    emails: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def _cases(as_of: dt.date, book: RuleBook, cal: Calendar) -> Iterator[Item]:
    soon_until = cal.add_working_days(as_of, int(book.value("watch.due_soon_working_days", on=as_of)))
    labels = {s.code: str(s.label) for s in P.STEPS}
    rows = (
        Case.objects.filter(state=CaseState.OPEN, due_on__lte=soon_until)
        .values_list("pk", "person__full_name", "cell__path", "step", "due_on")
        .iterator(chunk_size=2000)
    )
    for pk, name, path, step, due in rows:
        assert due is not None  # filtered on due_on
        url = reverse("web:case_detail", args=[pk])
        if due < as_of:
            late = cal.working_days_between(due, as_of)
            yield Item(
                Kind.OVERDUE,
                f"case:{pk}:{step}:{due}:overdue",
                _("{name} — {labels}: quá hạn {late} ngày làm việc (hạn {due:%d/%m/%Y})").format(
                    name=name, labels=labels[step], late=late, due=due
                ),
                url,
                due,
                path,
            )
        else:
            yield Item(
                Kind.DUE_SOON,
                f"case:{pk}:{step}:{due}:soon",
                _("{name} — {labels}: hạn {due:%d/%m/%Y}").format(name=name, labels=labels[step], due=due),
                url,
                due,
                path,
            )


def _probation(as_of: dt.date, book: RuleBook, cal: Calendar) -> Iterator[Item]:
    """Probationary members whose 12 months end within a month, or ended and are not yet
    recognized: the cell reviews within 30 working days after the end."""
    months = int(book.value("probation.months", on=as_of))
    review = int(book.value("deadline.recognition_cell_working_days", on=as_of))
    earliest = add_months(as_of - dt.timedelta(days=120), -months)
    latest = add_months(as_of + dt.timedelta(days=PROBATION_WARNING_DAYS), -months)
    rows = (
        # Members entered from paper may lack the ceremony date: their admission date stands in.
        Membership.objects.filter(status=Status.PROBATIONARY)
        .annotate(start=Coalesce("ceremony_date", "admission_date"))
        .filter(start__gte=earliest, start__lte=latest)
        # Once the end has passed, a member with a recognition dossier is watched through
        # the dossier's own deadlines (_recognitions); without one, from here.
        .filter(Q(recognition__isnull=True) | Q(start__gt=add_months(as_of, -months)))
        .values_list("pk", "person__full_name", "cell__path", "start")
        .iterator(chunk_size=2000)
    )
    for pk, name, path, ceremony in rows:
        end = add_months(ceremony, months)
        review_by = cal.add_working_days(end, review)
        yield Item(
            Kind.PROBATION,
            f"probation:{pk}:{end}",
            _(
                "{name}: hết thời gian dự bị ngày {end:%d/%m/%Y}; chi bộ xét công nhận chính thức chậm nhất "
                "ngày {review_by:%d/%m/%Y}"
            ).format(name=name, end=end, review_by=review_by),
            reverse("web:member_detail", args=[pk]),
            review_by,
            path,
        )


def _due(
    kind_key: str, pk: int, step: str, due: dt.date, as_of: dt.date, cal: Calendar
) -> tuple[str, str, str]:
    """(notification kind, key, the deadline's words) of an item due on `due`."""
    if due < as_of:
        late = cal.working_days_between(due, as_of)
        return (
            Kind.OVERDUE,
            f"{kind_key}:{pk}:{step}:{due}:overdue",
            _("quá hạn {late} ngày làm việc (hạn {due:%d/%m/%Y})").format(late=late, due=due),
        )
    return Kind.DUE_SOON, f"{kind_key}:{pk}:{step}:{due}:soon", _("hạn {due:%d/%m/%Y}").format(due=due)


def _recognitions(as_of: dt.date, book: RuleBook, cal: Calendar) -> Iterator[Item]:
    """Recognition steps overdue or due soon: the cell's review, the committee's decision."""
    soon_until = cal.add_working_days(as_of, int(book.value("watch.due_soon_working_days", on=as_of)))
    labels = {s.code: str(s.label) for s in R.STEPS}
    rows = (
        Recognition.objects.filter(state=RecognitionState.OPEN, due_on__lte=soon_until)
        .values_list("pk", "membership__person__full_name", "membership__cell__path", "step", "due_on")
        .iterator(chunk_size=2000)
    )
    for pk, name, path, step, due in rows:
        assert due is not None
        kind, key, words = _due("recognition", pk, step, due, as_of, cal)
        url = reverse("web:recognition_detail", args=[pk])
        yield Item(kind, key, f"{name} — {labels[step]}: {words}", url, due, path)


def _transfers(as_of: dt.date, book: RuleBook, cal: Calendar) -> Iterator[Item]:
    """Transfers not yet received nor cancelled, overdue or due soon: on both sides' lists."""
    soon_until = cal.add_working_days(as_of, int(book.value("watch.due_soon_working_days", on=as_of)))
    rows = (
        Transfer.objects.filter(state__in=OPEN_TRANSFER_STATES, due_on__lte=soon_until)
        .values_list(
            "pk", "membership__person__full_name", "from_cell__path", "to_cell__path", "state", "due_on"
        )
        .iterator(chunk_size=2000)
    )
    for pk, name, from_path, to_path, state, due in rows:
        assert due is not None
        kind, key, words = _due("transfer", pk, state, due, as_of, cal)
        what = _("chưa cấp giấy giới thiệu") if state == TransferState.PREPARING else _("chưa đến nơi nhận")
        url = reverse("web:transfer_detail", args=[pk])
        yield Item(
            kind,
            key,
            _("{name} — chuyển sinh hoạt {what}: {words}").format(name=name, what=what, words=words),
            url,
            due,
            from_path,
            to_path or "",
        )


def _certificates(as_of: dt.date, book: RuleBook) -> Iterator[Item]:
    """Open candidates whose latest awareness certificate runs out within 60 days."""
    validity = int(book.value("certificate.validity_months", on=as_of))
    # valid_until = issued + validity − 1 day, in [as_of, as_of + 60 days]
    first = add_months(as_of, -validity) + dt.timedelta(days=1)
    last = add_months(as_of + dt.timedelta(days=CERTIFICATE_WARNING_DAYS), -validity) + dt.timedelta(days=1)
    rows = (
        Candidate.objects.filter(state__in=OPEN_STATES)
        .annotate(
            issued=Max(
                "person__certificates__issued_on", filter=Q(person__certificates__kind=ClassKind.AWARENESS)
            )
        )
        .filter(issued__gte=first, issued__lte=last)
        .values_list("pk", "person__full_name", "cell__path", "issued")
        .iterator(chunk_size=2000)
    )
    for pk, name, path, issued in rows:
        until = add_months(issued, validity) - dt.timedelta(days=1)
        yield Item(
            Kind.CERTIFICATE,
            f"certificate:{pk}:{until}",
            _("{name}: giấy chứng nhận lớp nhận thức hết hạn ngày {until:%d/%m/%Y}").format(
                name=name, until=until
            ),
            reverse("web:candidate_detail", args=[pk]),
            until,
            path,
        )


def _unassessed(as_of: dt.date) -> Iterator[Item]:
    """Open candidates not heard at a cell meeting for 3 months: a reminder each month."""
    since = add_months(as_of, -UNASSESSED_MONTHS)
    rows = (
        Candidate.objects.filter(state__in=OPEN_STATES)
        .filter(Q(listed_on__lt=since) | Q(listed_on__isnull=True))
        .annotate(last=Max("assessments__on"))
        .filter(Q(last__lt=since) | Q(last__isnull=True))
        .values_list("pk", "person__full_name", "cell__path", "last")
        .iterator(chunk_size=2000)
    )
    for pk, name, path, last in rows:
        when = _("lần cuối ngày {last:%d/%m/%Y}").format(last=last) if last else _("chưa lần nào")
        yield Item(
            Kind.UNASSESSED,
            f"unassessed:{pk}:{as_of:%Y-%m}",
            _("{name}: quá 3 tháng chưa được nhận xét tại cuộc họp chi bộ ({when})").format(
                name=name, when=when
            ),
            reverse("web:candidate_detail", args=[pk]),
            None,
            path,
        )


def _no_admission(as_of: dt.date) -> Iterator[Item]:
    """Active cells (founded more than 2 years ago) with no member admitted in 2 years:
    a reminder each quarter."""
    since = add_months(as_of, -NO_ADMISSION_MONTHS)
    recent = Membership.objects.filter(cell_id=OuterRef("pk"), admission_date__gte=since)
    # A unit with no source left is listed apart on the survey page, never pushed.
    no_source = NoSource.objects.filter(no_source_on(as_of), organization_id=OuterRef("pk"))
    rows = (
        Organization.objects.filter(kind__in=CELL_KINDS, dissolved_on__isnull=True)
        .filter(~Exists(no_source))
        .filter(Q(founded_on__lt=since) | Q(founded_on__isnull=True))
        .filter(~Exists(recent))
        .values_list("pk", "name", "code", "path")
        .iterator(chunk_size=2000)
    )
    quarter = f"{as_of.year}-Q{(as_of.month - 1) // 3 + 1}"
    for pk, name, code, path in rows:
        yield Item(
            Kind.NO_ADMISSION,
            f"no_admission:{pk}:{quarter}",
            _("{name}: không kết nạp đảng viên nào trong 2 năm qua").format(name=name),
            reverse("web:org_detail", args=[code]),
            None,
            path,
        )


def _no_meeting(as_of: dt.date) -> Iterator[Item]:
    """Cells that keep their meeting register here and held no meeting last month: once,
    in the month after. A cell that never recorded a meeting is not reminded (its register
    is still on paper)."""
    first = as_of.replace(day=1)
    start = add_months(first, -1)
    held = Meeting.objects.filter(cell_id=OuterRef("pk"), held_on__gte=start, held_on__lt=first)
    before = Meeting.objects.filter(cell_id=OuterRef("pk"), held_on__lt=start)
    rows = (
        Organization.objects.filter(kind__in=CELL_KINDS, dissolved_on__isnull=True)
        .filter(Exists(before) & ~Exists(held))
        .values_list("pk", "name", "code", "path")
        .iterator(chunk_size=2000)
    )
    for pk, name, code, path in rows:
        yield Item(
            Kind.NO_MEETING,
            f"no_meeting:{pk}:{start:%Y-%m}",
            _("{name}: không ghi buổi sinh hoạt nào trong tháng {month:%m/%Y}").format(
                name=name, month=start
            ),
            reverse("web:meetings", args=[code]),
            None,
            path,
        )


def _duties(as_of: dt.date) -> Iterator[Item]:
    """In the last quarter, each committee member with an assignment who has introduced
    nobody this year: a reminder each month to their committee's staff."""
    if as_of.month < 10:
        return
    for root in Organization.objects.filter(parent__isnull=True):
        duties = duties_report(scope_for(None), org=root, year=as_of.year, as_of=as_of)
        for r in duties.rows:
            if r.met:
                continue
            yield Item(
                Kind.DUTY,
                f"duty:{r.membership_id}:{as_of:%Y-%m}",
                _("{name}: chưa giới thiệu quần chúng ưu tú nào trong năm {year} (phụ trách {cells})").format(
                    name=r.name, year=as_of.year, cells=", ".join(r.cells)
                ),
                reverse("web:duties", args=[r.committee]),
                dt.date(as_of.year, 12, 31),
                r.committee_path,
            )


class Recipients:
    """Who answers for an organization: staff assigned anywhere above it (or on it), and
    the secretary of that very cell. Viewers read, they are not notified."""

    def __init__(self) -> None:
        self.staff: dict[str, list[int]] = defaultdict(list)
        self.secretaries: dict[str, list[int]] = defaultdict(list)
        rows = RoleAssignment.objects.filter(
            role__in=[Role.STAFF, Role.SECRETARY], user__is_active=True, organization__isnull=False
        ).values_list("user_id", "role", "organization__path")
        for user_id, role, path in rows:
            (self.staff if role == Role.STAFF else self.secretaries)[path].append(user_id)

    def for_path(self, path: str) -> set[int]:
        users = set(self.secretaries.get(path, ()))
        for end in range(PATH_STEP, len(path) + 1, PATH_STEP):
            users.update(self.staff.get(path[:end], ()))
        return users


FLUSH_ROWS = 20_000
_COLUMNS = ("user_id", "kind", "key", "text", "url", "due_on", "created_on", "created_at")


def _insert_new(rows: list[tuple[object, ...]]) -> None:
    """Insert the rows whose (user, key) is not there yet: an occasion already notified
    (this morning, or by a tick running at the same moment) is skipped by the unique
    constraint. PostgreSQL: COPY into a temporary table, then one INSERT … SELECT … ON
    CONFLICT DO NOTHING — five times faster than row-by-row values at nation scale."""
    if connection.vendor != "postgresql":
        Notification.objects.bulk_create(
            [Notification(**dict(zip(_COLUMNS, r, strict=True))) for r in rows],
            ignore_conflicts=True,
            batch_size=2000,
        )
        return
    cols = ", ".join(_COLUMNS)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE IF NOT EXISTS tick_rows (user_id bigint, kind varchar(16), key varchar(120), "
            "text varchar(500), url varchar(200), due_on date, created_on date, created_at timestamptz) "
            "ON COMMIT DELETE ROWS"
        )
        with cur.cursor.copy(f"COPY tick_rows ({cols}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        cur.execute(
            f"INSERT INTO watch_notification ({cols}, email_claim) "  # noqa: S608 - fixed column names
            f"SELECT {cols}, '' FROM tick_rows ON CONFLICT (user_id, key) DO NOTHING"
        )


def tick(*, as_of: dt.date | None = None, send_mail: bool = True) -> TickResult:
    as_of = as_of or timezone.localdate()
    audit_seal()  # entries whose writer died between its commit and its seal join the chain
    book, cal = RuleBook.load(), calendar_from_db()
    recipients = Recipients()
    result = TickResult(as_of=as_of)
    day = Notification.objects.filter(created_on=as_of)
    before = day.count()
    batch: list[tuple[object, ...]] = []
    now = timezone.now()

    def flush() -> None:
        if batch:
            _insert_new(batch)
            batch.clear()

    sources = [
        _cases(as_of, book, cal),
        _probation(as_of, book, cal),
        _recognitions(as_of, book, cal),
        _transfers(as_of, book, cal),
        _certificates(as_of, book),
        _unassessed(as_of),
        _no_admission(as_of),
        _duties(as_of),
        _no_meeting(as_of),
    ]
    for source in sources:
        for item in source:
            result.items += 1
            result.by_kind[item.kind] = result.by_kind.get(item.kind, 0) + 1
            users = recipients.for_path(item.cell_path)
            if item.also_path:
                users |= recipients.for_path(item.also_path)
            text = item.text[:500]
            for user_id in users:
                batch.append((user_id, item.kind, item.key, text, item.url, item.due_on, as_of, now))
            if len(batch) >= FLUSH_ROWS:
                flush()
    flush()
    result.created = day.count() - before  # what the database kept: the new ones
    # Figures not asked for in a month go (they are counted again if asked); the day's are
    # counted now, so that the first report of the morning reads them instead.
    figures_prune(before=now - dt.timedelta(days=31))
    figures_warm(as_of)
    if as_of == timezone.localdate():  # a catch-up of a past day warms nothing for today
        dashboards_warm(as_of)
    if send_mail:
        result.emails = send_digests(as_of=as_of)
    return result


def send_digests(*, as_of: dt.date) -> int:
    """One e-mail per user with the notifications not mailed yet. The rows are claimed by
    one UPDATE … WHERE emailed_at IS NULL, so a row is mailed by exactly one tick."""
    token = uuid.uuid4().hex
    Notification.objects.filter(emailed_at__isnull=True, user__email__gt="").update(
        emailed_at=timezone.now(), email_claim=token
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for n in Notification.objects.filter(email_claim=token).order_by("user_id", "due_on", "pk"):
        by_user[n.user_id].append(n)
    if not by_user:
        return 0
    emails = dict(User.objects.filter(pk__in=by_user).values_list("pk", "email"))
    messages = []
    for user_id, rows in by_user.items():
        lines = [f"- {n.text}" for n in rows]
        body = (
            _("Các việc cần theo dõi ngày {as_of:%d/%m/%Y} ({count}):\n\n").format(
                as_of=as_of, count=len(rows)
            )
            + "\n".join(lines)
            + _("\n\nXem chi tiết trong dangvien, mục Thông báo.")
        )
        subject = _("[dangvien] {count} việc cần theo dõi ngày {as_of:%d/%m/%Y}").format(
            count=len(rows), as_of=as_of
        )
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [emails[user_id]]))
    send_mass_mail(messages, fail_silently=False, connection=get_connection())
    log.info("tick: %d digests sent", len(messages))  # counts only: no names in logs
    return len(messages)


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's own notifications read (all unread ones when ids is None)."""
    from dangvien.watch.selectors import forget_count

    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    n = qs.update(read_at=timezone.now())
    forget_count(user)
    return n
