"""Issue 20, item 6: one import pipeline. The words of a file mean the same in every import;
a batch's rows are matched with one query per kind of key, never one per row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.candidates.importing import HEADERS as CANDIDATE_HEADERS
from dangvien.candidates.importing import import_candidates
from dangvien.candidates.models import Source
from dangvien.members.lifecycle import STATUS_FROM_IMPORT
from dangvien.members.models import Membership, Status
from dangvien.people.models import Sex
from dangvien.pipeline import vocabulary
from dangvien.pipeline.matching import find_by, find_by_name_and_birth
from dangvien.ratings.importing import import_ratings

from ..conftest import register
from ..files import write_csv

pytestmark = pytest.mark.django_db
LETTERS = "ABCDEGHIKLMNOPQRSTUVXY"


def test_the_vocabulary_stands_for_the_models_values():
    assert {v for v in vocabulary.SEXES.values()} == set(Sex.values)
    assert {v for v in vocabulary.SOURCES.values()} == set(Source.values)
    assert {v for v in vocabulary.STATUSES.values() if v} <= set(Status.values)
    assert STATUS_FROM_IMPORT["mien sinh hoat"] == Status.EXEMPT


def test_a_batch_is_matched_by_name_and_birth_in_one_query(tree, django_assert_num_queries):
    people = [
        register(tree.xa_c1, f"Nguyễn Văn {LETTERS[i]}", birth=dt.date(1980, 1, 1 + i)) for i in range(20)
    ]
    pairs = [(m.person.name_search, m.person.birth_date) for m in people]
    pairs.append(("khong co ai", dt.date(1980, 1, 1)))  # a name of the batch on another's birth date
    with django_assert_num_queries(1):
        found = find_by_name_and_birth(Membership.objects.select_related("person"), pairs)
    assert {k: [m.pk for m in v] for k, v in found.items()} == {
        (m.person.name_search, m.person.birth_date): [m.pk] for m in people
    }
    with django_assert_num_queries(1):
        by_card = find_by(Membership.objects.all(), "card_number", ["", None, "x"])
    assert by_card == {}


def _rating_rows(n: int) -> list[list[object]]:
    return [["2025", "tốt", "", "", f"Nguyễn Văn {LETTERS[i]}", f"{1 + i:02d}/01/1980"] for i in range(n)]


def test_a_ratings_file_of_twenty_rows_costs_the_queries_of_three(tree, users, tmp_path):
    for i, x in enumerate(LETTERS[:20]):
        register(tree.xa_c1, f"Nguyễn Văn {x}", birth=dt.date(1980, 1, 1 + i))
    headers = ["Năm", "Mức xếp loại", "Điểm", "Số thẻ đảng viên", "Họ và tên", "Ngày sinh"]
    counts = []
    for n in (3, 20):
        path = write_csv(tmp_path / f"r{n}.csv", headers, _rating_rows(n))
        with CaptureQueriesContext(connection) as ctx:
            result = import_ratings(path=path, actor=users.an, dry_run=True)
        assert result.ok and result.created == n, result.errors
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts  # matched per batch, written per cell and year


def test_a_candidates_file_finds_the_people_already_listed_per_batch(tree, users, tmp_path):
    rows = [
        [f"Lò Văn {LETTERS[i]}", f"{1 + i:02d}/03/2000", "Nam", "", "XA-C1", "Đoàn Thanh niên", "", "", ""]
        for i in range(12)
    ]
    path = write_csv(tmp_path / "qc.csv", CANDIDATE_HEADERS, rows)
    assert import_candidates(path=path, actor=users.an).created == 12
    # Again: every one is found already listed; the matching costs no query per row.
    with CaptureQueriesContext(connection) as ctx:
        again = import_candidates(path=path, actor=users.an)
    assert again.unchanged == 12 and again.created == 0
    person_by_name = '"people_person"."name_search" IN'
    selects = [q["sql"] for q in ctx.captured_queries if person_by_name in q["sql"]]
    assert len(selects) == 1, selects


def test_a_members_file_matches_its_namesakes_per_batch(tree, users, tmp_path):
    from dangvien.members.importing import HEADERS as MEMBER_HEADERS
    from dangvien.members.importing import import_members

    from ..files import member_row

    rows = [member_row(name=f"Hà Văn {x}", birth=f"{1 + i:02d}/04/1985") for i, x in enumerate(LETTERS[:12])]
    path = write_csv(tmp_path / "dv.csv", MEMBER_HEADERS, rows)
    assert import_members(path=path, actor=users.an).created == 12
    with CaptureQueriesContext(connection) as ctx:
        again = import_members(path=path, actor=users.an)
    assert again.ok and again.created == 0 and again.unchanged == 12, again.errors
    person_by_name = '"people_person"."name_search" IN'
    assert len([q for q in ctx.captured_queries if person_by_name in q["sql"]]) == 1


def test_the_officers_and_past_events_files_find_their_members_per_batch(tree, users, tmp_path):
    from dangvien.members.events_import import HEADERS as EVENT_HEADERS
    from dangvien.members.events_import import import_events
    from dangvien.members.officers import HEADERS as OFFICER_HEADERS
    from dangvien.members.officers import import_officers

    members = [register(tree.xa_c1, f"Mai Văn {x}", card=f"7000{i}") for i, x in enumerate(LETTERS[:8])]
    officers = [["XA", "", m.card_number, "Cấp ủy viên", "01/01/2025", ""] for m in members]
    events = [[m.card_number, "", "Tạm miễn sinh hoạt", "01/03/2025", "", ""] for m in members]
    by_card = '"members_membership"."card_number" IN'
    for path, run in (
        (write_csv(tmp_path / "o.csv", OFFICER_HEADERS, officers), import_officers),
        (write_csv(tmp_path / "e.csv", EVENT_HEADERS, events), import_events),
    ):
        with CaptureQueriesContext(connection) as ctx:
            result = run(path=path, actor=users.an)
        assert result.ok and result.created == 8, result.errors
        assert len([q for q in ctx.captured_queries if by_card in q["sql"]]) == 1


def test_a_row_with_two_mistakes_reports_both_and_nothing_is_written(tree, users, tmp_path):
    from dangvien.members.officers import HEADERS as OFFICER_HEADERS
    from dangvien.members.officers import import_officers

    path = write_csv(tmp_path / "o.csv", OFFICER_HEADERS, [["XB", "B", "", "Bí thư", "31/02/2025", ""]])
    messages = [str(e) for e in import_officers(path=path, actor=users.an).errors]
    assert any("XB" in m for m in messages) and any("31/02/2025" in m for m in messages), messages


def test_an_organizations_file_with_a_code_twice_is_refused(tree, users, tmp_path):
    from dangvien.orgs.importing import COLUMNS, import_orgs

    org_headers = [c.header for c in COLUMNS]
    row = ["XA-C9", "Chi bộ Thôn 9", "XA", "Chi bộ", "Khu dân cư", "01/01/2020"]
    result = import_orgs(path=write_csv(tmp_path / "t.csv", org_headers, [row, row]), actor=users.an)
    assert any("trùng với dòng 2" in str(e) for e in result.errors), result.errors
