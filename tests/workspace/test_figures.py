"""Each shared-workstation cockpit figure, recomputed by hand from a small fixture.

The world (tests/workspace/conftest.py): 建德市 大同镇's site with four fixed desks, a
shared desk for three and a tea-garden workstation for two, and 大同镇's staff. Here
寿昌镇 gets a site of its own (with its staff, ``shouchang-staff``), and both towns
recruit in autumn 2026. Staff see their own town's applications and leases; the
inventory is public. The period is November 2026.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from qinqing.core import letting
from qinqing.core.models import Person, Role, Site
from qinqing.core.models.directory import SiteKind
from qinqing.core.synthetic import make_id_number
from qinqing.workspace import services
from qinqing.workspace.models import Campaign, Kind, RentBasis, Terms, Workstation
from tests.conftest import make_user
from tests.figure_checks import Covered, rows, value
from tests.workspace.conftest import APPLY

D = datetime.date
NOVEMBER = {"start": D(2026, 11, 1), "end": D(2026, 11, 30)}
OCTOBER = {"start": D(2026, 10, 1), "end": D(2026, 10, 31)}
covered = Covered("workspace")


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def add(staff, site, kind, count=1, capacity=1, area=0):
    return services.do_add_workstations(
        staff,
        site,
        {"kind": kind, "count": count, "capacity": capacity, "area_m2": area, "facilities": []},
    )


@pytest.fixture
def towns(world, jiande):
    """寿昌镇's site: two fixed desks of 10 m² and a greenhouse workstation for two; and a
    大同镇 paddy-side studio taken out of use (not bookable)."""
    shouchang = Site.objects.create(
        name="寿昌航空小镇共享空间", kind=SiteKind.SPACE, region=jiande["shouchang"]
    )
    paddy = add(world["staff"], world["site"], Kind.PADDY)[0]
    Workstation.objects.filter(pk=paddy.pk).update(bookable=False)
    return {
        "datong": jiande["datong"],
        "shouchang": jiande["shouchang"],
        "shouchang_site": shouchang,
        "shouchang_desks": add(world["outsider"], shouchang, Kind.FIXED, 2, area=10),
        "greenhouse": add(world["outsider"], shouchang, Kind.GREENHOUSE, capacity=2)[0],
        "paddy": paddy,
    }


# --- the inventory ----------------------------------------------------------------------


@covered("workspace.workstations")
def test_workstations_counts_every_workstation_natural_ones_included(world, towns, users):
    leader = users["leader"]
    # 大同镇: 4 fixed, 1 shared, 1 tea garden, 1 paddy-side (out of use, still there) = 7;
    # 寿昌镇: 2 fixed, 1 greenhouse = 3.
    assert value("workspace.workstations", leader) == 10
    assert len(rows("workspace.workstations", leader)) == 10
    assert value("workspace.workstations", leader, region=towns["datong"]) == 7
    assert value("workspace.workstations", leader, region=towns["shouchang"]) == 3
    assert set(rows("workspace.workstations", leader, region=towns["shouchang"])) == {
        *towns["shouchang_desks"],
        towns["greenhouse"],
    }
    # The inventory is published: 大同镇's staff count 寿昌镇's workstations too.
    assert value("workspace.workstations", world["staff"]) == 10


@covered("workspace.workstations")
def test_workstations_of_a_space_no_longer_open_are_not_counted(world, towns, users):
    staff, leader = world["staff"], users["leader"]
    granary = services.do_survey_space(
        staff,
        {
            "name": "大同老粮站",
            "region": towns["datong"].code,
            "owner_kind": "village",
            "address": "大同镇大同村",
            "area_m2": "420",
            "condition": "fair",
        },
    )
    granary = services.do_decide_space(staff, granary, {"decision": "open", "reason": "交通便利"})
    add(staff, granary.site, Kind.FIXED, 2)
    # Opened: its two desks join the 10.
    assert value("workspace.workstations", leader) == 12
    # Then decided 不开放: its site is no longer an open one, and its desks not counted.
    services.do_decide_space(staff, granary, {"decision": "closed", "reason": "房屋需加固"})
    assert value("workspace.workstations", leader) == 10
    assert not {w.site for w in rows("workspace.workstations", leader)} & {granary.site}


@covered("workspace.natural_workstations")
def test_natural_workstations_counts_greenhouse_tea_camp_and_paddy_workstations(
    world, towns, users
):
    leader = users["leader"]
    # 茶园 and 田边工作室 in 大同镇, 大棚 in 寿昌镇; fixed and shared desks are not natural.
    assert value("workspace.natural_workstations", leader) == 3
    assert set(rows("workspace.natural_workstations", leader)) == {
        world["tea"],
        towns["paddy"],
        towns["greenhouse"],
    }
    assert value("workspace.natural_workstations", leader, region=towns["datong"]) == 2


# --- recruitment ------------------------------------------------------------------------


def advance(staff, application, *steps, people=0):
    """Take ``application`` through ``steps`` (受理, 初审, 洽谈, 考察, 未通过)."""
    values = {
        "talk": {"notes": "项目成熟"},
        "visit": {"visited_on": "2026-11-05", "people": people, "sites_seen": "共享空间"},
    }
    for step in steps:
        note = "与乡村产业关联度不高" if step == "reject" else ""
        services.do_move_application(staff, application, step, values=values.get(step), note=note)
    return application


TO_REVIEW = ("accept", "pass_screening", "talk", "visit")


@pytest.fixture
def recruitment(world, towns):
    """Six applications to the two towns' autumn campaigns, registered on known days."""
    staff, outsider = world["staff"], world["outsider"]
    datong = Campaign.objects.create(
        name="大同镇2026秋季招募",
        region=towns["datong"],
        starts_on=D(2026, 9, 1),
        ends_on=D(2026, 12, 31),
    )
    shouchang = Campaign.objects.create(
        name="寿昌镇2026秋季招募",
        region=towns["shouchang"],
        starts_on=D(2026, 9, 1),
        ends_on=D(2026, 12, 31),
    )
    # 寿昌镇's terms: 18 rent-free months at 20 元/m²·month — longer than a one-year lease.
    by_area = Terms.objects.create(
        name="寿昌镇条款", rent_free_months=18, basis=RentBasis.PER_M2, rate=Decimal("20")
    )

    def apply(leader, campaign, name, day):
        data = {**APPLY, "name": name, "leader_name": leader.full_name}
        return services.do_apply(leader, campaign, data, now=at(day))

    maker, other = world["leader"], world["other_leader"]
    # Residents apply where they live: 寿昌镇's team has a 寿昌镇 leader.
    pilot = Person.objects.create(
        name="寿昌飞手",
        id_number=make_id_number("330182", D(1992, 5, 5), 47),
        region=towns["shouchang"],
    )
    flyer = make_user(Role.RESIDENT, "flyer", person=pilot)
    a1 = advance(staff, apply(maker, datong, "茶香露营", D(2026, 11, 3)), *TO_REVIEW, people=3)
    desks = world["desks"]
    lease1 = services.do_sign(
        staff, a1, terms=world["terms"], start=D(2026, 11, 10), years=3, workstations=desks[:3]
    )
    # One of its three desks is given back: two remain (300 元/desk·month, 12 months free).
    letting.cancel_booking(staff, lease1.allocations.get(resource=desks[2]))
    a2 = advance(staff, apply(other, datong, "稻田直播", D(2026, 11, 12)), *TO_REVIEW, people=2)
    a3 = advance(staff, apply(maker, datong, "民宿设计", D(2026, 11, 20)), "accept")
    a4 = advance(staff, apply(maker, datong, "竹编工坊", D(2026, 10, 15)), *TO_REVIEW, people=5)
    lease4 = services.do_sign(
        staff, a4, terms=world["terms"], start=D(2026, 10, 20), years=1, workstations=desks[3:4]
    )
    a5 = advance(
        outsider, apply(flyer, shouchang, "航模研学", D(2026, 11, 8)), *TO_REVIEW, people=4
    )
    lease5 = services.do_sign(
        outsider,
        a5,
        terms=by_area,
        start=D(2026, 11, 15),
        years=1,
        workstations=towns["shouchang_desks"][:1],
    )
    a6 = advance(
        staff,
        apply(maker, datong, "草莓采摘", D(2026, 11, 25)),
        "accept",
        "pass_screening",
        "talk",
        "reject",
    )
    return {
        "a1": a1,
        "a2": a2,
        "a3": a3,
        "a4": a4,
        "a5": a5,
        "a6": a6,
        "lease1": lease1,
        "lease4": lease4,
        "lease5": lease5,
    }


