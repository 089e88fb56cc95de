"""Run by test_failover.py in a process of its own: the schema and a staff account on the
primary of a fresh pair, through the multi-host URL the server will use."""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
django.setup()

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pg_app import schema_and_commune  # noqa: E402

from dangvien.accounts.models import Role  # noqa: E402
from dangvien.accounts.services import user_create  # noqa: E402

_prov, xa, _cell = schema_and_commune()
user_create(actor=None, username="canbo", password=os.environ["PASSWORD"], role=Role.STAFF, organization=xa)
print("ready")
