"""The `dangvien` command: Django's management commands plus the product's own
(createadmin, serve, demo, import, export, report, audit, backup, restore)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
    args = sys.argv[1:] if argv is None else argv
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["dangvien", *args])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0
