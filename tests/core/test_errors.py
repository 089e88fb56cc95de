"""Issue 20, item 4: refusals are codes with parameters, their sentences kept per package
and translated; forms put them on the field the code names; the pages of errors and the
admin speak the reader's language."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import re
from pathlib import Path

import pytest
from django.utils import translation

from dangvien.core.errors import ServiceError, known_codes, placeholders, template_of
from dangvien.members.services import member_register

from ..conftest import person, sign_in_verified

# Templates that only carry a sentence made elsewhere (already in the reader's language).
SAME_IN_EVERY_LANGUAGE = {
    "{reason}",
    "{detail}",
    "{m.person.full_name}: {problem}",
    "{check.message} ({check.cite})",
}
SRC = Path(__file__).resolve().parents[2] / "src" / "dangvien"


def _raised_codes() -> list[tuple[str, int, str, set[str]]]:
    """Every ServiceError(...) in the code with a literal code: (file, line, code, the
    keyword names passed)."""
    found = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "ServiceError"):
                continue
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                kwargs = {k.arg for k in node.keywords if k.arg}
                found.append((str(path.relative_to(SRC)), node.lineno, first.value, kwargs))
    return found


def test_every_refusal_is_a_known_code_given_every_parameter_its_sentence_needs():
    raised = _raised_codes()
    assert len(raised) > 250  # the scan sees the services (not an empty walk)
    for where, line, code, kwargs in raised:
        assert "." in code and " " not in code, f"{where}:{line}: a sentence, not a code: {code!r}"
        template = str(template_of(code))  # KeyError: a code missing from its catalogue
        missing = placeholders(template) - kwargs
        assert not missing, f"{where}:{line}: {code} needs {sorted(missing)}"


def test_every_sentence_has_its_english_and_keeps_its_parameters():
    for path in SRC.glob("*/errors.py"):  # load every catalogue
        importlib.import_module(f"dangvien.{path.parent.name}.errors")
    codes = known_codes()
    assert len(codes) > 240
    for code, template in codes.items():
        with translation.override("vi"):
            vi = str(template)
        with translation.override("en"):
            en = str(template)
        if vi in SAME_IN_EVERY_LANGUAGE:
            continue
        assert en != vi, f"{code} has no English"
        assert placeholders(en) == placeholders(vi), code


@pytest.mark.django_db
def test_the_code_says_what_was_refused_in_any_language_and_which_field(tree):
    with pytest.raises(ServiceError) as err:
        member_register(
            actor=None,
            person=person(),
            cell=tree.xa_c1,
            admission_date=dt.date(2015, 3, 2),
            official_date=dt.date(2015, 1, 1),
            card_number=None,
        )
    assert err.value.code == "members.official_before_admitted"
    assert err.value.field == "official_date"  # chosen by the rule, not found in the sentence
    with translation.override("vi"):
        assert err.value.message == "Ngày chính thức không được trước ngày vào Đảng"
    with translation.override("en"):
        assert err.value.message == "The official date cannot be before the admission date"


def test_an_unknown_code_fails_where_it_is_raised():
    with pytest.raises(KeyError):
        ServiceError("members.no_such_code")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [("vi", "Không tìm thấy trang này"), ("en", "This page was not found")],
)
def test_the_404_page_and_the_admin_speak_the_readers_language(client, users, language, text):
    client.cookies["django_language"] = language
    sign_in_verified(client, users.admin)
    client.cookies["django_language"] = language
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert text in response.content.decode()
    # Inside the app's frame: the navigation, and a way back.
    assert 'class="top"' in response.content.decode() and "data-back" in response.content.decode()
    admin = client.get("/admin/").content.decode()
    header = {
        "vi": "Quản trị hệ thống phát triển đảng viên",
        "en": "Party member development: administration",
    }
    assert header[language] in admin


@pytest.mark.django_db
def test_an_introduction_refused_for_its_months_blames_the_months_field(tree):
    """Forms used to find the field by searching the sentence for "tháng"."""
    from dangvien.cases.admission.services import admission_add_introduction
    from dangvien.cases.models import IntroKind

    from ..cases_helpers import candidate, officials, open_case

    case = open_case(candidate(tree.xa_c1))
    introducer = officials(tree.xa_c1, 1, prefix="Giới thiệu")[0]
    with pytest.raises(ServiceError) as err:
        admission_add_introduction(
            actor=None, case=case, expected_version=case.version, kind=IntroKind.MEMBER,
            introducer=introducer, months_together=3, given_on=dt.date(2025, 11, 20),
        )  # fmt: skip
    assert (err.value.code, err.value.field) == ("cases.introducer_months", "months_together")
    assert err.value.params["have"] == 3


def test_the_english_catalogue_has_every_message_and_none_fuzzy():
    """Every text marked for translation (pages, messages, refusals, the admin's headers)
    has its English; `make messages` marks new ones empty or fuzzy, which this finds."""
    po = (SRC / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = [e for e in po.split("\n\n") if "msgid " in e and not e.lstrip().startswith("#~")]
    missing = []
    for entry in entries[1:]:  # the first is the header
        if "#, fuzzy" in entry or "fuzzy," in entry:
            missing.append(entry)
            continue
        translated = re.findall(r'^msgstr(?:\[\d\])? "(.*)"\n?((?:".*"\n?)*)', entry, re.M)
        if not translated or any(not (first or rest.strip()) for first, rest in translated):
            missing.append(entry)
    assert not missing, "\n\n".join(missing[:5])


# Words written into stored rows or into the exported files, which stay Vietnamese in any
# language (the export's headings are the import's columns and the papers sent upward).
STORED_OR_EXPORTED = {
    "Dữ liệu",  # an exported sheet's default name
    "Quản trị hệ thống",  # the administrator account's full name
    "Người xem",
    "Bí thư chi bộ",
    "Cán bộ Văn phòng Đảng ủy",  # the demo accounts' full names
    # cli report's headings written inline (the others are `headers = [...]`, found below)
    *("Số đảng viên", "Chỉ tiêu", "Nhóm", "Loại hình", "Loại tổ chức", "Độ tuổi"),
    *("Giới tính", "Trạng thái", "Tổ chức", "Đã kết nạp", "Tỷ lệ"),
}
VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")
TRANSLATING = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "pgettext", "Column"}
# Keyword arguments whose text is stored, not shown: a history row's note, a form's initial
# value; and a command's --help, which Django prints untranslated.
NOT_SHOWN = {"note", "initial", "help", "title"}
# Assignments whose text is a command's --help, or an exported table's headings, title and
# cells (`headers = [...]`, `title = f"..."`, `rows = [...]`), Vietnamese like the export.
NOT_SHOWN_NAMES = {"help", "headers", "title", "rows"}
SPEAKING = [
    "*/importing.py",
    "members/events_import.py",
    "members/officers.py",
    "core/spreadsheet.py",
    "pipeline/*.py",
    "watch/services.py",
    "ops/backups.py",
    "documents/sandbox.py",
    "cli/management/commands/*.py",
]


def _untranslated(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def excused(node: ast.AST) -> bool:
        p = parents.get(node)
        if isinstance(p, ast.Expr):  # a docstring
            return True
        while p is not None:
            if isinstance(p, ast.Call):
                name = getattr(p.func, "id", None) or getattr(p.func, "attr", None)
                if name in TRANSLATING:
                    return True
            if isinstance(p, ast.keyword) and p.arg in NOT_SHOWN:
                return True
            if isinstance(p, ast.Assign) and any(
                getattr(t, "id", None) in NOT_SHOWN_NAMES for t in p.targets
            ):
                return True
            p = parents.get(p)
        return False

    found = []
    for node in ast.walk(tree):
        text = node.value if isinstance(node, ast.Constant) else None
        shown = isinstance(text, str) and VIETNAMESE.search(text) and text not in STORED_OR_EXPORTED
        if shown and not excused(node):
            found.append(f"{path.relative_to(SRC)}:{node.lineno}: {str(text)[:60]}")
    return found


def test_the_import_files_the_notices_and_the_commands_speak_through_gettext():
    """Issue 20: a row's refusal, a notification, a backup's refusal or a command's output
    is in the reader's language; a Vietnamese sentence written around gettext is found here."""
    paths = sorted({p for pattern in SPEAKING for p in SRC.glob(pattern)})
    assert len(paths) > 25
    found = [line for path in paths for line in _untranslated(path)]
    assert not found, "\n".join(found)


def test_an_import_file_refused_in_english_says_so_in_english(tmp_path, tree, users):
    """The same members file, read by an English and a Vietnamese reader: row, column and
    reason in the reader's language; the column's name stays the file's own."""
    from dangvien.members.importing import import_members

    path = tmp_path / "members.csv"
    path.write_text(
        "Họ và tên,Ngày sinh,Giới tính,Mã chi bộ,Ngày vào Đảng\n"
        "Nguyễn Văn A,01/01/1990,Nam giới,XA-C1,01/01/2020\n",
        encoding="utf-8",
    )
    with translation.override("en"):
        english = [str(e) for e in import_members(path=path, actor=users.admin, dry_run=True).errors]
    with translation.override("vi"):
        vietnamese = [str(e) for e in import_members(path=path, actor=users.admin, dry_run=True).errors]
    assert english == ['Row 2, column "Giới tính": “Nam giới” is not valid: write Nam (male) or Nữ (female)']
    assert vietnamese == ['Dòng 2, cột "Giới tính": “Nam giới” không hợp lệ: ghi Nam hoặc Nữ']


@pytest.mark.django_db
def test_a_stale_form_says_so_in_vietnamese_and_how_to_go_on(users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/dang-nhap/", {"username": "an", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Biểu mẫu đã hết hạn" in page and "tải lại trang" in page and "CSRF" not in page
