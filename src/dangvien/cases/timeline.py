"""A member's whole history on one line of time: the registry's events, and beside them
the dossiers that led to them (probation and recognition steps and votes, transfers,
exemption requests and reports, residence registrations)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from dangvien.cases.models import Recognition
from dangvien.cases.recognition import rules as R
from dangvien.members.models import Membership


@dataclass(frozen=True, slots=True)
class Moment:
    on: dt.date
    what: str
    detail: str = ""
    kind: str = "event"  # event, recognition, transfer, exemption, residence
    link: str = ""


def member_history(m: Membership) -> list[Moment]:
    out: list[Moment] = []
    for e in m.events.select_related("cell"):
        detail = "; ".join(
            filter(
                None,
                [e.cell.name, _("Quyết định {e.decision_ref}").format(e=e) if e.decision_ref else "", e.note],
            )
        )
        out.append(Moment(e.on, str(e.get_kind_display()), detail))
    rec = Recognition.objects.filter(membership=m).first()
    if rec is not None:
        link = reverse("web:recognition_detail", args=[rec.pk])
        out.append(Moment(rec.ends_on, _("Hết thời gian dự bị"), "", "recognition", link))
        for pm in rec.mentors.select_related("mentor__person"):
            out.append(
                Moment(
                    pm.valid_from,
                    _("Phân công người giúp đỡ"),
                    pm.mentor.person.full_name,
                    "recognition",
                    link,
                )
            )
        for name, label in R.END_PAPERS:
            on = getattr(rec, name)
            if on is not None:
                out.append(Moment(on, str(label), "", "recognition", link))
        for v in rec.votes.all():
            result = v.get_outcome_display() if v.outcome else _("không đủ 2/3")
            out.append(
                Moment(
                    v.held_on,
                    _("{v1} biểu quyết").format(v1=v.get_body_display()),
                    f"{v.summary}: {result}",
                    "recognition",
                    link,
                )
            )
        if rec.escalated_on:
            out.append(
                Moment(rec.escalated_on, _("Báo cáo cấp trên (ba lần không đủ 2/3)"), "", "recognition", link)
            )
    for t in m.transfers.select_related("from_cell", "to_cell"):
        link = reverse("web:transfer_detail", args=[t.pk])
        out.append(
            Moment(
                t.moved_on, t.get_kind_display(), f"{t.from_cell.name} → {t.destination}", "transfer", link
            )
        )
        if t.letter_on:
            out.append(Moment(t.letter_on, _("Cấp giấy giới thiệu"), t.letter_ref, "transfer", link))
        if t.cancelled_on:
            out.append(Moment(t.cancelled_on, _("Hủy chuyển sinh hoạt"), t.cancel_reason, "transfer", link))
        if t.received_on and t.kind == "temporary":
            out.append(
                Moment(
                    t.received_on, _("Nơi đến tiếp nhận sinh hoạt tạm thời"), t.destination, "transfer", link
                )
            )
        if t.returned_on:
            out.append(Moment(t.returned_on, _("Kết thúc sinh hoạt tạm thời"), "", "transfer", link))
    for x in m.exemptions.all():
        out.append(
            Moment(
                x.requested_on,
                _("Đơn đề nghị {v1}").format(v1=x.get_kind_display().lower()),
                x.reason,
                "exemption",
            )
        )
        if x.refused and x.decided_on:
            out.append(
                Moment(x.decided_on, _("Chi bộ không đồng ý miễn sinh hoạt"), x.decision_ref, "exemption")
            )
        if x.reported_on:
            out.append(
                Moment(x.reported_on, _("Báo cáo cấp ủy cấp trên việc miễn sinh hoạt"), "", "exemption")
            )
    for r in m.residences.select_related("cell"):
        out.append(Moment(r.registered_on, _("Đăng ký sinh hoạt nơi cư trú"), r.cell.name, "residence"))
    order = {"event": 0, "recognition": 1, "transfer": 1, "exemption": 1, "residence": 1}
    out.sort(key=lambda x: (x.on, order[x.kind]))
    return out
