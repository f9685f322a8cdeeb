"""The case API: open, move, claim, and read KPIs — with JSON errors in Chinese."""

import json

import pytest

from qinqing.cases.models import Case
from qinqing.cases.services import do_open_case
from tests.conftest import client_for


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_a_resident_opens_a_case_and_the_dispatcher_moves_it(office, regions):
    requester = client_for(office["requester"])
    opened = post(requester, "/api/v1/cases", {"title": "路灯不亮", "region": "330702202"})
    assert opened.status_code == 201
    case_id = opened.json()["id"]
    assert opened.json()["state_label"] == "已登记"

    dispatcher = client_for(office["dispatcher"])
    detail = dispatcher.get(f"/api/v1/cases/{case_id}").json()
    assert {s["code"] for s in detail["available_steps"]} >= {"accept", "refuse"}
    moved = post(dispatcher, f"/api/v1/cases/{case_id}/steps/accept")
    assert moved.status_code == 200 and moved.json()["state"] == "accepted"
    dispatched = post(
        dispatcher,
        f"/api/v1/cases/{case_id}/steps/dispatch",
        {"department_id": office["economy"].pk},
    )
    assert dispatched.json()["department"] == "区经商局"
    assert [e["label"] for e in dispatched.json()["events"]] == ["登记", "受理", "派单"]


def test_a_step_not_allowed_now_answers_409_in_chinese(office, regions):
    case = do_open_case(
        office["requester"], case_type="general", title="x", region=regions["zhuma"]
    )
    response = post(
        client_for(office["dispatcher"]), f"/api/v1/cases/{case.pk}/steps/reply", {"note": "答复"}
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "事项当前为“已登记”，不能“答复”"


def test_a_missing_reason_is_a_422_naming_the_field(office, regions):
    case = do_open_case(
        office["requester"], case_type="general", title="x", region=regions["zhuma"]
    )
    response = post(client_for(office["dispatcher"]), f"/api/v1/cases/{case.pk}/steps/refuse")
    assert response.status_code == 422
    assert response.json()["errors"] == {"note": ["“不予受理”需要填写理由"]}


def test_someone_without_the_role_gets_403_and_an_outsider_404(office, regions):
    case = do_open_case(
        office["requester"], case_type="general", title="x", region=regions["zhuma"]
    )
    handler = post(client_for(office["economy_handler"]), f"/api/v1/cases/{case.pk}/steps/accept")
    assert handler.status_code == 403
    outsider = client_for(office["outsider"]).get(f"/api/v1/cases/{case.pk}")
    assert outsider.status_code == 404


def test_the_second_claim_is_a_409_already_claimed(office, regions, claim_type):
    from qinqing.core.models import Role
    from tests.conftest import make_user

    task = do_open_case(
        office["dispatcher"], case_type=claim_type, title="揭榜", region=regions["zhuma"]
    )
    rival = make_user(Role.STAFF, "rival", regions=[regions["wucheng"]])
    assert post(client_for(office["head"]), f"/api/v1/cases/{task.pk}/claim").status_code == 200
    second = post(client_for(rival), f"/api/v1/cases/{task.pk}/claim")
    assert second.status_code == 409
    assert second.json()["detail"] == "已被认领"
    assert Case.objects.get(pk=task.pk).claimed_by == office["head"]


@pytest.mark.parametrize(("who", "status"), [("dispatcher", 200), ("economy_handler", 403)])
def test_kpis_are_for_those_who_may_read_them(office, who, status):
    response = client_for(office[who]).get("/api/v1/cases/kpis?group_by=total")
    assert response.status_code == status


def test_a_bad_kpi_month_is_a_422(office):
    response = client_for(office["dispatcher"]).get("/api/v1/cases/kpis?month=2026-13")
    assert response.status_code == 422
