"""The audit log read as sentences (issue 23): "Cán bộ xa1 thêm tài khoản bithu2 (vai trò:
chỉ xem; tổ chức: Chi bộ Thôn 2)". The stored entry stays as written and sealed (its
action code and changes are what the chain's MAC covers); this only words it for the reader.
An action without a sentence here is worded from its code's group, never shown raw; the
raw entry stays one click away for the administrator who needs it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvien.accounts.models import AuditEntry, Role, RoleAssignment
from dangvien.cases.admission.procedure import BY_CODE
from dangvien.core.text import vn_int
from dangvien.members.models import EventKind
from dangvien.orgs.models import Organization

A = gettext_lazy
# What the actor did, as a verb phrase before the object's name.
ACTIONS: dict[str, Promise] = {
    "accounts.create": A("thêm tài khoản"),
    "accounts.assign": A("giao vai trò cho tài khoản"),
    "accounts.locked": A("khóa tài khoản"),
    "accounts.password_change": A("đổi mật khẩu của tài khoản"),
    "accounts.password_reset": A("đặt lại mật khẩu của tài khoản"),
    "accounts.second_factor": A("đổi xác thực hai bước của tài khoản"),
    "accounts.second_factor_on": A("bật xác thực hai bước cho tài khoản"),
    "accounts.second_factor_reset": A("đặt lại xác thực hai bước của tài khoản"),
    "accounts.token_create": A("tạo khóa API cho tài khoản"),
    "candidates.add": A("đưa vào danh sách quần chúng ưu tú"),
    "candidates.assess": A("ghi nhận xét quần chúng"),
    "candidates.certificate": A("ghi giấy chứng nhận học lớp cảm tình Đảng của"),
    "candidates.mentor": A("phân công người giúp đỡ quần chúng"),
    "candidates.withdraw": A("đưa ra khỏi danh sách quần chúng ưu tú"),
    "cases.open": A("mở hồ sơ kết nạp"),
    "cases.cell_vote": A("ghi biểu quyết của chi bộ về hồ sơ"),
    "cases.committee_vote": A("ghi biểu quyết của cấp ủy về hồ sơ"),
    "cases.decision": A("ghi quyết định kết nạp của hồ sơ"),
    "cases.ceremony": A("ghi lễ kết nạp của hồ sơ"),
    "cases.ceremony_day_add": A("thêm ngày kỷ niệm cho lễ kết nạp:"),
    "cases.ceremony_day_remove": A("bỏ ngày kỷ niệm cho lễ kết nạp:"),
    "cases.close": A("đóng hồ sơ"),
    "cases.extend": A("gia hạn hồ sơ"),
    "cases.exceptions": A("ghi trường hợp đặc biệt của hồ sơ"),
    "cases.suspend": A("tạm dừng hồ sơ"),
    "cases.resume": A("tiếp tục hồ sơ"),
    "cases.introduction.add": A("ghi người giới thiệu cho hồ sơ"),
    "cases.introduction.end": A("kết thúc giới thiệu trong hồ sơ"),
    "cases.verification.add": A("gửi thẩm tra lý lịch trong hồ sơ"),
    "cases.verification.result": A("ghi kết quả thẩm tra lý lịch trong hồ sơ"),
    "classes.create": A("mở lớp bồi dưỡng"),
    "classes.enroll": A("ghi danh học viên vào lớp"),
    "classes.result": A("ghi kết quả học của lớp"),
    "committees.assign": A("phân công cấp ủy viên phụ trách:"),
    "committees.assignment_end": A("kết thúc phân công phụ trách:"),
    "committees.headcount": A("ghi số người đơn vị quản lý của"),
    "committees.meeting": A("ghi cuộc họp"),
    "committees.no_source": A("ghi chi bộ không còn nguồn kết nạp:"),
    "committees.no_source_end": A("bỏ ghi không còn nguồn của"),
    "demo.generate": A("tạo dữ liệu mẫu"),
    "documents.generate": A("in giấy tờ"),
    "documents.template_upload": A("tải lên mẫu giấy tờ"),
    "documents.template_activate": A("dùng mẫu giấy tờ"),
    "export": A("xuất danh sách"),
    "members.register": A("ghi tên đảng viên"),
    "members.update": A("sửa thông tin đảng viên"),
    "members.residence": A("ghi nơi cư trú của đảng viên"),
    "members.exemption.request": A("ghi đơn xin miễn sinh hoạt của"),
    "members.exemption.decide": A("ghi quyết định miễn sinh hoạt của"),
    "members.exemption.report": A("ghi báo cáo miễn sinh hoạt của"),
    "members.exemption.end": A("kết thúc miễn sinh hoạt của"),
    "orgs.create": A("thêm tổ chức"),
    "orgs.update": A("sửa tổ chức"),
    "orgs.rename": A("đổi tên tổ chức"),
    "orgs.move": A("chuyển tổ chức"),
    "orgs.merge": A("hợp nhất vào tổ chức"),
    "orgs.split": A("chia tách tổ chức"),
    "orgs.dissolve": A("giải thể tổ chức"),
    "orgs.officer_appoint": A("ghi người giữ chức vụ:"),
    "orgs.officer_end": A("kết thúc chức vụ của"),
    "people.create": A("thêm người"),
    "people.update": A("sửa thông tin của"),
    "ratings.member": A("ghi xếp loại đảng viên"),
    "ratings.org": A("ghi xếp loại tổ chức"),
    "recognition.open": A("mở hồ sơ công nhận chính thức của"),
    "recognition.assess": A("ghi nhận xét trong hồ sơ công nhận của"),
    "recognition.mentor": A("ghi người giúp đỡ trong hồ sơ công nhận của"),
    "recognition.papers": A("ghi giấy tờ trong hồ sơ công nhận của"),
    "recognition.cell_vote": A("ghi biểu quyết của chi bộ về việc công nhận"),
    "recognition.committee_vote": A("ghi biểu quyết của cấp ủy về việc công nhận"),
    "recognition.section_review": A("ghi ý kiến đảng ủy bộ phận về việc công nhận"),
    "recognition.decision": A("ghi quyết định công nhận chính thức của"),
    "rules.override": A("đặt lại tham số quy định"),
    "rules.override.revoke": A("bỏ tham số đặt lại"),
    "rules.calendar.set": A("ghi ngày nghỉ, ngày làm bù"),
    "rules.calendar.remove": A("bỏ ngày nghỉ, ngày làm bù"),
    "targets.set": A("giao chỉ tiêu kết nạp"),
    "targets.period": A("đặt kỳ chỉ tiêu"),
    "targets.commendation": A("ghi khen thưởng về kết nạp"),
    "transfers.create": A("lập giấy chuyển sinh hoạt của"),
    "transfers.letter": A("ghi giấy giới thiệu chuyển sinh hoạt của"),
    "transfers.receive": A("tiếp nhận sinh hoạt của"),
    "transfers.return": A("ghi trở lại sinh hoạt của"),
    "transfers.cancel": A("hủy chuyển sinh hoạt của"),
    "admin.add": A("thêm trong trang quản trị:"),
    "admin.change": A("sửa trong trang quản trị:"),
    "admin.delete": A("xóa trong trang quản trị:"),
}
# An action not listed above: worded by its group.
GROUPS: dict[str, Promise] = {
    "accounts": A("thay đổi tài khoản"),
    "candidates": A("thay đổi hồ sơ quần chúng"),
    "cases": A("ghi việc trong hồ sơ kết nạp"),
    "classes": A("thay đổi lớp bồi dưỡng"),
    "committees": A("ghi việc của cấp ủy"),
    "documents": A("thay đổi giấy tờ"),
    "members": A("ghi việc của đảng viên"),
    "orgs": A("thay đổi tổ chức"),
    "people": A("sửa thông tin của"),
    "ratings": A("ghi xếp loại"),
    "recognition": A("ghi việc trong hồ sơ công nhận của"),
    "rules": A("thay đổi quy định"),
    "targets": A("thay đổi chỉ tiêu"),
    "transfers": A("ghi việc chuyển sinh hoạt của"),
    "admin": A("thay đổi trong trang quản trị:"),
}
IMPORT_KINDS: dict[str, Promise] = {
    "members": A("đảng viên"),
    "orgs": A("tổ chức đảng"),
    "candidates": A("quần chúng ưu tú"),
    "targets": A("chỉ tiêu kết nạp"),
    "ratings": A("xếp loại chất lượng"),
    "officers": A("cấp ủy"),
    "assignments": A("phân công phụ trách chi bộ"),
    "headcounts": A("số người đơn vị quản lý"),
    "events": A("sự kiện của đảng viên"),
}
# The changes worth a reader's eye, in this order, with their names.
FIELDS: dict[str, Promise] = {
    "role": A("vai trò"),
    "organization": A("tổ chức"),
    "org": A("tổ chức"),
    "cell": A("chi bộ"),
    "parent": A("cấp trên"),
    "name": A("tên"),
    "full_name": A("họ và tên"),
    "username": A("tài khoản"),
    "status": A("trạng thái"),
    "state": A("tình trạng"),
    "kind": A("loại"),
    "step": A("bước"),
    "next": A("bước tiếp theo"),
    "on": A("ngày"),
    "date": A("ngày"),
    "day": A("ngày"),
    "done_on": A("ngày"),
    "held_on": A("ngày họp"),
    "decided_on": A("ngày quyết định"),
    "issued_on": A("ngày cấp"),
    "given_on": A("ngày giới thiệu"),
    "received_on": A("ngày tiếp nhận"),
    "due_on": A("hạn"),
    "until": A("đến ngày"),
    "since": A("từ ngày"),
    "ends_on": A("ngày kết thúc"),
    "letter_on": A("ngày giấy giới thiệu"),
    "yes": A("tán thành"),
    "no": A("không tán thành"),
    "present": A("có mặt"),
    "passed": A("đạt"),
    "outcome": A("kết quả"),
    "result": A("kết quả"),
    "decision_ref": A("số quyết định"),
    "doc_ref": A("số văn bản"),
    "letter_ref": A("số giấy giới thiệu"),
    "ref": A("số văn bản"),
    "reason": A("lý do"),
    "year": A("năm"),
    "level": A("mức"),
    "score": A("điểm"),
    "days": A("số ngày"),
    "rows": A("số dòng"),
    "created": A("thêm mới"),
    "updated": A("cập nhật"),
    "members": A("số đảng viên"),
    "mentor": A("người giúp đỡ"),
    "introducer": A("người giới thiệu"),
    "relation": A("quan hệ"),
    "template": A("mẫu"),
    "form": A("mẫu"),
    "format": A("định dạng"),
    "key": A("tham số"),
    "to": A("đến"),
    "from": A("từ"),
    "office": A("chức vụ"),
    "covered": A("số người"),
    "approved": A("được duyệt"),
    "exempt": A("miễn sinh hoạt"),
    "address": A("địa chỉ"),
    "birth_date": A("ngày sinh"),
    "sex": A("giới tính"),
    "cccd": A("số CCCD"),
    "card_number": A("số thẻ"),
    "phone": A("điện thoại"),
    "object": A("mục"),
}
ORG_FIELDS = {"organization", "org", "cell", "parent", "to", "from"}
MAX_DETAILS = 4  # a sentence, not a table: the rest is behind "chi tiết"


@dataclass
class Line:
    entry: AuditEntry
    sentence: str


def _role_word(role: str | None) -> str:
    return {
        Role.ADMIN: _("Quản trị"),
        Role.STAFF: _("Cán bộ"),
        Role.SECRETARY: _("Bí thư"),
        Role.VIEWER: _("Người xem"),
    }.get(role or "", "")  # type: ignore[call-overload]


def _verb(action: str) -> str:
    if action in ACTIONS:
        return str(ACTIONS[action])
    group, _dot, rest = action.partition(".")
    if rest == "import" and group in IMPORT_KINDS:
        return _("nhập tệp {kind}").format(kind=IMPORT_KINDS[group])
    if action.startswith("members.event."):
        kind = action.removeprefix("members.event.")
        label = dict(EventKind.choices).get(kind, "")
        return _("ghi “{event}” cho đảng viên").format(event=label) if label else str(GROUPS["members"])
    if action.startswith("cases.step."):
        step = BY_CODE.get(action.removeprefix("cases.step."))
        return _("ghi bước “{step}” của hồ sơ").format(step=step.label) if step else str(GROUPS["cases"])
    return str(GROUPS.get(group, _("ghi một thay đổi:")))


def _value(key: str, value: Any, orgs: dict[str, str]) -> str:
    if isinstance(value, list) and len(value) == 2 and not isinstance(value[0], list | dict):
        return f"{_value(key, value[0], orgs)} → {_value(key, value[1], orgs)}"
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if isinstance(value, int):
        return vn_int(value)
    if isinstance(value, list):
        return ", ".join(_value(key, v, orgs) for v in value[:5]) + ("…" if len(value) > 5 else "")
    if isinstance(value, dict):
        return "…"
    text = str(value)
    if key == "role" and text in Role.values:
        return str(Role(text).label)
    if key in ORG_FIELDS and text in orgs:
        return orgs[text]
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":  # a date or moment as JSON stores it
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text).strftime("%d/%m/%Y")
            return dt.datetime.fromisoformat(text).strftime("%d/%m/%Y %H:%M")
        except ValueError:
            pass
    return text


def _details(changes: dict[str, Any], orgs: dict[str, str]) -> str:
    parts = []
    for key, label in FIELDS.items():
        if key in changes and len(parts) < MAX_DETAILS:
            parts.append(f"{label}: {_value(key, changes[key], orgs)}")
    return f" ({'; '.join(parts)})" if parts else ""


def audit_lines(entries: Iterable[AuditEntry]) -> list[Line]:
    """Each entry with its sentence; two queries for the page, whatever its length (the
    actors' roles, the names of the organizations named by code)."""
    entries = list(entries)
    actor_ids = {e.actor_id for e in entries if e.actor_id}
    roles: dict[int, str] = {}
    for user_id, role in RoleAssignment.objects.filter(user_id__in=actor_ids).values_list("user_id", "role"):
        roles.setdefault(user_id, role)
    codes = {
        str(v)
        for e in entries
        if isinstance(e.changes, dict)
        for k, v in e.changes.items()
        if k in ORG_FIELDS and isinstance(v, str)
    }
    orgs: dict[str, str] = {}
    if codes:
        orgs = dict(Organization.objects.filter(code__in=codes).values_list("code", "name"))
    lines = []
    for e in entries:
        who = e.actor_name or _("Hệ thống")
        role = _role_word(roles.get(e.actor_id)) if e.actor_id else ""
        actor = f"{role} {who}" if role else (who if e.actor_id else _("Hệ thống"))
        what = f" {e.object_repr}" if e.object_repr else ""
        details = _details(e.changes, orgs) if isinstance(e.changes, dict) else ""
        lines.append(Line(e, f"{actor} {_verb(e.action)}{what}{details}"))
    return lines
