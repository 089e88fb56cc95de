"""Every change to the tree: one transactional, audited function each.

The tree of today lives in Organization (with its materialized path); each change closes
the affected OrgVersion rows and opens new ones dated from the act, so the tree of any
past date can be asked for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.core.events import announce
from dangvien.core.text import fold
from dangvien.core.versioned import lock_for_write
from dangvien.orgs.events import OrganizationAbsorbed, OrganizationsChanged, TreeChanged, TreeRebuilt
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


def _today() -> dt.date:
    return timezone.localdate()


def _check_code(code: str) -> str:
    code = code.strip()
    if not code:
        raise ServiceError("Chưa nhập mã tổ chức", field="code")
    if len(code) > 32 or not all(ch.isascii() and (ch.isalnum() or ch in ".-_") for ch in code):
        raise ServiceError(
            "Mã tổ chức tối đa 32 ký tự, chỉ gồm chữ không dấu, chữ số và dấu . - _", field="code"
        )
    if Organization.objects.filter(code=code).exists():
        raise ServiceError(f"Mã tổ chức “{code}” đã có", field="code")
    return code


def _check_name(name: str, parent: Organization | None, *, exclude_pk: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ServiceError("Chưa nhập tên tổ chức", field="name")
    siblings = Organization.objects.filter(parent=parent, dissolved_on__isnull=True, name_search=fold(name))
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    existing = siblings.first()
    if existing is not None:
        where = f"trong “{parent.name}”" if parent else "ở cấp cao nhất"
        raise ServiceError(f"Đã có tổ chức tên “{existing.name}” {where}", field="name")
    return name


def _check_parent(kind: str, parent: Organization | None) -> None:
    if parent is None:
        if kind in CELL_KINDS:
            raise ServiceError("Chi bộ phải trực thuộc một tổ chức đảng", field="parent")
        return
    if parent.is_cell:
        raise ServiceError(f"“{parent.name}” là chi bộ, không thể có tổ chức trực thuộc", field="parent")
    if not parent.is_active:
        raise ServiceError(f"“{parent.name}” đã giải thể hoặc hợp nhất", field="parent")


def _check_date(on: dt.date, orgs: list[Organization]) -> None:
    if on > _today():
        raise ServiceError("Ngày hiệu lực không được sau hôm nay", field="effective_on")
    latest = (
        OrgVersion.objects.filter(organization__in=orgs)
        .order_by("-valid_from")
        .values_list("valid_from", flat=True)
    ).first()
    if latest is not None and on < latest:
        raise ServiceError(
            f"Ngày hiệu lực phải từ {latest:%d/%m/%Y} trở đi (ngày của lần thay đổi gần nhất)",
            field="effective_on",
        )


def _open_version(org: Organization, on: dt.date, reorg: Reorganization | None) -> None:
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


def _close_version(org: Organization, on: dt.date) -> None:
    announce(OrganizationsChanged((org.path,)))
    OrgVersion.objects.filter(organization=org, valid_to__isnull=True).update(valid_to=on)


def _reorg(
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
        raise ServiceError("Chỉ quản trị hệ thống được tạo tổ chức cấp cao nhất", field="parent")
    if kind not in OrgKind.values:
        raise ServiceError("Loại tổ chức không hợp lệ", field="kind")
    if sector and sector not in Sector.values:
        raise ServiceError("Loại hình không hợp lệ", field="sector")
    code = _check_code(code)
    _check_parent(kind, parent)
    name = _check_name(name, parent)
    on = founded_on or _today()
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
    reorg = _reorg(ReorgKind.CREATE, on, actor, decision_ref, "", org=org.code)
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


def _lock(org: Organization, expected_version: int | None) -> Organization:
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
    org = _lock(org, expected_version)
    require_manage(scope_for(actor), org)
    changes: dict[str, object] = {}
    if sector is not None and sector != org.sector:
        if sector and sector not in Sector.values:
            raise ServiceError("Loại hình không hợp lệ", field="sector")
        changes["sector"] = [org.sector, sector]
        org.sector = sector
    if kind is not None and kind != org.kind:
        if kind not in OrgKind.values:
            raise ServiceError("Loại tổ chức không hợp lệ", field="kind")
        if kind in CELL_KINDS and org.children.filter(dissolved_on__isnull=True).exists():
            raise ServiceError("Tổ chức còn tổ chức trực thuộc nên không thể là chi bộ", field="kind")
        if kind not in CELL_KINDS and org.memberships.filter(is_active=True).exists():
            raise ServiceError("Tổ chức còn đảng viên sinh hoạt nên phải là chi bộ", field="kind")
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
    org = _lock(org, expected_version)
    require_manage(scope_for(actor), org)
    _check_date(effective_on, [org])
    new_name = _check_name(name, org.parent, exclude_pk=org.pk)
    if new_name == org.name:
        raise ServiceError("Tên mới trùng tên hiện tại", field="name")
    old = org.name
    reorg = _reorg(
        ReorgKind.RENAME, effective_on, actor, decision_ref, note, org=org.code, old=old, new=new_name
    )
    org.name, org.name_search = new_name, fold(new_name)
    org.version += 1
    org.save(update_fields=["name", "name_search", "version"])
    _open_version(org, effective_on, reorg)
    audit_log(
        actor=actor, action="orgs.rename", obj=org, changes={"name": [old, new_name], "on": effective_on}
    )
    return ReorgSummary(reorg, [f"Đổi tên “{old}” thành “{new_name}” từ {effective_on:%d/%m/%Y}"])


def _repath_subtree(
    org: Organization, new_parent: Organization | None, on: dt.date, reorg: Reorganization
) -> int:
    """Move org (and everything under it) below new_parent; returns how many orgs moved."""
    old_path = org.path
    new_path = (new_parent.path if new_parent else "") + path_segment(org.pk)
    delta = (new_parent.depth + 1 if new_parent else 0) - org.depth
    subtree = Organization.objects.filter(path__startswith=old_path)
    count = subtree.count()
    subtree.update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + delta,
        version=F("version") + 1,
    )
    Organization.objects.filter(pk=org.pk).update(parent=new_parent)
    for moved in Organization.objects.filter(path__startswith=new_path).select_related("parent"):
        _open_version(moved, on, reorg)
    return count


@transaction.atomic
def org_move(
    *,
    actor: User | None,
    org: Organization,
    new_parent: Organization,
    effective_on: dt.date,
    decision_ref: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> ReorgSummary:
    org = _lock(org, expected_version)
    scope = scope_for(actor)
    require_manage(scope, org)
    require_manage(scope, new_parent)
    if new_parent.pk == org.pk or new_parent.path.startswith(org.path):
        raise ServiceError(
            f"Không thể chuyển “{org.name}” vào chính nó hoặc tổ chức trực thuộc nó (tạo vòng lặp)",
            field="new_parent",
        )
    if new_parent.pk == org.parent_id:
        raise ServiceError(f"“{org.name}” đã trực thuộc “{new_parent.name}”", field="new_parent")
    _check_parent(org.kind, new_parent)
    _check_name(org.name, new_parent, exclude_pk=org.pk)
    subtree = list(Organization.objects.filter(path__startswith=org.path))
    _check_date(effective_on, subtree)
    old_parent = org.parent
    reorg = _reorg(
        ReorgKind.MOVE,
        effective_on,
        actor,
        decision_ref,
        note,
        org=org.code,
        old_parent=old_parent.code if old_parent else None,
        new_parent=new_parent.code,
    )
    moved = _repath_subtree(org, new_parent, effective_on, reorg)
    # The members move with their cells: nothing of theirs is written, only counted here.
    members = Organization.objects.filter(
        path__startswith=new_parent.path + path_segment(org.pk), memberships__is_active=True
    ).count()
    audit_log(
        actor=actor,
        action="orgs.move",
        obj=org,
        changes={"from": old_parent.code if old_parent else None, "to": new_parent.code, "on": effective_on},
    )
    return ReorgSummary(
        reorg,
        [f"Chuyển “{org.name}” ({moved} tổ chức, {members} đảng viên) sang trực thuộc “{new_parent.name}”"],
        members_moved=members,
        orgs_moved=moved,
    )


def _absorb(
    source: Organization,
    target: Organization,
    on: dt.date,
    actor: User | None,
    reorg: Reorganization,
    summary: ReorgSummary,
    *,
    member_ids: list[int] | None = None,
    child_ids: list[int] | None = None,
) -> None:
    """Move the members and child organizations of source (all, or those listed) to target.
    The members' moves are the registry's to record (members/listeners.py)."""
    children = source.children.filter(dissolved_on__isnull=True)
    if child_ids is not None:
        children = children.filter(pk__in=child_ids)
    for child in list(children):
        _check_name(child.name, target, exclude_pk=child.pk)
        child.refresh_from_db()
        summary.orgs_moved += _repath_subtree(child, target, on, reorg)
        summary.lines.append(f"“{child.name}”: từ “{source.name}” sang “{target.name}”")
    memberships = source.memberships.filter(is_active=True)
    if member_ids is not None:
        memberships = memberships.filter(pk__in=member_ids)
    moved = memberships.count()
    announce(
        OrganizationAbsorbed(
            source_id=source.pk,
            target_id=target.pk,
            on=on,
            member_ids=tuple(member_ids) if member_ids is not None else None,
            note=f"{reorg.get_kind_display()} {source.name} → {target.name}",
            actor=actor,
        )
    )
    if moved:
        summary.lines.append(f"{moved} đảng viên: từ “{source.name}” sang “{target.name}”")
    summary.members_moved += moved


def _dissolve(org: Organization, on: dt.date) -> None:
    org.dissolved_on = on
    org.version += 1
    org.save(update_fields=["dissolved_on", "version"])
    _close_version(org, on)


@transaction.atomic
def org_merge(
    *,
    actor: User | None,
    sources: list[Organization],
    target: Organization,
    effective_on: dt.date,
    decision_ref: str = "",
    note: str = "",
) -> ReorgSummary:
    """Merge sources into target (an existing organization, possibly newly created):
    their members and child organizations move to target, and the sources end."""
    scope = scope_for(actor)
    require_manage(scope, target)
    sources = [Organization.objects.select_for_update().get(pk=s.pk) for s in sources if s.pk != target.pk]
    if not sources:
        raise ServiceError("Chọn ít nhất một tổ chức để hợp nhất vào", field="sources")
    for s in sources:
        require_manage(scope, s)
        if not s.is_active:
            raise ServiceError(f"“{s.name}” đã giải thể hoặc hợp nhất", field="sources")
        if target.path.startswith(s.path):
            raise ServiceError(f"Không thể hợp nhất “{s.name}” vào tổ chức trực thuộc nó", field="target")
        if s.memberships.filter(is_active=True).exists() and not target.is_cell:
            raise ServiceError(f"“{s.name}” có đảng viên nên phải hợp nhất vào một chi bộ", field="target")
        if s.children.filter(dissolved_on__isnull=True).exists() and target.is_cell:
            raise ServiceError(
                f"“{s.name}” có tổ chức trực thuộc nên không thể hợp nhất vào chi bộ", field="target"
            )
    _check_date(effective_on, [*sources, target])
    reorg = _reorg(
        ReorgKind.MERGE,
        effective_on,
        actor,
        decision_ref,
        note,
        sources=[s.code for s in sources],
        target=target.code,
    )
    summary = ReorgSummary(reorg)
    for s in sources:
        _absorb(s, target, effective_on, actor, reorg, summary)
        _dissolve(s, effective_on)
        summary.lines.append(f"“{s.name}” thôi hoạt động từ {effective_on:%d/%m/%Y} (hợp nhất)")
    audit_log(
        actor=actor,
        action="orgs.merge",
        obj=target,
        changes={
            "sources": [s.code for s in sources],
            "on": effective_on,
            "members_moved": summary.members_moved,
            "orgs_moved": summary.orgs_moved,
        },
    )
    return summary


@dataclass
class SplitPart:
    code: str
    name: str
    member_ids: list[int] = field(default_factory=list)
    child_ids: list[int] = field(default_factory=list)


@transaction.atomic
def org_split(
    *,
    actor: User | None,
    source: Organization,
    parts: list[SplitPart],
    effective_on: dt.date,
    dissolve_source: bool = True,
    decision_ref: str = "",
    note: str = "",
) -> ReorgSummary:
    """Split source into new organizations beside it, each taking the listed members and
    children; what is not listed stays (and source ends if dissolve_source and empty)."""
    source = _lock(source, None)
    scope = scope_for(actor)
    require_manage(scope, source)
    if source.parent is None:
        raise ServiceError("Không thể chia tách tổ chức cấp cao nhất", field="source")
    require_manage(scope, source.parent)
    if len(parts) < 1:
        raise ServiceError("Cần ít nhất một tổ chức mới", field="parts")
    _check_date(effective_on, [source])
    reorg = _reorg(
        ReorgKind.SPLIT,
        effective_on,
        actor,
        decision_ref,
        note,
        source=source.code,
        parts=[p.code for p in parts],
    )
    summary = ReorgSummary(reorg)
    for part in parts:
        new = org_create(
            actor=actor,
            code=part.code,
            name=part.name,
            kind=source.kind,
            parent=source.parent,
            sector=source.sector,
            founded_on=effective_on,
            decision_ref=decision_ref,
        )
        summary.lines.append(f"Thành lập “{new.name}” ({new.code})")
        _absorb(
            source,
            new,
            effective_on,
            actor,
            reorg,
            summary,
            member_ids=part.member_ids,
            child_ids=part.child_ids,
        )
    left_members = source.memberships.filter(is_active=True).count()
    left_children = source.children.filter(dissolved_on__isnull=True).count()
    if dissolve_source:
        if left_members or left_children:
            raise ServiceError(
                f"“{source.name}” còn {left_members} đảng viên và {left_children} tổ chức chưa chia về đâu",
                field="parts",
            )
        _dissolve(source, effective_on)
        summary.lines.append(f"“{source.name}” thôi hoạt động từ {effective_on:%d/%m/%Y} (chia tách)")
    audit_log(
        actor=actor,
        action="orgs.split",
        obj=source,
        changes={
            "parts": [p.code for p in parts],
            "on": effective_on,
            "members_moved": summary.members_moved,
        },
    )
    return summary


@transaction.atomic
def org_dissolve(
    *,
    actor: User | None,
    org: Organization,
    effective_on: dt.date,
    decision_ref: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> ReorgSummary:
    org = _lock(org, expected_version)
    require_manage(scope_for(actor), org)
    if not org.is_active:
        raise ServiceError(f"“{org.name}” đã giải thể từ trước")
    members = org.memberships.filter(is_active=True).count()
    children = org.children.filter(dissolved_on__isnull=True).count()
    if members or children:
        raise ServiceError(
            f"“{org.name}” còn {members} đảng viên và {children} tổ chức trực thuộc: "
            "hãy chuyển hoặc hợp nhất trước khi giải thể"
        )
    _check_date(effective_on, [org])
    reorg = _reorg(ReorgKind.DISSOLVE, effective_on, actor, decision_ref, note, org=org.code)
    _dissolve(org, effective_on)
    audit_log(actor=actor, action="orgs.dissolve", obj=org, changes={"on": effective_on})
    return ReorgSummary(reorg, [f"Giải thể “{org.name}” từ {effective_on:%d/%m/%Y}"])


def rebuild_paths() -> None:
    """Recompute every path from the parent links (after a bulk import)."""
    by_parent: dict[int | None, list[tuple[int, int | None]]] = {}
    for pk, parent_id in Organization.objects.values_list("pk", "parent_id"):
        by_parent.setdefault(parent_id, []).append((pk, parent_id))
    stack: list[tuple[int | None, str, int]] = [(None, "", -1)]
    updates: list[Organization] = []
    while stack:
        parent, prefix, depth = stack.pop()
        for pk, _ in by_parent.get(parent, []):
            path = prefix + path_segment(pk)
            updates.append(Organization(pk=pk, path=path, depth=depth + 1))
            stack.append((pk, path, depth + 1))
    Organization.objects.bulk_update(updates, ["path", "depth"], batch_size=1000)
    announce(TreeRebuilt())
