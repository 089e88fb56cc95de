from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dangvien.cases.models import Case
from dangvien.core.errors import ServiceError
from dangvien.documents.services import document_generate, document_pdf, dossier_pdf, dossier_zip


class Command(BaseCommand):
    help = (
        "Giấy tờ của hồ sơ: render (một mẫu, ví dụ 6-KNĐ) hoặc dossier (cả hồ sơ, tệp ZIP theo thứ tự mẫu)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["render", "dossier"])
        parser.add_argument("--case", type=int, required=True, help="số hồ sơ kết nạp")
        parser.add_argument(
            "--form", help="mã mẫu, ví dụ 6-KNĐ (mẫu 10-KNĐ đến 16-KNĐ: hồ sơ công nhận chính thức)"
        )
        parser.add_argument("--format", choices=["docx", "pdf", "zip"], default=None)
        parser.add_argument("-o", "--output", type=Path, required=True)

    def handle(self, *args: Any, **opts: Any) -> None:
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
