"""What a form's fields say, from what the case already knows. A fact the system does not
know is a dotted blank to fill by hand — never a guess."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangvien.candidates.models import Certificate, ClassKind
from dangvien.cases.models import Body, Case, Introduction, IntroKind, Recognition
from dangvien.documents.forms import RECOGNITION, FormDef
from dangvien.members.officers import base_committee_of, committee_size_on, signer_on
from dangvien.orgs.models import Organization, OrgVersion
from dangvien.people.units import province_name, ward_name

BLANK = "…………………………"


class Fields(dict[str, Any]):
    """A dict whose missing keys (and, through Jinja, attributes) read as a blank line."""

    def __missing__(self, key: str) -> str:
        return BLANK


def date_words(day: dt.date | None) -> str:
    """ "ngày 05 tháng 3 năm 2024": days below 10 and the months January and February with
    a leading zero, as administrative papers write them (Nghị định 30/2020)."""
    if day is None:
        return f"ngày {BLANK[:6]} tháng {BLANK[:6]} năm {BLANK[:8]}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def vn_date(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else BLANK


def vn_percent(part: int, whole: int) -> str:
    if not whole:
        return BLANK
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value}%".replace(".", ",")


def _text(value: object) -> str:
    return str(value) if value not in (None, "") else BLANK


def _person(p: Any) -> Fields:
    residence = ", ".join(
        x
        for x in (
            p.residence_detail,
            ward_name(p.residence_ward) if p.residence_ward else "",
            province_name(p.residence_province) if p.residence_province else "",
        )
        if x
    )
    return Fields(
        full_name=p.full_name,
        birth_date=vn_date(p.birth_date),
        sex=p.get_sex_display(),
        cccd=_text(p.cccd),
        home_town=_text(p.home_town),
        residence=_text(residence),
        ethnicity=_text(p.ethnicity),
        religion=_text(p.religion),
        profession=_text(p.profession),
        education=_text(p.education),
    )


def _short(name: str) -> str:
    for prefix in ("Chi bộ ", "Đảng bộ ", "Đảng ủy "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def place_on(org: Organization, day: dt.date | None) -> str:
    """The place on the date line: the locality's own name ("An Phú"), not its kind, as the
    organization was named on the paper's day."""
    name = _short(name_on(org, day))
    for kind in ("xã ", "phường ", "thị trấn ", "đặc khu ", "tỉnh ", "thành phố "):
        if name.lower().startswith(kind):
            return name[len(kind) :]
    return name


