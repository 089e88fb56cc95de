import datetime as dt

import pytest

from dangvien.core.errors import StaleError
from dangvien.members.models import EventKind, Membership, Status
from dangvien.members.services import member_record_event, member_update, membership_replay
from dangvien.orgs.scope import ScopeDenied, scope_for
from dangvien.reports.selectors import member_counts

from ..conftest import person, refused, register

pytestmark = pytest.mark.django_db


def test_registering_writes_the_events_and_periods_the_state_comes_from(tree):
    m = register(tree.xa_c1, card="1", admitted=dt.date(2015, 3, 2), official=dt.date(2016, 3, 10))
    assert m.status == Status.OFFICIAL and m.official_date == dt.date(2016, 3, 10)
    assert [e.kind for e in m.events.all()] == [EventKind.ADMITTED, EventKind.MADE_OFFICIAL]
    assert membership_replay(m) == []


def test_two_members_with_the_same_card_number_are_refused(tree):
    register(tree.xa_c1, "Nguyễn Văn An", card="123")
    with refused("members.card_taken"):
        register(tree.xa_c2, "Lê Văn Bình", card="123")
    assert Membership.objects.count() == 1


def test_a_person_cannot_be_two_members_at_once(tree):
    register(tree.xa_c1, cccd="001090012345", card="1")
    with refused("members.already_member_same_cccd"):
        register(tree.xa_c2, cccd="001090012345", card="2")
    assert Membership.objects.count() == 1


def test_an_invalid_cccd_is_refused_with_its_reason(tree):
    with refused("core.reason") as exc:
        register(tree.xa_c1, cccd="00109001234")
    assert exc.value.field == "cccd"
    assert Membership.objects.count() == 0


def test_official_before_admission_is_refused(tree):
    with refused("members.official_before_admitted"):
        register(tree.xa_c1, admitted=dt.date(2020, 1, 1), official=dt.date(2019, 1, 1))


@pytest.mark.parametrize(
    "ending",
    [EventKind.EXPELLED, EventKind.DIED, EventKind.REMOVED, EventKind.LEFT, EventKind.TRANSFERRED_OUT],
)
def test_nothing_follows_the_end_of_a_membership(tree, ending):
    m = register(tree.xa_c1, card="1")
    member_record_event(actor=None, membership=m, kind=ending, on=dt.date(2024, 1, 1), decision_ref="QĐ 1")
    for later in (EventKind.EXEMPTED, EventKind.TEMP_EXEMPTED, EventKind.DIED, EventKind.CELL_CHANGED):
        with refused("core.reason"):
            member_record_event(
                actor=None, membership=m, kind=later, on=dt.date(2024, 2, 1), to_cell=tree.xa_c2
            )
    m.refresh_from_db()
    assert not m.is_active and membership_replay(m) == []


def test_an_event_dated_before_the_last_one_is_refused(tree):
    m = register(tree.xa_c1, card="1")
    member_record_event(actor=None, membership=m, kind=EventKind.EXEMPTED, on=dt.date(2024, 1, 1))
    with refused("members.event_out_of_order"):
        member_record_event(actor=None, membership=m, kind=EventKind.DIED, on=dt.date(2023, 12, 31))


def test_a_probationary_member_cannot_be_exempted(tree):
    m = register(tree.xa_c1, card="1", admitted=dt.date(2026, 1, 5), official=None)
    with refused("core.reason"):
        member_record_event(actor=None, membership=m, kind=EventKind.EXEMPTED, on=dt.date(2026, 2, 1))


def test_exemption_ends_back_to_official(tree):
    m = register(tree.xa_c1, card="1")
    member_record_event(actor=None, membership=m, kind=EventKind.TEMP_EXEMPTED, on=dt.date(2024, 1, 1))
    member_record_event(actor=None, membership=m, kind=EventKind.EXEMPTION_ENDED, on=dt.date(2024, 6, 1))
    m.refresh_from_db()
    assert m.status == Status.OFFICIAL and membership_replay(m) == []


