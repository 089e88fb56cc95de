"""The refusals of people's services by code (core/errors.py): the Vietnamese sentence
of each, with its parameters in braces; the English is in the locale."""

from django.utils.translation import gettext_lazy as _

from dangvien.core.errors import catalogue

catalogue(
    "people",
    {
        "cccd_other_person": _("Số CCCD này đã có ở một người khác (khác ngày sinh hoặc giới tính)"),
        # The same sentences as people.ownership's, for the import's rows.
        "other_scope": _("Số CCCD này không dùng được; liên hệ cấp ủy cấp trên"),
        "other_scope_person": _(
            "Người này còn thuộc tổ chức khác ngoài phạm vi tài khoản của bạn; "
            "liên hệ cấp ủy cấp trên để sửa thông tin cá nhân"
        ),
        "cccd_taken": _("Số CCCD này đã có ở một người khác"),
    },
)
