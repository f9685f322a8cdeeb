"""Inspections and interviews (检查、约谈) recorded with rectification tasks on the case engine."""

import datetime as dt
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

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


def test_staff_plan_an_inspection_on_the_phone_list_then_record_it_with_a_rectification(
    users, institution
):
    staff = client_for(users["staff"])
    response = staff.post(
        "/medinsure/inspections/new/",
        {"institution": institution.code, "kind": "inspection", "planned_on": "2026-11-10"},
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    page = staff.get("/medinsure/inspections/?state=planned").content.decode()
    assert "婺城区某药房" in page and "未实施" in page and "记录实施" in page

    response = staff.post(
        f"/medinsure/inspections/{inspection.pk}/",
        {
            "planned_on": "2026-11-10",
            "done_on": "2026-11-12",
            "notes": "抽查处方200张，发现串换药品",
            "rectification": "退回违规费用并整改处方管理",
            "deadline": "2026-12-31",
        },
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    case = inspection.rectification
    assert inspection.done_on == dt.date(2026, 11, 12)
    assert case.case_type.code == "medinsure_task" and case.number.startswith("ZG")
    assert timezone.localtime(case.due_at).date() == dt.date(2026, 12, 31)
    page = staff.get("/medinsure/inspections/?state=rectifying").content.decode()
    assert case.number in page and "期限 12-31 23:59" in page
    assert "未实施" not in staff.get("/medinsure/inspections/?state=done").content.decode()


def test_a_rectification_needs_a_deadline_and_opens_only_once(users, institution):
    staff = client_for(users["staff"])
    data = {
        "institution": institution.code,
        "kind": "interview",
        "planned_on": "2026-11-10",
        "rectification": "限期整改",
    }
    response = staff.post("/medinsure/inspections/new/", data)
    assert response.status_code == 422
    assert "下达整改任务须填写整改期限" in response.content.decode()
    assert not Inspection.objects.exists()
    response = staff.post("/medinsure/inspections/new/", {**data, "deadline": "2026-11-01"})
    assert response.status_code == 422
    assert "整改期限不能早于检查（约谈）日期" in response.content.decode()
    assert (
        staff.post("/medinsure/inspections/new/", {**data, "deadline": "2026-12-01"}).status_code
        == 302
    )
    inspection = Inspection.objects.get()
    again = staff.post(
        f"/medinsure/inspections/{inspection.pk}/", {**data, "deadline": "2026-12-05"}
    )
    assert again.status_code == 422
    assert "已下达整改任务" in again.content.decode()
    assert Inspection.objects.get().rectification.due_at.date() <= dt.date(2026, 12, 2)


def test_the_inspection_list_exports_what_it_shows_and_hides_other_regions(
    users, institution, regions
):
    other = Institution.objects.create(
        code="H33078200001", name="海盐某医院", kind="hospital", region=regions["haiyan"]
    )
    for place, kind in ((institution, "inspection"), (other, "interview")):
        do_record_inspection(users["admin"], place, kind=kind, planned_on=dt.date(2026, 6, 1))
    response = client_for(users["staff"]).get("/medinsure/inspections/?export=xlsx")
    book = load_workbook(BytesIO(response.content))
    rows = list(book.active.values)
    assert rows[0][:3] == ("类型", "机构编码", "机构名称")
    assert [r[1] for r in rows[1:]] == ["H33070200009"]
    assert (
        "海盐某医院" in client_for(users["leader"]).get("/medinsure/inspections/").content.decode()
    )
    assert client_for(users["leader"]).get("/medinsure/inspections/new/").status_code == 403
    assert client_for(users["staff"]).get("/medinsure/inspections/?year=abc").status_code == 400
    outsider = client_for(users["staff"]).post(
        "/medinsure/inspections/new/",
        {"institution": other.code, "kind": "inspection", "planned_on": "2026-11-10"},
    )
    assert outsider.status_code == 422 and Inspection.objects.count() == 2
