"""The refusals of candidates's services by code (core/errors.py): the Vietnamese sentence
of each, with its parameters in braces; the English is in the locale."""

from django.utils.translation import gettext_lazy as _

from dangvien.core.errors import catalogue

catalogue(
    "candidates",
    {
        "already_listed": _("{p.full_name} đã có trong danh sách quần chúng ưu tú"),
        "already_listed_same_birth": _(
            "{person.full_name} ({person.birth_date:%d/%m/%Y}) đã có trong danh sách quần chúng ưu tú"
        ),
        "already_member": _("{p.full_name} đang là đảng viên"),
        "already_member_same_birth": _("{person.full_name} ({person.birth_date:%d/%m/%Y}) đang là đảng viên"),
        "already_mentor": _("{mentor.person.full_name} đang là người giúp đỡ"),
        "certificate_before_class_end": _(
            "Ngày cấp giấy chứng nhận không thể trước ngày bế giảng ({tc.ends_on:%d/%m/%Y})"
        ),
        "certificate_date_missing": _("Ghi ngày cấp giấy chứng nhận"),
        "certificate_kind_invalid": _("Loại giấy chứng nhận không hợp lệ"),
        "class_ends_before_start": _("Ngày bế giảng phải từ ngày khai giảng trở đi"),
        "class_kind_invalid": _("Loại lớp không hợp lệ"),
        "class_name_missing": _("Ghi tên lớp"),
        "conclusion_missing": _("Ghi kết luận của chi bộ"),
        "in_admission": _("Đang có hồ sơ kết nạp: dừng hồ sơ trước, rồi đưa ra khỏi danh sách"),
        "introducer_not_member": _("Người giới thiệu phải là đảng viên đang sinh hoạt"),
        "left_or_admitted": _("Quần chúng này đã ra khỏi danh sách hoặc đã được kết nạp"),
        "mentor_date_before_previous": _(
            "Ngày phân công phải từ {current.valid_from:%d/%m/%Y} (ngày phân công người trước)"
        ),
        "mentor_not_official": _(
            "{mentor.person.full_name} không phải đảng viên chính thức: người giúp đỡ phải là đảng viên chính thức"
        ),
        "mentor_other_cell": _("{mentor.person.full_name} không sinh hoạt ở {cell.name}"),
        "not_a_cell": _("“{cell.name}” không phải chi bộ: quần chúng được theo dõi ở chi bộ"),
        "not_listed": _("{p.full_name} không có trong danh sách quần chúng ưu tú"),
        "not_listed_any_more": _("Quần chúng này không còn trong danh sách"),
        "not_probationary": _("{p.full_name} không phải đảng viên dự bị"),
        "result_invalid": _("Kết quả phải là Đạt hoặc Không đạt"),
        "source_invalid": _("Nguồn không hợp lệ"),
        "withdraw_reason_missing": _("Ghi lý do đưa ra khỏi danh sách"),
    },
)
