"""The refusals of orgs's services by code (core/errors.py): the Vietnamese sentence
of each, with its parameters in braces; the English is in the locale."""

from django.utils.translation import gettext_lazy as _

from dangvien.core.errors import catalogue

catalogue(
    "orgs",
    {
        "admin_only_top": _("Chỉ quản trị hệ thống được tạo tổ chức cấp cao nhất"),
        "already_dissolved": _("“{org.name}” đã giải thể từ trước"),
        "already_under": _("“{org.name}” đã trực thuộc “{new_parent.name}”"),
        "cell_needs_parent": _("Chi bộ phải trực thuộc một tổ chức đảng"),
        "code_invalid": _("Mã tổ chức tối đa 32 ký tự, chỉ gồm chữ không dấu, chữ số và dấu . - _"),
        "code_missing": _("Chưa nhập mã tổ chức"),
        "code_taken": _("Mã tổ chức “{v1}” đã có"),
        "dissolve_not_empty": _(
            "“{org.name}” còn {members} đảng viên và {children} tổ chức trực thuộc: hãy chuyển hoặc hợp nhất trước khi giải thể"
        ),
        "effective_before_last_change": _(
            "Ngày hiệu lực phải từ {latest:%d/%m/%Y} trở đi (ngày của lần thay đổi gần nhất)"
        ),
        "effective_in_future": _("Ngày hiệu lực không được sau hôm nay"),
        "has_children": _("Tổ chức còn tổ chức trực thuộc nên không thể là chi bộ"),
        "has_members": _("Tổ chức còn đảng viên sinh hoạt nên phải là chi bộ"),
        "kind_invalid": _("Loại tổ chức không hợp lệ"),
        "merge_children_into_cell": _("“{s.name}” có tổ chức trực thuộc nên không thể hợp nhất vào chi bộ"),
        "merge_into_own_child": _("Không thể hợp nhất “{s.name}” vào tổ chức trực thuộc nó"),
        "merge_members_need_cell": _("“{s.name}” có đảng viên nên phải hợp nhất vào một chi bộ"),
        "merge_sources_missing": _("Chọn ít nhất một tổ chức để hợp nhất vào"),
        "move_into_itself": _(
            "Không thể chuyển “{org.name}” vào chính nó hoặc tổ chức trực thuộc nó (tạo vòng lặp)"
        ),
        "name_missing": _("Chưa nhập tên tổ chức"),
        "name_taken": _("Đã có tổ chức tên “{existing.name}” {where}"),
        "parent_dissolved": _("“{parent.name}” đã giải thể hoặc hợp nhất"),
        "parent_is_cell": _("“{parent.name}” là chi bộ, không thể có tổ chức trực thuộc"),
        "same_name": _("Tên mới trùng tên hiện tại"),
        "sector_invalid": _("Loại hình không hợp lệ"),
        "source_dissolved": _("“{s.name}” đã giải thể hoặc hợp nhất"),
        "split_leftovers": _(
            "“{source.name}” còn {left_members} đảng viên và {left_children} tổ chức chưa chia về đâu"
        ),
        "split_parts_missing": _("Cần ít nhất một tổ chức mới"),
        "split_top": _("Không thể chia tách tổ chức cấp cao nhất"),
    },
)
