"""The refusals of ratings's services by code (core/errors.py): the Vietnamese sentence
of each, with its parameters in braces; the English is in the locale."""

from django.utils.translation import gettext_lazy as _

from dangvien.core.errors import catalogue

catalogue(
    "ratings",
    {
        "grade_missing": _("Chọn một mức xếp loại"),
        "member_other_cell": _("Có đảng viên không thuộc chi bộ này: hãy tải lại trang"),
        "score_grade_mismatch": _("{score} điểm ứng với mức {names}"),
        "score_out_of_range": _("Điểm phải từ 0 đến 100"),
        "year_out_of_range": _("Năm đánh giá phải từ 2000 đến {today.year}"),
        "admitted_after_year": _("{m.person.full_name}: vào Đảng sau năm {year}"),
        "member_problem": _("{m.person.full_name}: {problem}"),
    },
)
