"""Run by test_failover.py in a process of its own: the schema and a staff account on the
primary of a fresh pair, through the multi-host URL the server will use."""

from __future__ import annotations

import datetime as dt
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
django.setup()

from django.core.management import call_command  # noqa: E402

from dangvien.accounts.models import Role  # noqa: E402
from dangvien.accounts.services import user_create  # noqa: E402
from dangvien.orgs.models import OrgKind  # noqa: E402
from dangvien.orgs.services import org_create  # noqa: E402

call_command("migrate", verbosity=0)
on = dt.date(2000, 1, 1)
prov = org_create(
    actor=None, code="PROV", name="Đảng bộ tỉnh Thử", kind=OrgKind.PROVINCE, parent=None, founded_on=on
)
xa = org_create(
    actor=None, code="XA", name="Đảng bộ xã An Phú", kind=OrgKind.UPPER_BASE, parent=prov, founded_on=on
)
user_create(actor=None, username="canbo", password=os.environ["PASSWORD"], role=Role.STAFF, organization=xa)
print("ready")
