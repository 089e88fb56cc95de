"""Two people record the same step of the same case at the same moment (PostgreSQL: real
row locks between two connections). One succeeds; the other is told to reload."""

import datetime as dt
import threading

import pytest
from django.db import connection

from dangvien.cases.admission import procedure as P
from dangvien.cases.admission.services import admission_record_step
from dangvien.cases.models import StepRecord
from dangvien.core.errors import StaleError

from ..cases_helpers import candidate, fresh, open_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_recordings_of_a_step_end_with_one_success_and_one_refusal(tree):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between two connections are tested on PostgreSQL")
    case = fresh(open_case(candidate(tree.xa_c1)))
    assert case.step == P.APPLICATION
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def record(note: str) -> None:
        try:
            barrier.wait()
            admission_record_step(
                actor=None,
                case=case,
                expected_version=case.version,
                step=P.APPLICATION,
                done_on=dt.date(2025, 11, 5),
                note=note,
            )
            outcomes.append("ok")
        except StaleError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(f"tab {i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["Bản ghi vừa được người khác thay đổi. Hãy tải lại trang rồi làm lại.", "ok"]
    assert StepRecord.objects.filter(case=case, step=P.APPLICATION).count() == 1
    assert fresh(case).version == case.version + 1