def test_counts_at_any_date_follow_the_events(tree):
    m = register(tree.xa_c1, card="1", admitted=dt.date(2015, 3, 2), official=dt.date(2016, 3, 10))
    member_record_event(actor=None, membership=m, kind=EventKind.EXEMPTED, on=dt.date(2024, 1, 1))
    member_record_event(actor=None, membership=m, kind=EventKind.DIED, on=dt.date(2025, 1, 1))
    scope = scope_for(None)

    def status_on(day):
        return {k: v for k, v in member_counts(scope, tree.xa, day).by_status.items() if v}

    assert status_on(dt.date(2015, 3, 1)) == {}
    assert status_on(dt.date(2015, 3, 2)) == {"Dự bị": 1}
    assert status_on(dt.date(2016, 3, 9)) == {"Dự bị": 1}
    assert status_on(dt.date(2016, 3, 10)) == {"Chính thức": 1}
    assert status_on(dt.date(2023, 12, 31)) == {"Chính thức": 1}
    assert status_on(dt.date(2024, 1, 1)) == {"Miễn sinh hoạt": 1}
    assert status_on(dt.date(2024, 12, 31)) == {"Miễn sinh hoạt": 1}
    assert status_on(dt.date(2025, 1, 1)) == {}
    # the same question twice, the same answer
    assert (
        member_counts(scope, tree.xa, dt.date(2024, 6, 1)).as_dict()
        == member_counts(scope, tree.xa, dt.date(2024, 6, 1)).as_dict()
    )


def test_counts_by_sex_and_age_band(tree):
    register(
        tree.xa_c1,
        "Nguyễn Thị Hoa",
        card="1",
        sex="female",
        birth=dt.date(2000, 6, 1),
        admitted=dt.date(2020, 1, 1),
        official=dt.date(2021, 1, 5),
    )
    register(tree.xa_c1, "Lê Văn Nam", card="2", birth=dt.date(1950, 6, 1))
    c = member_counts(scope_for(None), tree.xa, dt.date(2026, 6, 1))
    assert c.by_sex == {"Nam": 1, "Nữ": 1}
    assert c.by_age_band["Đến 30 tuổi"] == 1 and c.by_age_band["Trên 70 tuổi"] == 1
    assert c.by_sector == {"Khu dân cư": 2}


def test_a_stale_edit_is_refused_and_changes_nothing(tree):
    m = register(tree.xa_c1, card="1")
    stale_version = m.version
    member_update(
        actor=None,
        membership=m,
        expected_version=stale_version,
        person=person("Nguyễn Văn Anh"),
        card_number="1",
        ceremony_date=None,
    )
    with pytest.raises(StaleError, match="tải lại trang"):
        member_update(
            actor=None,
            membership=m,
            expected_version=stale_version,
            person=person("Nguyễn Văn Ánh"),
            card_number="1",
            ceremony_date=None,
        )
    m.refresh_from_db()
    assert m.person.full_name == "Nguyễn Văn Anh"


def test_a_secretary_writes_in_their_cell_only(tree, users):
    mine = register(tree.xa_c1, card="1")
    other = register(tree.xa_c2, "Lê Văn Bình", card="2")
    member_record_event(
        actor=users.bithu1, membership=mine, kind=EventKind.TEMP_EXEMPTED, on=dt.date(2024, 1, 1)
    )
    with pytest.raises(ScopeDenied):
        member_record_event(
            actor=users.bithu1, membership=other, kind=EventKind.TEMP_EXEMPTED, on=dt.date(2024, 1, 1)
        )
    with pytest.raises(ScopeDenied):
        member_record_event(
            actor=users.xem1, membership=mine, kind=EventKind.EXEMPTION_ENDED, on=dt.date(2024, 2, 1)
        )


def test_cell_tallies_follow_registrations_events_and_moves(tree, users):
    from dangvien.members.models import CellTally
    from dangvien.members.selectors import MemberFilter, member_list
    from dangvien.members.services import memberships_move_cell
    from dangvien.members.tally import tally_differences, tally_rebuild

    a = register(tree.xa_c1, "Nguyễn Văn An")
    register(tree.xa_c1, "Trần Thị Bình", sex="female", birth=dt.date(1991, 1, 1))
    register(tree.xa_c2, "Lê Văn Cường", official=None, admitted=dt.date(2026, 3, 2))
    register(tree.xb_c1, "Phạm Thị Dung", sex="female")
    member_record_event(actor=None, membership=a, kind=EventKind.DIED, on=dt.date(2026, 1, 5))
    memberships_move_cell(
        actor=None,
        memberships=Membership.objects.filter(cell=tree.xa_c2),
        to_cell=tree.xa_c1,
        on=dt.date(2026, 4, 1),
        note="",
    )
    assert tally_differences() == {}

    def count(user, **f):  # type: ignore[no-untyped-def]
        return member_list(scope_for(user), MemberFilter(**f)).count

    assert count(users.admin) == 3  # the deceased is not an active member
    assert count(users.admin, status="all") == 4
    assert count(users.admin, status=Status.PROBATIONARY) == 1
    assert count(users.an) == 2  # XA only, all now in XA-C1
    assert count(users.binh) == 1
    assert count(users.bithu1, cell=tree.xa_c1) == 2
    assert count(users.an, cell=tree.xa_c2) == 0

    # A tally that drifted is found, and a rebuild repairs it.
    CellTally.objects.filter(cell=tree.xb_c1).update(count=7)
    assert tally_differences() == {(tree.xb_c1.pk, Status.OFFICIAL): (7, 1)}
    tally_rebuild()
    assert tally_differences() == {}


