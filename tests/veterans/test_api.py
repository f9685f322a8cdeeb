from qinqing.cases.models import Case
from tests.conftest import client_for
from tests.veterans.conftest import publish, record_wish


def test_staff_list_stations_and_wishes_through_the_api(world):
    record_wish(world)
    client = client_for(world["worker"])
    stations = client.get("/api/v1/veterans/stations").json()
    assert {s["name"] for s in stations["items"]} == {
        "百步镇退役军人服务站",
        "百步镇农丰村退役军人服务站",
    }
    wishes = client.get("/api/v1/veterans/wishes?state=collected").json()
    assert wishes["items"][0]["wish"] == "助听器"
    assert wishes["items"][0]["state"] == "collected"


def test_a_wish_is_recorded_and_claimed_through_the_api(world, claimants):
    staff = client_for(world["worker"])
    made = staff.post(
        "/api/v1/veterans/wishes",
        {"record": world["record"].pk, "title": "老花镜", "value": "120"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    wish_id = made.json()["id"]
    from qinqing.veterans.models import Wish

    publish(world, Wish.objects.get(pk=wish_id))
    claimant = client_for(claimants["person"].user)
    won = claimant.post(f"/api/v1/veterans/wishes/{wish_id}/claim")
    assert won.status_code == 201 and won.json()["state"] == "claimed"
    late = client_for(claimants["group"].user).post(f"/api/v1/veterans/wishes/{wish_id}/claim")
    assert late.status_code in {404, 409}
    mine = claimant.get("/api/v1/veterans/claims").json()["items"]
    assert [w["id"] for w in mine] == [wish_id]
    assert Case.objects.filter(events__transition="claim").count() == 1


def test_an_over_limit_value_or_unknown_record_is_refused_naming_the_field(world):
    staff = client_for(world["villager"])
    answer = staff.post(
        "/api/v1/veterans/wishes",
        {"record": world["record"].pk, "title": "助听器", "value": "500"},
        content_type="application/json",
    )
    assert answer.status_code == 422 and "走访对象" in answer.json()["detail"]


def test_payment_rates_through_the_api(world):
    client = client_for(world["centre"])
    answer = client.get("/api/v1/veterans/payments/rates?year=2026")
    assert answer.status_code == 200
    assert answer.json()["eligible"] == 0 and answer.json()["coverage"] is None
    assert client.get("/api/v1/veterans/payments?year=2026").status_code == 200
    assert client.get("/api/v1/veterans/payments?station=x").status_code == 422
