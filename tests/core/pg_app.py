"""What the replica and failover scripts (run in processes of their own, Django set up)
both need on a fresh database: the schema, a province, a commune and one of its cells."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from dangvien.orgs.models import Organization, OrgKind
from dangvien.orgs.services import org_create


def schema_and_commune() -> tuple[Organization, Organization, Organization]:
    call_command("migrate", verbosity=0)
    on = dt.date(2000, 1, 1)
    made: list[Organization] = []
    for code, name, kind in [
        ("PROV", "Đảng bộ tỉnh Thử", OrgKind.PROVINCE),
        ("XA", "Đảng bộ xã An Phú", OrgKind.UPPER_BASE),
        ("XA-C1", "Chi bộ Thôn 1", OrgKind.CELL),
    ]:
        parent = made[-1] if made else None
        made.append(org_create(actor=None, code=code, name=name, kind=kind, parent=parent, founded_on=on))
    return made[0], made[1], made[2]
