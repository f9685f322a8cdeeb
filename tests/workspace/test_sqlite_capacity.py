"""On SQLite (a database file, as deployed) a shared desk still takes no more teams than places."""

import pytest
from django.db import connection

from tests.sqlite_file import run_on_sqlite_file

SCRIPT = """
import datetime, json, threading

import django
django.setup()
from django.core.management import call_command
from django.db import connections

call_command("migrate", verbosity=0)
from qinqing.core.models import Region, Role, Site, User
from qinqing.core.regions import load_regions
from qinqing.workspace import services
from qinqing.workspace.models import DayBooking, Team, Workstation, WorkstationPlace

load_regions()
town = Region.objects.resolve_town("330182", "大同镇")
site = Site.objects.create(name="双溪", kind="space", region=town)
desk = Workstation.objects.create(site=site, region=town, code="HOT-1", kind="hot", capacity=3)
WorkstationPlace.objects.bulk_create(
    WorkstationPlace(workstation=desk, number=n) for n in (1, 2, 3)
)
pairs = []
for i in range(15):
    user = User.objects.create_user(username=f"maker{i}", password="x", role=Role.RESIDENT)
    pairs.append((user, Team.objects.create(
        name=f"T{i}", leader=user, leader_name="x", project="p", industry="i", funding_stage="seed"
    )))
day = datetime.date.today() + datetime.timedelta(days=3)
barrier = threading.Barrier(len(pairs))
outcomes = []

def book(user, team):
    try:
        barrier.wait()
        services.do_book_day(user, team, desk, day)
        outcomes.append("booked")
    except services.DayFull:
        outcomes.append("full")
    except Exception as exc:
        outcomes.append(type(exc).__name__ + ": " + str(exc))
    finally:
        connections.close_all()

threads = [threading.Thread(target=book, args=pair) for pair in pairs]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"outcomes": outcomes, "rows": DayBooking.objects.count()}))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="this proves SQLite's guarantee")
def test_fifteen_teams_racing_for_a_three_place_desk_on_sqlite_leave_three_bookings(tmp_path):
    report = run_on_sqlite_file(tmp_path, SCRIPT)
    assert sorted(set(report["outcomes"])) == ["booked", "full"], report["outcomes"]
    assert report["outcomes"].count("booked") == 3 and report["rows"] == 3
