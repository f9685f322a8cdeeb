"""Inspections and interviews (检查、约谈) recorded with rectification tasks on the case engine."""

import datetime as dt

import pytest

from qinqing.core.services import Forbidden, InvalidInput
from qinqing.medinsure.models import Inspection, Institution
from qinqing.medinsure.services import do_record_inspection
from tests.conftest import client_for


@pytest.fixture
def institution(regions, department):
    return Institution.objects.create(
        code="H33070200009", name="婺城区某药房", kind="pharmacy", region=regions["wucheng"]
    )


def test_an_interview_with_a_rectification_opens_a_task_with_a_deadline(users, institution):
    day = dt.date(2026, 6, 1)
    inspection = do_record_inspection(
        users["staff"],
        institution,
        kind="interview",
        planned_on=day,
        done_on=day,
        notes="约谈负责人",
        rectification="限期整改并报送整改报告",
    )
    case = inspection.rectification
    assert case.case_type.code == "medinsure_task"
    assert case.number.startswith("ZG")
    assert case.due_at is not None
    page = client_for(users["leader"]).get("/medinsure/").content.decode()
    assert "<b>1</b><span>已约谈机构</span>" in page
    assert "<b>0</b><span>已检查机构</span>" in page


def test_an_inspection_cannot_be_done_before_it_was_planned_nor_recorded_by_a_leader(
    users, institution
):
    with pytest.raises(InvalidInput, match="实施日期"):
        do_record_inspection(
            users["staff"],
            institution,
            kind="inspection",
            planned_on=dt.date(2026, 6, 2),
            done_on=dt.date(2026, 6, 1),
        )
    with pytest.raises(Forbidden):
        do_record_inspection(
            users["leader"], institution, kind="inspection", planned_on=dt.date(2026, 6, 2)
        )
    assert not Inspection.objects.exists()
