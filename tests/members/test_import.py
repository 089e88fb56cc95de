import datetime as dt
import tracemalloc

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks_db.models import DBTaskResult

from dangvien.accounts.models import AuditEntry
from dangvien.members.importing import HEADERS, import_members
from dangvien.members.models import Membership, Status
from dangvien.members.services import membership_replay
from dangvien.orgs.importing import import_orgs
from dangvien.orgs.models import Organization
from dangvien.people.models import Person

from ..files import ORG_HEADERS, member_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def errors_of(result):
    return [str(e) for e in result.errors]


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_members_import_from_csv_and_xlsx_and_again_changes_nothing(tree, tmp_path, writer):
    path = writer(
        tmp_path / ("m.csv" if writer is write_csv else "m.xlsx"),
        HEADERS,
        [
            member_row(card="1001", cccd="001090012345"),
            member_row("Trần Thị Bình", "01/01/1995", "Nữ", card="1002", official="", admitted="01/06/2026"),
            member_row(
                "Lê Văn Cường", "05/05/1950", "Nam", card="1003", cell="XA-C2", status="miễn sinh hoạt"
            ),
        ],
    )
    result = import_members(path=path, actor=None)
    assert result.ok, errors_of(result)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert Membership.objects.get(card_number="1002").status == Status.PROBATIONARY
    exempt = Membership.objects.get(card_number="1003")
    assert exempt.status == Status.EXEMPT and membership_replay(exempt) == []
    audit_count = AuditEntry.objects.count()
    again = import_members(path=path, actor=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Membership.objects.count() == 3
    assert AuditEntry.objects.count() == audit_count + 1  # one entry for the file, no change written


def test_headers_match_without_case_or_diacritics(tree, tmp_path):
    headers = [h.upper() for h in HEADERS]
    headers[1] = "ngay sinh"
    result = import_members(path=write_csv(tmp_path / "m.csv", headers, [member_row(card="1")]), actor=None)
    assert result.ok and result.created == 1


def test_excel_dates_are_read_as_dates(tree, tmp_path):
    row = member_row(card="1")
    row[1] = dt.datetime(1990, 5, 17)
    result = import_members(path=write_xlsx(tmp_path / "m.xlsx", HEADERS, [row]), actor=None)
    assert result.ok and Person.objects.get().birth_date == dt.date(1990, 5, 17)


def test_one_bad_row_writes_nothing_and_every_error_is_reported(tree, tmp_path):
    path = write_csv(
        tmp_path / "m.csv",
        HEADERS,
        [
            member_row(card="1"),
            member_row("Lê Văn Bình", birth="31/02/2021", card="2"),
            member_row("Lê Văn Cường", cccd="00109001234", card="3"),
            member_row("Lê Văn Dũng", cccd="003090012345", card="4"),
            member_row("Lê Văn Em", cell="KHONG-CO", card="5"),
            member_row("Lê Văn Phú", card="1"),
            member_row("Lê Văn Giang", sex="X", card="7"),
        ],
    )
    result = import_members(path=path, actor=None)
    assert errors_of(result) == [
        'Dòng 3, cột "Ngày sinh": ngày 31/02/2021 không tồn tại',
        'Dòng 4, cột "Số CCCD": Số CCCD phải có đúng 12 chữ số (đang có 11). Có thể Excel đã bỏ số 0 ở '
        "đầu vì coi ô là số: định dạng cột Số CCCD là Văn bản (Text) rồi gõ lại đủ 12 chữ số, bắt đầu bằng 0",
        'Dòng 5, cột "Số CCCD": Mã tỉnh “003” ở 3 chữ số đầu của CCCD không tồn tại',
        'Dòng 6, cột "Mã chi bộ": không có chi bộ mã “KHONG-CO”',
        'Dòng 7, cột "Số thẻ đảng viên": số thẻ 1 trùng với dòng 2',
        'Dòng 8, cột "Giới tính": “X” không hợp lệ: ghi Nam hoặc Nữ',
    ]
    assert Membership.objects.count() == 0 and Person.objects.count() == 0


def test_the_column_named_in_an_error_is_the_header_as_written(tree, tmp_path):
    headers = list(HEADERS)
    headers[1] = "NGAY SINH"
    path = write_csv(tmp_path / "m.csv", headers, [member_row(birth="31/02/1990", card="1")])
    assert errors_of(import_members(path=path, actor=None)) == [
        'Dòng 2, cột "NGAY SINH": ngày 31/02/1990 không tồn tại'
    ]


def test_a_card_number_already_in_the_registry_for_someone_else_is_a_duplicate_not_a_new_member(
    tree, tmp_path
):
    import_members(
        path=write_csv(tmp_path / "a.csv", HEADERS, [member_row(card="1", cccd="001090012345")]), actor=None
    )
    result = import_members(
        path=write_csv(
            tmp_path / "b.csv", HEADERS, [member_row("Lê Văn Bình", card="9", cccd="001090012345")]
        ),
        actor=None,
    )
    assert errors_of(result) == ['Dòng 2, cột "Số CCCD": số CCCD đã thuộc đảng viên có số thẻ 1']


def test_a_dry_run_reports_and_writes_nothing(tree, tmp_path):
    result = import_members(
        path=write_csv(tmp_path / "m.csv", HEADERS, [member_row(card="1")]), actor=None, dry_run=True
    )
    assert result.ok and result.created == 1
    assert Membership.objects.count() == 0


def test_a_file_that_is_not_a_spreadsheet_is_refused(tree, tmp_path):
    path = tmp_path / "m.xlsx"
    path.write_bytes(b"%PDF-1.4 not a spreadsheet\x00\x01")
    assert "không phải bảng tính" in errors_of(import_members(path=path, actor=None))[0]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 truncated zip")
    assert "Không đọc được tệp Excel" in errors_of(import_members(path=broken, actor=None))[0]


def test_an_empty_file_is_refused(tree, tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes(b"")
    assert errors_of(import_members(path=path, actor=None)) == ["Dòng 1: Tệp rỗng: không có dòng tiêu đề nào"]


def test_a_missing_required_column_is_named(tree, tmp_path):
    headers = [h for h in HEADERS if h != "Mã chi bộ"]
    row = member_row(card="1")
    del row[5]
    result = import_members(path=write_csv(tmp_path / "m.csv", headers, [row]), actor=None)
    assert 'Thiếu cột bắt buộc: "Mã chi bộ"' in errors_of(result)[0]


def test_a_csv_not_in_utf8_says_how_to_save_it(tree, tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes(",".join(HEADERS).encode("cp1258", errors="replace") + b"\n\xc3\x28\xff\xfe,x\n")
    assert "UTF-8" in errors_of(import_members(path=path, actor=None))[0]


def test_a_60_mb_file_is_streamed_not_loaded(tree, tmp_path):
    path = tmp_path / "big.csv"
    blank = ("," * (len(HEADERS) - 1) + "\n").encode()
    with path.open("wb") as fh:
        fh.write((",".join(HEADERS) + "\n").encode())
        chunk = blank * 100_000
        while fh.tell() < 60 * 1024 * 1024:
            fh.write(chunk)
        fh.write(",".join(str(v) for v in member_row(card="1")).encode() + b"\n")
    assert path.stat().st_size >= 60 * 1024 * 1024
    tracemalloc.start()
    result = import_members(path=path, actor=None)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.ok and result.created == 1
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_a_secretary_imports_into_their_cell_only(tree, users, tmp_path):
    path = write_csv(
        tmp_path / "m.csv", HEADERS, [member_row(card="1"), member_row("Lê Văn Bình", cell="XA-C2", card="2")]
    )
    result = import_members(path=path, actor=users.bithu1)
    assert errors_of(result) == ['Dòng 3, cột "Mã chi bộ": không có chi bộ mã “XA-C2”']
    assert Membership.objects.count() == 0


def test_orgs_import_builds_a_tree_in_any_row_order_and_reimport_changes_nothing(db, tmp_path):
    path = write_xlsx(
        tmp_path / "o.xlsx",
        ORG_HEADERS,
        [
            ["C1", "Chi bộ Thôn 1", "X", "chi bộ", "khu dân cư", "01/01/2000"],
            ["T", "Đảng bộ tỉnh Thử", "", "Đảng bộ tỉnh", "", ""],
            ["X", "Đảng bộ xã An", "T", "dang bo cap tren co so", "", ""],
        ],
    )
    result = import_orgs(path=path, actor=None)
    assert result.ok, errors_of(result)
    assert Organization.objects.get(code="C1").path.startswith(Organization.objects.get(code="X").path)
    again = import_orgs(path=path, actor=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_an_organizations_file_writes_one_new_tree_token_not_one_per_row(db, tmp_path):
    """The nation's tree, 100,000 rows, wrote the token over one row 100,000 times in its
    transaction (PostgreSQL followed a growing chain of that row's versions at each). The
    readers outside still see a new token once the file is in."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangvien.reports.figures import TREE
    from dangvien.reports.models import FigureStamp

    rows = [["T", "Đảng bộ tỉnh Thử", "", "Đảng bộ tỉnh", "", ""]]
    rows += [[f"X{i}", f"Đảng bộ xã {i}", "T", "dang bo cap tren co so", "", ""] for i in range(5)]
    rows += [
        [f"X{i}-C{j}", f"Chi bộ {j}", f"X{i}", "chi bộ", "khu dân cư", ""] for i in range(5) for j in range(4)
    ]
    before = FigureStamp.objects.filter(unit=TREE).values_list("version", flat=True).first()
    with CaptureQueriesContext(connection) as ctx:
        result = import_orgs(path=write_csv(tmp_path / "cay.csv", ORG_HEADERS, rows), actor=None)
    assert result.ok and result.created == 26, errors_of(result)
    writes = [
        q["sql"]
        for q in ctx.captured_queries
        if "reports_figurestamp" in q["sql"] and f"'{TREE}'" in q["sql"]
    ]
    assert len(writes) == 1
    assert FigureStamp.objects.get(unit=TREE).version != before


def test_orgs_import_refuses_unknown_parents_cycles_and_bad_kinds(db, tmp_path):
    path = write_csv(
        tmp_path / "o.csv",
        ORG_HEADERS,
        [
            ["A", "Đảng bộ A", "KHONG", "đảng bộ cơ sở", "", ""],
            ["B", "Đảng bộ B", "C", "đảng bộ cơ sở", "", ""],
            ["C", "Đảng bộ C", "B", "đảng bộ cơ sở", "", ""],
            ["D", "Đảng bộ D", "", "hội đồng", "", ""],
            ["E", "Đảng bộ E", "", "đảng bộ tỉnh", "", "31/02/2021"],
        ],
    )
    assert errors_of(import_orgs(path=path, actor=None)) == [
        'Dòng 2, cột "Mã cấp trên": không có tổ chức mã “KHONG”',
        'Dòng 3, cột "Mã cấp trên": vòng lặp: “B” nằm dưới chính nó',
        'Dòng 4, cột "Mã cấp trên": vòng lặp: “C” nằm dưới chính nó',
        'Dòng 5, cột "Loại tổ chức": “hội đồng” không phải loại tổ chức '
        "(đảng bộ tỉnh, đảng bộ cấp trên cơ sở, "
        "đảng bộ cơ sở, chi bộ cơ sở, đảng bộ bộ phận, chi bộ)",
        'Dòng 6, cột "Ngày thành lập": ngày 31/02/2021 không tồn tại',
    ]
    assert not Organization.objects.exists()


def test_export_round_trips_through_import(tree, tmp_path):
    import_members(
        path=write_csv(
            tmp_path / "m.csv",
            HEADERS,
            [
                member_row(card="1", cccd="001090012345"),
                member_row("Lê Thị Bích", sex="Nữ", card="2", status="tạm miễn sinh hoạt"),
            ],
        ),
        actor=None,
    )
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"export.{fmt}"
        call_command("export", "members", "--format", fmt, "-o", str(out))
        result = import_members(path=out, actor=None)
        assert result.ok and (result.created, result.updated, result.unchanged) == (0, 0, 2), fmt
        orgs_out = tmp_path / f"orgs.{fmt}"
        call_command("export", "orgs", "--format", fmt, "-o", str(orgs_out))
        assert import_orgs(path=orgs_out, actor=None).unchanged == 6


def test_cli_import_exits_1_with_the_errors(tree, tmp_path, capsys):
    path = write_csv(tmp_path / "m.csv", HEADERS, [member_row(birth="31/02/2021", card="1")])
    with pytest.raises(CommandError) as exc:
        call_command("import", "members", str(path))
    assert exc.value.returncode == 1 and "Không nhập gì: 1 lỗi" in str(exc.value)
    assert 'Dòng 2, cột "Ngày sinh": ngày 31/02/2021 không tồn tại' in capsys.readouterr().err


def _analyze_count(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_force_next_flush()")
        cur.execute("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = %s", [table])
        return cur.fetchone()[0]


def _many(family: str, first_card: int, n: int) -> list[list[object]]:
    def given(i: int) -> str:
        return chr(ord("a") + i % 26) + chr(ord("a") + i // 26 % 26)

    return [member_row(name=f"{family} Văn {given(i)}", card=str(first_card + i)) for i in range(n)]


@pytest.mark.django_db(transaction=True)
def test_a_large_import_refreshes_postgresqls_statistics_and_a_refused_one_does_not(tree, tmp_path):
    """A province's first load left the planner with empty statistics: its home page took
    19 s instead of 1,3 s until the tables were analyzed (docs/decisions.md)."""
    from django.db import connection

    from dangvien.core.bulk import ANALYZE_FROM_ROWS as N

    if connection.vendor != "postgresql":
        pytest.skip("statistics are PostgreSQL's")
    before = _analyze_count("members_membership")
    bad = [*_many("Nguyễn", 10_000, N), member_row(birth="31/02/1990", card="1")]
    refused = import_members(path=write_csv(tmp_path / "bad.csv", HEADERS, bad), actor=None)
    assert refused.errors and not Membership.objects.exists()  # all or nothing
    assert _analyze_count("members_membership") == before
    below = import_members(
        path=write_csv(tmp_path / "below.csv", HEADERS, _many("Lê", 20_000, N - 1)), actor=None
    )
    assert below.created == N - 1 and _analyze_count("members_membership") == before
    at = import_members(path=write_csv(tmp_path / "at.csv", HEADERS, _many("Trần", 30_000, N)), actor=None)
    assert at.created == N and not at.errors
    assert _analyze_count("members_membership") == before + 1
    assert _analyze_count("members_memberevent") >= 1 and _analyze_count("people_person") >= 1
    # Half as much again: autovacuum's business where it runs; where it is off (as on the
    # CI's server), its own rule (a tenth of the table changed) says analyze, and the import
    # queues it as a job instead of making the user wait for it.
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('autovacuum') = 'on'")
        autovacuum = cur.fetchone()[0]
    again = import_members(
        path=write_csv(tmp_path / "again.csv", HEADERS, _many("Lý", 40_000, N)), actor=None
    )
    assert again.created == N
    assert _analyze_count("members_membership") == before + 1  # not while the user waits
    queued = DBTaskResult.objects.filter(task_path__endswith="analyze_tables")
    assert queued.count() == (0 if autovacuum else 1)
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert _analyze_count("members_membership") == before + (1 if autovacuum else 2)
    assert not queued.exclude(status="SUCCESSFUL").exists()


def test_a_queued_analyze_names_only_our_models():
    from dangvien.core.bulk import analyze_labels

    with pytest.raises(LookupError):
        analyze_labels(["members.Membership; DROP TABLE people_person"])


@pytest.mark.parametrize(
    ("rows", "changed", "added", "autovacuum", "stale"),
    [
        (-1, 0, 1_000, True, True),  # never analyzed
        (2_000, 0, 1_999, True, False),  # the day before doubling
        (2_000, 0, 2_000, True, True),  # doubled
        (100_000, 90_000, 20_000, True, False),  # autovacuum will see to it
        # Autovacuum off: its own threshold, 50 rows and a tenth of the table.
        (100_000, 0, 10_050, False, False),
        (100_000, 0, 10_051, False, True),
        (100_000, 9_000, 1_051, False, True),
    ],
)
def test_statistics_are_refreshed_when_a_load_leaves_them_wrong(rows, changed, added, autovacuum, stale):
    from dangvien.core.bulk import stale_statistics

    assert stale_statistics(rows=rows, changed=changed, added=added, autovacuum=autovacuum) is stale


def test_counts_gathered_during_an_import_are_written_once_and_not_at_all_if_it_fails(tree):
    from collections import Counter

    from dangvien.members.models import CellTally
    from dangvien.members.tally import tally_add, tally_deferred

    def count() -> int:
        row = CellTally.objects.filter(cell=tree.xa_c1, status=Status.OFFICIAL).first()
        return row.count if row else 0

    start = count()
    with tally_deferred():
        tally_add(Counter({(tree.xa_c1.pk, Status.OFFICIAL): 2}))
        with tally_deferred():  # an inner one leaves the writing to the outer
            tally_add({(tree.xa_c1.pk, Status.OFFICIAL): 3})
        assert count() == start  # not yet
    assert count() == start + 5
    with pytest.raises(RuntimeError), tally_deferred():
        tally_add({(tree.xa_c1.pk, Status.OFFICIAL): 4})
        raise RuntimeError
    assert count() == start + 5
    tally_add({(tree.xa_c1.pk, Status.OFFICIAL): -5})  # no memberships behind these counts


def test_a_misspelt_header_is_named_with_the_nearest_expected_one(tree, tmp_path):
    headers = ["Ho va ten", "Ngay sinhh", "Giới tính", "Mã chi bộ", "Ngày vào Đảng", "Ghi chú riêng"]
    path = write_csv(
        tmp_path / "m.csv", headers, [["Nguyễn Văn A", "01/01/1990", "Nam", "XA-C1", "01/01/2015", "x"]]
    )
    result = import_members(path=path, actor=None, dry_run=True)
    message = str(result.errors[0])
    assert 'Thiếu cột bắt buộc: "Ngày sinh"' in message
    assert "Không nhận ra cột “Ngay sinhh”: có phải “Ngày sinh”?" in message
    assert "Không nhận ra cột “Ghi chú riêng”." in message


def test_an_unknown_optional_column_is_said_and_skipped_not_silently_dropped(tree, tmp_path):
    headers = [*HEADERS, "Dan tocc"]
    row = member_row(card="7")
    path = write_csv(tmp_path / "m.csv", headers, [[*row, *[""] * (len(HEADERS) - len(row)), "Kinh"]])
    result = import_members(path=path, actor=None, dry_run=True)
    assert result.ok
    assert result.notices == ["Không nhận ra cột “Dan tocc”: có phải “Dân tộc”? Cột này được bỏ qua."]


@pytest.mark.parametrize("kind", ["members", "orgs", "candidates", "targets"])
def test_a_file_with_a_header_and_no_rows_is_refused_not_offered(tree, tmp_path, kind):
    from dangvien.ops.work import IMPORTERS
    from dangvien.web.views.imports import COLUMNS

    path = write_csv(tmp_path / "empty.csv", [c.header for c in COLUMNS[kind]], [])
    result = IMPORTERS[kind](path=path, actor=None, dry_run=True)
    assert not result.ok and "không có dòng dữ liệu nào" in str(result.errors[0])