@covered("workspace.teams_talked")
def test_teams_talked_counts_the_periods_applications_past_the_talks(world, recruitment, users):
    r, leader = recruitment, users["leader"]
    # Registered in November and talked with: 茶香露营 (signed), 稻田直播 (in review),
    # 航模研学 (寿昌镇, signed), 草莓采摘 (talked, then turned down). Not 民宿设计 (only
    # accepted), nor 竹编工坊 (registered 15 October).
    assert value("workspace.teams_talked", leader, **NOVEMBER) == 4
    assert set(rows("workspace.teams_talked", leader, **NOVEMBER)) == {
        r["a1"],
        r["a2"],
        r["a5"],
        r["a6"],
    }
    assert value("workspace.teams_talked", leader, **OCTOBER) == 1
    # 大同镇's staff see their town's applications; 寿昌镇's theirs.
    assert value("workspace.teams_talked", world["staff"], **NOVEMBER) == 3
    assert value("workspace.teams_talked", world["outsider"], **NOVEMBER) == 1
    assert value("workspace.teams_talked", leader, region=world["site"].region, **NOVEMBER) == 3
    # A team leader sees their own teams: 茶香露营 and 草莓采摘.
    assert value("workspace.teams_talked", world["leader"], **NOVEMBER) == 2


@covered("workspace.site_visitors")
def test_site_visitors_adds_up_the_people_of_the_periods_site_visits(world, recruitment, users):
    leader = users["leader"]
    # Applications registered in November: 3 (茶香露营) + 2 (稻田直播) + 4 (航模研学) = 9;
    # 竹编工坊's 5 belong to October.
    assert value("workspace.site_visitors", leader, **NOVEMBER) == 9
    drill = rows("workspace.site_visitors", leader, **NOVEMBER)
    assert sorted(v.people for v in drill) == [2, 3, 4]
    assert value("workspace.site_visitors", leader, **OCTOBER) == 5
    # 大同镇's staff: 3 + 2.
    assert value("workspace.site_visitors", world["staff"], **NOVEMBER) == 5
    assert value("workspace.site_visitors", world["outsider"], **NOVEMBER) == 4


