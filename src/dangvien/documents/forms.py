"""The official forms of 12-HD/BTCTW (RULES.md "Forms") as data: their code, title, the
dossier and step they belong to, and who issues them. The template of each form lives in
documents/templates/<file>.docx (built by documents/build_templates.py, replaceable)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import slugify

ADMISSION = "admission"
RECOGNITION = "recognition"


@dataclass(frozen=True)
class FormDef:
    code: str
    title: str  # as printed, upper case
    label: str  # what the screen calls it
    dossier: str  # ADMISSION or RECOGNITION
    step: str  # the step of that dossier the paper belongs to
    issuer: str  # "person", "cell", "section", "base", "competent", "union", "class"

    @property
    def file(self) -> str:
        return slugify(self.code.replace("Đ", "D"))


FORMS: tuple[FormDef, ...] = (
    FormDef(
        "CN-NTVĐ",
        "GIẤY CHỨNG NHẬN",
        "Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng",
        ADMISSION,
        "certificate",
        "class",
    ),
    FormDef("1-KNĐ", "ĐƠN XIN VÀO ĐẢNG", "Đơn xin vào Đảng", ADMISSION, "application", "person"),
    FormDef(
        "2-KNĐ",
        "LÝ LỊCH CỦA NGƯỜI XIN VÀO ĐẢNG",
        "Lý lịch của người xin vào Đảng",
        ADMISSION,
        "history",
        "person",
    ),
    FormDef(
        "3-KNĐ",
        "GIẤY GIỚI THIỆU NGƯỜI VÀO ĐẢNG",
        "Giấy giới thiệu người vào Đảng",
        ADMISSION,
        "introductions",
        "person",
    ),
    FormDef(
        "4-KNĐ",
        "NGHỊ QUYẾT GIỚI THIỆU ĐOÀN VIÊN ƯU TÚ VÀO ĐẢNG",
        "Nghị quyết giới thiệu của Đoàn / Công đoàn",
        ADMISSION,
        "introductions",
        "union",
    ),
    FormDef(
        "5-KNĐ",
        "TỔNG HỢP Ý KIẾN NHẬN XÉT CỦA ĐOÀN THỂ CHÍNH TRỊ - XÃ HỘI VÀ CHI ỦY NƠI CƯ TRÚ ĐỐI VỚI NGƯỜI XIN VÀO ĐẢNG",
        "Tổng hợp ý kiến nhận xét",
        ADMISSION,
        "opinions",
        "cell",
    ),
    FormDef(
        "6-KNĐ",
        "NGHỊ QUYẾT ĐỀ NGHỊ KẾT NẠP ĐẢNG VIÊN",
        "Nghị quyết chi bộ đề nghị kết nạp",
        ADMISSION,
        "cell_vote",
        "cell",
    ),
    FormDef(
        "7-KNĐ",
        "BÁO CÁO THẨM ĐỊNH VỀ ĐIỀU KIỆN VÀ TIÊU CHUẨN NGƯỜI XIN VÀO ĐẢNG",
        "Báo cáo thẩm định của đảng ủy bộ phận",
        ADMISSION,
        "section_review",
        "section",
    ),
    FormDef(
        "8-KNĐ",
        "NGHỊ QUYẾT ĐỀ NGHỊ KẾT NẠP ĐẢNG VIÊN",
        "Nghị quyết đảng ủy cơ sở đề nghị kết nạp",
        ADMISSION,
        "base_resolution",
        "base",
    ),
    FormDef(
        "9-KNĐ",
        "QUYẾT ĐỊNH KẾT NẠP ĐẢNG VIÊN",
        "Quyết định kết nạp đảng viên",
        ADMISSION,
        "decision",
        "competent",
    ),
    FormDef(
        "10-KNĐ",
        "BẢN TỰ KIỂM ĐIỂM CỦA ĐẢNG VIÊN DỰ BỊ",
        "Bản tự kiểm điểm của đảng viên dự bị",
        RECOGNITION,
        "cell_vote",
        "person",
    ),
    FormDef(
        "11-KNĐ",
        "BẢN NHẬN XÉT ĐẢNG VIÊN DỰ BỊ",
        "Bản nhận xét của đảng viên giúp đỡ",
        RECOGNITION,
        "cell_vote",
        "person",
    ),
    FormDef(
        "12-KNĐ",
        "TỔNG HỢP Ý KIẾN NHẬN XÉT CỦA ĐOÀN THỂ CHÍNH TRỊ - XÃ HỘI VÀ CHI ỦY NƠI CƯ TRÚ ĐỐI VỚI ĐẢNG VIÊN DỰ BỊ",
        "Tổng hợp ý kiến nhận xét đảng viên dự bị",
        RECOGNITION,
        "cell_vote",
        "cell",
    ),
    FormDef(
        "13-KNĐ",
        "NGHỊ QUYẾT ĐỀ NGHỊ CÔNG NHẬN ĐẢNG VIÊN CHÍNH THỨC",
        "Nghị quyết chi bộ đề nghị công nhận chính thức",
        RECOGNITION,
        "cell_vote",
        "cell",
    ),
    FormDef(
        "14-KNĐ",
        "BÁO CÁO THẨM ĐỊNH ĐỀ NGHỊ CÔNG NHẬN ĐẢNG VIÊN CHÍNH THỨC",
        "Báo cáo thẩm định công nhận chính thức",
        RECOGNITION,
        "section_review",
        "section",
    ),
    FormDef(
        "15-KNĐ",
        "NGHỊ QUYẾT ĐỀ NGHỊ CÔNG NHẬN ĐẢNG VIÊN CHÍNH THỨC",
        "Nghị quyết đảng ủy cơ sở đề nghị công nhận chính thức",
        RECOGNITION,
        "base_resolution",
        "base",
    ),
    FormDef(
        "16-KNĐ",
        "QUYẾT ĐỊNH CÔNG NHẬN ĐẢNG VIÊN CHÍNH THỨC",
        "Quyết định công nhận đảng viên chính thức",
        RECOGNITION,
        "decision",
        "competent",
    ),
)
BY_CODE = {f.code: f for f in FORMS}


# Fields of a form that the system cannot know even for a complete dossier: they stay the
# dotted blank to fill by hand (docs/forms.md lists every field and where it comes from).
UNKNOWABLE: dict[str, frozenset[str]] = {
    # The class's certificate is signed by the political centre's director: not recorded.
    "CN-NTVĐ": frozenset({"signer"}),
    # The summary of opinions on a probationary member carries no number of its own.
    "12-KNĐ": frozenset({"doc_number"}),
}
