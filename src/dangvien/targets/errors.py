"""The refusals of targets's services by code (core/errors.py): the Vietnamese sentence
of each, with its parameters in braces; the English is in the locale."""

from django.utils.translation import gettext_lazy as _

from dangvien.core.errors import catalogue

catalogue(
    "targets",
    {
        "effective_after_period": _(
            "Ngày hiệu lực {on:%d/%m/%Y} sau khi {bounds.label} kết thúc ({bounds.end:%d/%m/%Y})"
        ),
        "no_such_group": _("Không có nhóm “{v1}”. Các nhóm: {v2}"),
        "org_inactive": _("“{org.name}” đã thôi hoạt động: không giao chỉ tiêu"),
        "period_invalid": _(
            "Kỳ “{text}” không hợp lệ: viết một nhiệm kỳ như 2025-2030 hoặc một năm như 2026"
        ),
        "period_too_far": _(
            "Ngày của {default.label} phải cách ngày mặc định ({default.start:%d/%m/%Y}–{default.end:%d/%m/%Y}) không quá một năm"
        ),
        "start_after_end": _("Ngày bắt đầu phải trước ngày kết thúc"),
        "target_not_number": _("Chỉ tiêu phải là một số nguyên không âm, ví dụ 25"),
        "target_too_large": _("Chỉ tiêu quá lớn: kiểm tra lại con số"),
        "term_invalid": _("Nhiệm kỳ “{text}” không hợp lệ: năm đầu phải trước năm cuối, ví dụ 2025-2030"),
        "commendation_no_committee": _("Tổ chức này không có cấp ủy cấp trên để quyết định khen thưởng"),
        "commendation_incomplete": _("Ghi hình thức khen thưởng và số quyết định"),
        "commendation_before_year_end": _("Quyết định khen thưởng năm {year} phải từ năm {year} trở đi"),
        "commendation_exists": _("{org.name} đã có quyết định khen thưởng năm {year}"),
    },
)