def test_the_unfiltered_list_counts_from_the_tallies_not_the_rows(tree, users, django_assert_num_queries):
    from dangvien.members.selectors import MemberFilter, member_list

    for i in range(3):
        register(tree.xa_c1, f"Nguyễn Văn An {chr(65 + i)}", birth=dt.date(1990, 1, 1 + i))
    scope = scope_for(users.an)
    scope.grants  # noqa: B018 - load the assignments before counting queries
    with django_assert_num_queries(2):  # the tally sum and the page
        page = member_list(scope, MemberFilter())
    assert page.count == 3 and len(page.items) == 3


@pytest.mark.parametrize("ids_limit", [5000, 2])  # one pass over the matches, and the fallback
def test_a_search_pages_in_vietnamese_order_either_way(tree, users, monkeypatch, ids_limit):
    from dangvien.members import selectors

    monkeypatch.setattr(selectors, "SEARCH_IDS_LIMIT", ids_limit)
    for i, name in enumerate(["Nguyễn Văn Đức", "Nguyễn Văn Dũng", "Trần Văn An", "Nguyễn Văn Ân"]):
        register(tree.xa_c1, name, birth=dt.date(1990, 1, 1 + i))
    register(tree.xb_c1, "Nguyễn Văn Anh")  # outside an's scope
    scope = scope_for(users.an)
    first = selectors.member_list(scope, selectors.MemberFilter(q="nguyen van"), page=1, per_page=2)
    second = selectors.member_list(scope, selectors.MemberFilter(q="nguyen van"), page=2, per_page=2)
    assert first.count == second.count == 3 and first.pages == 2
    names = [m.person.full_name for m in first.items + second.items]
    assert names == ["Nguyễn Văn Ân", "Nguyễn Văn Dũng", "Nguyễn Văn Đức"]


def test_a_search_counted_past_the_limit_pages_without_fetching_every_id_again(
    tree, users, monkeypatch, django_assert_num_queries
):
    """ "nguyen" at a province: more than SEARCH_IDS_LIMIT matches. The first page learns
    it (fetching limit + 1 ids, then counting); the next pages go straight to the
    remembered count and the page, until the next write."""
    from dangvien.members import selectors

    monkeypatch.setattr(selectors, "SEARCH_IDS_LIMIT", 2)
    for i, name in enumerate(["Nguyễn Văn Đức", "Nguyễn Văn Dũng", "Nguyễn Văn Ân"]):
        register(tree.xa_c1, name, birth=dt.date(1990, 1, 1 + i))
    scope = scope_for(users.an)
    scope.grants  # noqa: B018 - load the assignments before counting queries
    f = selectors.MemberFilter(q="nguyen")
    # The registry version, the ids (3 > 2), the count, the page.
    with django_assert_num_queries(4):
        first = selectors.member_list(scope, f, page=1, per_page=2)
    with django_assert_num_queries(2):  # the registry version (the count's key), the page
        second = selectors.member_list(scope, f, page=2, per_page=2)
    assert first.count == second.count == 3
    assert [m.person.full_name for m in first.items + second.items] == [
        "Nguyễn Văn Ân",
        "Nguyễn Văn Dũng",
        "Nguyễn Văn Đức",
    ]
    # A write changes the key: the limit is checked again, and the new member counted.
    register(tree.xa_c1, "Nguyễn Thị Én", birth=dt.date(1991, 1, 1))
    with django_assert_num_queries(4):
        assert selectors.member_list(scope, f, page=1, per_page=2).count == 4


