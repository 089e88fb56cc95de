from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone

from dangvien.accounts.audit import audit_export, mask
from dangvien.accounts.models import User
from dangvien.core.spreadsheet import write_table
from dangvien.members.importing import HEADERS
from dangvien.members.models import Membership, Status
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope
from dangvien.people.models import Sex

__all__ = ["HEADERS", "member_export_count", "member_export_name", "member_export_write", "member_rows"]

_STATUS_WORDS = {Status.EXEMPT: "miễn sinh hoạt", Status.TEMP_EXEMPT: "tạm miễn sinh hoạt"}


def _exported(scope: Scope, root: Organization | None) -> QuerySet[Membership]:
    qs = Membership.objects.filter(is_active=True).filter(scope.org_filter("cell"))
    if root is not None:
        qs = qs.filter(cell__path__startswith=root.path)
    return qs


def member_export_count(scope: Scope, root: Organization | None) -> int:
    """How many rows an export will have: a few, at once; many, as a job with a bar."""
    return _exported(scope, root).count()


def member_rows(scope: Scope, root: Organization | None) -> Iterator[list[Any]]:
    """Active members in the import's columns, streamed in chunks."""
    qs = (
        _exported(scope, root)
        .select_related("person", "cell")
        .order_by("cell__path", "person__sort_key", "pk")
    )
    writable: dict[int, bool] = {}  # per cell: staff see the CCCD whole, viewers masked
    for m in qs.iterator(chunk_size=2000):
        p = m.person
        if m.cell_id not in writable:
            writable[m.cell_id] = scope.can_write(m.cell)
        yield [
            p.full_name,
            p.birth_date,
            "Nữ" if p.sex == Sex.FEMALE else "Nam",
            (p.cccd if writable[m.cell_id] else str(mask(p.cccd))) if p.cccd else "",
            m.card_number or "",
            m.cell.code,
            m.admission_date,
            m.official_date,
            _STATUS_WORDS.get(m.status, "đang sinh hoạt"),  # type: ignore[call-overload]
            p.ethnicity,
            p.religion,
            p.education,
            p.profession,
            p.residence_detail,
            m.status_since if m.status in _STATUS_WORDS else None,
        ]


def member_export_name(root: Organization | None, fmt: str) -> str:
    return f"dang-vien-{root.code if root else 'tat-ca'}-{timezone.localdate():%Y%m%d}.{fmt}"


def member_export_write(
    out: IO[bytes],
    *,
    scope: Scope,
    root: Organization | None,
    fmt: str,
    actor: User | None,
    each: Callable[[int], None] | None = None,
) -> int:
    """Write the export (at once on the page, or in a job with `each` told every 500 rows)
    and record who took which records out: one path for both, audited alike."""

    def counted(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
        for i, row in enumerate(rows, start=1):
            if each is not None and i % 500 == 0:
                each(i)
            yield row

    n = write_table(
        out, fmt, HEADERS, counted(member_rows(scope, root)), title=root.code if root else "dang-vien"
    )
    audit_export(actor=actor, what="members", rows=n, fmt=fmt, org=root.code if root else "")
    return n
