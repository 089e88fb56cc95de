"""Forms of the pool, the classes and the admission dossier (one per action on the case
page). They parse and show; the rules are in the services, whose messages come back on
the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.candidates.models import ClassKind, Result, Source
from dangvien.cases.admission import procedure as P
from dangvien.cases.models import (
    CaseState,
    Exclusion,
    IntroKind,
    PriorExit,
    Relation,
    Route,
    VerificationResult,
)
from dangvien.people.models import Sex
from dangvien.people.services import PersonData
from dangvien.web.forms import VnDateField, _choices, add_person_errors, officials_field, person_data


def _count(label: Any, *, required: bool = True, initial: int | None = None) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=required, initial=initial, min_value=0, max_value=100000)


def _papers_field(step: str, route: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Giấy tờ đã nộp"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (p.code, f"{p.form} — {p.label}" if p.form else str(p.label))
            for p in P.required_papers(step, route)
        ],
    )


class _CaseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    step_code = ""  # the step whose papers the form lists, if any

    def __init__(self, *args: Any, route: str = Route.MEMBERS, step: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "papers" in self.fields:
            self.fields["papers"] = _papers_field(step or self.step_code, route)


class OpenForm(forms.Form):
    opened_on = VnDateField(label=_("Ngày mở hồ sơ"))
    route = forms.ChoiceField(label=_("Hình thức giới thiệu"), choices=Route.choices)
    education_exception = forms.CharField(
        label=_("Ngoại lệ về học vấn (nếu áp dụng)"), max_length=300, required=False
    )
    over_age_agreement = forms.CharField(
        label=_("Văn bản đồng ý của Ban Thường vụ tỉnh ủy (nếu trên 60 tuổi)"), max_length=300, required=False
    )
    readmission_agreement = forms.CharField(
        label=_("Văn bản đồng ý kết nạp lại (nếu có)"), max_length=300, required=False
    )
    prior_exit = forms.ChoiceField(
        label=_("Kết nạp lại: lý do ra khỏi Đảng lần trước"),
        choices=[("", _("— Không phải kết nạp lại, hoặc theo danh sách đảng viên —")), *PriorExit.choices],
        required=False,
    )
    conviction_cleared_on = VnDateField(label=_("Ngày được xóa án tích (nếu có)"), required=False)


class ExceptionsForm(_CaseForm):
    education_exception = forms.CharField(
        label=_("Ngoại lệ về học vấn được áp dụng"),
        max_length=300,
        required=False,
        help_text=_("Ví dụ: xã đặc biệt khó khăn theo QĐ ... (ghi căn cứ)"),
    )
    over_age_agreement = forms.CharField(
        label=_("Văn bản đồng ý của Ban Thường vụ tỉnh ủy (trên 60 tuổi)"), max_length=300, required=False
    )
    readmission_agreement = forms.CharField(
        label=_("Văn bản đồng ý kết nạp lại"), max_length=300, required=False
    )
    prior_exit = forms.ChoiceField(
        label=_("Kết nạp lại: lý do ra khỏi Đảng lần trước"),
        choices=[("", _("— Không phải kết nạp lại, hoặc theo danh sách đảng viên —")), *PriorExit.choices],
        required=False,
    )
    conviction_cleared_on = VnDateField(label=_("Ngày được xóa án tích (nếu có)"), required=False)


class StepForm(_CaseForm):
    done_on = VnDateField(label=_("Ngày"))
    doc_ref = forms.CharField(label=_("Số văn bản"), max_length=100, required=False)
    papers = forms.MultipleChoiceField(required=False)
    note = forms.CharField(
        label=_("Ghi chú"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VerificationAddForm(_CaseForm):
    relation = forms.ChoiceField(
        label=_("Quan hệ"), choices=[c for c in Relation.choices if c[0] != Relation.SELF]
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    exempt = forms.BooleanField(label=_("Là đảng viên, đã khai đầy đủ (không phải thẩm tra)"), required=False)


class VerificationResultForm(_CaseForm):
    verification = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(
        label=_("Kết quả"),
        choices=[c for c in VerificationResult.choices if c[0] != VerificationResult.PENDING],
    )
    result_on = VnDateField(label=_("Ngày có kết quả"))
    result_ref = forms.CharField(label=_("Số văn bản trả lời"), max_length=100, required=False)


class IntroductionForm(_CaseForm):
    kind = forms.ChoiceField(label=_("Giới thiệu bởi"), choices=IntroKind.choices)
    introducer = forms.ChoiceField(label=_("Đảng viên giới thiệu"), required=False)
    months_together = forms.IntegerField(
        label=_("Số tháng cùng công tác, học tập hoặc sinh hoạt"), required=False, min_value=0, max_value=1200
    )
    is_relative = forms.BooleanField(label=_("Là người thân của người vào Đảng"), required=False)
    replacement = forms.BooleanField(label=_("Giới thiệu thay người đã thôi"), required=False)
    given_on = VnDateField(label=_("Ngày giới thiệu"))
    doc_ref = forms.CharField(label=_("Số nghị quyết (Đoàn / Công đoàn)"), max_length=100, required=False)

    def __init__(
        self, *args: Any, members: list[tuple[str, str]] | None = None, picker_url: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        officials_field(self.fields["introducer"], members or [], picker_url)


class IntroductionEndForm(_CaseForm):
    introduction = forms.IntegerField(widget=forms.HiddenInput)
    on = VnDateField(label=_("Ngày thôi giới thiệu"))
    reason = forms.CharField(label=_("Lý do"), max_length=300)


class CellVoteForm(_CaseForm):
    step_code = P.CELL_VOTE
    held_on = VnDateField(label=_("Ngày họp chi bộ"))
    summoned = _count(_("Số đảng viên chính thức được triệu tập"))
    present = _count(_("Số có mặt"), required=False)
    exempt_present = _count(_("Đảng viên miễn/tạm miễn sinh hoạt có mặt và biểu quyết"), initial=0)
    denominator = _count(_("Tổng số đảng viên được tính để biểu quyết"))
    denominator_note = forms.CharField(
        label=_("Lý do điều chỉnh tổng số (nếu khác số hệ thống đề xuất)"), max_length=500, required=False
    )
    yes = _count(_("Tán thành"))
    no = _count(_("Không tán thành"), initial=0)
    doc_ref = forms.CharField(label=_("Số nghị quyết chi bộ"), max_length=100, required=False)
    papers = forms.MultipleChoiceField(required=False)
    meeting = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in Exclusion.choices:
            self.fields[f"excluded_{code}"] = _count(label, required=False, initial=0)

    def exclusion_fields(self) -> list[forms.BoundField]:
        return [self[f"excluded_{code}"] for code in Exclusion.values]

    def excluded(self) -> dict[str, int]:
        return {code: self.cleaned_data.get(f"excluded_{code}") or 0 for code in Exclusion.values}


class CommitteeVoteForm(_CaseForm):
    step_code = P.BASE_RESOLUTION
    held_on = VnDateField(label=_("Ngày họp đảng ủy"))
    members = forms.IntegerField(label=_("Tổng số cấp ủy viên"), min_value=1, max_value=1000)
    present = forms.IntegerField(label=_("Số có mặt"), required=False, min_value=0, max_value=1000)
    yes = _count(_("Tán thành"))
    no = _count(_("Không tán thành"), initial=0)
    doc_ref = forms.CharField(label=_("Số nghị quyết"), max_length=100, required=False)
    papers = forms.MultipleChoiceField(required=False)


class DecisionForm(_CaseForm):
    step_code = P.DECISION
    decided_on = VnDateField(label=_("Ngày quyết định"))
    decision_ref = forms.CharField(label=_("Số quyết định"), max_length=100)
    decided_by = forms.CharField(label=_("Cấp ủy ra quyết định"), max_length=200, required=False)
    received_on = VnDateField(label=_("Ngày chi bộ nhận quyết định"))
    papers = forms.MultipleChoiceField(required=False)


class ExtendForm(_CaseForm):
    days = forms.IntegerField(label=_("Số ngày làm việc gia hạn"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("Lý do gia hạn"), max_length=500)


class CeremonyForm(_CaseForm):
    step_code = P.CEREMONY
    held_on = VnDateField(label=_("Ngày tổ chức lễ kết nạp"))
    late_agreement = forms.CharField(
        label=_("Văn bản đồng ý của cấp ủy cấp trên (nếu tổ chức muộn)"), max_length=300, required=False
    )
    papers = forms.MultipleChoiceField(required=False)


class SuspendForm(_CaseForm):
    on = VnDateField(label=_("Ngày tạm dừng"))
    reason = forms.CharField(label=_("Lý do tạm dừng"), max_length=500)


class ResumeForm(_CaseForm):
    on = VnDateField(label=_("Ngày tiếp tục"))
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class CloseForm(_CaseForm):
    on = VnDateField(label=_("Ngày"))
    outcome = forms.ChoiceField(
        label=_("Kết quả"),
        choices=[(CaseState.REJECTED, _("Không kết nạp")), (CaseState.WITHDRAWN, _("Rút hồ sơ"))],
    )
    reason = forms.CharField(label=_("Lý do"), max_length=500)
    keep_in_pool = forms.TypedChoiceField(
        label=_("Sau đó"),
        coerce=lambda v: v == "1",
        choices=[
            ("1", _("Vẫn theo dõi trong danh sách quần chúng ưu tú")),
            ("0", _("Đưa ra khỏi danh sách")),
        ],
        initial="1",
    )


# --- The pool and the classes -----------------------------------------------------------


class CandidateForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    birth_date = VnDateField(label=_("Ngày sinh"))
    sex = forms.ChoiceField(label=_("Giới tính"), choices=Sex.choices, widget=forms.RadioSelect)
    cccd = forms.CharField(
        label=_("Số CCCD"), max_length=20, required=False, help_text=_("12 chữ số; để trống nếu chưa có")
    )
    ethnicity = forms.CharField(label=_("Dân tộc"), max_length=50, required=False, initial="Kinh")
    religion = forms.CharField(label=_("Tôn giáo"), max_length=50, required=False, initial="Không")
    education = forms.CharField(
        label=_("Trình độ học vấn"), max_length=50, required=False, help_text=_("Ví dụ 12/12, 9/12, Đại học")
    )
    profession = forms.CharField(label=_("Nghề nghiệp"), max_length=100, required=False)
    cell = forms.ChoiceField(label=_("Chi bộ"))
    source = forms.ChoiceField(label=_("Nguồn"), choices=Source.choices)
    listed_on = VnDateField(label=_("Ngày chi bộ đưa vào danh sách cảm tình Đảng"), required=False)
    listed_ref = forms.CharField(label=_("Số nghị quyết chi bộ"), max_length=100, required=False)
    introducer = forms.CharField(
        label=_("Người giới thiệu (số thẻ đảng viên)"),
        max_length=20,
        required=False,
        help_text=_("Thường là cấp ủy viên phụ trách chi bộ; để trống nếu do đoàn thể giới thiệu"),
    )
    certificate_date = VnDateField(
        label=_("Ngày cấp giấy chứng nhận lớp nhận thức (nếu đã học)"), required=False
    )

    def __init__(self, *args: Any, cells: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["cell"], [("", _("— Chọn chi bộ —")), *cells])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        add_person_errors(self)
        return cleaned

    def person_data(self) -> PersonData:
        return person_data(self.cleaned_data)


class MentorForm(forms.Form):
    mentor = forms.ChoiceField(label=_("Đảng viên chính thức giúp đỡ"))
    on = VnDateField(label=_("Từ ngày"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, members: list[tuple[str, str]], picker_url: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        officials_field(self.fields["mentor"], members, picker_url)


class AssessmentForm(forms.Form):
    on = VnDateField(label=_("Ngày chi bộ họp"))
    strengths = forms.CharField(label=_("Ưu điểm"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    weaknesses = forms.CharField(
        label=_("Khuyết điểm"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    conclusion = forms.CharField(label=_("Kết luận của chi bộ"), widget=forms.Textarea(attrs={"rows": 2}))


class CertificateForm(forms.Form):
    issued_on = VnDateField(label=_("Ngày cấp"))
    number = forms.CharField(label=_("Số giấy chứng nhận"), max_length=50, required=False)


class WithdrawForm(forms.Form):
    on = VnDateField(label=_("Ngày"))
    reason = forms.CharField(label=_("Lý do đưa ra khỏi danh sách"), max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ClassForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại lớp"), choices=ClassKind.choices)
    name = forms.CharField(label=_("Tên lớp"), max_length=200)
    organizer = forms.ChoiceField(label=_("Cấp ủy mở lớp"))
    organizer_name = forms.CharField(label=_("Trung tâm chính trị"), max_length=200, required=False)
    starts_on = VnDateField(label=_("Ngày khai giảng"))
    ends_on = VnDateField(label=_("Ngày bế giảng"))
    place = forms.CharField(label=_("Địa điểm"), max_length=200, required=False)

    def __init__(self, *args: Any, orgs: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["organizer"], orgs)


class _IdsField(forms.Field):
    """Record ids ticked in a picker whose rows come and go with the search (no fixed
    choices): whole numbers, checked against the database by the form."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Lựa chọn không hợp lệ. Tải lại trang rồi chọn lại.")) from None


