"""The API answers like the pages: inventory, availability, applications, allocations, bookings."""

import datetime
import json

from tests.conftest import client_for
from tests.workspace.conftest import APPLY, apply, to_review


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def items(response):
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_the_inventory_and_availability_answer_for_a_period(world):
    client = client_for(world["leader"])
    rows = client.get("/api/v1/workspace/inventory").json()
    assert {r["kind"]: r["count"] for r in rows} == {"fixed": 4, "hot": 1, "tea": 1}
    day = (world["today"] + datetime.timedelta(days=1)).isoformat()
    free = items(client.get(f"/api/v1/workspace/availability?start={day}&days=3&kind=hot"))
    assert free == [
        {
            "id": world["hot"].pk,
            "code": world["hot"].code,
            "kind": "hot",
            "capacity": 3,
            "free_every_day": 3,
            "free_by_day": [3, 3, 3],
        }
    ]
    assert len(items(client.get("/api/v1/workspace/workstations?natural=1"))) == 1


def test_a_team_applies_and_follows_its_application(world):
    client = client_for(world["leader"])
    body = {k: v for k, v in APPLY.items()}
    response = post(
        client, f"/api/v1/workspace/campaigns/{world['campaign'].pk}/applications", body
    )
    assert response.status_code == 201, response.content
    assert response.json()["state_label"] == "报名" and response.json()["team"] == "茶香露营团队"
    [mine] = items(client.get("/api/v1/workspace/applications"))
    assert mine["number"].startswith("MX")
    assert items(client_for(world["other_leader"]).get("/api/v1/workspace/applications")) == []


def test_an_application_with_a_blank_team_name_is_a_422_naming_it(world):
    client = client_for(world["leader"])
    response = post(
        client,
        f"/api/v1/workspace/campaigns/{world['campaign'].pk}/applications",
        {**APPLY, "name": " "},
    )
    assert response.status_code == 422 and "团队名称" in response.json()["detail"]


def test_signing_through_the_api_allocates_and_a_second_signing_of_the_desk_is_a_409(world):
    staff = client_for(world["staff"])
    first = to_review(world, apply(world))
    body = {
        "terms_id": world["terms"].pk,
        "start": world["today"].isoformat(),
        "years": 1,
        "workstation_ids": [world["desks"][0].pk],
    }
    response = post(staff, f"/api/v1/workspace/applications/{first.pk}/sign", body)
    assert response.status_code == 201, response.content
    assert response.json()[0]["workstation"] == world["desks"][0].code
    second = to_review(world, apply(world, name="乙"))
    response = post(staff, f"/api/v1/workspace/applications/{second.pk}/sign", body)
    assert response.status_code == 409 and response.json()["detail"] == "该时段已被预订"
    assert len(items(staff.get("/api/v1/workspace/allocations"))) == 1


def test_a_team_books_through_the_api_until_the_desk_is_full(world):
    apply(world)
    client = client_for(world["leader"])
    day = (world["today"] + datetime.timedelta(days=1)).isoformat()
    tea = world["tea"].pk
    assert (
        post(client, "/api/v1/workspace/bookings", {"workstation_id": tea, "day": day}).status_code
        == 201
    )
    again = post(client, "/api/v1/workspace/bookings", {"workstation_id": tea, "day": day})
    assert again.status_code == 409 and again.json()["detail"] == "本团队已预订该工位的这段日期"
    [booking] = items(client.get("/api/v1/workspace/bookings"))
    cancelled = post(client, f"/api/v1/workspace/bookings/{booking['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["cancelled"] is True
    desk = post(
        client, "/api/v1/workspace/bookings", {"workstation_id": world["desks"][0].pk, "day": day}
    )
    assert desk.status_code == 409 and desk.json()["detail"] == "该工位按期分配，不能按天预订"
