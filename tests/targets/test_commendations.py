"""Issue 21, item 5: year-end commendations proposed by rule, decided by the committee."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from dangvien.orgs.scope import ScopeDenied, scope_for
from dangvien.ratings.models import Level
from dangvien.ratings.services import Entry, ratings_record_members
from dangvien.targets.commendations import commendation_record, commendation_rows
from dangvien.targets.services import target_set

from ..cases.test_cases import to_cell_vote
from ..cases_helpers import through_decision
from ..conftest import refused, register

D = dt.date


def _admit(cell, n, prefix):
    return [
        register(cell, f"{prefix} {name}", admitted=D(2026, 3, 1 + i), official=None, birth=D(1995, 1, 1 + i))
        for i, name in enumerate(("An", "Bình", "Chi", "Dũng")[:n])
    ]


def _rows(tree, **kw):
    report = commendation_rows(scope_for(None), org=tree.xa, year=2026, as_of=D(2026, 12, 31), **kw)
    return {r["code"]: r for r in report.as_dict()["rows"]}


def test_a_unit_at_its_target_is_proposed_one_short_is_not(tree):
    target_set(actor=None, org=tree.xa_c1, period="2026", value=2)
    target_set(actor=None, org=tree.xa_c2, period="2026", value=2)
    _admit(tree.xa_c1, 2, "Nguyễn Văn")
    _admit(tree.xa_c2, 1, "Lê Thị")
    rows = _rows(tree)
    assert rows["XA-C1"] == {
        "code": "XA-C1", "name": tree.xa_c1.name, "target": 2, "admitted": 2, "percent": 100.0,
        "late": 0, "proposed": True, "decision": None,
    }  # fmt: skip
    assert rows["XA-C2"]["admitted"] == 1 and rows["XA-C2"]["proposed"] is False
    assert "XB" not in rows  # only the committee's own units


def test_a_late_dossier_or_a_poor_rating_share_withholds_the_proposal(tree):
    target_set(actor=None, org=tree.xa_c1, period="2026", value=1)
    members = _admit(tree.xa_c1, 1, "Nguyễn Văn")
    assert _rows(tree)["XA-C1"]["proposed"] is True
    # Ratings: 4 of 5 completed well or better is 80%: still proposed; 3 of 5 is not.
    rated = [
        *members,
        *[register(tree.xa_c1, f"Phạm Văn {x}", birth=D(1980, 1, i + 1)) for i, x in enumerate("ABCD")],
    ]
    levels = [Level.GOOD, Level.GOOD, Level.EXCELLENT, Level.GOOD, Level.COMPLETE]
    ratings_record_members(
        actor=None,
        cell=tree.xa_c1,
        year=2026,
        entries={m.pk: Entry(lv) for m, lv in zip(rated, levels, strict=True)},
    )
    assert _rows(tree)["XA-C1"]["proposed"] is True
    ratings_record_members(
        actor=None, cell=tree.xa_c1, year=2026, entries={rated[0].pk: Entry(Level.COMPLETE)}
    )
    assert _rows(tree)["XA-C1"]["proposed"] is False


def test_a_decision_taken_late_in_the_year_withholds_the_proposal(tree):
    from ..cases_helpers import officials

    officials(tree.xa_c2, 12)
    target_set(actor=None, org=tree.xa_c2, period="2026", value=1)
    _admit(tree.xa_c2, 1, "Lê Thị")  # the target is met
    case = to_cell_vote(tree.xa_c2, D(2026, 1, 8))
    assert _rows(tree)["XA-C2"]["proposed"] is True
    # The decision was due 09/04/2026 (60 working days after the base resolution of
    # 20/01); taken on 20/05, it is late.
    through_decision(case, resolution=D(2026, 1, 20), decided=D(2026, 5, 20), received=D(2026, 5, 25))
    row = _rows(tree)["XA-C2"]
    assert (row["admitted"], row["late"], row["proposed"]) == (1, 1, False)


def test_staff_record_the_decision_once_and_others_cannot(tree, users, login):
    with pytest.raises(ScopeDenied):
        commendation_record(
            actor=users.bithu1,
            organization=tree.xa_c1,
            year=2026,
            level="Giấy khen",
            decision_ref="1",
            decided_on=D(2026, 12, 1),
        )
    with pytest.raises(ScopeDenied):
        commendation_record(
            actor=users.binh,
            organization=tree.xa_c1,
            year=2026,
            level="Giấy khen",
            decision_ref="1",
            decided_on=D(2026, 12, 1),
        )
    with refused("targets.commendation_before_year_end"):
        commendation_record(
            actor=users.an,
            organization=tree.xa_c1,
            year=2026,
            level="Giấy khen",
            decision_ref="1",
            decided_on=D(2025, 12, 31),
        )
    with refused("targets.commendation_incomplete"):
        commendation_record(
            actor=users.an,
            organization=tree.xa_c1,
            year=2026,
            level=" ",
            decision_ref="1",
            decided_on=D(2026, 12, 1),
        )
    commendation_record(
        actor=users.an,
        organization=tree.xa_c1,
        year=2026,
        level="Giấy khen của Đảng ủy xã",
        decision_ref="15-QĐ/ĐU",
        decided_on=D(2026, 12, 1),
    )
    with refused("targets.commendation_exists"):  # a double click
        commendation_record(
            actor=users.an,
            organization=tree.xa_c1,
            year=2026,
            level="Giấy khen",
            decision_ref="16",
            decided_on=D(2026, 12, 2),
        )
    assert _rows(tree)["XA-C1"]["decision"] == {
        "ref": "15-QĐ/ĐU",
        "on": "2026-12-01",
        "level": "Giấy khen của Đảng ủy xã",
    }
    out = StringIO()
    call_command("report", "commendations", "--org", "XA", "--year", "2026", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["rows"][0]["decision"]["ref"] == "15-QĐ/ĐU"
    # The page, both sides of the scope.
    url = reverse("web:commendations", args=["XA"]) + "?nam=2026"
    assert "15-QĐ/ĐU" in login(users.an).get(url).content.decode()
    assert login(users.binh).get(url).status_code == 404
    r = login(users.an).post(
        url, {"unit": "XA-C2", "level": "Giấy khen", "decision_ref": "17", "decided_on": "02/12/2026"}
    )
    assert r.status_code == 302 and _rows(tree)["XA-C2"]["decision"]["ref"] == "17"
    assert (
        login(users.binh)
        .post(url, {"unit": "XA-C2", "level": "x", "decision_ref": "1", "decided_on": "02/12/2026"})
        .status_code
        == 404
    )


def test_the_proposal_paper_lists_the_proposed_units_and_the_decisions(tree, users, login):
    import io

    from docx import Document

    target_set(actor=None, org=tree.xa_c1, period="2026", value=1)
    target_set(actor=None, org=tree.xa_c2, period="2026", value=2)
    _admit(tree.xa_c1, 1, "Nguyễn Văn")
    commendation_record(
        actor=users.an,
        organization=tree.xa_c1,
        year=2026,
        level="Giấy khen",
        decision_ref="15-QĐ/ĐU",
        decided_on=D(2026, 12, 1),
    )
    url = reverse("web:commendations", args=["XA"]) + "?nam=2026&xuat=to-trinh"
    r = login(users.an).get(url)
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert "đề nghị khen thưởng 1 tổ chức đảng" in text
    assert [tree.xa_c1.name, "1", "1", "100,00%", "—"] in rows
    assert not any(row[0] == tree.xa_c2.name and len(row) == 5 for row in rows)  # one short: not proposed
    assert [tree.xa_c1.name, "Giấy khen, 15-QĐ/ĐU, 01/12/2026"] in rows
    assert "{{" not in text and "…" not in text
    assert login(users.binh).get(url).status_code == 404
