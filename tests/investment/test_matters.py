"""Agency matters: routed to the owning department under its legal limit, followed by the
investor, signed and completed by the department; problems raised on visits."""

import datetime

import pytest
from django.utils import timezone

from qinqing.cases import calendar
from qinqing.cases.models import StateKind
from qinqing.cases.services import do_transition
from qinqing.core.models import Visit
from qinqing.core.services import Forbidden
from qinqing.investment import services
from qinqing.investment.models import AgencyMatter, Project
from tests.conftest import client_for


def open_matter(agency, project, **extra):
    return services.do_open_matter(
        agency["officer"],
        project,
        title="建设工程规划许可证",
        department=agency["land"],
        legal_days=extra.pop("legal_days", 5),
        materials=["申请表", "建设工程设计方案", "土地出让合同"],
        **extra,
    )


def test_a_matter_reaches_its_department_with_the_legal_limit_in_working_days(agency, project):
    now = timezone.make_aware(datetime.datetime(2026, 9, 28, 9, 0))  # before 国庆
    matter = open_matter(agency, project, now=now)
    case = matter.case
    assert case.state.code == "dispatched" and case.department == agency["land"]
    assert case.due_at == calendar.add_working_days(now, 5)
    # Five working days from 28 September run past the National Day holiday.
    assert timezone.localtime(case.due_at).date() > datetime.date(2026, 10, 8)


def test_the_investor_follows_and_the_department_signs_and_completes(agency, project):
    matter = open_matter(agency, project)
    investor = client_for(agency["investor_account"])
    page = investor.get(f"/investment/matters/{matter.pk}/").content.decode()
    assert "建设工程规划许可证" in page and "待签收" in page and "已收 " not in page
    assert "申请表" in page and "待提交" in page
    handler = agency["land_handler"]
    case = do_transition(handler, matter.case, "sign")
    case = do_transition(
        handler,
        case,
        "complete",
        values={"certificate_no": "建字第330726202600123号", "issued_on": "2026-10-30"},
    )
    assert case.kind == StateKind.CLOSED and case.replied_at is not None
    page = investor.get(f"/investment/matters/{matter.pk}/").content.decode()
    assert "已办结" in page and "签收" in page
    listing = investor.get("/investment/matters/").content.decode()
    assert matter.case.number in listing


def test_another_investor_does_not_see_the_matter(agency, project, enterprise, users):
    matter = open_matter(agency, project)
    other = client_for(users["enterprise"])
    assert other.get(f"/investment/matters/{matter.pk}/").status_code == 404
    assert matter.case.number not in other.get("/investment/matters/").content.decode()


def test_the_department_ticks_the_materials_in(agency, project):
    matter = open_matter(agency, project)
    material = matter.materials.get(name="申请表")
    response = client_for(agency["land_handler"]).post(
        f"/investment/materials/{material.pk}/toggle/"
    )
    assert response.status_code == 302
    material.refresh_from_db()
    assert material.received_on == timezone.localdate()
    with pytest.raises(Forbidden):
        services.do_receive_material(agency["investor_account"], material, None)


def test_a_visit_raises_a_problem_that_becomes_a_case_counted_when_solved(agency, project):
    visit = Visit.objects.create(
        visited_at=timezone.now(),
        visitor=agency["officer"],
        enterprise=agency["investor"],
        region=agency["town"],
        notes="项目现场走访",
    )
    problem = services.do_record_problem(
        agency["officer"], project, title="施工用电接入慢", visit=visit
    )
    assert problem.case.visit == visit and problem.case.case_type.code == "investment_problem"
    figures = services.agency_figures(Project.objects.all())
    assert figures["visits"] == 1 and figures["problems"] == 1
    assert figures["problems_solved"] == 0
    assert AgencyMatter.objects.count() == 0
