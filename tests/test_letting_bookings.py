"""Resources let for a period (core.letting), proven on a test-only module's models."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, connections, transaction

from qinqing.core import letting
from qinqing.core.audit import entries_for
from qinqing.core.models import Person, Role
from qinqing.core.services import InvalidInput
from qinqing.core.synthetic import make_id_number
from tests.conftest import make_user
from tests.letting_app.models import Bed, BedBooking, MeetingRoom, RoomBooking

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's"
)
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 12, 7)


def at(hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(DAY, datetime.time(hour, minute), tzinfo=SHANGHAI)


def nights(first: int, leave: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(2026, 12, first), datetime.date(2026, 12, leave)


@pytest.fixture
def room(db):
    return MeetingRoom.objects.create(name="三楼小会议室")


@pytest.fixture
def guests(regions):
    return [
        Person.objects.create(
            name=f"人才{i}",
            id_number=make_id_number("330702", datetime.date(1995, 3, 1), 200 + i),
            region=regions["zhuma"],
        )
        for i in range(3)
    ]


def test_a_period_booked_refuses_an_overlapping_one(users, room):
    letting.book(users["staff"], room, at(9), at(11), purpose="项目洽谈")
    with pytest.raises(letting.PeriodTaken) as refused:
        letting.book(users["handler"], room, at(10, 30), at(12))
    assert refused.value.message == "该时段已被预订"
    assert RoomBooking.objects.count() == 1


def test_a_period_inside_or_around_a_booking_is_refused_too(users, room):
    letting.book(users["staff"], room, at(9), at(11))
    for start, end in [(at(9, 30), at(10)), (at(8), at(12)), (at(9), at(11))]:
        with pytest.raises(letting.PeriodTaken):
            letting.book(users["staff"], room, start, end)


def test_adjacent_periods_both_succeed(users, room):
    letting.book(users["staff"], room, at(9), at(10))
    letting.book(users["staff"], room, at(10), at(11))
    assert RoomBooking.objects.filter(resource=room).count() == 2


def test_the_same_period_in_another_room_is_free(users, room):
    other = MeetingRoom.objects.create(name="一楼大会议室")
    letting.book(users["staff"], room, at(9), at(10))
    letting.book(users["staff"], other, at(9), at(10))
    assert RoomBooking.objects.count() == 2


def test_a_cancelled_booking_frees_its_period(users, room):
    booking = letting.book(users["staff"], room, at(9), at(10))
    letting.cancel_booking(users["staff"], booking)
    again = letting.book(users["handler"], room, at(9), at(10))
    booking.refresh_from_db()
    assert booking.cancelled_at is not None and booking.cancelled_by == users["staff"]
    assert again.is_active


def test_a_booking_cannot_be_cancelled_twice(users, room):
    booking = letting.book(users["staff"], room, at(9), at(10))
    letting.cancel_booking(users["staff"], booking)
    with pytest.raises(letting.AlreadyCancelled):
        letting.cancel_booking(users["staff"], booking)


def test_an_end_not_after_the_start_is_refused_naming_the_field(users, room):
    for end in (at(9), at(8)):
        with pytest.raises(InvalidInput) as refused:
            letting.book(users["staff"], room, at(9), end)
        assert refused.value.errors == {"end": ["结束时间应晚于开始时间"]}
        assert "结束时间" in refused.value.summary
    assert not RoomBooking.objects.exists()


def test_a_time_without_a_time_zone_is_refused(users, room):
    with pytest.raises(InvalidInput) as refused:
        letting.book(users["staff"], room, at(9).replace(tzinfo=None), at(10))
    assert list(refused.value.errors) == ["start"]


def test_a_room_taken_out_of_use_cannot_be_booked(users, room):
    room.bookable = False
    room.save()
    with pytest.raises(letting.NotBookable) as refused:
        letting.book(users["staff"], room, at(9), at(10))
    assert refused.value.message == "该资源暂停预订"


def test_free_rooms_are_those_without_an_overlapping_active_booking(users, room):
    other = MeetingRoom.objects.create(name="一楼大会议室")
    letting.book(users["staff"], room, at(9), at(11))
    cancelled = letting.book(users["staff"], other, at(9), at(11))
    letting.cancel_booking(users["staff"], cancelled)
    rooms = MeetingRoom.objects.order_by("pk")
    assert list(letting.free_resources(rooms, at(10), at(12))) == [other]
    assert list(letting.free_resources(rooms, at(11), at(12))) == [room, other]


def test_a_bed_let_by_the_night_is_free_again_on_the_day_its_guest_leaves(users, guests):
    bed = Bed.objects.create(dormitory="人才驿站", number=1)
    first, second, _ = guests
    letting.book(users["staff"], bed, *nights(1, 4), guest=first)
    letting.book(users["staff"], bed, *nights(4, 6), guest=second)
    with pytest.raises(letting.PeriodTaken):
        letting.book(users["staff"], bed, *nights(3, 5), guest=second)
    with pytest.raises(InvalidInput):
        letting.book(users["staff"], bed, at(9), at(10), guest=second)  # times, not dates
    assert list(
        BedBooking.objects.filter(resource=bed).order_by("start").values_list("guest", flat=True)
    ) == [
        first.pk,
        second.pk,
    ]


def test_a_dormitory_of_two_beds_takes_two_guests_and_refuses_a_third(users, guests):
    beds = Bed.objects.bulk_create([Bed(dormitory="人才驿站", number=n) for n in (1, 2)])
    dormitory = Bed.objects.filter(dormitory="人才驿站")
    taken = [
        letting.book_any(users["staff"], dormitory, *nights(1, 3), guest=g) for g in guests[:2]
    ]
    assert sorted(b.resource_id for b in taken) == sorted(b.pk for b in beds)
    with pytest.raises(letting.PeriodTaken) as refused:
        letting.book_any(users["staff"], dormitory, *nights(2, 3), guest=guests[2])
    assert refused.value.message == "该时段已无空余"
    assert letting.book_any(users["staff"], dormitory, *nights(3, 4), guest=guests[2])


def test_booking_and_cancelling_leave_entries_in_the_audit_trail(users, room):
    booking = letting.book(users["staff"], room, at(9), at(10))
    letting.cancel_booking(users["handler"], booking)
    [booked] = [e for e in entries_for(room) if (e.additional_data or {}).get("event")]
    assert booked.additional_data["event"] == "booking" and booked.actor == users["staff"]
    entries = list(entries_for(booking).order_by("pk"))
    assert entries[0].action == entries[0].Action.CREATE and entries[0].actor == users["staff"]
    assert entries[-1].additional_data["event"] == "booking_cancelled"
    assert entries[-1].actor == users["handler"]


@pytest.mark.postgres
@needs_postgres
def test_the_database_itself_refuses_overlapping_bookings(users, room):
    RoomBooking.objects.create(resource=room, start=at(9), end=at(10), booked_by=users["staff"])
    with pytest.raises(IntegrityError), transaction.atomic():
        RoomBooking.objects.create(
            resource=room, start=at(9, 30), end=at(11), booked_by=users["staff"]
        )


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_people_booking_overlapping_periods_at_once_leave_exactly_one_booking(regions):
    booker = make_user(Role.STAFF, "booker", regions=[regions["wucheng"]])
    room = MeetingRoom.objects.create(name="三楼小会议室")
    # Twenty different periods, every one of which overlaps every other at 9:50–10:10.
    periods = [(at(9, 50 - i), at(10, 10 + i)) for i in range(20)]
    barrier = threading.Barrier(len(periods))
    outcomes = []

    def book(start, end):
        try:
            barrier.wait()
            letting.book(booker, room, start, end)
            outcomes.append("booked")
        except letting.PeriodTaken:
            outcomes.append("taken")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=period) for period in periods]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("booked") == 1 and outcomes.count("taken") == 19
    assert RoomBooking.objects.filter(resource=room).count() == 1