ENROLL_AT_ONCE = 200


class EnrollForm(forms.Form):
    """The people ticked in the picker (their person ids), each checked against who may be
    enrolled (`allowed`, rows of person_id) by one query, not against a list on the page."""

    people = _IdsField(
        label=_("Học viên"), error_messages={"required": _("Chọn ít nhất một người để ghi danh.")}
    )

    def __init__(self, *args: Any, allowed: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed = allowed

    def clean_people(self) -> list[int]:
        ids = self.cleaned_data["people"]
        if len(ids) > ENROLL_AT_ONCE:  # the picker shows 50; more is not a form a person sent
            raise forms.ValidationError(
                _("Mỗi lần ghi danh tối đa {n} người. Chọn ít hơn rồi ghi danh tiếp.").format(
                    n=ENROLL_AT_ONCE
                )
            )
        known = set(self.allowed.filter(person_id__in=ids).values_list("person_id", flat=True))
        if set(ids) - known:
            raise forms.ValidationError(
                _(
                    "Có người không còn ghi danh được (đã ghi danh, hoặc ngoài phạm vi). Tải lại trang rồi "
                    "chọn lại."
                )
            )
        return ids


class ResultForm(forms.Form):
    attendance = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(
        label=_("Kết quả"), choices=[(Result.PASSED, _("Đạt")), (Result.FAILED, _("Không đạt"))]
    )
    certificate_number = forms.CharField(label=_("Số giấy chứng nhận"), max_length=50, required=False)
    certificate_date = VnDateField(label=_("Ngày cấp"), required=False)
