"""Issue 18, items 6 to 9: exports safe to open and audited, control characters refused at
every edge, uploads that cannot tie up a worker, identity numbers masked for viewers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from dangvien.accounts.models import AuditEntry
from dangvien.core.middleware import BAD_BYTES
from dangvien.core.spreadsheet import UploadLimits, upload_limits
from dangvien.members.importing import HEADERS, import_members
from dangvien.members.models import Membership
from dangvien.people.models import Person

from ..conftest import register
from ..files import member_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile(tree):
    """A member whose stored text would run in Excel, and a name with a control character
    (stored before the edges refused them, or typed by a careless operator into the shell)."""
    m = register(tree.xa_c1, "Nguyễn Văn An", card="1", cccd="001090012345")
    Person.objects.filter(pk=m.person_id).update(
        full_name="Nguyễn\x01 Văn An", profession='=HYPERLINK("http://x","y")', residence_detail="@SUM(A1)"
    )
    register(tree.xa_c1, "Trần Văn Bình", card="2")
    return m


def test_the_xlsx_export_holds_text_not_formulas_and_survives_a_control_character(hostile, users, login):
    response = login(users.an).get(reverse("web:member_export"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=False))
    cells = {c.value: c for row in rows for c in row if isinstance(c.value, str)}
    assert "Nguyễn Văn An" in cells  # the \x01 is dropped, not a failed export
    formula = cells['=HYPERLINK("http://x","y")']
    assert formula.data_type == "s"  # a text cell: Excel shows it, never evaluates it
    entry = AuditEntry.objects.filter(action="export").get()
    assert entry.actor_name == "an" and entry.changes == {
        "what": "members",
        "rows": 2,
        "format": "xlsx",
        "org": "",
    }


def test_the_csv_export_neutralizes_formula_cells_with_an_apostrophe(hostile, users, login):
    response = login(users.an).get(reverse("web:member_export") + "?format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    flat = [v for row in rows for v in row]
    assert '\'=HYPERLINK("http://x","y")' in flat and "'@SUM(A1)" in flat
    assert not any(v.startswith(("=", "+", "@")) for v in flat)
    assert "Nguyễn Văn An" in flat


def test_a_viewer_sees_and_exports_the_cccd_masked_and_staff_see_it_whole(hostile, users, login):
    viewer = login(users.xem1).get(reverse("web:member_detail", args=[hostile.pk])).content.decode()
    assert "001*******45" in viewer and "001090012345" not in viewer
    exported = login(users.xem1).get(reverse("web:member_export") + "?format=csv")
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    assert "001090012345" not in text and "001*******45" in text
    staff = login(users.an).get(reverse("web:member_detail", args=[hostile.pk])).content.decode()
    assert "001090012345" in staff


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("post", "/dang-nhap/", {"username": "ad\x00min", "password": "x"}),
        ("get", "/dang-nhap/?next=%00", None),
        ("get", "/dang-vien/?q=a%00b", None),
        ("get", "/dang-vien/?q=a%01b", None),
        ("post", "/dang-vien/them/", {"full_name": "A\x00B"}),
    ],
)
def test_control_characters_anywhere_in_a_request_get_a_clear_400(client, users, method, url, data):
    client.force_login(users.an)
    response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    assert response.status_code == 400
    assert str(BAD_BYTES) in response.content.decode()


def test_the_anonymous_sign_in_page_refuses_a_nul_before_any_database_work(client, tree):
    response = client.post("/dang-nhap/", {"username": "\x00", "password": "\x00"})
    assert response.status_code == 400 and str(BAD_BYTES) in response.content.decode()


def test_an_api_call_with_a_nul_gets_a_json_400(client, users):
    client.force_login(users.an)
    response = client.get("/api/members?q=%00")
    assert response.status_code == 400 and response.json() == {"detail": str(BAD_BYTES)}
    body = client.post("/api/members", data='{"q": "\\u0000"}', content_type="application/json")
    assert body.status_code == 400


def test_an_imported_cell_with_a_nul_is_refused_with_its_row_and_column(tree, tmp_path):
    rows = [member_row("Nguyễn Văn An", card="1"), member_row("Lê Văn\x00 Bình", card="2")]
    result = import_members(path=write_csv(tmp_path / "m.csv", HEADERS, rows), actor=None)
    (error,) = result.errors
    assert 'Dòng 3, cột "Họ và tên": ô có ký tự điều khiển không hợp lệ' in str(error)
    assert not Membership.objects.exists()


def test_a_word_file_given_to_the_importer_gets_a_message(tree, tmp_path):
    from docx import Document

    path = tmp_path / "nham.xlsx"
    Document().save(path)
    result = import_members(path=path, actor=None)
    assert not result.ok and "Không đọc được tệp Excel" in str(result.errors[0])


def _bomb(path, megabytes=24):
    """A valid-looking XLSX whose one sheet is megabytes of the same row (a ZIP bomb)."""
    write_xlsx(path, HEADERS, [member_row()])
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = parts["xl/worksheets/sheet1.xml"]
    filler = row * (megabytes * 1024 * 1024 // len(row))
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"</sheetData>", filler + b"</sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    return path


def test_a_zip_bomb_is_refused_before_its_xml_is_parsed(tree, tmp_path):
    path = _bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 200 * 1024
    result = import_members(path=path, actor=None)
    assert not result.ok and "nén bất thường" in str(result.errors[0])


def test_the_web_limits_rows_and_uncompressed_size_the_command_line_does_not(tree, tmp_path, settings):
    rows = [member_row(f"Nguyễn Văn {n}", card=str(i)) for i, n in enumerate("ABCDE")]
    path = write_xlsx(tmp_path / "m.xlsx", HEADERS, rows)
    with upload_limits(UploadLimits(max_uncompressed=10 * 1024 * 1024, max_rows=3)):
        refused = import_members(path=path, actor=None, dry_run=True)
    assert "hơn 3 dòng" in str(refused.errors[0])
    with upload_limits(UploadLimits(max_uncompressed=1000, max_rows=100)):
        refused = import_members(path=path, actor=None, dry_run=True)
    assert "quá lớn khi giải nén" in str(refused.errors[0])
    assert import_members(path=path, actor=None, dry_run=True).ok  # no limit outside the web


def test_the_web_import_applies_the_row_limit(users, login, settings, tmp_path):
    settings.IMPORT_MAX_ROWS = 2
    rows = [member_row(f"Nguyễn Văn {n}", card=str(i)) for i, n in enumerate("ABC")]
    data = write_csv(tmp_path / "m.csv", HEADERS, rows).read_bytes()
    from ..jobs_helpers import finish

    c = login(users.an)
    page = c.post(reverse("web:import_start"), {"kind": "members", "file": SimpleUploadedFile("m.csv", data)})
    assert "hơn 2 dòng" in finish(c, page)
    assert not Membership.objects.exists()


def test_the_daily_watch_prints_no_digest_when_no_mail_server_is_set(tree, users, settings, capsys):
    """The README's cron line appends the tick's output to a log: with the default backend
    nothing of a digest (members' names) may reach standard output."""
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    users.an.email = "an@example.vn"
    users.an.save()
    register(
        tree.xa_c1,
        "Hoàng Văn Dự Bị",
        card="7",
        admitted=dt.date.today() - dt.timedelta(days=350),
        official=None,
    )
    call_command("tick")
    out = capsys.readouterr().out
    assert "Hoàng Văn Dự Bị" not in out and "chưa gửi" in out


@pytest.mark.parametrize("action", ["step", "exceptions", "introduction", "verification_add"])
def test_a_stale_or_forged_version_gets_a_message_never_a_500(tree, users, login, action):
    from ..cases_helpers import candidate, officials, open_case

    officials(tree.xa_c1, 2)
    case = open_case(candidate(tree.xa_c1))
    before = case.version
    url = f"/ket-nap/{case.pk}/{action}/"
    for version in ("abc", "-1", "99999999999999999999", str(before - 1)):
        response = login(users.an).post(
            url, {"version": version, "step": "application", "done_on": "01/12/2025"}
        )
        assert response.status_code in (200, 302, 400), (version, response.status_code)
    case.refresh_from_db()
    assert case.version in (before, before + 1)  # only the right version could change it


def test_a_report_written_to_excel_by_the_command_line_is_an_audit_entry(tree, tmp_path):
    from django.core.management import call_command

    register(tree.xa_c1, "Nguyễn Văn An", card="1")
    call_command("report", "members", "--org", "XA", "--format", "xlsx", "-o", str(tmp_path / "m.xlsx"))
    call_command("report", "overdue", "--org", "XA", "--format", "xlsx", "-o", str(tmp_path / "o.xlsx"))
    whats = list(AuditEntry.objects.filter(action="export").values_list("changes__what", flat=True))
    assert whats == ["report overdue", "report members"]  # newest first
