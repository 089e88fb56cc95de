"""The groups a target can be set for, and whether an admission belongs to one.

A group counts an admission when the person belongs to it *at admission*: the sector of
the cell they were admitted in (as that cell was on the decision date), their sex, their
age on the decision date, their ethnicity and religion as recorded. The progress report
has the database count the women and the under-30s per cell (`targets.progress`); the
ethnicity and religion, free text, are judged here on their distinct values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dangvien.core.text import fold
from dangvien.orgs.models import Sector


@dataclass(frozen=True)
class Group:
    key: str  # the canonical name, stored on Target.group and shown
    words: tuple[str, ...]  # other ways users write it (folded)
    kind: str  # what decides membership: "sector", "female", "young", "minority", "religious"
    sector: str = ""  # for kind "sector"


def is_minority(ethnicity: str) -> bool:
    e = fold(ethnicity)
    return bool(e) and e != "kinh"


def is_religious(religion: str) -> bool:
    r = fold(religion)
    return bool(r) and r not in {"khong", "khong co", "khong theo ton giao"}


GROUPS: tuple[Group, ...] = (
    Group("nữ", ("phu nu", "nu gioi"), "female"),
    Group("dưới 30 tuổi", ("duoi 30", "tre duoi 30 tuoi", "thanh nien duoi 30 tuoi"), "young"),
    Group("dân tộc thiểu số", ("dtts", "nguoi dan toc thieu so"), "minority"),
    Group("tôn giáo", ("nguoi co dao", "co dao", "theo ton giao", "nguoi co ton giao"), "religious"),
    Group("doanh nghiệp", ("doanh nghiep tu nhan", "dn"), "sector", Sector.ENTERPRISE),
    Group("khu dân cư", ("thon", "to dan pho", "thon, to dan pho"), "sector", Sector.RESIDENTIAL),
    Group("trường học", ("giao duc",), "sector", Sector.SCHOOL),
    Group("cơ quan", (), "sector", Sector.AGENCY),
    Group("công an", (), "sector", Sector.POLICE),
    Group("quân sự", ("quan doi",), "sector", Sector.MILITARY),
    Group("y tế", (), "sector", Sector.HEALTH),
)
_BY_WORD = {fold(g.key): g for g in GROUPS} | {w: g for g in GROUPS for w in g.words}


def group_for(text: str) -> Group | None:
    """The group a user wrote ("Doanh nghiệp", "doanh nghiep", "DTTS"), or None."""
    return _BY_WORD.get(fold(text))


def group_names() -> str:
    return ", ".join(g.key for g in GROUPS)


def is_young(birth: dt.date, decision: dt.date) -> bool:
    """Under 30 on the decision date (turning 30 that day is no longer under 30)."""
    try:
        thirtieth = birth.replace(year=birth.year + 30)
    except ValueError:  # born 29 February
        thirtieth = dt.date(birth.year + 30, 3, 1)
    return decision < thirtieth
