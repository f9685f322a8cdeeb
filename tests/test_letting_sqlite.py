"""On SQLite, bookings racing for one room are serialised by SQLite's write lock.

The in-memory test database cannot show it (threads share one cache, which
refuses rather than waits), so this runs the project on a SQLite file, as
deployed, in a process of its own.
"""

import pytest
from django.db import connection

from tests.sqlite_file import run_on_sqlite_file

SCRIPT = """
import datetime, json, threading
from zoneinfo import ZoneInfo

import django
django.setup()
from django.core.management import call_command
from django.db import connections

call_command("migrate", verbosity=0)
from qinqing.core import letting
from qinqing.core.models import Role, User
from tests.letting_app.models import MeetingRoom, RoomBooking

booker = User.objects.create_user(username="booker", password="x", role=Role.STAFF)
room = MeetingRoom.objects.create(name="三楼小会议室")
day = datetime.datetime(2026, 12, 7, tzinfo=ZoneInfo("Asia/Shanghai"))
periods = [
    (day.replace(hour=9, minute=50 - i), day.replace(hour=10, minute=10 + i)) for i in range(20)
]
barrier = threading.Barrier(len(periods))
outcomes = []

def book(start, end):
    try:
        barrier.wait()
        letting.book(booker, room, start, end)
        outcomes.append("booked")
    except letting.PeriodTaken:
        outcomes.append("taken")
    except Exception as exc:
        outcomes.append(type(exc).__name__ + ": " + str(exc))
    finally:
        connections.close_all()

threads = [threading.Thread(target=book, args=period) for period in periods]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"outcomes": outcomes, "rows": RoomBooking.objects.count()}))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="this proves SQLite's guarantee")
def test_twenty_people_booking_overlapping_periods_on_sqlite_leave_exactly_one_booking(tmp_path):
    report = run_on_sqlite_file(tmp_path, SCRIPT)
    assert sorted(set(report["outcomes"])) == ["booked", "taken"], report["outcomes"]
    assert report["outcomes"].count("booked") == 1 and report["rows"] == 1
