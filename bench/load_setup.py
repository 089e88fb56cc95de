"""Accounts and addresses for the load profile (bench/locustfile.py), on a database that
holds the province demo: the province's office, the staff of 12 communes, the secretaries of
40 cells, each with the ids their pages open. Prints one JSON object (written to a file by
bench/load.py). Accounts are made once; a second run reuses them."""

from __future__ import annotations

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
django.setup()

from dangvien.accounts.models import Role, User  # noqa: E402
from dangvien.accounts.services import user_create  # noqa: E402
from dangvien.candidates.models import Candidate  # noqa: E402
from dangvien.cases.models import Case, CaseState  # noqa: E402
from dangvien.members.models import Membership  # noqa: E402
from dangvien.orgs.models import CELL_KINDS, Organization, OrgKind  # noqa: E402

PASSWORD = "mot-mat-khau-dai-2026"  # noqa: S105 - synthetic accounts on a benchmark database


def account(username: str, role: str, org: Organization) -> str:
    if not User.objects.filter(username=username).exists():
        user_create(actor=None, username=username, password=PASSWORD, role=role, organization=org)
    return username


def main() -> None:
    province = Organization.objects.get(parent__isnull=True)
    communes = list(Organization.objects.filter(kind=OrgKind.UPPER_BASE).order_by("code")[:12])
    out: dict[str, object] = {"password": PASSWORD, "province": {}, "communes": [], "cells": []}
    members = list(
        Membership.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)[:200]
    )
    out["province"] = {
        "user": account("bench-tinh", Role.STAFF, province),
        "org": province.code,
        "members": members,
    }
    for i, c in enumerate(communes):
        cases = list(
            Case.objects.filter(cell__path__startswith=c.path, state=CaseState.OPEN).values_list(
                "pk", flat=True
            )[:20]
        )
        pool = list(Candidate.objects.filter(cell__path__startswith=c.path).values_list("pk", flat=True)[:20])
        out["communes"].append(  # type: ignore[union-attr]
            {
                "user": account(f"bench-xa-{i}", Role.STAFF, c),
                "org": c.code,
                "cases": cases,
                "candidates": pool,
            }
        )
    cells = Organization.objects.filter(kind__in=CELL_KINDS, parent__in=communes).order_by("code")[:40]
    for i, cell in enumerate(cells):
        pool = list(Candidate.objects.filter(cell=cell).values_list("pk", flat=True)[:10])
        cases = list(Case.objects.filter(cell=cell, state=CaseState.OPEN).values_list("pk", flat=True)[:5])
        out["cells"].append(  # type: ignore[union-attr]
            {
                "user": account(f"bench-bithu-{i}", Role.SECRETARY, cell),
                "org": cell.code,
                "candidates": pool,
                "cases": cases,
            }
        )
    json.dump(out, sys.stdout)
    print()


main()
