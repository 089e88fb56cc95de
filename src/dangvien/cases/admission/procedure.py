"""The admission procedure as data: the ordered steps of RULES.md "The admission procedure,
in order", each with the papers (form numbers of 12-HD/BTCTW) its checklist asks for.

The order is the regulation's; which steps a case goes through depends only on the tree
(a section-committee review only under a section committee; no base-committee resolution
when the cell is itself a base cell)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangvien.orgs.models import Organization, OrgKind


@dataclass(frozen=True)
class Paper:
    code: str
    label: str | Promise
    form: str = ""  # form number, e.g. "1-KNĐ"; empty for papers without one


@dataclass(frozen=True)
class StepDef:
    code: str
    label: str | Promise
    short: str | Promise  # column title on the board
    papers: tuple[Paper, ...]


SYMPATHIZER = "sympathizer"
CERTIFICATE = "certificate"
APPLICATION = "application"
HISTORY = "history"
INTRODUCTIONS = "introductions"
OPINIONS = "opinions"
CELL_VOTE = "cell_vote"
SECTION_REVIEW = "section_review"
BASE_RESOLUTION = "base_resolution"
DECISION = "decision"
CEREMONY = "ceremony"

STEPS: tuple[StepDef, ...] = (
    StepDef(
        SYMPATHIZER,
        _("Danh sách cảm tình Đảng và người giúp đỡ"),
        _("Cảm tình Đảng"),
        (Paper("sympathizer_resolution", _("Nghị quyết chi bộ đưa vào danh sách cảm tình Đảng")),),
    ),
    StepDef(
        CERTIFICATE,
        _("Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng"),
        _("Chứng nhận"),
        (Paper("certificate", _("Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng"), "CN-NTVĐ"),),
    ),
    StepDef(
        APPLICATION,
        _("Đơn xin vào Đảng"),
        _("Đơn"),
        (Paper("application", _("Đơn xin vào Đảng"), "1-KNĐ"),),
    ),
    StepDef(
        HISTORY,
        _("Lý lịch và thẩm tra lý lịch"),
        _("Lý lịch"),
        (
            Paper("history", _("Lý lịch của người xin vào Đảng"), "2-KNĐ"),
            Paper("verification", _("Kết quả thẩm tra lý lịch")),
        ),
    ),
    StepDef(
        INTRODUCTIONS,
        _("Giới thiệu người vào Đảng"),
        _("Giới thiệu"),
        (
            Paper("introduction", _("Giấy giới thiệu của đảng viên chính thức"), "3-KNĐ"),
            Paper("union_resolution", _("Nghị quyết giới thiệu của Đoàn / Công đoàn (nếu có)"), "4-KNĐ"),
        ),
    ),
    StepDef(
        OPINIONS,
        _("Ý kiến của đoàn thể và chi ủy nơi cư trú"),
        _("Ý kiến"),
        (Paper("opinions", _("Tổng hợp ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú"), "5-KNĐ"),),
    ),
    StepDef(
        CELL_VOTE,
        _("Chi bộ họp xét và biểu quyết"),
        _("Chi bộ xét"),
        (
            Paper("cell_resolution", _("Nghị quyết chi bộ đề nghị kết nạp"), "6-KNĐ"),
            Paper("cell_minutes", _("Biên bản họp chi bộ")),
        ),
    ),
    StepDef(
        SECTION_REVIEW,
        _("Đảng ủy bộ phận thẩm định"),
        _("ĐUBP thẩm định"),
        (Paper("section_report", _("Báo cáo thẩm định của đảng ủy bộ phận"), "7-KNĐ"),),
    ),
    StepDef(
        BASE_RESOLUTION,
        _("Nghị quyết của đảng ủy cơ sở"),
        _("Đảng ủy xét"),
        (Paper("base_resolution", _("Nghị quyết đảng ủy cơ sở đề nghị kết nạp"), "8-KNĐ"),),
    ),
    StepDef(
        DECISION,
        _("Quyết định kết nạp của cấp ủy có thẩm quyền"),
        _("Quyết định"),
        (Paper("decision", _("Quyết định kết nạp đảng viên"), "9-KNĐ"),),
    ),
    StepDef(
        CEREMONY,
        _("Lễ kết nạp"),
        _("Lễ kết nạp"),
        (Paper("ceremony_minutes", _("Biên bản lễ kết nạp")),),
    ),
)

BY_CODE = {s.code: s for s in STEPS}
CODES = tuple(s.code for s in STEPS)
# Steps after the cell's resolution: the competent committee's 60 working days run.
DECISION_PHASE = (SECTION_REVIEW, BASE_RESOLUTION, DECISION)
# Steps whose papers count toward "papers older than 12 months" at the cell meeting.
DATED_PAPERS = (APPLICATION, HISTORY, INTRODUCTIONS, OPINIONS)


def steps_for(cell: Organization, parent_kind: str | None) -> list[StepDef]:
    """The steps a case in `cell` goes through (`parent_kind`: the kind of the cell's parent)."""
    skip = set()
    if parent_kind != OrgKind.SECTION:
        skip.add(SECTION_REVIEW)
    if cell.kind == OrgKind.BASE_CELL:
        skip.add(BASE_RESOLUTION)  # a base cell proposes straight to the competent committee
    return [s for s in STEPS if s.code not in skip]


def next_step(codes: list[str], current: str) -> str | None:
    i = codes.index(current)
    return codes[i + 1] if i + 1 < len(codes) else None


def required_papers(step: str, route: str) -> tuple[Paper, ...]:
    """The papers a step's checklist asks for: the union resolution only on that route."""
    papers = BY_CODE[step].papers
    if step == INTRODUCTIONS and route == "members":
        return tuple(p for p in papers if p.code != "union_resolution")
    return papers
