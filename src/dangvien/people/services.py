"""Writes to the people table: identity data, validated once here for every front door."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.core.events import announce
from dangvien.core.text import clean_name
from dangvien.orgs.scope import scope_for
from dangvien.people.cccd import CccdError, validate_cccd
from dangvien.people.events import PeopleChanged
from dangvien.people.models import Person, Sex
from dangvien.people.ownership import persons_out_of_reach
from dangvien.people.units import province_name, ward_in_province

# The facts the member and admission figures are counted by (reports/figures.py): a change
# to one recounts the person's cells.
COUNTED = {"sex", "birth_date", "ethnicity", "religion", "education"}
_NOT_IN_NAMES = re.compile(r"[<>{}\[\]@#$%^*=\\|]")
_SEXES = frozenset(Sex.values)  # Enum.values builds its list anew at every call


@dataclass
class PersonData:
    full_name: str
    birth_date: dt.date
    sex: str
    cccd: str = ""
    old_id: str = ""
    ethnicity: str = ""
    religion: str = ""
    home_town: str = ""
    residence_province: int | None = None
    residence_ward: int | None = None
    residence_detail: str = ""
    education: str = ""
    profession: str = ""
    phone: str = ""


def validate_person(data: PersonData, *, today: dt.date | None = None) -> dict[str, str]:
    """Every problem with the identity data, keyed by field; empty when it is valid.
    Normalizes data in place (trimmed name, CCCD without spaces)."""
    errors: dict[str, str] = {}
    data.full_name = clean_name(data.full_name)
    if not data.full_name:
        errors["full_name"] = _("Chưa nhập họ và tên")
    elif len(data.full_name) > 120:
        errors["full_name"] = _("Họ và tên tối đa 120 ký tự")
    elif any(map(str.isdigit, data.full_name)) or _NOT_IN_NAMES.search(data.full_name):
        errors["full_name"] = _("Họ và tên chỉ gồm chữ cái và khoảng trắng")
    today = today or timezone.localdate()  # an import passes it once for all its rows
    if data.birth_date > today:
        errors["birth_date"] = _("Ngày sinh không được sau hôm nay")
    elif data.birth_date.year < 1900:
        errors["birth_date"] = _("Ngày sinh phải từ năm 1900")
    if data.sex not in _SEXES:
        errors["sex"] = _("Giới tính phải là Nam hoặc Nữ")
    if data.cccd.strip():
        try:
            data.cccd = validate_cccd(
                data.cccd,
                sex=data.sex if "sex" not in errors else None,
                birth_date=data.birth_date if "birth_date" not in errors else None,
            )
        except CccdError as exc:
            errors["cccd"] = str(exc)
    else:
        data.cccd = ""
    old = data.old_id.strip()
    if old and (not old.isdigit() or len(old) not in (9, 12)):
        errors["old_id"] = _("Số CMND cũ gồm 9 (hoặc 12) chữ số")
    phone = data.phone.replace(" ", "").replace(".", "")
    if phone and (not phone.lstrip("+").isdigit() or not 9 <= len(phone.lstrip("+")) <= 12):
        errors["phone"] = _("Số điện thoại không hợp lệ (ví dụ 0912345678)")
    data.phone = phone
    if data.residence_province is not None and province_name(data.residence_province) is None:
        errors["residence_province"] = _("Tỉnh/thành phố không có trong danh mục 34 tỉnh, thành phố")
    if data.residence_ward is not None:
        if data.residence_province is None:
            errors["residence_ward"] = _("Chọn tỉnh/thành phố trước khi chọn xã/phường")
        elif not ward_in_province(data.residence_ward, data.residence_province):
            errors["residence_ward"] = _("Xã/phường không thuộc tỉnh/thành phố đã chọn")
    for name in ("ethnicity", "religion", "education"):
        if len(getattr(data, name)) > 50:
            errors[name] = _("Tối đa 50 ký tự")
    return errors


def person_apply(
    *,
    actor: User | None,
    data: PersonData,
    existing: Person | None = None,
    audit: bool = True,
    collect: dict[str, Any] | None = None,
) -> Person:
    """Create a person, or update `existing` (or the person with the same CCCD). A person
    that belongs to a cell the actor may not write is never changed (people.ownership)."""
    errors = validate_person(data)
    if errors:
        field, message = next(iter(errors.items()))
        raise ServiceError("core.reason", field=field, reason=message)
    values = asdict(data)
    values["cccd"] = data.cccd or None
    scope = scope_for(actor)
    person = existing
    if person is not None and persons_out_of_reach(scope, [person.pk]):
        raise ServiceError("people.other_scope_person", field="cccd")
    if person is None and data.cccd:
        person = Person.objects.filter(cccd=data.cccd).first()
        # Out of reach comes first: the refusal must not tell what the other record holds.
        if person is not None and persons_out_of_reach(scope, [person.pk]):
            raise ServiceError("people.other_scope", field="cccd")
        if person is not None and (person.birth_date != data.birth_date or person.sex != data.sex):
            raise ServiceError("people.cccd_other_person", field="cccd")
    if person is not None and data.cccd:
        other = Person.objects.filter(cccd=data.cccd).exclude(pk=person.pk).first()
        if other is not None:
            raise ServiceError(
                "people.other_scope" if persons_out_of_reach(scope, [other.pk]) else "people.cccd_taken",
                field="cccd",
            )
    changes = collect if collect is not None else {}
    with transaction.atomic():
        if person is None:
            person = Person(**values)
            person.save()
            changes.update({k: v for k, v in values.items() if v not in ("", None)})
            if audit:
                audit_log(actor=actor, action="people.create", obj=person, changes=changes)
            return person
        own = {k: [getattr(person, k), v] for k, v in values.items() if getattr(person, k) != v}
        changes.update(own)
        # The old values are kept: by the caller's entry when it collects them (a member's
        # correction), else here even when the caller writes its own entry for what it
        # creates (a member or candidate added on an existing person).
        person_save_changes(actor=actor, person=person, changes=own, audit=audit or collect is None)
    return person


def person_save_changes(
    *,
    actor: User | None,
    person: Person,
    changes: dict[str, Any],
    audit: bool = True,
    source: str = "",
) -> None:
    """The one writer of an existing person's fields: `changes` maps each field to
    [old, new]. Saves with a new version, keeps the old values in the audit log and, when a
    counted fact changed (sex, birth date…), announces it so the kept figures follow.
    Callers check scope and values first (person_apply; the members import)."""
    if not changes:
        return
    for key, (_old, new) in changes.items():
        setattr(person, key, new)
    person.version += 1
    person.save()
    if audit:
        extra = {"source": source} if source else {}
        audit_log(actor=actor, action="people.update", obj=person, changes={**changes, **extra})
    if changes.keys() & COUNTED:
        announce(PeopleChanged((person.pk,)))
