"""The pages staff and teams use, on the same services."""

import datetime

import pytest

from qinqing.core.exporting import XLSX_TYPE
from qinqing.workspace.models import Allocation, Application, DayBooking, IdleSpace
from tests.conftest import client_for
from tests.workspace.conftest import APPLY, apply, to_review

STAFF_PAGES = [
    "/workspace/",
    "/workspace/spaces/",
    "/workspace/workstations/",
    "/workspace/applications/",
    "/workspace/allocations/",
    "/workspace/bookings/",
    "/workspace/occupancy/",
    "/workspace/services/",
    "/workspace/events/",
]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_every_staff_page_opens_and_exports(world, url):
    apply(world)
    client = client_for(world["staff"])
    assert client.get(url).status_code == 200
    exported = client.get(url + "?export=xlsx")
    assert exported.status_code == 200 and exported["Content-Type"] == XLSX_TYPE


def test_a_team_leader_does_not_see_the_staff_pages(world):
    client = client_for(world["leader"])
    assert client.get("/workspace/spaces/").status_code == 403
    assert client.get("/workspace/applications/").status_code == 403
    assert client.get("/workspace/mine/").status_code == 200


def test_staff_survey_an_idle_space_and_open_it(world):
    client = client_for(world["staff"])
    response = client.post(
        "/workspace/spaces/",
        {
            "name": "大同老粮站",
            "region": world["site"].region.code,
            "owner_kind": "village",
            "address": "大同镇大同村",
            "latitude": "29.35",
            "longitude": "119.41",
            "area_m2": "420",
            "condition": "fair",
            "facilities": ["network", "water", "power"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    space = IdleSpace.objects.get(name="大同老粮站")
    assert space.facilities == ["network", "water", "power"] and space.decision == "pending"
    client.post(f"/workspace/spaces/{space.pk}/decide/", {"decision": "open", "reason": "交通便利"})
    space.refresh_from_db()
    assert space.decision == "open" and space.site.name == "大同老粮站"


def test_a_survey_with_a_bad_area_says_which_field(world):
    client = client_for(world["staff"])
    response = client.post(
        "/workspace/spaces/",
        {
            "name": "x",
            "region": world["site"].region.code,
            "owner_kind": "state",
            "address": "y",
            "area_m2": "-3",
            "condition": "good",
        },
    )
    assert response.status_code == 422 and "面积应大于0" in response.content.decode()


def test_a_team_leader_applies_on_the_page(world):
    client = client_for(world["leader"])
    assert client.get(f"/workspace/campaigns/{world['campaign'].pk}/apply/").status_code == 200
    response = client.post(f"/workspace/campaigns/{world['campaign'].pk}/apply/", APPLY)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.case.requester == world["leader"]
    assert application.team.name in client.get("/workspace/mine/").content.decode()


def test_staff_sign_on_the_page_and_the_desks_are_allocated(world):
    application = to_review(world, apply(world))
    client = client_for(world["staff"])
    page = client.get(f"/workspace/applications/{application.pk}/sign/")
    assert page.status_code == 200 and world["desks"][0].code in page.content.decode()
    response = client.post(
        f"/workspace/applications/{application.pk}/sign/",
        {
            "terms": world["terms"].pk,
            "start": world["today"].isoformat(),
            "years": 2,
            "workstations": [world["desks"][0].pk, world["desks"][1].pk],
        },
    )
    assert response.status_code == 302
    assert Allocation.objects.filter(lease__application=application).count() == 2


def test_a_team_books_a_tea_garden_place_for_a_day(world):
    apply(world)
    client = client_for(world["leader"])
    day = world["today"] + datetime.timedelta(days=2)
    page = client.get(f"/workspace/book/?day={day.isoformat()}&kind=tea")
    assert world["tea"].code in page.content.decode()
    response = client.post(
        "/workspace/book/", {"workstation": world["tea"].pk, "day": day.isoformat()}
    )
    assert response.status_code == 302
    assert DayBooking.objects.get().start == day


def test_a_team_requests_a_service_on_the_page(world):
    apply(world)
    client = client_for(world["leader"])
    response = client.post("/workspace/services/", {"kind": "finance", "description": "贷款"})
    assert response.status_code == 302
    assert "建德市金融服务中心" in client.get("/workspace/services/").content.decode()


def test_a_bad_filter_value_is_a_400_naming_it(world):
    client = client_for(world["staff"])
    response = client.get("/workspace/workstations/?kind=castle")
    assert response.status_code == 400 and "工位类型" in response.content.decode()


def test_a_survey_keeps_its_photos(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world["staff"])
    photo = SimpleUploadedFile("粮站.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg")
    response = client.post(
        "/workspace/spaces/",
        {
            "name": "寿昌老厂房",
            "region": world["site"].region.code,
            "owner_kind": "enterprise",
            "address": "大同镇工业路",
            "area_m2": "800",
            "condition": "good",
            "photos": photo,
        },
    )
    assert response.status_code == 302
    [saved] = IdleSpace.objects.get(name="寿昌老厂房").photos.all()
    assert saved.file.name.endswith(".jpg")


def test_a_team_signs_up_for_a_monthly_event_until_it_is_full(world):
    from django.utils import timezone

    from qinqing.workspace.models import SiteEvent

    apply(world)
    apply(world, name="乙团队")  # the same leader, a second team
    event = SiteEvent.objects.create(
        site=world["site"], title="十二月创业沙龙", starts_at=timezone.now(), capacity=1
    )
    client = client_for(world["leader"])
    client.post(f"/workspace/events/{event.pk}/sign-up/")
    event.refresh_from_db()
    assert event.seats_taken == 1
    page = client.get("/workspace/events/").content.decode()
    assert "1 / 1" in page and "已满" in page


def test_a_team_follows_its_application_on_the_case_page_and_may_withdraw_it(world):
    application = apply(world)
    client = client_for(world["leader"])
    page = client.get(f"/cases/{application.case_id}/").content.decode()
    assert "报名" in page and "撤回申请" in page and "受理报名" not in page
    assert (
        client_for(world["other_leader"]).get(f"/cases/{application.case_id}/").status_code == 404
    )
