"""Who introduces the person: two official members, or the Youth Union or the trade union
by resolution; an introducer who leaves is replaced."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from dangvien.accounts.audit import audit_log
from dangvien.accounts.models import User
from dangvien.cases.admission import procedure as P
from dangvien.cases.admission.checks import (
    introducer_problem,
    introduction_problem,
)
from dangvien.cases.admission.steps import (
    lock_case,
    require_open,
)
from dangvien.cases.models import (
    Case,
    Introduction,
    IntroKind,
    Route,
)
from dangvien.core.errors import ServiceError
from dangvien.core.services import not_future
from dangvien.core.versioned import save_versioned
from dangvien.members.models import Membership
from dangvien.rules.selectors import RuleBook


@transaction.atomic
def admission_add_introduction(
    *,
    actor: User | None,
    case: Case,
    expected_version: int,
    kind: str,
    given_on: dt.date,
    introducer: Membership | None = None,
    months_together: int | None = None,
    is_relative: bool = False,
    replacement: bool = False,
    doc_ref: str = "",
) -> Introduction:
    c = lock_case(actor, case, expected_version)
    require_open(c)
    not_future(given_on, "given_on")
    if kind not in IntroKind.values:
        raise ServiceError("cases.introduction_kind_missing", field="kind")
    if c.records.filter(step=P.INTRODUCTIONS).exists() and not replacement:
        raise ServiceError("cases.introductions_done", field="replacement")
    if kind == IntroKind.MEMBER:
        if introducer is None:
            raise ServiceError("cases.introducer_missing", field="introducer")
        if introducer.person_id == c.person_id:
            raise ServiceError("cases.self_introduction", field="introducer")
        problem = introducer_problem(introducer, given_on)
        if problem is not None:
            raise problem
        if c.introductions.filter(introducer=introducer, ended_on__isnull=True).exists():
            raise ServiceError("cases.already_introduced", introducer=introducer, field="introducer")
        if months_together is None or months_together < 0 or months_together > 1200:
            raise ServiceError("cases.months_together_missing", field="months_together")
        if replacement and not c.introductions.filter(kind=IntroKind.MEMBER, ended_on__isnull=False).exists():
            raise ServiceError(
                "cases.replacement_without_leaver",
                field="replacement",
            )
    else:
        expected = IntroKind.YOUTH_UNION if c.route == Route.YOUTH_UNION else IntroKind.TRADE_UNION
        if c.route == Route.MEMBERS or kind != expected:
            raise ServiceError(
                "cases.introduction_kind_wrong",
                v1=c.get_route_display(),
                v2=IntroKind(kind).label.lower(),
                field="kind",
            )
        if not doc_ref.strip():
            raise ServiceError("cases.introduction_resolution_missing", field="doc_ref")
        introducer, months_together, is_relative, replacement = None, None, False, False
    intro = Introduction(
        case=c,
        kind=kind,
        introducer=introducer,
        months_together=months_together,
        is_relative=is_relative,
        replacement=replacement,
        given_on=given_on,
        doc_ref=doc_ref.strip()[:100],
    )
    problem = introduction_problem(intro, c, RuleBook.load())
    if problem is not None:
        raise problem
    intro.save()
    save_versioned(c)
    audit_log(
        actor=actor,
        action="cases.introduction.add",
        obj=c,
        changes={"kind": kind, "introducer": introducer.pk if introducer else None, "given_on": given_on},
    )
    return intro


@transaction.atomic
def admission_end_introduction(
    *,
    actor: User | None,
    case: Case,
    expected_version: int,
    introduction: Introduction,
    on: dt.date,
    reason: str,
) -> Introduction:
    """An introducer moved away, was disciplined or cannot continue: a replacement follows."""
    c = lock_case(actor, case, expected_version)
    require_open(c)
    intro = c.introductions.filter(pk=introduction.pk, ended_on__isnull=True).first()
    if intro is None:
        raise ServiceError("cases.no_such_introducer")
    not_future(on, "on")
    if on < intro.given_on:
        raise ServiceError("cases.introduction_ends_before_given", field="on")
    if not reason.strip():
        raise ServiceError("cases.reason_missing", field="reason")
    intro.ended_on, intro.ended_reason = on, reason.strip()[:300]
    intro.save(update_fields=["ended_on", "ended_reason"])
    save_versioned(c)
    audit_log(
        actor=actor, action="cases.introduction.end", obj=c, changes={"introduction": intro.pk, "on": on}
    )
    return intro


# --- Votes ---------------------------------------------------------------------------
