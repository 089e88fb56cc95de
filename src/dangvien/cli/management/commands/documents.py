from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.cases.models import Case
from dangvien.core.errors import ServiceError
from dangvien.documents.services import document_generate, document_pdf, dossier_pdf, dossier_zip
from dangvien.documents.year_report import year_report_docx
from dangvien.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "Giấy tờ của hồ sơ: render (một mẫu, ví dụ 6-KNĐ) hoặc dossier (cả hồ sơ, tệp ZIP theo thứ tự mẫu); "
        "report: báo cáo kết quả phát triển đảng viên của một tổ chức (--org, --period, --as-of)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["render", "dossier", "report"])
        parser.add_argument("--case", type=int, help="số hồ sơ kết nạp (render, dossier)")
        parser.add_argument("--org", help="mã tổ chức (report)")
        parser.add_argument("--period", help="năm, ví dụ 2026 (report)")
        parser.add_argument("--as-of", help="ngày số liệu, ví dụ 2026-06-30 (report); mặc định hôm nay")
        parser.add_argument(
            "--form", help="mã mẫu, ví dụ 6-KNĐ (mẫu 10-KNĐ đến 16-KNĐ: hồ sơ công nhận chính thức)"
        )
        parser.add_argument("--format", choices=["docx", "pdf", "zip"], default=None)
        parser.add_argument("-o", "--output", type=Path, required=True)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["what"] == "report":
            self._report(opts)
            return
        if not opts["case"]:
            raise CommandError(_("Ghi số hồ sơ: --case 17"), returncode=2)
        case = Case.objects.select_related("person", "cell").filter(pk=opts["case"]).first()
        if case is None:
            raise CommandError(_("Không có hồ sơ số {case}").format(case=opts["case"]), returncode=1)
        try:
            pdf = opts["format"] == "pdf" or (
                opts["output"].suffix.lower() == ".pdf" and opts["format"] is None
            )
            if opts["what"] == "dossier":
                data = dossier_pdf(actor=None, case=case) if pdf else dossier_zip(actor=None, case=case)
            else:
                if not opts["form"]:
                    raise CommandError(_("Ghi mã mẫu: --form 6-KNĐ"), returncode=2)
                if pdf:
                    data = document_pdf(actor=None, form_code=opts["form"], case=case)[1]
                else:
                    data = bytes(document_generate(actor=None, form_code=opts["form"], case=case).content)
        except ServiceError as exc:
            raise CommandError(exc.message, returncode=1) from None
        opts["output"].write_bytes(data)
        self.stdout.write(
            _("Đã ghi {output} ({count:,} byte)")
            .format(output=opts["output"], count=len(data))
            .replace(",", ".")
        )

    def _report(self, opts: dict[str, Any]) -> None:
        org = Organization.objects.filter(code=opts["org"] or "").first()
        if org is None:
            raise CommandError(_("Không có tổ chức mã “{org}”").format(org=opts["org"]), returncode=1)
        if not opts["period"]:
            raise CommandError(_("Báo cáo cần --period, ví dụ --period 2026"), returncode=2)
        try:
            as_of = dt.date.fromisoformat(opts["as_of"]) if opts["as_of"] else timezone.localdate()
        except ValueError:
            raise CommandError(
                _("Ngày “{value}” không hợp lệ: viết theo dạng 2024-03-12").format(value=opts["as_of"]),
                returncode=1,
            ) from None
        try:
            data = year_report_docx(actor=None, org=org, period=opts["period"], as_of=as_of)
        except ServiceError as exc:
            raise CommandError(exc.message, returncode=1) from None
        opts["output"].write_bytes(data)
        self.stdout.write(
            _("Đã ghi {output} ({count:,} byte)")
            .format(output=opts["output"], count=len(data))
            .replace(",", ".")
        )
