"""Forms parse and show; the rules live in the services, whose errors are put back on
the field they name."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.core.dates import DateError, parse_user_date
from dangvien.core.errors import ServiceError, StaleError
from dangvien.members.models import EventKind, Office, Status
from dangvien.orgs.models import OrgKind, Sector
from dangvien.people.models import Sex
from dangvien.people.services import PersonData, validate_person
from dangvien.people.units import provinces, wards_of


def person_data(d: dict[str, Any]) -> PersonData:
    """A person's identity from a form's cleaned data; fields the form lacks are empty."""
    return PersonData(
        full_name=d["full_name"],
        birth_date=d["birth_date"],
        sex=d["sex"],
        cccd=d.get("cccd") or "",
        old_id=d.get("old_id") or "",
        ethnicity=d.get("ethnicity") or "",
        religion=d.get("religion") or "",
        home_town=d.get("home_town") or "",
        residence_province=d.get("residence_province"),
        residence_ward=d.get("residence_ward"),
        residence_detail=d.get("residence_detail") or "",
        education=d.get("education") or "",
        profession=d.get("profession") or "",
        phone=d.get("phone") or "",
    )


def add_person_errors(form: forms.Form) -> None:
    """Every problem with a person's identity in the same pass as the fields' own (issue
    23): a CCCD that does not match the birth year is said together with a missing cell,
    not on the next submit. Only once the name, birth date and sex are readable."""
    d = form.cleaned_data
    if not all(d.get(k) for k in ("full_name", "birth_date", "sex")):
        return
    for key, message in validate_person(person_data(d)).items():
        if key in form.fields and key not in form.errors:
            form.add_error(key, message)


class LazyForms(Mapping[str, forms.Form]):
    """A page's action forms by name, each built when the page first reads it: a dossier
    has fourteen, and its page draws the few its step needs (building every one, with the
    cell's members for the introducer's picker, was a fifth of the page's time)."""

    def __init__(self, makers: dict[str, Callable[[], forms.Form]]) -> None:
        self._makers = makers
        self._made: dict[str, forms.Form] = {}

    def __getitem__(self, name: str) -> forms.Form:
        if name not in self._made:
            self._made[name] = self._makers[name]()
        return self._made[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)


class VnDateField(forms.CharField):
    """dd/mm/yyyy, with a message that says what is wrong (31/02 does not exist)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"placeholder": _("ngày/tháng/năm"), "inputmode": "numeric", "maxlength": "10"}
        )

    def prepare_value(self, value: Any) -> Any:
        if hasattr(value, "strftime"):
            return value.strftime("%d/%m/%Y")
        return value

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        try:
            return parse_user_date(text)
        except DateError as exc:
            raise forms.ValidationError(str(exc)[0].upper() + str(exc)[1:]) from None


def _choices(field: forms.Field, choices: Sequence[tuple[object, object]]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = list(choices)


PICKER_ROWS = 15


class MemberPicker(forms.Widget):
    """A choice among a cell's official members (a mentor, an introducer) that never lays
    out the whole list: the first few in Vietnamese order (and the one chosen), and a box
    that asks the server (htmx, `url`: web:cell_officials) for those whose name or card
    matches what is typed. The field's choices stay the whole list, for validation."""

    template_name = "web/partials/member_picker.html"

    def __init__(self, *, url: str, choices: Sequence[tuple[str, str]], attrs: dict[str, Any] | None = None):
        super().__init__(attrs)
        self.url = url
        self.all = list(choices)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        current = str(value or "")
        rows = [c for c in self.all if c[0] and c[0] != current][:PICKER_ROWS]
        chosen = [c for c in self.all if current and c[0] == current]
        context["widget"].update(
            url=self.url, rows=chosen + rows, total=len([c for c in self.all if c[0]]), current=current
        )
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


def officials_field(field: forms.Field, members: Sequence[tuple[str, str]], picker_url: str) -> None:
    """A field choosing among a cell's official members: every one valid, shown through a
    MemberPicker when the view gives the search's address."""
    _choices(field, [("", "—"), *members])
    if picker_url:
        field.widget = MemberPicker(url=picker_url, choices=members)


def add_service_error(form: forms.Form, exc: ServiceError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def run_versioned(
    request: Any, form: forms.Form, current_version: int, act: Callable[[dict[str, Any]], str]
) -> bool:
    """The pattern of every action form on a dossier page: a form opened on an older
    version (a second tab, a double click) is refused before any field complaint and
    changes nothing; otherwise the service runs and its refusal lands on its field.
    True when done (the success message is queued)."""
    from django.contrib import messages

    if request.POST.get("version") != str(current_version):
        form.is_valid()
        form.errors.clear()
        form.add_error(None, StaleError().message)
        return False
    if not form.is_valid():
        return False
    try:
        message = act(form.cleaned_data)
    except ServiceError as exc:
        add_service_error(form, exc)
        return False
    messages.success(request, message)
    return True


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    birth_date = VnDateField(label=_("Ngày sinh"))
    sex = forms.ChoiceField(label=_("Giới tính"), choices=Sex.choices, widget=forms.RadioSelect)
    cccd = forms.CharField(
        label=_("Số CCCD"), max_length=20, required=False, help_text=_("12 chữ số; để trống nếu chưa có")
    )
    old_id = forms.CharField(label=_("Số CMND cũ"), max_length=12, required=False)
    card_number = forms.CharField(label=_("Số thẻ đảng viên"), max_length=20, required=False)
    cell = forms.ChoiceField(label=_("Chi bộ"))
    admission_date = VnDateField(label=_("Ngày vào Đảng"), help_text=_("Ngày của quyết định kết nạp"))
    ceremony_date = VnDateField(label=_("Ngày lễ kết nạp"), required=False)
    official_date = VnDateField(
        label=_("Ngày chính thức"), required=False, help_text=_("Để trống nếu còn dự bị")
    )
    status = forms.ChoiceField(
        label=_("Sinh hoạt"),
        required=False,
        choices=[
            ("", _("Đang sinh hoạt")),
            (Status.EXEMPT, _("Miễn sinh hoạt")),
            (Status.TEMP_EXEMPT, _("Tạm miễn sinh hoạt")),
        ],
    )
    ethnicity = forms.CharField(label=_("Dân tộc"), max_length=50, required=False, initial="Kinh")
    religion = forms.CharField(label=_("Tôn giáo"), max_length=50, required=False, initial="Không")
    home_town = forms.CharField(label=_("Quê quán"), max_length=200, required=False)
    residence_province = forms.TypedChoiceField(
        label=_("Tỉnh/thành phố cư trú"), coerce=int, required=False, empty_value=None
    )
    residence_ward = forms.TypedChoiceField(
        label=_("Xã/phường cư trú"), coerce=int, required=False, empty_value=None
    )
    residence_detail = forms.CharField(label=_("Địa chỉ (thôn, tổ, số nhà)"), max_length=255, required=False)
    education = forms.CharField(
        label=_("Trình độ học vấn"), max_length=50, required=False, help_text=_("Ví dụ 12/12, 9/12")
    )
    profession = forms.CharField(label=_("Nghề nghiệp"), max_length=100, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)

    def __init__(
        self, *args: Any, cells: list[tuple[str, str]], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["cell"], [("", _("— Chọn chi bộ —")), *cells])
        _choices(self.fields["residence_province"], [("", _("— Chọn tỉnh/thành phố —")), *provinces()])
        province = self.data.get("residence_province") or self.initial.get("residence_province")
        wards = wards_of(int(str(province))) if str(province or "").isdigit() else []
        _choices(self.fields["residence_ward"], [("", _("— Chọn xã/phường —")), *wards])
        if editing:
            for name in ("cell", "admission_date", "official_date", "status"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        add_person_errors(self)
        return cleaned

    def person_data(self) -> PersonData:
        return person_data(self.cleaned_data)


# What the generic "record an event" form offers: a move inside one's own organizations
# and the departures. Admission, recognition, exemptions and transfers have their own
# dossiers (with their steps and deadlines), so they are not offered here.
FORM_EVENTS = (EventKind.CELL_CHANGED, EventKind.REMOVED, EventKind.EXPELLED, EventKind.LEFT, EventKind.DIED)
EVENT_CHOICES = [(k.value, k.label) for k in FORM_EVENTS]


class MemberEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Việc"), choices=EVENT_CHOICES)
    on = VnDateField(label=_("Ngày"))
    to_cell = forms.ChoiceField(label=_("Chuyển đến chi bộ"), required=False)
    decision_ref = forms.CharField(label=_("Số quyết định / nghị quyết"), max_length=100, required=False)
    note = forms.CharField(
        label=_("Ghi chú"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, cells: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["to_cell"], [("", "—"), *cells])


class OrgCreateForm(forms.Form):
    code = forms.CharField(label=_("Mã tổ chức"), max_length=32)
    name = forms.CharField(label=_("Tên tổ chức"), max_length=200)
    kind = forms.ChoiceField(label=_("Loại tổ chức"), choices=OrgKind.choices, initial=OrgKind.CELL)
    sector = forms.ChoiceField(label=_("Loại hình"), choices=[("", "—"), *Sector.choices], required=False)
    founded_on = VnDateField(label=_("Ngày thành lập"), required=False)


class ReorgForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            ("rename", _("Đổi tên")),
            ("move", _("Chuyển trực thuộc")),
            ("merge", _("Hợp nhất")),
            ("split", _("Chia tách")),
            ("dissolve", _("Giải thể")),
        ],
        widget=forms.HiddenInput,
    )
    effective_on = VnDateField(label=_("Ngày hiệu lực"))
    decision_ref = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    name = forms.CharField(label=_("Tên mới"), max_length=200, required=False)
    new_parent = forms.CharField(label=_("Mã tổ chức cấp trên mới"), max_length=32, required=False)
    sources = forms.CharField(label=_("Hoặc gõ mã các tổ chức khác (cách nhau bởi dấu phẩy)"), required=False)
    parts = forms.CharField(
        label=_("Các tổ chức mới (mỗi dòng: mã; tên; số thẻ đảng viên chuyển sang, cách nhau bởi dấu phẩy)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại dữ liệu"),
        choices=[
            ("members", _("Đảng viên")),
            ("orgs", _("Tổ chức đảng")),
            ("candidates", _("Quần chúng ưu tú")),
            ("targets", _("Chỉ tiêu kết nạp")),
            ("ratings", _("Xếp loại chất lượng")),
            ("officers", _("Cấp ủy (người giữ chức vụ)")),
            ("assignments", _("Phân công cấp ủy viên phụ trách chi bộ")),
            ("headcounts", _("Khảo sát nguồn: số người đơn vị quản lý")),
            ("events", _("Sự kiện đã qua của đảng viên")),
        ],
    )
    file = forms.FileField(label=_("Tệp .xlsx hoặc .csv (UTF-8)"))

    def kind_label(self, kind: str) -> str:
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        return str(dict(field.choices).get(kind, kind))  # type: ignore[arg-type]


class RuleOverrideForm(forms.Form):
    key = forms.ChoiceField(label=_("Tham số"))
    value = forms.CharField(
        label=_("Giá trị mới"), max_length=500, help_text=_("Số nguyên, tỷ lệ như 2/3, hoặc có/không")
    )
    effective_from = VnDateField(label=_("Áp dụng từ ngày"))
    province = forms.ChoiceField(label=_("Phạm vi"), required=False)
    reason = forms.CharField(label=_("Lý do, căn cứ (số văn bản)"), max_length=500)

    def __init__(
        self, *args: Any, params: list[tuple[str, str]], provinces: list[tuple[str, str]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        _choices(self.fields["key"], [(k, label) for k, label in params])
        _choices(self.fields["province"], [("", _("Toàn hệ thống")), *provinces])


class CalendarDayForm(forms.Form):
    date = VnDateField(label=_("Ngày"))
    working = forms.TypedChoiceField(
        label=_("Là"),
        choices=[("0", _("ngày nghỉ")), ("1", _("ngày làm việc (làm bù)"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("Lý do (ví dụ số văn bản)"), max_length=200)


class OfficerForm(forms.Form):
    office = forms.ChoiceField(label=_("Chức vụ"), choices=Office.choices)
    card_number = forms.CharField(
        label=_("Số thẻ đảng viên"), max_length=20, required=False, help_text=_("Hoặc ghi họ và tên")
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120, required=False)
    valid_from = VnDateField(label=_("Từ ngày"))
    valid_to = VnDateField(label=_("Đến ngày"), required=False)


class OfficerEndForm(forms.Form):
    on = VnDateField(label=_("Thôi giữ chức vụ từ ngày"))


class AssignmentForm(forms.Form):
    card_number = forms.CharField(
        label=_("Số thẻ đảng viên của cấp ủy viên"),
        max_length=20,
        help_text=_("Ghi chức vụ ở mục “Cấp ủy” trước"),
    )
    cell = forms.ChoiceField(label=_("Chi bộ phụ trách"))
    valid_from = VnDateField(label=_("Từ ngày"))
    valid_to = VnDateField(label=_("Đến ngày"), required=False)


class HeadcountForm(forms.Form):
    cell = forms.ChoiceField(label=_("Chi bộ (đơn vị)"))
    kind = forms.ChoiceField(label=_("Đối tượng"))
    covered = forms.IntegerField(label=_("Số người"), min_value=0, max_value=10_000_000)
    on = VnDateField(label=_("Ngày khảo sát"))


class NoSourceForm(forms.Form):
    cell = forms.ChoiceField(label=_("Chi bộ (đơn vị)"))
    since = VnDateField(label=_("Từ ngày"))
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=300,
        help_text=_("Ví dụ: mọi cán bộ, công chức của cơ quan đã là đảng viên"),
    )


class MeetingForm(forms.Form):
    held_on = VnDateField(label=_("Ngày họp"))
    kind = forms.ChoiceField(label=_("Loại"))
    guests = forms.CharField(
        label=_("Cấp trên dự"),
        max_length=300,
        required=False,
        help_text=_("Họ tên, chức vụ của đồng chí cấp trên dự họp"),
    )
    items = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class MeetingAssessForm(forms.Form):
    candidate = forms.ChoiceField(label=_("Quần chúng hoặc đảng viên dự bị"))
    strengths = forms.CharField(label=_("Ưu điểm"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    weaknesses = forms.CharField(
        label=_("Khuyết điểm"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    conclusion = forms.CharField(label=_("Kết luận của chi bộ"), widget=forms.Textarea(attrs={"rows": 2}))


class CommendationForm(forms.Form):
    unit = forms.CharField(widget=forms.HiddenInput)
    level = forms.CharField(
        label=_("Hình thức khen thưởng"),
        max_length=200,
        help_text=_("Ví dụ: Giấy khen của Ban Chấp hành Đảng bộ xã"),
    )
    decision_ref = forms.CharField(label=_("Số quyết định"), max_length=100)
    decided_on = VnDateField(label=_("Ngày quyết định"))
