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

# What the actor did, as a verb phrase before the object's name.
ACTIONS: dict[str, Promise] = {
    "accounts.create": gettext_lazy("thêm tài khoản"),
    "accounts.assign": gettext_lazy("giao vai trò cho tài khoản"),
    "accounts.locked": gettext_lazy("khóa tài khoản"),
    "accounts.password_change": gettext_lazy("đổi mật khẩu của tài khoản"),
    "accounts.password_reset": gettext_lazy("đặt lại mật khẩu của tài khoản"),
    "accounts.second_factor": gettext_lazy("đổi xác thực hai bước của tài khoản"),
    "accounts.second_factor_on": gettext_lazy("bật xác thực hai bước cho tài khoản"),
    "accounts.second_factor_reset": gettext_lazy("đặt lại xác thực hai bước của tài khoản"),
    "accounts.token_create": gettext_lazy("tạo khóa API cho tài khoản"),
    "candidates.add": gettext_lazy("đưa vào danh sách quần chúng ưu tú"),
    "candidates.assess": gettext_lazy("ghi nhận xét quần chúng"),
    "candidates.certificate": gettext_lazy("ghi giấy chứng nhận học lớp cảm tình Đảng của"),
    "candidates.mentor": gettext_lazy("phân công người giúp đỡ quần chúng"),
    "candidates.withdraw": gettext_lazy("đưa ra khỏi danh sách quần chúng ưu tú"),
    "cases.open": gettext_lazy("mở hồ sơ kết nạp"),
    "cases.cell_vote": gettext_lazy("ghi biểu quyết của chi bộ về hồ sơ"),
    "cases.committee_vote": gettext_lazy("ghi biểu quyết của cấp ủy về hồ sơ"),
    "cases.decision": gettext_lazy("ghi quyết định kết nạp của hồ sơ"),
    "cases.ceremony": gettext_lazy("ghi lễ kết nạp của hồ sơ"),
    "cases.ceremony_day_add": gettext_lazy("thêm ngày kỷ niệm cho lễ kết nạp:"),
    "cases.ceremony_day_remove": gettext_lazy("bỏ ngày kỷ niệm cho lễ kết nạp:"),
    "cases.close": gettext_lazy("đóng hồ sơ"),
    "cases.extend": gettext_lazy("gia hạn hồ sơ"),
    "cases.exceptions": gettext_lazy("ghi trường hợp đặc biệt của hồ sơ"),
    "cases.suspend": gettext_lazy("tạm dừng hồ sơ"),
    "cases.resume": gettext_lazy("tiếp tục hồ sơ"),
    "cases.introduction.add": gettext_lazy("ghi người giới thiệu cho hồ sơ"),
    "cases.introduction.end": gettext_lazy("kết thúc giới thiệu trong hồ sơ"),
    "cases.verification.add": gettext_lazy("gửi thẩm tra lý lịch trong hồ sơ"),
    "cases.verification.result": gettext_lazy("ghi kết quả thẩm tra lý lịch trong hồ sơ"),
    "classes.create": gettext_lazy("mở lớp bồi dưỡng"),
    "classes.enroll": gettext_lazy("ghi danh học viên vào lớp"),
    "classes.result": gettext_lazy("ghi kết quả học của lớp"),
    "committees.assign": gettext_lazy("phân công cấp ủy viên phụ trách:"),
    "committees.assignment_end": gettext_lazy("kết thúc phân công phụ trách:"),
    "committees.headcount": gettext_lazy("ghi số người đơn vị quản lý của"),
    "committees.meeting": gettext_lazy("ghi cuộc họp"),
    "committees.no_source": gettext_lazy("ghi chi bộ không còn nguồn kết nạp:"),
    "committees.no_source_end": gettext_lazy("bỏ ghi không còn nguồn của"),
    "demo.generate": gettext_lazy("tạo dữ liệu mẫu"),
    "documents.generate": gettext_lazy("in giấy tờ"),
    "documents.template_upload": gettext_lazy("tải lên mẫu giấy tờ"),
    "documents.template_activate": gettext_lazy("dùng mẫu giấy tờ"),
    "export": gettext_lazy("xuất danh sách"),
    "members.register": gettext_lazy("ghi tên đảng viên"),
    "members.update": gettext_lazy("sửa thông tin đảng viên"),
    "members.residence": gettext_lazy("ghi nơi cư trú của đảng viên"),
    "members.exemption.request": gettext_lazy("ghi đơn xin miễn sinh hoạt của"),
    "members.exemption.decide": gettext_lazy("ghi quyết định miễn sinh hoạt của"),
    "members.exemption.report": gettext_lazy("ghi báo cáo miễn sinh hoạt của"),
    "members.exemption.end": gettext_lazy("kết thúc miễn sinh hoạt của"),
    "orgs.create": gettext_lazy("thêm tổ chức"),
    "orgs.update": gettext_lazy("sửa tổ chức"),
    "orgs.rename": gettext_lazy("đổi tên tổ chức"),
    "orgs.move": gettext_lazy("chuyển tổ chức"),
    "orgs.merge": gettext_lazy("hợp nhất vào tổ chức"),
    "orgs.split": gettext_lazy("chia tách tổ chức"),
    "orgs.dissolve": gettext_lazy("giải thể tổ chức"),
    "orgs.officer_appoint": gettext_lazy("ghi người giữ chức vụ:"),
    "orgs.officer_end": gettext_lazy("kết thúc chức vụ của"),
    "people.create": gettext_lazy("thêm người"),
    "people.update": gettext_lazy("sửa thông tin của"),
    "ratings.member": gettext_lazy("ghi xếp loại đảng viên"),
    "ratings.org": gettext_lazy("ghi xếp loại tổ chức"),
    "recognition.open": gettext_lazy("mở hồ sơ công nhận chính thức của"),
    "recognition.assess": gettext_lazy("ghi nhận xét trong hồ sơ công nhận của"),
    "recognition.mentor": gettext_lazy("ghi người giúp đỡ trong hồ sơ công nhận của"),
    "recognition.papers": gettext_lazy("ghi giấy tờ trong hồ sơ công nhận của"),
    "recognition.cell_vote": gettext_lazy("ghi biểu quyết của chi bộ về việc công nhận"),
    "recognition.committee_vote": gettext_lazy("ghi biểu quyết của cấp ủy về việc công nhận"),
    "recognition.section_review": gettext_lazy("ghi ý kiến đảng ủy bộ phận về việc công nhận"),
    "recognition.decision": gettext_lazy("ghi quyết định công nhận chính thức của"),
    "rules.override": gettext_lazy("đặt lại tham số quy định"),
    "rules.override.revoke": gettext_lazy("bỏ tham số đặt lại"),
    "rules.calendar.set": gettext_lazy("ghi ngày nghỉ, ngày làm bù"),
    "rules.calendar.remove": gettext_lazy("bỏ ngày nghỉ, ngày làm bù"),
    "targets.set": gettext_lazy("giao chỉ tiêu kết nạp"),
    "targets.period": gettext_lazy("đặt kỳ chỉ tiêu"),
    "targets.commendation": gettext_lazy("ghi khen thưởng về kết nạp"),
    "transfers.create": gettext_lazy("lập giấy chuyển sinh hoạt của"),
    "transfers.letter": gettext_lazy("ghi giấy giới thiệu chuyển sinh hoạt của"),
    "transfers.receive": gettext_lazy("tiếp nhận sinh hoạt của"),
    "transfers.return": gettext_lazy("ghi trở lại sinh hoạt của"),
    "transfers.cancel": gettext_lazy("hủy chuyển sinh hoạt của"),
    "admin.add": gettext_lazy("thêm trong trang quản trị:"),
    "admin.change": gettext_lazy("sửa trong trang quản trị:"),
    "admin.delete": gettext_lazy("xóa trong trang quản trị:"),
}
# An action not listed above: worded by its group.
GROUPS: dict[str, Promise] = {
    "accounts": gettext_lazy("thay đổi tài khoản"),
    "candidates": gettext_lazy("thay đổi hồ sơ quần chúng"),
    "cases": gettext_lazy("ghi việc trong hồ sơ kết nạp"),
    "classes": gettext_lazy("thay đổi lớp bồi dưỡng"),
    "committees": gettext_lazy("ghi việc của cấp ủy"),
    "documents": gettext_lazy("thay đổi giấy tờ"),
    "members": gettext_lazy("ghi việc của đảng viên"),
    "orgs": gettext_lazy("thay đổi tổ chức"),
    "people": gettext_lazy("sửa thông tin của"),
    "ratings": gettext_lazy("ghi xếp loại"),
    "recognition": gettext_lazy("ghi việc trong hồ sơ công nhận của"),
    "rules": gettext_lazy("thay đổi quy định"),
    "targets": gettext_lazy("thay đổi chỉ tiêu"),
    "transfers": gettext_lazy("ghi việc chuyển sinh hoạt của"),
    "admin": gettext_lazy("thay đổi trong trang quản trị:"),
}
IMPORT_KINDS: dict[str, Promise] = {
    "members": gettext_lazy("đảng viên"),
    "orgs": gettext_lazy("tổ chức đảng"),
    "candidates": gettext_lazy("quần chúng ưu tú"),
    "targets": gettext_lazy("chỉ tiêu kết nạp"),
    "ratings": gettext_lazy("xếp loại chất lượng"),
    "officers": gettext_lazy("cấp ủy"),
    "assignments": gettext_lazy("phân công phụ trách chi bộ"),
    "headcounts": gettext_lazy("số người đơn vị quản lý"),
    "events": gettext_lazy("sự kiện của đảng viên"),
}
# The changes worth a reader's eye, in this order, with their names.
FIELDS: dict[str, Promise] = {
    "role": gettext_lazy("vai trò"),
    "organization": gettext_lazy("tổ chức"),
    "org": gettext_lazy("tổ chức"),
    "cell": gettext_lazy("chi bộ"),
    "parent": gettext_lazy("cấp trên"),
    "name": gettext_lazy("tên"),
    "full_name": gettext_lazy("họ và tên"),
    "username": gettext_lazy("tài khoản"),
    "status": gettext_lazy("trạng thái"),
    "state": gettext_lazy("tình trạng"),
    "kind": gettext_lazy("loại"),
    "step": gettext_lazy("bước"),
    "next": gettext_lazy("bước tiếp theo"),
    "on": gettext_lazy("ngày"),
    "date": gettext_lazy("ngày"),
    "day": gettext_lazy("ngày"),
    "done_on": gettext_lazy("ngày"),
    "held_on": gettext_lazy("ngày họp"),
    "decided_on": gettext_lazy("ngày quyết định"),
    "issued_on": gettext_lazy("ngày cấp"),
    "given_on": gettext_lazy("ngày giới thiệu"),
    "received_on": gettext_lazy("ngày tiếp nhận"),
    "due_on": gettext_lazy("hạn"),
    "until": gettext_lazy("đến ngày"),
    "since": gettext_lazy("từ ngày"),
    "ends_on": gettext_lazy("ngày kết thúc"),
    "letter_on": gettext_lazy("ngày giấy giới thiệu"),
    "yes": gettext_lazy("tán thành"),
    "no": gettext_lazy("không tán thành"),
    "present": gettext_lazy("có mặt"),
    "passed": gettext_lazy("đạt"),
    "outcome": gettext_lazy("kết quả"),
    "result": gettext_lazy("kết quả"),
    "decision_ref": gettext_lazy("số quyết định"),
    "doc_ref": gettext_lazy("số văn bản"),
    "letter_ref": gettext_lazy("số giấy giới thiệu"),
    "ref": gettext_lazy("số văn bản"),
    "reason": gettext_lazy("lý do"),
    "year": gettext_lazy("năm"),
    "level": gettext_lazy("mức"),
    "score": gettext_lazy("điểm"),
    "days": gettext_lazy("số ngày"),
    "rows": gettext_lazy("số dòng"),
    "created": gettext_lazy("thêm mới"),
    "updated": gettext_lazy("cập nhật"),
    "members": gettext_lazy("số đảng viên"),
    "mentor": gettext_lazy("người giúp đỡ"),
    "introducer": gettext_lazy("người giới thiệu"),
    "relation": gettext_lazy("quan hệ"),
    "template": gettext_lazy("mẫu"),
    "form": gettext_lazy("mẫu"),
    "format": gettext_lazy("định dạng"),
    "key": gettext_lazy("tham số"),
    "to": gettext_lazy("đến"),
    "from": gettext_lazy("từ"),
    "office": gettext_lazy("chức vụ"),
    "covered": gettext_lazy("số người"),
    "approved": gettext_lazy("được duyệt"),
    "exempt": gettext_lazy("miễn sinh hoạt"),
    "address": gettext_lazy("địa chỉ"),
    "birth_date": gettext_lazy("ngày sinh"),
    "sex": gettext_lazy("giới tính"),
    "cccd": gettext_lazy("số CCCD"),
    "card_number": gettext_lazy("số thẻ"),
    "phone": gettext_lazy("điện thoại"),
    "object": gettext_lazy("mục"),
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
    parts: list[str] = []
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
