"""The papers that are not a dossier's forms (issue 21): the committee's written report, a
cell meeting's minutes, the proposal of commendations. Each has a code, a label and the
top-level names its template may use; an administrator replaces its template on the
templates page like a form's (constants only: the builders import the template lookup)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PaperDef:
    code: str
    label: str
    known: frozenset[str]

    @property
    def fields(self) -> list[str]:
        return sorted(self.known)


REPORT = PaperDef(
    "BC-PTĐV",
    "Báo cáo kết quả công tác phát triển đảng viên",
    frozenset(
        {
            "org", "place", "date_words", "period", "term_code", "classes", "admitted", "year_target",
            "year_percent", "term_target", "term_admitted", "term_percent", "recognitions", "ratings", "idle",
            "groups", "units",
        }
    ),
)  # fmt: skip
MINUTES = PaperDef(
    "BB-SHCB",
    "Biên bản sinh hoạt chi bộ",
    frozenset(
        {
            "cell", "place", "date_words", "held_on", "kind", "guests", "items", "summoned", "present",
            "exempt_present", "absent_leave", "absent", "heard", "votes", "chair", "chair_title",
        }
    ),
)  # fmt: skip
PROPOSAL = PaperDef(
    "TT-KT",
    "Tờ trình đề nghị khen thưởng",
    frozenset({"org", "place", "date_words", "year", "proposed", "decided", "count"}),
)
PAPERS = {p.code: p for p in (REPORT, MINUTES, PROPOSAL)}