def name_on(org: Organization, day: dt.date | None) -> str:
    """The organization's name as it was on `day` (the tree's history): a paper of 2024
    bears the committee's name of 2024, not the one it took in the 2025 merger."""
    if day is None:
        return org.name
    version = (
        OrgVersion.objects.filter(organization=org, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .values_list("name", flat=True)
        .first()
    )
    return version or org.name


def _org(org: Organization | None, day: dt.date | None = None) -> Fields:
    if org is None:
        return Fields()
    parent = org.parent
    name = name_on(org, day)
    return Fields(
        name=name,
        short_name=_short(name),
        name_upper=name.upper(),
        parent_upper=name_on(parent, day).upper() if parent else "",
    )


def _vote(v: Any) -> Fields:
    if v is None:
        return Fields()
    return Fields(
        held_on=vn_date(v.held_on),
        held_on_date=v.held_on,
        summoned=_text(getattr(v, "summoned", None)),
        present=_text(getattr(v, "present", None)),
        registry_total=_text(
            (v.registry_official or 0) + (v.registry_exempt or 0)
            if getattr(v, "registry_official", None) is not None
            else None
        ),
        members=_text(v.denominator),
        denominator=_text(v.denominator),
        yes=_text(v.yes),
        no=_text(v.no),
        yes_percent=vn_percent(v.yes, v.denominator),
        doc_ref=_text(v.doc_ref),
    )


def member_introductions(case: Case) -> list[Introduction]:
    """The introductions by party members still standing, in the order they were given:
    one 3-KNĐ each."""
    return list(
        case.introductions.filter(kind=IntroKind.MEMBER, ended_on__isnull=True)
        .select_related("introducer__person", "introducer__cell")
        .order_by("given_on", "pk")
    )


def build_fields(
    form: FormDef,
    *,
    case: Case | None,
    recognition: Recognition | None,
    introduction: Introduction | None = None,
) -> Fields:
    """The one way a paper is filled: the single form, the dossier's ZIP and PDF and the
    command line all come here. An admission paper reads the admission dossier only and a
    recognition paper the recognition only (the recognition's blank vote must not cover
    the admission's resolution in a dossier holding both). `introduction` picks the
    introducer of a 3-KNĐ (default: the first)."""
    if form.dossier == RECOGNITION:
        assert recognition is not None
        m = recognition.membership
        person, cell = m.person, m.cell
    else:
        assert case is not None
        person, cell = case.person, case.cell
    base = base_committee_of(cell)
    if form.dossier == RECOGNITION:
        case = None
    else:
        recognition = None
    act_on, act_number = act_of(form, case=case, recognition=recognition, introduction=introduction)
    f = Fields(
        person=_person(person),
        cell=_org(cell, act_on),
        base=_org(base, act_on),
        # A paper is dated the day of the act it records; an act not recorded yet leaves the
        # date to write by hand, never today's date (issue 19).
        date_words=date_words(act_on),
        place=place_on(base, act_on) if base else BLANK,
        doc_number=act_number or BLANK[:10],
        signer=BLANK,
        signer_title="BÍ THƯ",
    )
    issuer: Organization | None = {
        "cell": cell,
        "section": cell.parent,
        "base": base,
        "competent": base,
        "class": base,
    }.get(form.issuer)
    f["issuer"] = _org(issuer, act_on) if issuer else Fields()
    if case is not None:
        f["case"] = Fields(cell_resolution_on=vn_date(case.cell_resolution_on))
        f["decision"] = Fields(ref=_text(case.decision_ref), on=vn_date(case.decision_on))
        if form.issuer == "competent" and case.decided_by:
            f["issuer"] = Fields(name=case.decided_by, name_upper=case.decided_by.upper(), parent_upper="")
        votes = list(case.votes.all())
        cell_vote = next((v for v in reversed(votes) if v.body == Body.CELL and v.passed), None)
        committee = next((v for v in reversed(votes) if v.body == Body.BASE_COMMITTEE and v.passed), None)
        f["vote"], f["committee"] = _vote(cell_vote), _vote(committee)
        intro = introduction
        if intro is None:
            intros = member_introductions(case)
            intro = intros[0] if intros else None
        if intro is not None and intro.introducer is not None:
            i = intro.introducer
            f["introducer"] = Fields(
                full_name=i.person.full_name,
                admission_date=vn_date(i.admission_date),
                official_date=vn_date(i.official_date),
                cell=i.cell.name,
                months_together=_text(intro.months_together),
            )
        cert = (
            Certificate.objects.filter(person=person, kind=ClassKind.AWARENESS)
            .select_related("attendance__training_class")
            .order_by("-issued_on")
            .first()
        )
        if cert is not None:
            tc = cert.attendance.training_class if cert.attendance else None
            f["certificate"] = Fields(
                number=_text(cert.number),
                class_name=tc.name if tc else BLANK,
                starts_on=vn_date(tc.starts_on) if tc else BLANK,
                ends_on=vn_date(tc.ends_on) if tc else BLANK,
            )
    if recognition is not None:
        r, m = recognition, recognition.membership
        f["member"] = Fields(admission_date=vn_date(m.admission_date), ceremony_on=vn_date(r.ceremony_on))
        f["recognition"] = Fields(
            ends_on=vn_date(r.ends_on), cell_resolution_on=vn_date(r.cell_resolution_on)
        )
        f["decision"] = Fields(ref=_text(r.decision_ref), on=vn_date(r.decision_on))
        if form.issuer == "competent" and r.decided_by:
            f["issuer"] = Fields(name=r.decided_by, name_upper=r.decided_by.upper(), parent_upper="")
        rvotes = list(r.votes.all())
        f["vote"] = _vote(next((v for v in reversed(rvotes) if v.body == Body.CELL and v.outcome), None))
        f["committee"] = _vote(
            next((v for v in reversed(rvotes) if v.body == Body.BASE_COMMITTEE and v.outcome), None)
        )
        mentor = r.mentors.filter(valid_to__isnull=True).select_related("mentor__person").first()
        if mentor is not None:
            f["mentor"] = Fields(full_name=mentor.mentor.person.full_name, since=vn_date(mentor.valid_from))
    # The signature block: the holder of the issuing organization's office on the paper's
    # day (its secretary, else a deputy), or the person who writes the paper.
    if issuer is not None and form.issuer in ("cell", "section", "base", "competent"):
        holder = signer_on(issuer, act_on)
        if holder is not None:
            f["signer"], f["signer_title"] = holder.name, holder.title
    elif form.issuer == "person":
        writer = {
            "3-KNĐ": f["introducer"].get("full_name") if isinstance(f.get("introducer"), Fields) else None,
            "11-KNĐ": f["mentor"].get("full_name") if isinstance(f.get("mentor"), Fields) else None,
        }.get(form.code, person.full_name)
        f["signer"] = writer or BLANK
    # 8-KNĐ / 15-KNĐ: "Tổng số ủy viên" is the committee as it stood at the meeting.
    committee_vote = f.get("committee")
    if isinstance(committee_vote, Fields) and base is not None and committee_vote.get("held_on_date"):
        size = committee_size_on(base, committee_vote["held_on_date"])
        if size is not None:
            committee_vote["members"] = str(size)
    if form.code == "CN-NTVĐ" and case is not None:
        tc = _class_of(person)
        if tc is not None:  # issued by the class's training centre
            name = tc.organizer_name or name_on(tc.organizer, act_on)
            f["issuer"] = Fields(name=name, name_upper=name.upper(), parent_upper="")
    for name in KNOWN:  # Jinja looks top-level names up with "in": each must exist, as blanks if need be
        f.setdefault(name, Fields())
    return f


def _class_of(person: Any) -> Any:
    cert = (
        Certificate.objects.filter(person=person, kind=ClassKind.AWARENESS, attendance__isnull=False)
        .select_related("attendance__training_class__organizer")
        .order_by("-issued_on")
        .first()
    )
    return cert.attendance.training_class if cert is not None and cert.attendance is not None else None


def _passed(votes: list[Any], body: str, *, recognition: bool) -> Any:
    ok = [v for v in votes if v.body == body and (v.outcome if recognition else v.passed)]
    return ok[-1] if ok else None


def _meeting(
    votes: list[Any], body: str, *, recognition: bool, fallback: dt.date | None = None
) -> tuple[dt.date | None, str]:
    """The day and number of the meeting whose vote passed (a resolution's act)."""
    v = _passed(votes, body, recognition=recognition)
    return (v.held_on, v.doc_ref) if v else (fallback, "")


def act_of(
    form: FormDef, *, case: Case | None, recognition: Recognition | None, introduction: Introduction | None
) -> tuple[dt.date | None, str]:
    """The day and number of the act a paper records, as far as the dossier holds them:
    the application's, the history's, the introduction's, the meeting's, the decision's…"""
    code = form.code
    if case is not None:
        records = {r.step: r for r in case.records.all()}
        votes = list(case.votes.all())

        def step(name: str) -> tuple[dt.date | None, str]:
            r = records.get(name)
            return (r.done_on, r.doc_ref) if r is not None else (None, "")

        if code == "CN-NTVĐ":
            tc = _class_of(case.person)
            number = (
                Certificate.objects.filter(person=case.person, kind=ClassKind.AWARENESS)
                .order_by("-issued_on")
                .values_list("number", flat=True)
                .first()
            )
            return (tc.ends_on if tc else None), number or ""
        if code in ("1-KNĐ", "2-KNĐ", "5-KNĐ", "7-KNĐ"):
            return step(form.step)
        if code == "3-KNĐ":
            intro = introduction or next(iter(member_introductions(case)), None)
            return (intro.given_on, intro.doc_ref) if intro else (None, "")
        if code == "4-KNĐ":
            union = case.introductions.exclude(kind=IntroKind.MEMBER).order_by("given_on").first()
            return (union.given_on, union.doc_ref) if union else (None, "")
        if code == "6-KNĐ":
            return _meeting(votes, Body.CELL, recognition=False, fallback=case.cell_resolution_on)
        if code == "8-KNĐ":
            return _meeting(votes, Body.BASE_COMMITTEE, recognition=False)
        if code == "9-KNĐ":
            return case.decision_on, case.decision_ref
    if recognition is not None:
        r = recognition
        rvotes = list(r.votes.all())
        if code == "10-KNĐ":
            return r.self_review_on, ""
        if code == "11-KNĐ":
            return r.mentor_review_on, ""
        if code == "12-KNĐ":
            known = [d for d in (r.mass_opinion_on, r.residence_opinion_on) if d]
            return (max(known) if known else None), ""
        if code == "13-KNĐ":
            return _meeting(rvotes, Body.CELL, recognition=True, fallback=r.cell_resolution_on)
        if code == "15-KNĐ":
            return _meeting(rvotes, Body.BASE_COMMITTEE, recognition=True)
        if code == "16-KNĐ":
            return r.decision_on, r.decision_ref
    return None, ""


# The top-level names a template may use (checked when an administrator uploads one).
KNOWN = frozenset(
    {
        "person", "cell", "base", "issuer", "date_words", "place", "doc_number", "signer", "signer_title", "case",
        "decision", "vote", "committee", "introducer", "certificate", "member", "recognition",
        "mentor", "union",
    }
)  # fmt: skip


# What a template may use, as the administrator's screen lists it.
FIELD_DOCS: tuple[tuple[str, str | Promise], ...] = (
    ("person.full_name, person.birth_date, person.sex, person.cccd, person.home_town, person.residence, "
     "person.ethnicity, person.religion, person.profession, person.education", _("người vào Đảng / đảng viên")),
    ("cell.name, cell.short_name, cell.name_upper, cell.parent_upper", _("chi bộ")),
    ("base.name, base.short_name, base.name_upper", _("đảng ủy cơ sở (cấp trên của chi bộ)")),
    ("issuer.name, issuer.name_upper, issuer.parent_upper", _("cơ quan ban hành giấy (theo mẫu)")),
    ("place, date_words, doc_number, signer, signer_title",
     _("dòng địa danh, ngày tháng năm của việc được ghi, số văn bản, người ký và chức vụ (theo cấp ủy ngày đó)")),
    ("case.cell_resolution_on, decision.ref, decision.on", _("hồ sơ kết nạp: nghị quyết chi bộ, quyết định")),
    ("vote.held_on, vote.registry_total, vote.summoned, vote.present, vote.denominator, vote.yes, vote.no, "
     "vote.yes_percent, vote.doc_ref", _("chi bộ biểu quyết (lần đạt)")),
    ("committee.held_on, committee.members, committee.present, committee.yes, committee.no, committee.yes_percent",
     _("đảng ủy biểu quyết (lần đạt)")),
    ("introducer.full_name, introducer.admission_date, introducer.official_date, introducer.cell, "
     "introducer.months_together", _("đảng viên giới thiệu")),
    ("certificate.number, certificate.class_name, certificate.starts_on, certificate.ends_on", _("giấy chứng nhận lớp nhận thức")),
    ("member.admission_date, member.ceremony_on, recognition.ends_on, recognition.cell_resolution_on, "
     "mentor.full_name, mentor.since", _("dự bị và công nhận chính thức")),
    ("union.name, union.held_on, union.members, union.present, union.yes", _("Đoàn / Công đoàn (để trống, ghi tay)")),
)  # fmt: skip
