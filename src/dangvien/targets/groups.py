"""The groups a target can be set for, and whether an admission belongs to one.

A group counts an admission when the person belongs to it *at admission*: the sector of
the cell they were admitted in (as that cell was on the decision date), their sex, their
age on the decision date, their ethnicity and religion as recorded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dangvien.core.text import fold
from dangvien.orgs.models import Sector


@dataclass(frozen=True)
class Facts:
    """What the groups need to know of one admission."""

    sector: str
    sex: str
    young: bool  # under 30 on the decision date
    ethnicity: str
    religion: str


@dataclass(frozen=True)
class Group:
    key: str  # the canonical name, stored on Target.group and shown
    words: tuple[str, ...]  # other ways users write it (folded)

    def has(self, f: Facts) -> bool:
        return GROUP_TESTS[self.key](f)


def _minority(f: Facts) -> bool:
    e = fold(f.ethnicity)
    return bool(e) and e != "kinh"


def _religious(f: Facts) -> bool:
    r = fold(f.religion)
    return bool(r) and r not in {"khong", "khong co", "khong theo ton giao"}


GROUP_TESTS = {
    "nữ": lambda f: f.sex == "female",
    "dưới 30 tuổi": lambda f: f.young,
    "dân tộc thiểu số": _minority,
    "tôn giáo": _religious,
    "doanh nghiệp": lambda f: f.sector == Sector.ENTERPRISE,
    "khu dân cư": lambda f: f.sector == Sector.RESIDENTIAL,
    "trường học": lambda f: f.sector == Sector.SCHOOL,
    "cơ quan": lambda f: f.sector == Sector.AGENCY,
    "công an": lambda f: f.sector == Sector.POLICE,
    "quân sự": lambda f: f.sector == Sector.MILITARY,
    "y tế": lambda f: f.sector == Sector.HEALTH,
}

GROUPS: tuple[Group, ...] = (
    Group("nữ", ("phu nu", "nu gioi")),
    Group("dưới 30 tuổi", ("duoi 30", "tre duoi 30 tuoi", "thanh nien duoi 30 tuoi")),
    Group("dân tộc thiểu số", ("dtts", "nguoi dan toc thieu so")),
    Group("tôn giáo", ("nguoi co dao", "co dao", "theo ton giao", "nguoi co ton giao")),
    Group("doanh nghiệp", ("doanh nghiep tu nhan", "dn")),
    Group("khu dân cư", ("thon", "to dan pho", "thon, to dan pho")),
    Group("trường học", ("giao duc",)),
    Group("cơ quan", ()),
    Group("công an", ()),
    Group("quân sự", ("quan doi",)),
    Group("y tế", ()),
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
