"""The station's API: instant calls and sign-ups answer like the pages do."""

import datetime
import json

from django.utils import timezone

from qinqing.enterprise.models import ServiceSession
from qinqing.enterprise.services import do_instant_call
from tests.conftest import client_for


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_an_enterprise_calls_through_the_api_and_is_routed_to_its_liaison(users, station):
    response = post(
        client_for(users["enterprise"]),
        "/api/v1/station/calls",
        {"title": "急需叉车司机", "urgent": True},
    )
    assert response.status_code == 201
    assert response.json()["liaison"] == "liaison"
    assert response.json()["state_label"] == "已派单"


def test_staff_cannot_make_an_instant_call(users, station):
    assert (
        post(client_for(users["staff"]), "/api/v1/station/calls", {"title": "x"}).status_code == 403
    )


def test_signing_up_to_a_full_session_is_a_409(users, regions, enterprise):
    session = ServiceSession.objects.create(
        title="税务辅导",
        topic="tax",
        venue="服务站",
        capacity=1,
        region=regions["zhuma"],
        starts_at=timezone.now() + datetime.timedelta(days=3),
        created_by=users["staff"],
    )
    client = client_for(users["enterprise"])
    first = post(client, f"/api/v1/station/sessions/{session.pk}/sign-up")
    assert first.status_code == 201 and first.json()["seats_left"] == 0
    again = post(client, f"/api/v1/station/sessions/{session.pk}/sign-up")
    assert again.status_code == 409
    assert again.json()["detail"] in {"名额已满", "本企业已报名"}


def test_coverage_counts_the_stations_enterprises_with_a_liaison(
    users, station, uncovered, other_enterprise
):
    assert client_for(users["admin"]).get("/api/v1/station/coverage").json() == {
        "covered": 1,
        "total": 2,
    }


def test_a_problem_in_the_api_carries_its_case_in_the_engines_one_shape(users, station):
    from qinqing.cases.schemas import CaseFieldsOut

    do_instant_call(users["enterprise"], "需要用电增容")
    client = client_for(users["admin"])
    [problem] = client.get("/api/v1/station/problems").json()["items"]
    case = client.get(f"/api/v1/cases/{problem['case_id']}").json()
    shared = set(CaseFieldsOut.model_fields)
    assert {name: problem[name] for name in shared} == {name: case[name] for name in shared}
