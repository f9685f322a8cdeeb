"""The institutions and inspections API: what a department's system reads and records."""

import datetime as dt

import pytest

from qinqing.medinsure.models import Finding, Inspection, Institution
from qinqing.medinsure.services import do_record_inspection
from tests.conftest import client_for

API = "/api/v1/medinsure"


@pytest.fixture
def places(regions):
    return {
        "mine": Institution.objects.create(
            code="H33070200009", name="婺城区某药房", kind="pharmacy", region=regions["wucheng"]
        ),
        "far": Institution.objects.create(
            code="H33078200001", name="海盐某医院", kind="hospital", region=regions["haiyan"]
        ),
    }


def test_staff_list_and_open_the_institutions_of_their_regions_only(users, places):
    staff = client_for(users["staff"])
    listed = staff.get(f"{API}/institutions").json()
    assert [i["code"] for i in listed["items"]] == ["H33070200009"]
    assert listed["items"][0]["kind_label"] == "定点零售药店"
    leader = client_for(users["leader"]).get(f"{API}/institutions?kind=hospital").json()
    assert [i["code"] for i in leader["items"]] == ["H33078200001"]

    do_record_inspection(
        users["staff"], places["mine"], kind="interview", planned_on=dt.date(2026, 6, 1)
    )
    detail = staff.get(f"{API}/institutions/H33070200009")
    assert detail.status_code == 200
    body = detail.json()
    assert body["name"] == "婺城区某药房"
    assert [i["kind"] for i in body["inspections"]] == ["interview"]
    assert body["findings_pending"] == 0
    # another region's institution and one that does not exist answer alike
    hidden, missing = (
        staff.get(f"{API}/institutions/H33078200001"),
        staff.get(f"{API}/institutions/X"),
    )
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert client_for(users["resident"]).get(f"{API}/institutions").status_code == 403


def test_an_inspection_recorded_through_the_api_opens_its_rectification_with_the_deadline(
    users, places
):
    staff = client_for(users["staff"])
    answer = staff.post(
        f"{API}/inspections",
        {
            "institution_code": "H33070200009",
            "kind": "inspection",
            "planned_on": "2026-11-02",
            "done_on": "2026-11-03",
            "notes": "现场检查发现超量开药",
            "rectification": "规范处方管理，退回违规费用",
            "deadline": "2026-12-15",
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["rectification"]["number"].startswith("ZG")
    assert body["rectification"]["due_at"].startswith("2026-12-15T23:59:59")
    listed = staff.get(f"{API}/inspections?state=rectifying").json()
    assert [i["id"] for i in listed["items"]] == [body["id"]]
    assert staff.get(f"{API}/inspections?state=planned").json()["count"] == 0


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"institution_code": "H33078200001"}, "institution_code", "无权访问"),
        ({"kind": "audit"}, "kind", "inspection"),
        ({"rectification": "整改"}, "deadline", "整改期限"),
        ({"done_on": "2026-11-01"}, "done_on", "实施日期不能早于计划日期"),
        ({"rectification": "整改", "deadline": "2026-10-01"}, "deadline", "不能早于"),
    ],
)
def test_a_bad_inspection_is_refused_naming_the_field_and_nothing_is_saved(
    users, places, change, field, words
):
    answer = client_for(users["staff"]).post(
        f"{API}/inspections",
        {
            "institution_code": "H33070200009",
            "kind": "inspection",
            "planned_on": "2026-11-02",
            **change,
        },
        content_type="application/json",
    )
    assert answer.status_code == 422, answer.content
    assert words in " ".join(answer.json()["errors"][field])
    assert not Inspection.objects.exists()
    assert not Finding.objects.exists()


def test_a_leader_reads_inspections_but_may_not_record_one(users, places):
    leader = client_for(users["leader"])
    assert leader.get(f"{API}/inspections").status_code == 200
    answer = leader.post(
        f"{API}/inspections",
        {"institution_code": "H33070200009", "kind": "inspection", "planned_on": "2026-11-02"},
        content_type="application/json",
    )
    assert answer.status_code == 403
