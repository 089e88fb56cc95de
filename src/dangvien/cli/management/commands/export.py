from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dangvien.accounts.audit import audit_export
from dangvien.core.spreadsheet import write_table
from dangvien.members.exporting import HEADERS as MEMBER_HEADERS
from dangvien.members.exporting import member_rows
from dangvien.orgs.exporting import HEADERS as ORG_HEADERS
from dangvien.orgs.exporting import org_rows
from dangvien.orgs.models import Organization
from dangvien.orgs.scope import scope_for
from dangvien.targets.exporting import HEADERS as TARGET_HEADERS
from dangvien.targets.exporting import target_rows

KINDS = {
    "orgs": (ORG_HEADERS, org_rows),
    "members": (MEMBER_HEADERS, member_rows),
    "targets": (TARGET_HEADERS, target_rows),
}


class Command(BaseCommand):
    help = "Xuất dữ liệu với đúng các cột của tệp nhập (nhập lại được)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("--org", help="mã tổ chức: chỉ xuất cây dưới tổ chức này")
        parser.add_argument("--format", choices=["csv", "xlsx", "json"], default="csv")
        parser.add_argument("-o", "--output", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        root = None
        if opts["org"]:
            root = Organization.objects.filter(code=opts["org"]).first()
            if root is None:
                raise CommandError(_("Không có tổ chức mã “{org}”").format(org=opts["org"]), returncode=1)
        if opts["format"] == "xlsx" and opts["output"] is None:
            raise CommandError(_("Định dạng xlsx cần -o TỆP"), returncode=2)
        headers, rows = KINDS[opts["kind"]]
        scope = scope_for(None)
        if opts["output"]:
            with opts["output"].open("wb") as out:
                n = write_table(out, opts["format"], headers, rows(scope, root))
            self.stderr.write(_("Đã xuất {n} dòng vào {output}").format(n=n, output=opts["output"]))
        else:
            n = write_table(sys.stdout.buffer, opts["format"], headers, rows(scope, root))
            sys.stdout.flush()
        audit_export(actor=None, what=opts["kind"], rows=n, fmt=opts["format"], org=root.code if root else "")
