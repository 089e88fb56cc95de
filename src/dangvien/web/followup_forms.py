"""Forms of probation and recognition, transfers, exemptions and residence. They parse and
show; the rules are in the services, whose messages come back on the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.cases.models import Outcome, TransferKind
from dangvien.cases.recognition import rules as R
from dangvien.members.models import ExemptionKind
from dangvien.web.forms import VnDateField, officials_field


def _count(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=100000)


class _Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class MentorForm(_Versioned):
    mentor = forms.ChoiceField(label=_("Đảng viên chính thức giúp đỡ"))
    on = VnDateField(label=_("Ngày phân công"))

    def __init__(
        self, *args: Any, members: list[tuple[str, str]], picker_url: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        officials_field(self.fields["mentor"], members, picker_url)


class PapersForm(_Versioned):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in R.END_PAPERS:
            self.fields[name] = VnDateField(label=label, required=False)


class RecognitionVoteForm(_Versioned):
    held_on = VnDateField(label=_("Ngày họp"), help_text=_("Sau ngày hết thời gian dự bị"))
    denominator = _count(_("Tổng số đảng viên được tính"))
    yes = _count(_("Số tán thành công nhận chính thức"))
    no = _count(_("Số tán thành xóa tên"))
    doc_ref = forms.CharField(label=_("Số nghị quyết / biên bản"), max_length=100, required=False)
    meeting = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CommitteeVoteForm(_Versioned):
    held_on = VnDateField(label=_("Ngày họp"))
    members = _count(_("Tổng số ủy viên đảng ủy"))
    yes = _count(_("Số tán thành công nhận chính thức"))
    no = _count(_("Số tán thành xóa tên"))
    doc_ref = forms.CharField(label=_("Số nghị quyết"), max_length=100, required=False)


class SectionReviewForm(_Versioned):
    done_on = VnDateField(label=_("Ngày thẩm định"))
    doc_ref = forms.CharField(label=_("Số văn bản"), max_length=100, required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=1000, required=False)


class RecognitionDecisionForm(_Versioned):
    outcome = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[
            (Outcome.OFFICIAL.value, Outcome.OFFICIAL.label),
            (Outcome.REMOVED.value, Outcome.REMOVED.label),
        ],
        widget=forms.RadioSelect,
    )
    decided_on = VnDateField(label=_("Ngày quyết định"))
    decision_ref = forms.CharField(label=_("Số quyết định"), max_length=100)
    decided_by = forms.CharField(label=_("Cấp ủy ra quyết định"), max_length=200, required=False)


class TransferCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=TransferKind.choices, widget=forms.RadioSelect)
    to_code = forms.CharField(
        label=_("Mã chi bộ nơi đến"),
        max_length=32,
        required=False,
        help_text=_("Mã tổ chức trong dangvien, do nơi nhận cung cấp; để trống nếu chuyển ra ngoài hệ thống"),
    )
    outside_name = forms.CharField(
        label=_("Nơi đến ngoài hệ thống"),
        max_length=300,
        required=False,
        help_text=_("Ví dụ: Đảng bộ tỉnh Cà Mau (chuyển bằng hồ sơ giấy)"),
    )
    moved_on = VnDateField(label=_("Ngày quyết định / chuyển đi"))
    until = VnDateField(label=_("Sinh hoạt tạm thời đến ngày"), required=False)
    reason = forms.CharField(
        label=_("Lý do"), max_length=500, help_text=_("Nơi công tác, cư trú, học tập mới")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class LetterForm(_Versioned):
    letter_ref = forms.CharField(label=_("Số giấy giới thiệu"), max_length=100)
    letter_on = VnDateField(label=_("Ngày cấp"))
    issued_by = forms.CharField(label=_("Cấp ủy cấp giấy"), max_length=200, required=False)


class ReceiveForm(_Versioned):
    received_on = VnDateField(label=_("Ngày đảng viên trình giấy, chi bộ tiếp nhận"))


class DatedForm(_Versioned):
    on = VnDateField(label=_("Ngày"))


class CancelForm(_Versioned):
    on = VnDateField(label=_("Ngày hủy"))
    reason = forms.CharField(label=_("Lý do hủy"), max_length=500)


class ExemptionRequestForm(_Versioned):
    kind = forms.ChoiceField(label=_("Đề nghị"), choices=ExemptionKind.choices, widget=forms.RadioSelect)
    requested_on = VnDateField(label=_("Ngày làm đơn"))
    reason = forms.CharField(label=_("Lý do"), max_length=500)


class ExemptionDecideForm(_Versioned):
    approved = forms.TypedChoiceField(
        label=_("Chi bộ"),
        choices=[("1", _("Đồng ý")), ("0", _("Không đồng ý"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    decided_on = VnDateField(label=_("Ngày quyết định"))
    decision_ref = forms.CharField(label=_("Số nghị quyết / quyết định"), max_length=100)


class ExemptionReportForm(_Versioned):
    reported_on = VnDateField(label=_("Ngày báo cáo cấp ủy cấp trên"))


class ExemptionEndForm(_Versioned):
    on = VnDateField(label=_("Ngày trở lại sinh hoạt"))
    decision_ref = forms.CharField(label=_("Số văn bản"), max_length=100, required=False)


class ResidenceForm(_Versioned):
    cell_code = forms.CharField(label=_("Mã chi bộ nơi cư trú"), max_length=32)
    registered_on = VnDateField(label=_("Ngày đăng ký"))