@covered("workspace.teams_signed")
def test_teams_signed_counts_the_periods_applications_signed(world, recruitment, users):
    r, leader = recruitment, users["leader"]
    # Registered in November and signed: 茶香露营 and 航模研学.
    assert value("workspace.teams_signed", leader, **NOVEMBER) == 2
    assert set(rows("workspace.teams_signed", leader, **NOVEMBER)) == {r["a1"], r["a5"]}
    assert {a.case.state.code for a in (r["a2"], r["a3"], r["a6"])} == {
        "review",
        "screening",
        "rejected",
    }
    assert value("workspace.teams_signed", leader, **OCTOBER) == 1  # 竹编工坊
    assert value("workspace.teams_signed", world["staff"], **NOVEMBER) == 1
    assert value("workspace.teams_signed", world["outsider"], **NOVEMBER) == 1


@covered("workspace.rent_free_savings")
def test_rent_free_savings_add_up_the_rent_waived_under_each_signed_teams_terms(
    world, recruitment, users
):
    r, leader = recruitment, users["leader"]
    # 茶香露营: 2 desks (the third given back) × 300 元 × 12 free months = 7200;
    # 航模研学: 10 m² × 20 元 = 200 元 a month, 18 free months but a 12-month lease: 2400.
    assert value("workspace.rent_free_savings", leader, **NOVEMBER) == Decimal("9600")
    assert set(rows("workspace.rent_free_savings", leader, **NOVEMBER)) == {
        r["lease1"],
        r["lease5"],
    }
    # October: 竹编工坊, 1 desk × 300 × 12 = 3600.
    assert value("workspace.rent_free_savings", leader, **OCTOBER) == Decimal("3600")
    assert value("workspace.rent_free_savings", world["staff"], **NOVEMBER) == Decimal("7200")
    assert value("workspace.rent_free_savings", world["outsider"], **NOVEMBER) == Decimal("2400")
    # The same sum as the lease's own figures.
    per_lease = sum(
        services.lease_figures(lease)["savings"] for lease in (r["lease1"], r["lease5"])
    )
    assert per_lease == Decimal("9600")


# --- occupancy --------------------------------------------------------------------------


@covered("workspace.occupancy_rate")
def test_occupancy_rate_is_places_let_or_booked_on_the_last_day_over_places_available(
    world, towns, recruitment, users
):
    r = recruitment
    team1, team2, team5 = r["a1"].team, r["a2"].team, r["a5"].team
    last = D(2026, 11, 30)

    def book(team, workstation, day, days=1):
        return services.do_book_day(team.leader, team, workstation, day, days, today=D(2026, 11, 1))

    book(team1, world["hot"], last)
    book(team2, world["hot"], last)
    services.do_cancel_day(team5.leader, book(team5, world["hot"], last))  # cancelled
    book(team1, world["tea"], D(2026, 12, 1))  # the day after
    book(team5, towns["greenhouse"], D(2026, 11, 29), days=2)  # 29 and 30 November
    leader = users["leader"]
    # Places on 30 November: 大同镇 4 fixed + 3 shared + 2 tea = 9 (the paddy-side studio
    # is out of use); 寿昌镇 2 fixed + 2 greenhouse = 4. 13 in all.
    # Taken: 茶香露营's 2 desks, 竹编工坊's 1, 航模研学's 1, 2 shared places, 1 greenhouse
    # place = 7. 7 ÷ 13 = 53.8 %.
    assert value("workspace.occupancy_rate", leader, **NOVEMBER) == Decimal("53.8")
    assert len(rows("workspace.occupancy_rate", leader, **NOVEMBER)) == 10  # the inventory
    # 大同镇: (2 + 1 + 2) ÷ 9 = 55.6 %. 寿昌镇: (1 + 1) ÷ 4 = 50 %.
    assert value("workspace.occupancy_rate", leader, region=towns["datong"], **NOVEMBER) == Decimal(
        "55.6"
    )
    assert value(
        "workspace.occupancy_rate", leader, region=towns["shouchang"], **NOVEMBER
    ) == Decimal("50.0")
    # 1 November: 茶香露营 had not moved in yet: 竹编工坊's desk only, 1 ÷ 13 = 7.7 %.
    assert value("workspace.occupancy_rate", leader, end=D(2026, 11, 1)) == Decimal("7.7")


def test_every_workspace_figure_has_a_test_here():
    # A figure registered without a test above fails here.
    assert covered.codes == covered.registered()
