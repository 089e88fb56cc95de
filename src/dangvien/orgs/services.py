"""Every change to the tree: one transactional, audited function each.

The tree of today lives in Organization (with its materialized path); each change closes
the affected OrgVersion rows and opens new ones dated from the act, so the tree of any
past date can be asked for.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.core.events import announce
from dangvien.core.text import fold
from dangvien.core.versioned import lock_for_write
from dangvien.orgs.events import OrganizationsChanged, TreeChanged, TreeRebuilt
from dangvien.orgs.models import (
    CELL_KINDS,
    Organization,
    OrgKind,
    OrgVersion,
    Reorganization,
    ReorgKind,
    Sector,
    path_segment,
)
from dangvien.orgs.scope import require_manage, scope_for

_FAR_PAST = dt.date(1930, 2, 3)  # the Party's founding: no organization is older


@dataclass
class ReorgSummary:
    """What a reorganization did (or, in a preview, would do)."""

    reorganization: Reorganization | None = None
    lines: list[str] = field(default_factory=list)
    members_moved: int = 0
    orgs_moved: int = 0


def today() -> dt.date:
    return timezone.localdate()


def _check_code(code: str) -> str:
    code = code.strip()
    if not code:
        raise ServiceError("orgs.code_missing", field="code")
    if len(code) > 32 or not all(ch.isascii() and (ch.isalnum() or ch in ".-_") for ch in code):
        raise ServiceError("orgs.code_invalid", field="code")
    if Organization.objects.filter(code=code).exists():
        raise ServiceError("orgs.code_taken", v1=code, field="code")
    return code


def same_name(a: str, b: str) -> bool:
    """Two names of organizations are one when they are written alike (case aside), or when
    one is written without marks and reads as the other ("chi bo thon 1", typed on a
    keyboard without Vietnamese, is "Chi bộ Thôn 1"). Two names that both carry marks and
    differ by them are two names: Thái Nguyên has both Xã Văn Lăng and Xã Văn Lang."""
    if unicodedata.normalize("NFC", a).casefold() == unicodedata.normalize("NFC", b).casefold():
        return True
    if fold(a) != fold(b):
        return False
    return fold(a) == " ".join(a.casefold().split()) or fold(b) == " ".join(b.casefold().split())


def check_name(name: str, parent: Organization | None, *, exclude_pk: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ServiceError("orgs.name_missing", field="name")
    siblings = Organization.objects.filter(parent=parent, dissolved_on__isnull=True, name_search=fold(name))
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    existing = next((s for s in siblings if same_name(s.name, name)), None)
    if existing is not None:
        where = f"trong “{parent.name}”" if parent else _("ở cấp cao nhất")
        raise ServiceError("orgs.name_taken", existing=existing, where=where, field="name")
    return name


def check_parent(kind: str, parent: Organization | None) -> None:
    if parent is None:
        if kind in CELL_KINDS:
            raise ServiceError("orgs.cell_needs_parent", field="parent")
        return
    if parent.is_cell:
        raise ServiceError("orgs.parent_is_cell", parent=parent, field="parent")
    if not parent.is_active:
        raise ServiceError("orgs.parent_dissolved", parent=parent, field="parent")


def check_date(on: dt.date, orgs: list[Organization]) -> None:
    if on > today():
        raise ServiceError("orgs.effective_in_future", field="effective_on")
    latest = (
        OrgVersion.objects.filter(organization__in=orgs)
        .order_by("-valid_from")
        .values_list("valid_from", flat=True)
    ).first()
    if latest is not None and on < latest:
        raise ServiceError(
            "orgs.effective_before_last_change",
            latest=latest,
            field="effective_on",
        )


def open_version(org: Organization, on: dt.date, reorg: Reorganization | None) -> None:
    """Close the org's current version on `on` and open one with its present fields."""
    current = OrgVersion.objects.filter(organization=org, valid_to__isnull=True).first()
    # Its kind, sector or place may change the member counts of the units it leaves and joins.
    announce(OrganizationsChanged((org.path, current.path if current is not None else "")))
    values = {
        "name": org.name,
        "parent": org.parent,
        "path": org.path,
        "kind": org.kind,
        "sector": org.sector,
    }
    if current is not None and current.valid_from >= on:
        # Same day: the earlier state never held for a full day; amend it.
        for key, value in values.items():
            setattr(current, key, value)
        current.reorganization = reorg
        current.save()
        return
    if current is not None:
        current.valid_to = on
        current.save(update_fields=["valid_to"])
    OrgVersion.objects.create(organization=org, valid_from=on, reorganization=reorg, **values)


def close_version(org: Organization, on: dt.date) -> None:
    announce(OrganizationsChanged((org.path,)))
    OrgVersion.objects.filter(organization=org, valid_to__isnull=True).update(valid_to=on)


def reorg_record(
    kind: str, on: dt.date, actor: User | None, decision_ref: str, note: str, **details: object
) -> Reorganization:
    return Reorganization.objects.create(
        kind=kind,
        effective_on=on,
        decision_ref=decision_ref.strip(),
        note=note.strip(),
        details=details,
        created_by=actor if actor is not None and actor.pk else None,
    )


