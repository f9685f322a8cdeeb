"""Allocations and day bookings go through core's letting mechanism and never overlap."""

import datetime
import threading

import pytest
from django.db import connection, connections

from qinqing.core import letting
from qinqing.core.models import Role
from qinqing.core.services import InvalidInput
from qinqing.workspace import services
from qinqing.workspace.models import Allocation, DayBooking, Kind, Lease, Team
from tests.conftest import make_user

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL"
)
DAY = datetime.timedelta(days=1)


def team_of(leader, name="团队"):
    return Team.objects.create(
        name=name,
        leader=leader,
        leader_name=name,
        project="项目",
        industry="文旅",
        funding_stage="seed",
    )


def lease_for(world, team):
    return Lease.objects.create(
        team=team, terms=world["terms"], start=world["today"], end=world["today"] + 365 * DAY
    )


def test_a_shared_desk_takes_as_many_teams_a_day_as_its_capacity_and_no_more(world):
    hot, day = world["hot"], world["today"] + DAY
    teams = [team_of(world["leader"], f"团队{i}") for i in range(4)]
    for team in teams[:3]:
        services.do_book_day(world["leader"], team, hot, day)
    with pytest.raises(services.DayFull) as refused:
        services.do_book_day(world["leader"], teams[3], hot, day)
    assert refused.value.message == "该工位当天已订满"
    # The next day is free again.
    assert services.do_book_day(world["leader"], teams[3], hot, day + DAY)
    free = services.availability(type(hot).objects.filter(pk=hot.pk), day, day + 2 * DAY)[hot.pk]
    assert list(free["free_by_day"]) == [0, 2]


def test_a_cancelled_day_booking_frees_its_place(world):
    tea, day = world["tea"], world["today"] + DAY
    first, second, third = (team_of(world["leader"], n) for n in "甲乙丙")
    booking = services.do_book_day(world["leader"], first, tea, day)
    services.do_book_day(world["leader"], second, tea, day)
    with pytest.raises(services.DayFull):
        services.do_book_day(world["leader"], third, tea, day)
    services.do_cancel_day(world["leader"], booking)
    assert services.do_book_day(world["leader"], third, tea, day).resource == booking.resource


def test_a_team_books_a_workstation_once_a_day_and_never_in_the_past(world):
    team = team_of(world["leader"])
    services.do_book_day(world["leader"], team, world["hot"], world["today"])
    with pytest.raises(letting.AlreadyHolding):
        services.do_book_day(world["leader"], team, world["hot"], world["today"])
    with pytest.raises(InvalidInput) as refused:
        services.do_book_day(world["leader"], team, world["hot"], world["today"] - DAY)
    assert refused.value.errors == {"day": ["不能预订过去的日期"]}


def test_a_fixed_desk_is_allocated_not_booked_by_the_day(world):
    team = team_of(world["leader"])
    with pytest.raises(services.NotDayKind):
        services.do_book_day(world["leader"], team, world["desks"][0], world["today"])
    with pytest.raises(services.NotTermKind):
        services.do_allocate(world["staff"], lease_for(world, team), world["hot"])


def test_a_desk_is_never_let_to_two_teams_for_overlapping_terms(world):
    desk = world["desks"][0]
    first = lease_for(world, team_of(world["leader"], "甲"))
    second = lease_for(world, team_of(world["other_leader"], "乙"))
    services.do_allocate(world["staff"], first, desk)
    with pytest.raises(letting.PeriodTaken):
        services.do_allocate(world["staff"], second, desk)
    assert Allocation.objects.filter(resource=desk).count() == 1


def test_someone_elses_team_cannot_be_booked_for(world):
    team = team_of(world["other_leader"])
    with pytest.raises(services.Forbidden):
        services.do_book_day(world["leader"], team, world["hot"], world["today"])


def test_staff_of_another_town_cannot_allocate_here(world):
    lease = lease_for(world, team_of(world["leader"]))
    with pytest.raises(InvalidInput):
        services.do_allocate(world["outsider"], lease, world["desks"][1])


def test_inventory_counts_workstations_places_and_free_ones_by_kind_and_town(world):
    team = team_of(world["leader"])
    services.do_allocate(world["staff"], lease_for(world, team), world["desks"][0])
    services.do_book_day(world["leader"], team, world["hot"], world["today"])
    rows = {
        row["kind"]: row
        for row in services.inventory(type(world["hot"]).objects.all(), world["today"])
    }
    assert rows[Kind.FIXED] == {
        "town": "大同镇",
        "kind": "fixed",
        "count": 4,
        "places": 4,
        "free": 3,
        "free_workstations": 3,
    }
    assert rows[Kind.HOT]["places"] == 3 and rows[Kind.HOT]["free"] == 2
    assert rows[Kind.TEA]["free"] == 2


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_forty_teams_booking_a_three_place_desk_at_once_leave_exactly_three_bookings(world):
    hot, day = world["hot"], world["today"] + DAY
    bookers = [make_user(Role.RESIDENT, f"rush{i}") for i in range(40)]
    teams = [team_of(user, f"抢订{i}") for i, user in enumerate(bookers)]
    barrier = threading.Barrier(len(teams))
    outcomes = []

    def book(user, team):
        try:
            barrier.wait()
            services.do_book_day(user, team, hot, day)
            outcomes.append("booked")
        except services.DayFull:
            outcomes.append("full")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=book, args=pair) for pair in zip(bookers, teams, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("booked") == 3 and outcomes.count("full") == 37
    assert DayBooking.objects.filter(workstation=hot, start=day).count() == 3


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_leases_allocating_one_desk_at_once_leave_exactly_one_allocation(world):
    desk = world["desks"][2]
    leases = [lease_for(world, team_of(world["leader"], f"团队{i}")) for i in range(20)]
    barrier = threading.Barrier(len(leases))
    outcomes = []

    def allocate(lease):
        try:
            barrier.wait()
            services.do_allocate(world["staff"], lease, desk)
            outcomes.append("allocated")
        except letting.PeriodTaken:
            outcomes.append("taken")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=allocate, args=(lease,)) for lease in leases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("allocated") == 1 and outcomes.count("taken") == 19
    assert Allocation.objects.filter(resource=desk).count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_one_team_clicking_book_ten_times_at_once_holds_one_place(world):
    hot, day = world["hot"], world["today"] + DAY
    team = team_of(world["leader"])
    barrier = threading.Barrier(10)
    outcomes = []

    def book():
        try:
            barrier.wait()
            services.do_book_day(world["leader"], team, hot, day)
            outcomes.append("booked")
        except letting.AlreadyHolding:
            outcomes.append("holding")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("booked") == 1 and outcomes.count("holding") == 9
    assert DayBooking.objects.filter(team=team).count() == 1
