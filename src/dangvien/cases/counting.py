"""The counts of a vote, checked the same way in every dossier (a cell's, a committee's)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from dangvien.core.errors import ServiceError
from dangvien.core.text import vn_int


def check_vote_counts(
    *, yes: int, no: int, denominator: int, present: int | None = None, over: str = "cases.votes_over_counted"
) -> None:
    """No negative count, a number counted above 0, and no more ballots than members
    present or counted. `over` names the refusal for too many ballots (a recognition
    counts votes to recognize and to remove, not for and against)."""
    for name, value in (("yes", yes), ("no", no), ("denominator", denominator)):
        if value < 0:
            raise ServiceError("cases.votes_negative", field=name)
    if denominator == 0:
        raise ServiceError("cases.denominator_zero", field="denominator")
    if present is not None and yes + no > present:
        raise ServiceError("cases.votes_over_present", v1=yes + no, present=present, field="yes")
    if yes + no > denominator:
        raise ServiceError(over, v1=yes + no, denominator=denominator, field="yes")


def vote_text(*, yes: int, no: int, counted: int, recognition: bool = False) -> str:
    """A vote's result written out, as a resolution states it: "27 tán thành, 0 không tán
    thành / 28 được tính" (a recognition counts votes to recognize and to remove)."""
    if recognition:
        return _("{yes} tán thành công nhận chính thức, {no} tán thành xóa tên / {counted} được tính").format(
            yes=vn_int(yes), no=vn_int(no), counted=vn_int(counted)
        )
    return _("{yes} tán thành, {no} không tán thành / {counted} được tính").format(
        yes=vn_int(yes), no=vn_int(no), counted=vn_int(counted)
    )
