"""Reorganizations: an organization moved under another, merged into one, split into
new ones, or dissolved. The tree's versions keep every past shape; the members of a
merged or split cell move by the registry's own dated events (members/listeners.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.core.errors import ServiceError
from dangvien.core.events import announce
from dangvien.orgs.events import OrganizationAbsorbed
from dangvien.orgs.models import (
    Organization,
    Reorganization,
    ReorgKind,
    path_segment,
)
from dangvien.orgs.scope import require_manage, scope_for
from dangvien.orgs.services import (
    ReorgSummary,
    check_date,
    check_name,
    check_parent,
    close_version,
    lock_org,
    open_version,
    org_create,
    reorg_record,
)


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
        open_version(moved, on, reorg)
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
    org = lock_org(org, expected_version)
    scope = scope_for(actor)
    require_manage(scope, org)
    require_manage(scope, new_parent)
    if new_parent.pk == org.pk or new_parent.path.startswith(org.path):
        raise ServiceError(
            "orgs.move_into_itself",
            org=org,
            field="new_parent",
        )
    if new_parent.pk == org.parent_id:
        raise ServiceError("orgs.already_under", org=org, new_parent=new_parent, field="new_parent")
    check_parent(org.kind, new_parent)
    check_name(org.name, new_parent, exclude_pk=org.pk)
    subtree = list(Organization.objects.filter(path__startswith=org.path))
    check_date(effective_on, subtree)
    old_parent = org.parent
    reorg = reorg_record(
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
        [
            _(
                "Chuyển “{org.name}” ({moved} tổ chức, {members} đảng viên) sang trực "
                "thuộc “{new_parent.name}”"
            ).format(org=org, moved=moved, members=members, new_parent=new_parent)
        ],
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
        check_name(child.name, target, exclude_pk=child.pk)
        child.refresh_from_db()
        summary.orgs_moved += _repath_subtree(child, target, on, reorg)
        summary.lines.append(
            _("“{child.name}”: từ “{source.name}” sang “{target.name}”").format(
                child=child, source=source, target=target
            )
        )
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
        summary.lines.append(
            _("{moved} đảng viên: từ “{source.name}” sang “{target.name}”").format(
                moved=moved, source=source, target=target
            )
        )
    summary.members_moved += moved


def _dissolve(org: Organization, on: dt.date) -> None:
    org.dissolved_on = on
    org.version += 1
    org.save(update_fields=["dissolved_on", "version"])
    close_version(org, on)


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
        raise ServiceError("orgs.merge_sources_missing", field="sources")
    for s in sources:
        require_manage(scope, s)
        if not s.is_active:
            raise ServiceError("orgs.source_dissolved", s=s, field="sources")
        if target.path.startswith(s.path):
            raise ServiceError("orgs.merge_into_own_child", s=s, field="target")
        if s.memberships.filter(is_active=True).exists() and not target.is_cell:
            raise ServiceError("orgs.merge_members_need_cell", s=s, field="target")
        if s.children.filter(dissolved_on__isnull=True).exists() and target.is_cell:
            raise ServiceError("orgs.merge_children_into_cell", s=s, field="target")
    check_date(effective_on, [*sources, target])
    reorg = reorg_record(
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
        summary.lines.append(
            _("“{s.name}” thôi hoạt động từ {effective_on:%d/%m/%Y} (hợp nhất)").format(
                s=s, effective_on=effective_on
            )
        )
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
    source = lock_org(source, None)
    scope = scope_for(actor)
    require_manage(scope, source)
    if source.parent is None:
        raise ServiceError("orgs.split_top", field="source")
    require_manage(scope, source.parent)
    if len(parts) < 1:
        raise ServiceError("orgs.split_parts_missing", field="parts")
    check_date(effective_on, [source])
    reorg = reorg_record(
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
        summary.lines.append(_("Thành lập “{new.name}” ({new.code})").format(new=new))
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
                "orgs.split_leftovers",
                source=source,
                left_members=left_members,
                left_children=left_children,
                field="parts",
            )
        _dissolve(source, effective_on)
        summary.lines.append(
            _("“{source.name}” thôi hoạt động từ {effective_on:%d/%m/%Y} (chia tách)").format(
                source=source, effective_on=effective_on
            )
        )
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
    org = lock_org(org, expected_version)
    require_manage(scope_for(actor), org)
    if not org.is_active:
        raise ServiceError("orgs.already_dissolved", org=org)
    members = org.memberships.filter(is_active=True).count()
    children = org.children.filter(dissolved_on__isnull=True).count()
    if members or children:
        raise ServiceError("orgs.dissolve_not_empty", org=org, members=members, children=children)
    check_date(effective_on, [org])
    reorg = reorg_record(ReorgKind.DISSOLVE, effective_on, actor, decision_ref, note, org=org.code)
    _dissolve(org, effective_on)
    audit_log(actor=actor, action="orgs.dissolve", obj=org, changes={"on": effective_on})
    return ReorgSummary(
        reorg,
        [_("Giải thể “{org.name}” từ {effective_on:%d/%m/%Y}").format(org=org, effective_on=effective_on)],
    )