@pytest.mark.parametrize("kind", [EventKind.REMOVED, EventKind.EXPELLED, EventKind.LEFT])
def test_leaving_the_rolls_needs_the_decisions_number(tree, kind):
    m = register(tree.xa_c1, card="1")
    with refused("members.decision_ref_missing"):
        member_record_event(actor=None, membership=m, kind=kind, on=dt.date(2024, 1, 1), decision_ref="  ")
    m.refresh_from_db()
    assert m.is_active and m.events.count() == 2


def _found(users, q: str) -> list[str]:
    from dangvien.members.selectors import MemberFilter, member_list

    return [m.person.full_name for m in member_list(scope_for(users.an), MemberFilter(q=q)).items]


def test_every_word_typed_begins_a_word_of_the_name_in_any_order(tree, users):
    for i, name in enumerate(["Nguyễn Thị Hằng", "Phạm Thu Hằng", "Nguyễn Văn Thắng", "Trần Thị Phương"]):
        register(tree.xa_c1, name, birth=dt.date(1990, 1, 1 + i))
    assert _found(users, "nguyen thi hang") == ["Nguyễn Thị Hằng"]
    assert _found(users, "nguyen hang") == ["Nguyễn Thị Hằng"]
    assert _found(users, "hang nguyen") == ["Nguyễn Thị Hằng"]
    assert _found(users, "ng th hang") == ["Nguyễn Thị Hằng"]  # beginnings of words
    assert _found(users, "  HẰNG   ") == ["Nguyễn Thị Hằng", "Phạm Thu Hằng"]
    assert _found(users, "ang") == []  # inside a word is not the beginning of one
    assert _found(users, "huong") == []  # Phương does not begin with "huong"
    assert _found(users, "hang xuan") == []  # every word must be found
    assert _found(users, "%") == _found(users, "_") == _found(users, "h_ng") == []  # LIKE's own characters
    assert _found(users, "\\") == []


def test_marks_are_optional_but_the_marks_typed_rank_first(tree, users):
    names = ["Lê Thị Hương", "Lê Thị Hường", "Lê Thị Hưởng", "Lê Thị Hươngg", "Lê Thị Phượng"]
    for i, name in enumerate(names):
        register(tree.xa_c1, name, birth=dt.date(1990, 1, 1 + i))
    # Exact marks, then the same letters with other marks (in Vietnamese order), then a
    # word that only begins with what was typed; Phượng is not found at all.
    assert _found(users, "Hường") == ["Lê Thị Hường", "Lê Thị Hương", "Lê Thị Hưởng", "Lê Thị Hươngg"]
    assert _found(users, "huong") == ["Lê Thị Hương", "Lê Thị Hường", "Lê Thị Hưởng", "Lê Thị Hươngg"]
    assert _found(users, "hưởng lê") == ["Lê Thị Hưởng", "Lê Thị Hương", "Lê Thị Hường", "Lê Thị Hươngg"]


def test_name_rank_boundaries():
    from dangvien.core.search import name_rank, name_words

    assert name_rank("Hằng", "Nguyễn Thị Hằng") == 0
    assert name_rank("hằng", "NGUYỄN THỊ HẰNG") == 0  # case does not matter
    assert name_rank("hang", "Nguyễn Thị Hằng") == 1
    assert name_rank("hàng", "Nguyễn Thị Hằng") == 1  # other marks
    assert name_rank("han", "Nguyễn Thị Hằng") == 2
    assert name_words("  Nguyễn   nguyen hằng ") == ["nguyen", "hang"]
    assert name_words("<script>") == ["<script>"]  # searched as text, nothing more
    assert name_words("a b c d e f g h") == ["a", "b", "c", "d", "e", "f"]


def test_the_tone_order_migration_recomputes_every_stored_key(tree, monkeypatch):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    from dangvien.core.text import vietnamese_sort_key
    from dangvien.people.models import Person

    migration = importlib.import_module("dangvien.people.migrations.0004_sort_key_tone_order")
    for i, name in enumerate(["Lê Thị Há", "Lê Thị Hả", "Lê Văn An"]):
        register(tree.xa_c1, name, birth=dt.date(1990, 1, 1 + i))
    Person.objects.update(sort_key="0")  # keys as an older order left them
    monkeypatch.setattr(migration, "BATCH", 2)  # more than one batch
    migration.recompute(apps, SimpleNamespace(connection=connection))
    assert all(p.sort_key == vietnamese_sort_key(p.full_name) for p in Person.objects.all())
    names = list(Person.objects.order_by("sort_key").values_list("full_name", flat=True))
    assert names == ["Lê Văn An", "Lê Thị Há", "Lê Thị Hả"]
