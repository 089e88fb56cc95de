"""The dossiers' tables, one module per kind (admission, recognition, transfer) over a
shared base; Django and the callers import them from here."""

from __future__ import annotations

from dangvien.cases.models.admission import (
    NEVER_READMITTED,
    OPEN_CASE_STATES,
    Body,
    Case,
    CaseState,
    CeremonyDay,
    Exclusion,
    Introduction,
    IntroKind,
    PriorExit,
    Relation,
    Route,
    StepRecord,
    Suspension,
    Verification,
    VerificationResult,
    Vote,
)
from dangvien.cases.models.base import (
    Dossier,
)
from dangvien.cases.models.recognition import (
    Outcome,
    ProbationAssessment,
    ProbationMentor,
    Recognition,
    RecognitionState,
    RecognitionStep,
    RecognitionVote,
)
from dangvien.cases.models.transfer import (
    OPEN_TRANSFER_STATES,
    Transfer,
    TransferKind,
    TransferState,
)

__all__ = [
    "NEVER_READMITTED",
    "OPEN_CASE_STATES",
    "OPEN_TRANSFER_STATES",
    "Body",
    "Case",
    "CaseState",
    "CeremonyDay",
    "Dossier",
    "Exclusion",
    "IntroKind",
    "Introduction",
    "Outcome",
    "PriorExit",
    "ProbationAssessment",
    "ProbationMentor",
    "Recognition",
    "RecognitionState",
    "RecognitionStep",
    "RecognitionVote",
    "Relation",
    "Route",
    "StepRecord",
    "Suspension",
    "Transfer",
    "TransferKind",
    "TransferState",
    "Verification",
    "VerificationResult",
    "Vote",
]
