"""The words an exchange file may use, folded (no accents, lower case), and the stored
value each stands for. One place for every import: a file that says "Nữ", "nu" or "NỮ"
means the same everywhere.

The values are the models' (people.Sex, members.Status, candidates.Source); the pipeline
sits below those packages, so they are written here and a test keeps them equal."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangvien.core.text import fold

SEXES: dict[str, str | None] = {"nam": "male", "nu": "female"}
SEX_HINT = _("ghi Nam hoặc Nữ")

# The statuses a members file may state beside the dates (empty or "đang sinh hoạt": as
# the dates say, official or probationary).
STATUSES: dict[str, str | None] = {
    "": None,
    "dang sinh hoat": None,
    "mien sinh hoat": "exempt",
    "mien cong tac va sinh hoat": "exempt",
    "tam mien sinh hoat": "temp_exempt",
}

SOURCES: dict[str, str | None] = {
    "doan thanh nien": "youth_union",
    "doan": "youth_union",
    "hoi phu nu": "women",
    "hoi cuu chien binh": "veterans",
    "hoi nong dan": "farmers",
    "cong doan": "trade_union",
    "khac": "other",
    "": "other",
}
SOURCE_HINT = _("ghi Đoàn Thanh niên, Hội Phụ nữ, Hội Cựu chiến binh, Hội Nông dân, Công đoàn hoặc khác")


def word(text: str, vocabulary: dict[str, str | None]) -> tuple[bool, str | None]:
    """(known, value) of a cell's text in a vocabulary."""
    key = fold(text.strip())
    return key in vocabulary, vocabulary.get(key)
