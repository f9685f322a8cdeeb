"""The veterans' world: 海盐县's centre, 百步镇's station and a village station under it,
蔡老 (the shared ``person``, account ``resident1``) with his service record, and claimants."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qinqing.core.models import Person, Role
from qinqing.core.synthetic import make_id_number
from qinqing.veterans import services
from qinqing.veterans.models import (
    Category,
    ServiceRecord,
    Settings,
    Station,
    StationLevel,
)
from tests.conftest import PASSWORD, make_user


@pytest.fixture
def world(users, regions, person):
    haiyan, baibu = regions["haiyan"], regions["baibu"]
    county = Station.objects.create(
        name="海盐县退役军人服务中心", level=StationLevel.COUNTY, region=haiyan
    )
    town = Station.objects.create(
        name="百步镇退役军人服务站", level=StationLevel.TOWN, region=baibu, parent=county
    )
    village = Station.objects.create(
        name="百步镇农丰村退役军人服务站",
        level=StationLevel.VILLAGE,
        region=baibu,
        parent=town,
    )
    centre = make_user(Role.STAFF, "haiyan-centre", regions=[haiyan])
    county.staff.add(centre)
    worker = make_user(Role.STAFF, "baibu-worker", regions=[baibu])
    town.staff.add(worker)
    villager = make_user(Role.STAFF, "nongfeng-worker", regions=[baibu])
    village.staff.add(villager)
    record = ServiceRecord.objects.create(
        person=person,
        category=Category.RETIRED_SOLDIER,
        enlisted_on=datetime.date(1971, 12, 1),
        discharged_on=datetime.date(1976, 3, 1),
        station=town,
        wall_consent=True,
        wall_alias="蔡老",
    )
    neighbour = Person.objects.create(
        name="沈阿根",
        id_number=make_id_number("330424", datetime.date(1950, 8, 8), 55),
        phone="13700002222",
        region=baibu,
    )
    village_record = ServiceRecord.objects.create(
        person=neighbour, category=Category.DEMOBILISED, station=village
    )
    Settings.objects.create(wish_value_limit=1000, visit_period_days=90)
    return {
        "county": county,
        "town": town,
        "village": village,
        "centre": centre,
        "worker": worker,
        "villager": villager,
        "record": record,
        "village_record": village_record,
        "veteran": users["resident"],
        "neighbour": neighbour,
    }


def register(kind, name, username, phone):
    return services.do_register_claimant(
        {"kind": kind, "name": name, "phone": phone, "username": username, "password": PASSWORD}
    )


@pytest.fixture
def claimants(world):
    return {
        "enterprise": register("enterprise", "百步电子有限公司", "baibu-dianzi", "13911110001"),
        "group": register("group", "海盐县志愿者协会", "haiyan-zyz", "13911110002"),
        "person": register("individual", "王女士", "wang-ns", "13911110003"),
    }


def photo():
    return SimpleUploadedFile("hearing-aid.jpg", b"\xff\xd8\xff\xe0photo", "image/jpeg")


def record_wish(world, title="助听器", value="860", story="耳背多年，希望听清孙子说话"):
    reach = services.do_record_visit(
        world["worker"],
        {
            "record": world["record"].pk,
            "visited_at": "2026-11-02 09:30",
            "people_reached": 3,
            "notes": "老人身体尚好，听力下降",
            "wish_title": title,
            "wish_value": value,
            "wish_story": story,
        },
    )
    return reach.visit.wishes.get()


def publish(world, wish):
    from qinqing.cases.services import do_transition

    do_transition(world["worker"], wish.case, "verify", values={"genuine": "true"})
    do_transition(world["worker"], wish.case, "publish")
    wish.refresh_from_db()
    wish.case.refresh_from_db()
    return wish
