"""Issue 22: long work as jobs. The engine (claim once, heartbeat, lost, errors, scope),
the progress a page shows, and each kind started from its page."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from dangvien.core.errors import ServiceError
from dangvien.jobs import progress
from dangvien.jobs.files import job_dir
from dangvien.jobs.models import Job, Status
from dangvien.jobs.registry import handles
from dangvien.jobs.selectors import job_of
from dangvien.jobs.services import job_mark_if_lost, job_start, jobs_mark_lost, jobs_prune, tick_start
from dangvien.members.importing import HEADERS
from dangvien.members.models import Membership

from ..conftest import register
from ..files import member_row, write_csv
from ..jobs_helpers import finish, run_jobs

pytestmark = pytest.mark.django_db


@handles("test_refused")
def _refused(job, reporter):  # type: ignore[no-untyped-def]
    raise ServiceError("jobs.nothing_to_print")


@handles("test_broken")
def _broken(job, reporter):  # type: ignore[no-untyped-def]
    raise RuntimeError("Nguyễn Văn An 012345678901")  # data in an exception never reaches the user


@handles("test_counts")
def _counts(job, reporter):  # type: ignore[no-untyped-def]
    reporter.phase("Đếm", 10)
    for i in range(1, 11):
        reporter(i, 10)
    return {"counted": 10}


def test_a_job_runs_once_and_records_its_result(users):
    job = job_start(actor=users.an, kind="test_counts", title="Đếm", params={})
    assert job.status == Status.QUEUED and job.params["lang"] == "vi"
    assert run_jobs() == 1
    job.refresh_from_db()
    assert (job.status, job.result, job.error) == (Status.DONE, {"counted": 10}, "")
    assert job.started_at <= job.finished_at
    snap = progress.snapshot(job.pk)
    assert (snap.phase, snap.done, snap.total, snap.share) == ("Đếm", 10, 10, 1.0)
    # The framework's task row says the same; running again does nothing.
    from dangvien.jobs.services import job_run

    job_run(str(job.pk))
    job.refresh_from_db()
    assert job.status == Status.DONE and run_jobs() == 0


def test_a_refusal_is_the_users_message_and_a_crash_says_what_to_do_without_the_data(users, caplog):
    refused = job_start(actor=users.an, kind="test_refused", title="In", params={})
    broken = job_start(actor=users.an, kind="test_broken", title="Hỏng", params={})
    run_jobs()
    refused.refresh_from_db()
    broken.refresh_from_db()
    assert (refused.status, refused.error) == (Status.FAILED, "Không có số liệu của tổ chức và kỳ này để in.")
    assert broken.status == Status.FAILED
    assert "không có gì được ghi" in broken.error and str(broken.pk)[:8] in broken.error
    assert "Nguyễn" not in broken.error and "012345678901" not in broken.error
    assert f"job {broken.pk} (test_broken) failed" in caplog.text


def test_a_job_is_its_starters_alone(users):
    job = job_start(actor=users.an, kind="test_counts", title="Đếm", params={})
    assert job_of(users.an, job.pk) == job
    for who, key in [
        (users.binh, job.pk),
        (users.admin, job.pk),
        (users.an, "không-phải-mã"),
        (users.an, uuid.uuid4()),
    ]:
        with pytest.raises(ServiceError) as exc:
            job_of(who, key)
        assert exc.value.code == "jobs.not_found"


def test_a_running_job_silent_for_the_limit_is_lost_not_a_moment_before(users, settings):
    settings.JOB_LOST_AFTER_SECONDS = 45
    job = job_start(actor=users.an, kind="test_counts", title="Đếm", params={})
    Job.objects.filter(pk=job.pk).update(status=Status.RUNNING, started_at=timezone.now())
    job.refresh_from_db()
    progress.beat(job.pk)
    beat = progress.last_beat(job.pk)
    assert job_mark_if_lost(job, now=beat + 44.9).status == Status.RUNNING  # the moment before
    assert job_mark_if_lost(job, now=beat + 45).status == Status.FAILED  # the moment of
    assert "dừng giữa chừng" in job.error and "không có gì được ghi dở" in job.error
    # A queued job is never lost, however long it waits (no worker yet: the page says so).
    queued = job_start(actor=users.an, kind="test_counts", title="Đếm", params={})
    assert job_mark_if_lost(queued, now=time.time() + 3600).status == Status.QUEUED


def test_a_worker_starting_marks_the_jobs_of_a_dead_one_and_their_task_rows(users, settings):
    from django_tasks_db.models import DBTaskResult

    settings.JOB_LOST_AFTER_SECONDS = 0
    job = job_start(actor=users.an, kind="test_counts", title="Đếm", params={})
    Job.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, started_at=timezone.now() - dt.timedelta(minutes=5)
    )
    task = DBTaskResult.objects.get()
    task.claim("dead-worker")
    assert jobs_mark_lost() == 1
    assert Job.objects.get(pk=job.pk).status == Status.FAILED
    assert DBTaskResult.objects.get().status == "FAILED"
    assert run_jobs() == 0  # not run again behind the user's back: they start it again


def test_progress_says_how_much_and_how_long_is_left():
    snap = progress.Snapshot(phase="Đọc", done=16_000, total=64_000, started=100.0, at=104.0)
    assert (snap.share, snap.seconds_left) == (0.25, 12)
    assert progress.Snapshot(phase="", done=0, total=0, started=1.0, at=2.0).seconds_left is None
    assert progress.Snapshot(phase="", done=1, total=1000, started=1.0, at=2.0).seconds_left is None


def test_the_days_tick_is_started_once_whoever_asks(users):
    day = dt.date(2026, 12, 7)
    first = tick_start(day)
    assert first is not None and first.key == "tick:2026-12-07"
    assert tick_start(day) is None and Job.objects.filter(kind="tick").count() == 1
    run_jobs()
    first.refresh_from_db()
    assert first.status == Status.DONE and first.result["day"] == "2026-12-07"


def test_finished_jobs_a_week_old_are_pruned_with_their_files(users):
    old = job_start(actor=users.an, kind="test_counts", title="Cũ", params={})
    new = job_start(actor=users.an, kind="test_counts", title="Mới", params={})
    run_jobs()
    (job_dir(old.pk) / "a.pdf").write_bytes(b"%PDF")
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    assert jobs_prune() == 1
    assert list(Job.objects.values_list("pk", flat=True)) == [new.pk]
    assert not (job_dir(old.pk) / "a.pdf").exists()


def test_the_import_reports_rows_of_the_file_as_it_reads(tmp_path):
    from dangvien.members.importing import import_members

    rows = [member_row(f"Nguyễn Văn {i}", card=str(100000 + i)) for i in range(1200)]
    path = write_csv(tmp_path / "m.csv", HEADERS, rows)
    seen: list[tuple[int, int]] = []
    import_members(path=path, actor=None, dry_run=True, progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (499, 1200) and seen[1] == (999, 1200)  # rows read of the file's rows
    assert seen[-1] == (1200, 1200)


def test_the_import_page_shows_the_check_as_a_job_with_its_progress(users, login, tree, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = login(users.an)
    data = write_csv(tmp_path / "m.csv", HEADERS, [member_row(card="1")]).read_bytes()
    started = c.post(
        reverse("web:import_start"), {"kind": "members", "file": SimpleUploadedFile("m.csv", data)}
    )
    job = Job.objects.get()
    assert started["Location"] == reverse("web:job_detail", args=[job.pk])
    waiting = c.get(started["Location"]).content.decode()
    assert "Đang chờ đến lượt" in waiting and 'hx-trigger="every 1s"' in waiting
    state = c.get(reverse("web:job_state", args=[job.pk]))
    assert state.status_code == 200  # still polling
    # Running, half-way: the bar, the rows and the time left.
    Job.objects.filter(pk=job.pk).update(status=Status.RUNNING, started_at=timezone.now())
    reporter = progress.Reporter(job.pk, every=0)
    reporter.phase("Đang đọc và kiểm tra tệp")
    reporter.started = time.time() - 10
    reporter(32_000, 64_000)
    body = c.get(reverse("web:job_state", args=[job.pk])).content.decode()
    assert "Đang đọc và kiểm tra tệp" in body and "32000 / 64000 dòng" in body.replace(".", "")
    assert 'data-bar-width="50.0"' in body and "còn khoảng" in body
    Job.objects.filter(pk=job.pk).update(status=Status.QUEUED)
    run_jobs()
    done = c.get(reverse("web:job_state", args=[job.pk]))
    assert done.status_code == 286 and "Kiểm tra xong" in done.content.decode()  # htmx stops polling
    assert c.get(reverse("web:job_list")).content.decode().count(str(job.pk)) >= 1
    assert login(users.binh).get(started["Location"]).status_code == 404


def test_a_queued_job_with_no_worker_seen_says_what_to_run(users, login):
    c = login(users.an)
    job = job_start(actor=users.an, kind="test_counts", title="Đếm", params={})
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(seconds=30))
    from django.core.cache import caches

    caches["jobs"].delete(progress.WORKER_KEY)
    assert "dangvien worker" in c.get(reverse("web:job_state", args=[job.pk])).content.decode()
    progress.worker_beat()
    assert "dangvien worker" not in c.get(reverse("web:job_state", args=[job.pk])).content.decode()


def test_a_large_export_is_a_job_and_a_small_one_is_at_once(users, login, tree, settings, monkeypatch):
    from openpyxl import load_workbook

    from dangvien.web.views import members as member_views

    names = ["Nguyễn Văn An", "Nguyễn Văn Bảo", "Nguyễn Văn Cường", "Nguyễn Văn Dũng"]
    for i, name in enumerate(names):
        register(tree.xa_c1, name, card=str(200 + i))
    c = login(users.an)
    assert c.get(reverse("web:member_export")).status_code == 200  # 4 rows: at once
    monkeypatch.setattr(member_views, "EXPORT_INLINE_ROWS", 3)
    body = finish(c, c.get(reverse("web:member_export")))
    link = body.split('id="job-file"')[1].split('href="')[1].split('"')[0]
    response = c.get(link)
    path = job_dir(Job.objects.get().pk) / "x.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    assert [r[0] for r in load_workbook(path).active.iter_rows(min_row=2, values_only=True)] == names
    from dangvien.accounts.models import AuditEntry

    assert AuditEntry.objects.filter(action="export", actor=users.an).count() == 2
    assert login(users.binh).get(link).status_code == 404


def test_an_import_with_errors_deletes_the_upload_and_a_written_one_too(users, login, tree, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangvien.ops.work import upload_dir

    def upload(name: str, rows: list[list[object]]) -> tuple[str, Job]:
        data = write_csv(tmp_path / name, HEADERS, rows).read_bytes()
        response = c.post(
            reverse("web:import_start"), {"kind": "members", "file": SimpleUploadedFile(name, data)}
        )
        job = Job.objects.get(pk=response["Location"].split("/")[-2])
        return finish(c, response), job

    c = login(users.an)
    body, bad = upload("b.csv", [member_row(birth="31/02/2021", card="1")])
    assert "31/02/2021" in body and not (upload_dir() / bad.params["file"]).exists()
    body, good = upload("g.csv", [member_row(card="1")])
    assert (upload_dir() / good.params["file"]).exists()  # kept for the confirmation
    job = body.split('name="job" value="')[1].split('"')[0]
    finish(c, c.post(reverse("web:import_confirm"), {"job": job}))
    assert not (upload_dir() / good.params["file"]).exists() and Membership.objects.count() == 1


def test_uploads_never_confirmed_are_deleted_after_a_day():
    import os

    from dangvien.ops.work import upload_dir, uploads_prune

    old, fresh = upload_dir() / "cu-test.csv", upload_dir() / "moi-test.csv"
    for p in (old, fresh):
        p.write_text("x")
    os.utime(old, (time.time() - 24 * 3600 - 5,) * 2)
    os.utime(fresh, (time.time() - 24 * 3600 + 60,) * 2)
    uploads_prune()
    assert not old.exists() and fresh.exists()
    fresh.unlink()


def test_polling_a_job_does_not_keep_the_session_alive(users, login):
    """The state endpoint saves no session: an open tab polling every second is not the
    user's activity, and on SQLite the save would wait for an import's write lock."""
    from django.contrib.sessions.models import Session

    from dangvien.core.middleware import SessionMiddleware

    c = login(users.an)
    job = job_start(actor=users.an, kind="test_counts", title="Đếm", params={})
    c.get(reverse("web:job_detail", args=[job.pk]))
    key = c.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    assert c.get(reverse("web:job_state", args=[job.pk])).status_code == 200
    assert Session.objects.get(session_key=key).expire_date < timezone.now() + dt.timedelta(minutes=2)
    # A page the user opens renews the session (its last renewal a minute old: renewals are
    # at most a minute apart, core.middleware.SessionMiddleware).
    s = c.session
    s[SessionMiddleware.RENEW_KEY] = int(time.time()) - 60
    s.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    c.get(reverse("web:job_detail", args=[job.pk]))
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + dt.timedelta(minutes=20)
