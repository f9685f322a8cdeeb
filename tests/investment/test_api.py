"""The API: projects with computed durations, milestones refused in Chinese, matters, claims."""

import datetime

from tests.conftest import client_for
from tests.investment.conftest import QUICK, finish
from tests.investment.test_matters import open_matter
from tests.investment.test_tasks import post, team


def test_projects_come_with_their_computed_durations(agency, project):
    finish(agency, project, QUICK)
    body = client_for(agency["investor_account"]).get("/api/v1/investment/projects").json()
    [row] = body["items"]
    assert row["delist_to_start_days"] == 6 and row["quick_start"] is True
    assert row["total_investment"] == 520000


def test_a_milestone_done_too_early_is_refused_with_422_naming_what_comes_first(agency, project):
    permit = project.milestones.get(kind="construction")
    response = client_for(agency["officer"]).post(
        f"/api/v1/investment/milestones/{permit.pk}/done",
        {"done_on": "2025-04-15", "certificate_no": "330726"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "须先完成：不动产权证、工程规划许可证" in str(response.json())
    permit.refresh_from_db()
    assert permit.done_on is None


def test_the_investor_may_not_record_milestones(agency, project):
    signing = project.milestones.get(kind="signing")
    response = client_for(agency["investor_account"]).post(
        f"/api/v1/investment/milestones/{signing.pk}/done",
        {"done_on": "2025-04-15"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_the_investor_lists_its_matters_with_the_materials_count(agency, project):
    open_matter(agency, project)
    body = client_for(agency["investor_account"]).get("/api/v1/investment/matters").json()
    [row] = body["items"]
    assert row["materials_needed"] == 3 and row["materials_received"] == 0
    assert row["state_label"] == "待签收" and row["department"] == "县资规局"


def test_a_second_team_claiming_through_the_api_gets_409(agency, project):
    first, second = team(agency, "甲组"), team(agency, "乙组")
    task = post(agency, project)
    url = f"/api/v1/investment/tasks/{task.pk}/claim"
    assert client_for(first.leader).post(url).json()["team"] == "甲组"
    response = client_for(second.leader).post(url)
    assert response.status_code == 409 and "已被认领" in response.json()["detail"]
    assert (
        datetime.date.fromisoformat(
            client_for(first.leader).get("/api/v1/investment/tasks").json()["items"][0]["deadline"]
        )
        == task.deadline
    )
