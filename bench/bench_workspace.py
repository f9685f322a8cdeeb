"""Shared workstations: 1,640 workstations' availability over 30 days; 100 bookers on one desk.

The inventory is bulk-inserted as the demo does (1,640 workstations, 4,000+
places), with 200 term allocations and 3,000 day bookings around the window.
Availability is two grouped queries and NumPy over the days. The booking rush
is 100 threads, each its own connection and team, released together on a
barrier at one shared desk of 4 places for one day: exactly 4 must win
(PostgreSQL only).
"""

import datetime
import threading
import time

from django.db import OperationalError, connection, connections
from django.utils import timezone

from bench.run import percentile, timed
from qinqing.core.models import Region, Role, Site, User
from qinqing.core.models.directory import SiteKind
from qinqing.core.regions import load_regions
from qinqing.workspace import services
from qinqing.workspace.models import (
    DAY_KINDS,
    Allocation,
    DayBooking,
    Kind,
    Lease,
    Team,
    Terms,
    Workstation,
    WorkstationPlace,
)

MIX = [  # kind, count, capacity
    (Kind.FIXED, 400, 1),
    (Kind.HOT, 220, 4),
    (Kind.OFFICE, 100, 4),
    (Kind.MEETING, 30, 10),
    (Kind.GREENHOUSE, 330, 2),
    (Kind.TEA, 270, 2),
    (Kind.CAMPSITE, 200, 4),
    (Kind.PADDY, 90, 2),
]


def build():
    load_regions()
    town = Region.objects.resolve_town("330182", "大同镇")
    staff = User.objects.create_user("bench-ws", password="x", role=Role.STAFF)
    staff.regions.set([town])
    site = Site.objects.create(name="基准场所", kind=SiteKind.SPACE, region=town)
    made = Workstation.objects.bulk_create(
        Workstation(site=site, region=town, code=f"B-{kind}-{n:04d}", kind=kind, capacity=cap)
        for kind, count, cap in MIX
        for n in range(count)
    )
    WorkstationPlace.objects.bulk_create(
        (WorkstationPlace(workstation=w, number=n) for w in made for n in range(1, w.capacity + 1)),
        batch_size=2000,
    )
    today = timezone.localdate()
    leader = User.objects.create_user("bench-leader", password="x", role=Role.RESIDENT)
    team = Team.objects.create(
        name="基准团队",
        leader=leader,
        leader_name="基准",
        project="p",
        industry="i",
        funding_stage="seed",
    )
    terms = Terms.objects.create(name="基准条款", basis="desk", rate=300)
    lease = Lease.objects.create(
        team=team, terms=terms, start=today, end=today + datetime.timedelta(days=365)
    )
    term = [w for w in made if w.kind == Kind.FIXED][:200]
    Allocation.objects.bulk_create(
        Allocation(resource=w, lease=lease, start=today, end=lease.end, booked_by=staff)
        for w in term
    )
    day_places = list(
        WorkstationPlace.objects.filter(workstation__kind__in=sorted(DAY_KINDS)).values_list(
            "pk", "workstation_id"
        )
    )
    DayBooking.objects.bulk_create(
        (
            DayBooking(
                resource_id=place,
                workstation_id=station,
                team=team,
                start=today + datetime.timedelta(days=i % 30),
                end=today + datetime.timedelta(days=i % 30 + 1),
                booked_by=leader,
            )
            for i, (place, station) in enumerate(day_places[:3000])
        ),
        batch_size=1000,
    )
    return staff, today


def rush(today, attempts: int = 100):
    desk = Workstation.objects.filter(kind=Kind.HOT).order_by("-pk").first()
    leaders = User.objects.bulk_create(
        User(username=f"rush{i}", role=Role.RESIDENT) for i in range(attempts)
    )
    leaders = list(User.objects.filter(username__startswith="rush").order_by("pk"))
    teams = list(
        Team.objects.bulk_create(
            Team(
                name=f"抢订{i}",
                leader=u,
                leader_name="x",
                project="p",
                industry="i",
                funding_stage="seed",
            )
            for i, u in enumerate(leaders)
        )
    )
    day = today + datetime.timedelta(days=40)
    barrier = threading.Barrier(attempts)
    outcomes, latencies = [], []

    def attempt(user, team):
        try:
            barrier.wait()
            start = time.perf_counter()
            try:
                services.do_book_day(user, team, desk, day)
                outcomes.append("booked")
            except services.DayFull:
                outcomes.append("full")
            except OperationalError:  # the server's max_connections, shared with others
                outcomes.append("no connection")
                return
            latencies.append((time.perf_counter() - start) * 1000)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=attempt, args=pair) for pair in zip(leaders, teams, strict=True)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = (time.perf_counter() - began) * 1000
    booked = DayBooking.objects.filter(
        workstation=desk, start=day, cancelled_at__isnull=True
    ).count()
    assert outcomes.count("booked") == desk.capacity == booked, (outcomes, booked)
    return wall, latencies, desk.capacity, outcomes


def run(report) -> None:
    _staff, today = build()
    everything = Workstation.objects.all()
    end = today + datetime.timedelta(days=30)
    samples = timed(lambda: services.availability(everything, today, end), 10)
    report.figure(
        f"availability of {everything.count()} workstations × 30 days, p50",
        percentile(samples, 50),
        "ms",
    )
    report.figure("availability × 30 days, p95", percentile(samples, 95), "ms")
    samples = timed(lambda: services.inventory(everything, today), 10)
    report.figure("inventory by kind and town for a day, p50", percentile(samples, 50), "ms")
    if connection.vendor != "postgresql":
        # The test database of SQLite is in memory with a shared cache, whose table
        # locks do not wait; the rush is measured on PostgreSQL (tests/test_letting_sqlite.py
        # proves SQLite's guarantee on a database file).
        print("  (100 concurrent bookers: measured on PostgreSQL only)")
        return
    wall, latencies, capacity, outcomes = rush(today)
    report.figure(
        "100 concurrent bookers on one 4-place desk, wall",
        wall,
        "ms",
        f"{outcomes.count('booked')} booked, {outcomes.count('full')} refused "
        f"(capacity {capacity}), {outcomes.count('no connection')} without a connection",
    )
    report.figure("  one attempt, p50", percentile(latencies, 50), "ms")
    report.figure("  one attempt, p95", percentile(latencies, 95), "ms")
