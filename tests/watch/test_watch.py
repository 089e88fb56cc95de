"""The daily watch: who is told what, once; the e-mail digest once; the bell."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from dangvien.accounts.models import User
from dangvien.members.models import Membership
from dangvien.watch.models import Kind, Notification
from dangvien.watch.services import tick

from ..cases_helpers import candidate, officials, open_case, prepare, vote

D = dt.date


def overdue_case(tree):
    """A dossier in Thôn 1 whose decision was due on 09/04/2026."""
    officials(tree.xa_c1, 12)
    c = prepare(open_case(candidate(tree.xa_c1)), introducers=officials(tree.xa_c1, 2, prefix="GT"))
    vote(c, held_on=D(2026, 1, 8), yes=15)
    return c


def keys(user):
    return set(Notification.objects.filter(user=user).values_list("key", flat=True))


@pytest.mark.django_db
def test_the_staff_above_and_the_cells_secretary_are_told_not_viewers_nor_other_scopes(tree, users):
    c = overdue_case(tree)
    result = tick(as_of=D(2026, 4, 14), send_mail=False)
    key = f"case:{c.pk}:base_resolution:2026-04-09:overdue"
    assert key in keys(users.an) and key in keys(users.bithu1)
    assert not any(k.startswith("case:") for k in keys(users.binh))  # another ward's staff
    assert not keys(users.xem1) and not keys(users.nobody)  # a viewer reads, is not told
    n = Notification.objects.get(user=users.an, key=key)
    assert n.kind == Kind.OVERDUE and "quá hạn 3 ngày làm việc" in n.text and n.url == f"/ket-nap/{c.pk}/"
    assert result.by_kind[Kind.OVERDUE] == 1


@pytest.mark.django_db
def test_a_tick_run_twice_or_the_next_day_notifies_the_same_occasion_once(tree, users):
    overdue_case(tree)
    first = tick(as_of=D(2026, 4, 14), send_mail=False)
    assert first.created > 0
    assert tick(as_of=D(2026, 4, 14), send_mail=False).created == 0
    again = tick(as_of=D(2026, 4, 15), send_mail=False)
    assert Notification.objects.filter(kind=Kind.OVERDUE).count() == 2  # an and bithu1, once each
    assert again.created == 0


@pytest.mark.django_db
def test_due_soon_the_day_before_the_horizon_and_not_after(tree, users):
    c = overdue_case(tree)  # due 09/04/2026; "due soon" = within 5 working days
    tick(as_of=D(2026, 3, 31), send_mail=False)  # 1, 2, 3, 6, 7 April: the 9th is beyond
    assert not Notification.objects.filter(kind=Kind.DUE_SOON).exists()
    tick(as_of=D(2026, 4, 2), send_mail=False)
    assert f"case:{c.pk}:base_resolution:2026-04-09:soon" in keys(users.an)


@pytest.mark.django_db
def test_probation_certificates_unassessed_and_cells_without_admission(tree, users):
    from dangvien.members.services import NewMember, members_bulk_register
    from dangvien.people.services import PersonData

    (mid,) = members_bulk_register(
        actor=None,
        note="",
        items=[
            NewMember(
                person=PersonData(full_name="Đảng Viên Mới", birth_date=D(1999, 1, 1), sex="male"),
                card_number=None,
                cell_id=tree.xa_c1.pk,
                admission_date=D(2025, 5, 2),
                official_date=None,
                status=None,
            )
        ],
    )
    Membership.objects.filter(pk=mid).update(ceremony_date=D(2025, 5, 19))
    officials(tree.xa_c1, 1)
    cand = candidate(tree.xa_c1, listed=D(2025, 1, 5), certificate=D(2021, 6, 1))  # valid until 31/05/2026
    tick(as_of=D(2026, 5, 1), send_mail=False)
    got = keys(users.bithu1)
    assert f"probation:{mid}:2026-05-19" in got  # 12 months from the ceremony
    assert f"certificate:{cand.pk}:2026-05-31" in got
    assert f"unassessed:{cand.pk}:2026-05" in got
    # Thôn 2 has admitted nobody for two years: its committee's staff hear of it.
    assert any(k.startswith(f"no_admission:{tree.xa_c2.pk}:") for k in keys(users.an))
    probation = Notification.objects.get(user=users.bithu1, kind=Kind.PROBATION)
    assert "chậm nhất ngày 30/06/2026" in probation.text  # 30 working days after 19/05/2026


@pytest.mark.django_db
def test_one_digest_per_user_and_never_twice(tree, users):
    overdue_case(tree)
    User.objects.filter(username__in=["an", "bithu1"]).update(email="x@example.org")
    tick(as_of=D(2026, 4, 14))
    assert len(mail.outbox) == 2 and all("việc cần theo dõi" in m.subject for m in mail.outbox)
    tick(as_of=D(2026, 4, 14))
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_bell_and_the_notifications_page_are_the_users_own(tree, users, login):
    overdue_case(tree)
    tick(as_of=D(2026, 4, 14), send_mail=False)
    client = login(users.an)
    page = client.get("/thong-bao/").content.decode()
    assert "quá hạn" in page and 'id="bell"' in page
    assert 'class="count"' in client.get("/").content.decode()
    other = login(users.binh).get("/thong-bao/").content.decode()
    assert "Nguyễn Thị Hằng" not in other
    client = login(users.an)
    assert client.post("/thong-bao/da-xem/").status_code == 302
    assert not Notification.objects.filter(user=users.an, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=users.bithu1, read_at__isnull=True).exists()


@pytest.mark.django_db
def test_the_tick_command(tree, users, capsys):
    overdue_case(tree)
    call_command("tick", "--as-of", "2026-04-14", "--no-mail")
    out = capsys.readouterr().out
    assert "Ngày 14/04/2026" in out and "Quá hạn: 1" in out
    with pytest.raises(Exception, match="không hợp lệ"):
        call_command("tick", "--as-of", "2026-02-31")


@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_once_notify_and_mail_once(tree, users):
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once are tested on PostgreSQL")
    overdue_case(tree)
    late_transfer(tree, users)
    User.objects.filter(username__in=["an", "bithu1", "binh"]).update(email="x@example.org")
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def run() -> None:
        try:
            barrier.wait()
            tick(as_of=D(2026, 4, 14))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    once = Notification.objects.count()
    tick(as_of=D(2026, 4, 14))
    assert Notification.objects.count() == once
    assert len(mail.outbox) == 3  # one digest for each of the three users, not six
    assert Notification.objects.filter(emailed_at__isnull=True, user__email__gt="").count() == 0


@pytest.mark.django_db
def test_the_notifications_page_puts_what_is_late_first(tree, users, login):
    overdue_case(tree)
    candidate(tree.xa_c1, name="Lâu Chưa Nhận Xét", listed=D(2025, 1, 5))
    tick(as_of=D(2026, 4, 14), send_mail=False)
    page = login(users.bithu1).get("/thong-bao/").content.decode()
    assert page.index("quá hạn 3 ngày làm việc") < page.index("Lâu Chưa Nhận Xét")


def late_transfer(tree, users):
    """Thôn 1 → Khu phố 1 (another ward): letter of 05/03/2026, to present by 16/04/2026."""
    from dangvien.cases.transfer.services import transfer_create, transfer_issue_letter

    m = officials(tree.xa_c1, 1, prefix="Chuyển Đi")[0]
    t = transfer_create(
        actor=users.an,
        membership=m,
        kind="permanent",
        moved_on=D(2026, 3, 2),
        reason="Công tác",
        to_cell=tree.xb_c1,
    )
    return transfer_issue_letter(
        actor=users.an, transfer=t, expected_version=t.version, letter_ref="G1", letter_on=D(2026, 3, 5)
    )


@pytest.mark.django_db
def test_a_late_transfer_is_on_both_sides_lists_and_a_recognition_on_its_cells(tree, users):
    from dangvien.cases.recognition.services import recognition_open
    from dangvien.members.services import member_register
    from tests.conftest import person

    t = late_transfer(tree, users)
    m = member_register(
        actor=None,
        person=person("Lê Dự Bị", D(1996, 2, 2)),
        cell=tree.xa_c1,
        admission_date=D(2025, 3, 7),
        ceremony_date=D(2025, 3, 14),
    )
    r = recognition_open(actor=None, membership=m)  # the cell's review due 24/04/2026
    assert t.due_on == D(2026, 4, 16) and r.due_on == D(2026, 4, 24)
    tick(as_of=D(2026, 4, 16), send_mail=False)
    soon = f"transfer:{t.pk}:in_transit:2026-04-16:soon"
    assert soon in keys(users.an) and soon in keys(users.binh) and soon in keys(users.bithu1)
    tick(as_of=D(2026, 4, 17), send_mail=False)
    late = f"transfer:{t.pk}:in_transit:2026-04-16:overdue"
    assert late in keys(users.an) and late in keys(users.binh)
    assert f"recognition:{r.pk}:cell_vote:2026-04-24:soon" in keys(users.bithu1)
    assert not any(k.startswith("recognition:") for k in keys(users.binh))
    # Once the end has passed, the dossier's deadline speaks, not the probation reminder.
    assert not any(k.startswith(f"probation:{m.pk}:") for k in keys(users.bithu1))
    assert tick(as_of=D(2026, 4, 17), send_mail=False).created == 0


def test_a_secretary_and_a_viewer_see_their_cells_day_on_the_home_page(
    tree, users, login, django_assert_max_num_queries
):
    from django.utils import timezone

    from dangvien.committees.meetings import meeting_record

    from ..cases_helpers import candidate, open_case

    today = timezone.localdate()
    case = open_case(candidate(tree.xa_c1, name="Phạm Văn Tới"), on=today - dt.timedelta(days=10))
    candidate(tree.xa_c1, name="Lê Thị Mai", listed=today - dt.timedelta(days=200))
    candidate(tree.xa_c1, name="Trần Thị Mới", listed=today - dt.timedelta(days=10))  # listed lately: not yet
    secretary = login(users.bithu1)
    with django_assert_max_num_queries(40):
        page = secretary.get("/").content.decode()
    assert "Hôm nay ở Chi bộ Thôn 1" in page and f"/ket-nap/{case.pk}/" in page
    assert (
        "Lê Thị Mai" in page
        and "Trần Thị Mới" not in page.split('id="today-candidates"')[1].split("</div>")[0]
    )
    assert "Chưa ghi buổi sinh hoạt thường kỳ tháng" in page and "Ghi buổi sinh hoạt" in page
    # The meeting held: said so, and no button to hold it again.
    meeting_record(actor=None, cell=tree.xa_c1, held_on=today.replace(day=1), presence={})
    page = secretary.get("/").content.decode()
    assert "Tháng này đã họp ngày" in page and ">Ghi buổi sinh hoạt<" not in page
    # The viewer of the cell: the same day, read-only.
    viewer = login(users.xem1).get("/").content.decode()
    assert "Hôm nay ở Chi bộ Thôn 1" in viewer and "Lê Thị Mai" in viewer
    # A commune's staff keep their committee's page.
    assert "Hôm nay ở" not in login(users.an).get("/").content.decode()


def test_the_notifications_page_shows_50_at_a_time(users, login):
    from dangvien.watch.models import Notification
    from dangvien.web.views.watch import NOTIFICATIONS_PER_PAGE

    Notification.objects.bulk_create(
        Notification(
            user=users.an,
            kind="due_soon",
            key=f"test:{i}",
            text=f"Việc số {i:03d}",
            created_on=D(2026, 11, 2),
            due_on=D(2026, 12, 1),
        )
        for i in range(NOTIFICATIONS_PER_PAGE + 1)
    )
    c = login(users.an)
    first = c.get("/thong-bao/").content.decode()
    second = c.get("/thong-bao/?trang=2").content.decode()
    assert first.count("Việc số ") == 50 and "Trang sau" in first
    assert second.count("Việc số ") == 1 and "Trang trước" in second
