"""Shared fixtures: a small real tree and named personas on each side of every boundary.

Đảng bộ tỉnh Thử (PROV)
├── Đảng bộ xã An Phú (XA)         ← staff "an"  (read/write the subtree)
│   ├── Chi bộ Thôn 1 (XA-C1)      ← secretary "bithu1", viewer "xem1"
│   └── Chi bộ Thôn 2 (XA-C2)
└── Đảng bộ phường Bình Minh (XB)  ← staff "binh"
    └── Chi bộ Khu phố 1 (XB-C1)
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.test import Client

from dangvien.accounts.models import Role, User
from dangvien.accounts.services import user_create
from dangvien.core.errors import ServiceError
from dangvien.members.models import Membership
from dangvien.members.services import member_register
from dangvien.orgs.models import Organization, OrgKind, Sector
from dangvien.orgs.services import org_create
from dangvien.people.services import PersonData

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
PASSWORD = "mat-khau-thu-nghiem-2026"


@dataclass
class Tree:
    province: Organization
    xa: Organization
    xa_c1: Organization
    xa_c2: Organization
    xb: Organization
    xb_c1: Organization


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test starts with an empty cache: the bell's count and the lists' counts are
    cached per user id, and ids repeat from one test's rolled-back rows to the next's."""
    from django.core.cache import cache, caches

    from dangvien.core.keep import forget_in_process
    from dangvien.targets.placement import placements_forget

    cache.clear()
    caches["jobs"].clear()  # one folder per test process (settings.py): no other test's
    forget_in_process()  # the kept results this process remembers (core/keep.py)
    placements_forget()  # the trees kept by the progress report, per process
    yield


