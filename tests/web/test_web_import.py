import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangvien.members.importing import HEADERS
from dangvien.members.models import Membership

from ..files import member_row, write_xlsx
from ..jobs_helpers import finish, run_jobs

pytestmark = pytest.mark.django_db


def upload(client, path, kind="members"):
    with path.open("rb") as fh:
        return client.post(
            reverse("web:import_start"), {"kind": kind, "file": SimpleUploadedFile(path.name, fh.read())}
        )


def test_upload_previews_then_confirm_writes_and_a_second_click_does_nothing(login, users, tree, tmp_path):
    c = login(users.an)
    path = write_xlsx(
        tmp_path / "m.xlsx", HEADERS, [member_row(card="1"), member_row("Lê Thị Bích", sex="Nữ", card="2")]
    )
    body = finish(c, upload(c, path))
    assert "Kiểm tra xong" in body and "sẽ thêm 2" in body
    assert Membership.objects.count() == 0
    job = body.split('name="job" value="')[1].split('"')[0]
    body = finish(c, c.post(reverse("web:import_confirm"), {"job": job}))
    assert "Đã nhập xong" in body
    assert Membership.objects.count() == 2
    # A second click (or the stale page's button): refused, sent to the first one's result.
    response = c.post(reverse("web:import_confirm"), {"job": job}, follow=True)
    assert "đã được nhập rồi" in response.content.decode() and "Đã nhập xong" in response.content.decode()
    assert run_jobs() == 0 and Membership.objects.count() == 2
    # Nobody else may confirm (or see) the check: it is the user's own.
    assert login(users.admin).post(reverse("web:import_confirm"), {"job": job}).status_code == 404


def test_upload_with_a_bad_row_shows_every_error_and_no_confirm_button(login, users, tree, tmp_path):
    c = login(users.an)
    path = write_xlsx(
        tmp_path / "m.xlsx", HEADERS, [member_row(card="1"), member_row(birth="31/02/2021", card="2")]
    )
    body = finish(c, upload(c, path))
    assert "Dòng 3, cột &quot;Ngày sinh&quot;: ngày 31/02/2021 không tồn tại" in body
    assert "Xác nhận nhập" not in body
    assert Membership.objects.count() == 0


def test_a_file_of_the_wrong_type_is_refused(login, users, tree, tmp_path):
    path = tmp_path / "m.pdf"
    path.write_bytes(b"%PDF-1.4")
    assert "Chỉ nhận tệp .xlsx hoặc .csv" in upload(login(users.an), path).content.decode()


def test_a_viewer_cannot_import(login, users, tree, tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", HEADERS, [member_row(card="1")])
    assert upload(login(users.xem1), path).status_code == 404
    assert Membership.objects.count() == 0


def test_export_from_the_web_holds_only_the_scope_and_re_imports_unchanged(login, users, tree, tmp_path):
    from dangvien.members.importing import import_members
    from tests.conftest import register

    register(tree.xa_c1, "Nguyễn Văn An", card="1")
    register(tree.xb_c1, "Trần Văn Cường", card="2")
    c = login(users.an)
    response = c.get(reverse("web:member_export"))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    from openpyxl import load_workbook

    names = [row[0] for row in load_workbook(path).active.iter_rows(min_row=2, values_only=True)]
    assert names == ["Nguyễn Văn An"]
    result = import_members(path=path, actor=users.an)
    assert result.ok and result.unchanged == 1
    assert c.get(reverse("web:member_export"), {"cell": "XB-C1"}).status_code == 404
    csv_body = b"".join(
        c.get(reverse("web:member_export"), {"format": "csv", "cell": "XA"}).streaming_content
    )
    assert "Nguyễn Văn An".encode() in csv_body


@pytest.mark.parametrize(
    "kind",
    [
        "members",
        "orgs",
        "candidates",
        "targets",
        "ratings",
        "officers",
        "events",
        "assignments",
        "headcounts",
    ],
)
def test_each_kind_has_a_sample_workbook_whose_headers_the_import_reads(login, users, tree, tmp_path, kind):
    from openpyxl import load_workbook

    from dangvien.ops.work import IMPORTERS
    from dangvien.web.views.imports import COLUMNS

    response = login(users.an).get(reverse("web:import_sample", args=[kind]))
    assert response.status_code == 200
    path = tmp_path / f"mau-{kind}.xlsx"
    path.write_bytes(response.content)
    wb = load_workbook(path)
    data = wb.worksheets[0]
    headers = [c.value for c in data[1]]
    assert [h.rstrip("*") for h in headers] == [c.header for c in COLUMNS[kind]]
    assert all(data.column_dimensions[c.column_letter].number_format == "@" for c in data[1])
    assert wb.worksheets[1].max_row == len(COLUMNS[kind]) + 4  # the guide: a line per column
    # Uploaded as downloaded: the headers are recognised, and the empty file is refused as such.
    result = IMPORTERS[kind](path=path, actor=users.an, dry_run=True)
    assert not result.ok and "không có dòng dữ liệu nào" in str(result.errors[0]) and not result.notices


def test_the_samples_are_for_those_who_may_import(login, users):
    assert login(users.xem1).get(reverse("web:import_sample", args=["members"])).status_code == 404
    assert login(users.an).get(reverse("web:import_sample", args=["nothing"])).status_code == 404
    page = login(users.an).get(reverse("web:import_start")).content.decode()
    assert reverse("web:import_sample", args=["headcounts"]) in page


def test_the_transfer_destination_finder_searches_cells_in_scope_only(login, users, tree):
    from dangvien.orgs.services import org_create

    org_create(actor=None, code="XB-C2", name="Chi bộ Thôn 2 Bình Minh", kind="cell", parent=tree.xb)
    found = login(users.an).get(reverse("web:cell_finder"), {"q": "thon 2"}).content.decode()
    assert 'data-value="XA-C2"' in found and "XB-C2" not in found  # another commune's cell: by its code only
    assert 'data-value="XA"' not in found  # cells only
    assert (
        'data-value="XA-C1"'
        in login(users.an).get(reverse("web:cell_finder"), {"q": "1 thon"}).content.decode()
    )
    assert (
        "Không có chi bộ nào như vậy"
        in login(users.an).get(reverse("web:cell_finder"), {"q": "zzz"}).content.decode()
    )


def test_search_boxes_refuse_a_nul_byte_in_a_sentence_not_an_error(login, users, tree):
    """core.middleware refuses control characters before any view (PostgreSQL cannot hold
    a NUL): the new search boxes are covered by it too."""
    client = login(users.an)
    officials = f"/to-chuc/{tree.xa_c1.code}/dang-vien-chinh-thuc/"
    for url, params in (
        (reverse("web:cell_finder"), {"q": "thon\x00 2"}),
        (reverse("web:member_list"), {"q": "hang\x00"}),
        (officials, {"ten": "mentor", "q": "88\x00"}),
    ):
        refused = client.get(url, params)
        assert refused.status_code == 400 and "ký tự điều khiển" in refused.content.decode()