@transaction.atomic
def org_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    kind: str,
    parent: Organization | None,
    sector: str = "",
    founded_on: dt.date | None = None,
    decision_ref: str = "",
) -> Organization:
    if parent is not None:
        require_manage(scope_for(actor), parent)
    elif actor is not None and not scope_for(actor).is_admin:
        raise ServiceError("orgs.admin_only_top", field="parent")
    if kind not in OrgKind.values:
        raise ServiceError("orgs.kind_invalid", field="kind")
    if sector and sector not in Sector.values:
        raise ServiceError("orgs.sector_invalid", field="sector")
    code = _check_code(code)
    check_parent(kind, parent)
    name = check_name(name, parent)
    on = founded_on or today()
    org = Organization(
        code=code,
        name=name,
        name_search=fold(name),
        parent=parent,
        kind=kind,
        sector=sector,
        founded_on=founded_on,
        depth=(parent.depth + 1) if parent else 0,
        path="",
    )
    org.save()
    org.path = (parent.path if parent else "") + path_segment(org.pk)
    org.save(update_fields=["path"])
    reorg = reorg_record(ReorgKind.CREATE, on, actor, decision_ref, "", org=org.code)
    announce(TreeChanged())  # no member counted yet: the units' figures stand, the tree changed
    OrgVersion.objects.create(
        organization=org,
        name=org.name,
        parent=parent,
        path=org.path,
        kind=kind,
        sector=sector,
        valid_from=founded_on or _FAR_PAST,
        reorganization=reorg,
    )
    audit_log(
        actor=actor,
        action="orgs.create",
        obj=org,
        changes={"code": code, "name": name, "kind": kind, "parent": parent.code if parent else None},
    )
    return org


def lock_org(org: Organization, expected_version: int | None) -> Organization:
    return lock_for_write(Organization.objects.all(), org.pk, expected_version)


@transaction.atomic
def org_update(
    *,
    actor: User | None,
    org: Organization,
    expected_version: int | None = None,
    sector: str | None = None,
    kind: str | None = None,
    founded_on: dt.date | None = None,
) -> Organization:
    """Corrections that are not reorganizations: sector, kind, founding date."""
    org = lock_org(org, expected_version)
    require_manage(scope_for(actor), org)
    changes: dict[str, object] = {}
    if sector is not None and sector != org.sector:
        if sector and sector not in Sector.values:
            raise ServiceError("orgs.sector_invalid", field="sector")
        changes["sector"] = [org.sector, sector]
        org.sector = sector
    if kind is not None and kind != org.kind:
        if kind not in OrgKind.values:
            raise ServiceError("orgs.kind_invalid", field="kind")
        if kind in CELL_KINDS and org.children.filter(dissolved_on__isnull=True).exists():
            raise ServiceError("orgs.has_children", field="kind")
        if kind not in CELL_KINDS and org.memberships.filter(is_active=True).exists():
            raise ServiceError("orgs.has_members", field="kind")
        changes["kind"] = [org.kind, kind]
        org.kind = kind
    if founded_on is not None and founded_on != org.founded_on:
        changes["founded_on"] = [org.founded_on, founded_on]
        org.founded_on = founded_on
    if not changes:
        return org
    org.version += 1
    org.save(update_fields=["sector", "kind", "founded_on", "version"])
    # A correction is true of the whole past: amend the open version rather than date it.
    OrgVersion.objects.filter(organization=org, valid_to__isnull=True).update(
        kind=org.kind, sector=org.sector
    )
    announce(OrganizationsChanged((org.path,)))  # the members counted by kind and sector there
    audit_log(actor=actor, action="orgs.update", obj=org, changes=changes)
    return org


@transaction.atomic
def org_rename(
    *,
    actor: User | None,
    org: Organization,
    name: str,
    effective_on: dt.date,
    decision_ref: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> ReorgSummary:
    org = lock_org(org, expected_version)
    require_manage(scope_for(actor), org)
    check_date(effective_on, [org])
    new_name = check_name(name, org.parent, exclude_pk=org.pk)
    if new_name == org.name:
        raise ServiceError("orgs.same_name", field="name")
    old = org.name
    reorg = reorg_record(
        ReorgKind.RENAME, effective_on, actor, decision_ref, note, org=org.code, old=old, new=new_name
    )
    org.name, org.name_search = new_name, fold(new_name)
    org.version += 1
    org.save(update_fields=["name", "name_search", "version"])
    open_version(org, effective_on, reorg)
    audit_log(
        actor=actor, action="orgs.rename", obj=org, changes={"name": [old, new_name], "on": effective_on}
    )
    return ReorgSummary(
        reorg,
        [
            _("Đổi tên “{old}” thành “{new_name}” từ {effective_on:%d/%m/%Y}").format(
                old=old, new_name=new_name, effective_on=effective_on
            )
        ],
    )


def rebuild_paths() -> None:
    """Recompute every path from the parent links (after a bulk import)."""
    by_parent: dict[int | None, list[tuple[int, int | None]]] = {}
    for pk, parent_id in Organization.objects.values_list("pk", "parent_id"):
        by_parent.setdefault(parent_id, []).append((pk, parent_id))
    stack: list[tuple[int | None, str, int]] = [(None, "", -1)]
    updates: list[Organization] = []
    while stack:
        parent, prefix, depth = stack.pop()
        for pk, _parent in by_parent.get(parent, []):
            path = prefix + path_segment(pk)
            updates.append(Organization(pk=pk, path=path, depth=depth + 1))
            stack.append((pk, path, depth + 1))
    Organization.objects.bulk_update(updates, ["path", "depth"], batch_size=1000)
    announce(TreeRebuilt())