@pytest.fixture(autouse=True)
def _own_audit_anchors(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Each test keeps its audit anchors apart: an anchor of one test's log is not on the next's."""
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit_anchors.txt"


@pytest.fixture(autouse=True)
def _tallies_follow_the_rows(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every database test: the per-cell tallies equal a fresh count of the rows,
    every stored member figure still taken as valid equals a fresh count, and every tree
    the progress report keeps under the current token equals the tree read afresh, so any
    write path that forgets to keep them fails the test that uses it."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or marker.kwargs.get("transaction"):
        yield
        return
    request.getfixturevalue("db")  # torn down after this fixture: the check sees the test's rows
    yield
    from dangvien.members.tally import tally_differences
    from dangvien.reports.selectors import kept_figures_differences
    from dangvien.targets.admissions import kept_admissions_differences
    from dangvien.targets.placement import kept_placement_differences

    assert tally_differences() == {}
    # The member figures kept ahead of time: none still trusted that the rows contradict.
    assert kept_figures_differences() == []
    # And the admissions kept for the progress report, and the trees it keeps.
    assert kept_admissions_differences() == []
    assert kept_placement_differences() == []


@pytest.fixture
def tree(db: None) -> Tree:
    founded = dt.date(2000, 1, 1)
    province = org_create(
        actor=None,
        code="PROV",
        name="Đảng bộ tỉnh Thử",
        kind=OrgKind.PROVINCE,
        parent=None,
        founded_on=founded,
    )
    xa = org_create(
        actor=None,
        code="XA",
        name="Đảng bộ xã An Phú",
        kind=OrgKind.UPPER_BASE,
        parent=province,
        founded_on=founded,
    )
    xa_c1 = org_create(
        actor=None,
        code="XA-C1",
        name="Chi bộ Thôn 1",
        kind=OrgKind.CELL,
        parent=xa,
        sector=Sector.RESIDENTIAL,
        founded_on=founded,
    )
    xa_c2 = org_create(
        actor=None,
        code="XA-C2",
        name="Chi bộ Thôn 2",
        kind=OrgKind.CELL,
        parent=xa,
        sector=Sector.RESIDENTIAL,
        founded_on=founded,
    )
    xb = org_create(
        actor=None,
        code="XB",
        name="Đảng bộ phường Bình Minh",
        kind=OrgKind.UPPER_BASE,
        parent=province,
        founded_on=founded,
    )
    xb_c1 = org_create(
        actor=None,
        code="XB-C1",
        name="Chi bộ Khu phố 1",
        kind=OrgKind.CELL,
        parent=xb,
        sector=Sector.ENTERPRISE,
        founded_on=founded,
    )
    return Tree(province, xa, xa_c1, xa_c2, xb, xb_c1)


@dataclass
class People:
    admin: User
    an: User  # staff of xã An Phú
    binh: User  # staff of phường Bình Minh
    bithu1: User  # secretary of Thôn 1
    xem1: User  # viewer of Thôn 1
    nobody: User  # signed in, no assignment


@pytest.fixture
def users(tree: Tree) -> People:
    def make(name: str, role: str, org: Organization | None) -> User:
        return user_create(actor=None, username=name, password=PASSWORD, role=role, organization=org)

    nobody = User.objects.create_user("nobody", password=PASSWORD)
    return People(
        admin=make("admin", Role.ADMIN, None),
        an=make("an", Role.STAFF, tree.xa),
        binh=make("binh", Role.STAFF, tree.xb),
        bithu1=make("bithu1", Role.SECRETARY, tree.xa_c1),
        xem1=make("xem1", Role.VIEWER, tree.xa_c1),
        nobody=nobody,
    )


def person(
    name: str = "Nguyễn Văn An", birth: dt.date = dt.date(1990, 5, 17), sex: str = "male", cccd: str = ""
) -> PersonData:
    return PersonData(full_name=name, birth_date=birth, sex=sex, cccd=cccd)


def register(
    cell: Organization,
    name: str = "Nguyễn Văn An",
    *,
    card: str | None = None,
    cccd: str = "",
    admitted: dt.date = dt.date(2015, 3, 2),
    official: dt.date | None = dt.date(2016, 3, 10),
    birth: dt.date = dt.date(1990, 5, 17),
    sex: str = "male",
    status: str | None = None,
) -> Membership:
    return member_register(
        actor=None,
        person=person(name, birth, sex, cccd),
        cell=cell,
        admission_date=admitted,
        card_number=card,
        official_date=official,
        status=status,
    )


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--headless",
                "--disable-background-networking",
                "--disable-gpu",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.base = live_server.url  # type: ignore[attr-defined]
    yield pg
    context.close()


@pytest.fixture
def jobs_worker(transactional_db, settings):  # type: ignore[no-untyped-def]
    """Jobs run where the live server starts them: the framework's immediate backend. A
    worker thread beside the server would share SQLite's in-memory test database, whose
    table locks are not waited for (a CI run saw an import fail on one); the worker as a
    process is tested in tests/jobs/test_worker_process.py, the progress page in
    tests/jobs/test_jobs.py."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    yield


def sign_in_verified(client: Client, user: User) -> Client:
    """force_login, and for an account that must give a second factor (administrators),
    a confirmed authenticator whose use this session has already shown, as after the
    code page: tests of other pages start past it (tests/test_second_factor.py walks it)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dangvien.accounts.second_factor import second_factor_required

    client.force_login(user)
    session = client.session
    session["dangvien_2fa"] = [user.pk, second_factor_required(user)]  # as the sign-in page keeps it
    session.save()
    if second_factor_required(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def login(client: Client):  # type: ignore[no-untyped-def]
    def do(user: User) -> Client:
        return sign_in_verified(client, user)

    return do


@contextmanager
def refused(code: str) -> Iterator[pytest.ExceptionInfo[ServiceError]]:
    """The block must be refused with this code (issue 20: tests assert codes, not the
    sentences, which translators may reword)."""
    with pytest.raises(ServiceError) as info:
        yield info
    assert info.value.code == code, f"refused with {info.value.code}: {info.value.message}"
