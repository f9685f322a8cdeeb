"""A small 建德 world: 大同镇 staff, a team leader living there, a site with workstations."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from qinqing.core.models import Department, Person, Region, Role, Site
from qinqing.core.models.directory import SiteKind
from qinqing.core.synthetic import make_id_number
from qinqing.workspace import services
from qinqing.workspace.models import (
    Campaign,
    Kind,
    RentBasis,
    ServiceKind,
    ServiceProvider,
    Terms,
    Workstation,
)
from tests.conftest import make_user


@pytest.fixture
def jiande(regions):
    return {
        "county": Region.objects.get(code="330182"),
        "datong": Region.objects.resolve_town("330182", "大同镇"),
        "shouchang": Region.objects.resolve_town("330182", "寿昌镇"),
    }


@pytest.fixture
def world(jiande):
    datong = jiande["datong"]
    government = Department.objects.create(name="大同镇政府", region=datong)
    finance = Department.objects.create(name="建德市金融服务中心", region=jiande["county"])
    staff = make_user(Role.STAFF, "datong-staff", regions=[datong], department=government)
    banker = make_user(Role.HANDLER, "banker", regions=[jiande["county"]], department=finance)
    outsider = make_user(Role.STAFF, "shouchang-staff", regions=[jiande["shouchang"]])
    person = Person.objects.create(
        name="方晓",
        id_number=make_id_number("330182", datetime.date(1996, 3, 8), 41),
        region=datong,
    )
    leader = make_user(Role.RESIDENT, "maker", person=person)
    other_person = Person.objects.create(
        name="叶青",
        id_number=make_id_number("330182", datetime.date(1994, 6, 1), 43),
        region=datong,
    )
    other_leader = make_user(Role.RESIDENT, "maker2", person=other_person)
    site = Site.objects.create(name="大同双溪共享空间", kind=SiteKind.SPACE, region=datong)
    ServiceProvider.objects.create(kind=ServiceKind.FINANCE, department=finance)
    terms = Terms.objects.create(
        name="大同镇标准条款", rent_free_months=12, basis=RentBasis.PER_DESK, rate=Decimal("300")
    )
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="大同镇乡村梦想家招募",
        region=datong,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=60),
    )
    campaign.sites.add(site)

    def batch(kind, count, capacity=1, area=0):
        return services.do_add_workstations(
            staff,
            site,
            {
                "kind": kind,
                "count": count,
                "capacity": capacity,
                "area_m2": area,
                "facilities": ["network", "power"],
            },
        )

    return {
        "staff": staff,
        "banker": banker,
        "outsider": outsider,
        "leader": leader,
        "other_leader": other_leader,
        "site": site,
        "terms": terms,
        "campaign": campaign,
        "desks": batch(Kind.FIXED, 4, area=6),
        "hot": batch(Kind.HOT, 1, capacity=3)[0],
        "tea": batch(Kind.TEA, 1, capacity=2)[0],
        "today": today,
        "government": government,
    }


APPLY = {
    "name": "茶香露营团队",
    "leader_name": "方晓",
    "phone": "13912345678",
    "members": 4,
    "project": "茶园星空露营",
    "industry": "文旅",
    "funding_stage": "seed",
    "needs": "两个固定工位",
    "desks_wanted": 2,
    "kind_wanted": "fixed",
}


def apply(world, **changes):
    return services.do_apply(world["leader"], world["campaign"], {**APPLY, **changes})


def to_review(world, application, people=3):
    staff = world["staff"]
    services.do_move_application(staff, application, "accept")
    services.do_move_application(staff, application, "pass_screening")
    services.do_move_application(
        staff, application, "talk", values={"notes": "项目成熟，需两个工位"}
    )
    services.do_move_application(
        staff,
        application,
        "visit",
        values={
            "visited_on": world["today"].isoformat(),
            "people": people,
            "sites_seen": "双溪共享空间",
        },
    )
    application.case.refresh_from_db()
    return application


__all__ = ["Workstation", "apply", "to_review"]
