"""Seats at an event (core.letting), proven on a test-only module's models."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, connections, models, transaction
from django.test.utils import isolate_apps

from qinqing.core import letting
from qinqing.core.audit import entries_for
from qinqing.core.models import AuditEntry, EventWithSeats, Person, Role, Seat
from qinqing.core.synthetic import make_id_number
from tests.conftest import make_user
from tests.letting_app.models import Workshop, WorkshopSeat

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL"
)


def make_people(regions, count):
    return [
        Person.objects.create(
            name=f"参会人{i}",
            id_number=make_id_number("330702", datetime.date(1990, 1, 1), 100 + i),
            region=regions["zhuma"],
        )
        for i in range(count)
    ]


def test_taking_a_seat_counts_it_and_records_who_took_it(users, regions):
    workshop = Workshop.objects.create(title="人才政策宣讲", capacity=3)
    [person] = make_people(regions, 1)
    seat = letting.take_seat(users["staff"], workshop, person)
    workshop.refresh_from_db()
    assert workshop.seats_taken == 1 and workshop.seats_left == 2
    assert seat.holder == person and seat.taken_by == users["staff"]


def test_a_person_cannot_take_a_second_seat_and_the_refusal_costs_no_seat(users, regions):
    workshop = Workshop.objects.create(title="人才政策宣讲", capacity=3)
    [person] = make_people(regions, 1)
    letting.take_seat(users["staff"], workshop, person)
    with pytest.raises(letting.AlreadyHolding) as refused:
        letting.take_seat(users["staff"], workshop, person)
    assert refused.value.message == "已报名"
    workshop.refresh_from_db()
    assert workshop.seats_taken == 1
    assert WorkshopSeat.objects.filter(event=workshop).count() == 1


def test_a_full_event_refuses_with_a_chinese_message(users, regions):
    workshop = Workshop.objects.create(title="人才政策宣讲", capacity=1)
    first, second = make_people(regions, 2)
    letting.take_seat(users["staff"], workshop, first)
    with pytest.raises(letting.NoSeatsLeft) as refused:
        letting.take_seat(users["staff"], workshop, second)
    assert refused.value.message == "名额已满"
    assert list(WorkshopSeat.objects.values_list("holder", flat=True)) == [first.pk]


def test_a_seat_given_up_can_be_taken_by_someone_else(users, regions):
    workshop = Workshop.objects.create(title="人才政策宣讲", capacity=1)
    first, second = make_people(regions, 2)
    seat = letting.take_seat(users["staff"], workshop, first)
    letting.give_up_seat(users["staff"], seat)
    workshop.refresh_from_db()
    assert workshop.seats_taken == 0
    letting.take_seat(users["staff"], workshop, second)
    workshop.refresh_from_db()
    assert workshop.seats_taken == 1


def test_giving_up_a_seat_twice_returns_it_only_once(users, regions):
    workshop = Workshop.objects.create(title="人才政策宣讲", capacity=2)
    first, second = make_people(regions, 2)
    seat = letting.take_seat(users["staff"], workshop, first)
    letting.take_seat(users["staff"], workshop, second)
    letting.give_up_seat(users["staff"], seat)
    with pytest.raises(letting.NotHolding):
        letting.give_up_seat(users["staff"], seat)
    workshop.refresh_from_db()
    assert workshop.seats_taken == 1


def test_the_database_refuses_more_seats_than_the_capacity_whoever_writes(regions):
    workshop = Workshop.objects.create(title="人才政策宣讲", capacity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Workshop.objects.filter(pk=workshop.pk).update(seats_taken=3)


def test_taking_and_giving_up_a_seat_leave_entries_in_the_audit_trail(users, regions):
    workshop = Workshop.objects.create(title="人才政策宣讲", capacity=2)
    [person] = make_people(regions, 1)
    seat = letting.take_seat(users["staff"], workshop, person)
    seat_pk = seat.pk
    letting.give_up_seat(users["staff"], seat)

    entries = list(entries_for(workshop).order_by("pk"))
    assert entries[0].action == AuditEntry.Action.CREATE  # the event itself is audited too
    assert [e.additional_data["event"] for e in entries[1:]] == ["signup", "signup_cancelled"]
    assert entries[1].additional_data["holder"] == str(person)
    seat_entries = AuditEntry.objects.filter(
        content_type__model="workshopseat", object_pk=str(seat_pk)
    ).order_by("pk")
    assert [e.action for e in seat_entries] == [AuditEntry.Action.CREATE, AuditEntry.Action.DELETE]
    assert all(e.actor == users["staff"] for e in seat_entries)


@isolate_apps("tests.letting_app")
def test_a_seat_model_without_one_seat_per_holder_is_reported_at_start_up():
    class Lecture(EventWithSeats):
        class Meta(EventWithSeats.Meta):
            app_label = "letting_app"

    class LectureSeat(Seat):
        class Meta:
            app_label = "letting_app"

        event = models.ForeignKey(Lecture, on_delete=models.CASCADE)
        holder = models.ForeignKey("core.Person", on_delete=models.CASCADE)

    assert [e.id for e in letting.check_declaration(Lecture)] == []
    assert [e.id for e in letting.check_declaration(LectureSeat)] == ["qinqing.letting.E004"]


def test_the_declared_models_pass_the_start_up_checks():
    assert letting.check_declarations() == []


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_people_at_once_take_exactly_the_five_seats(regions):
    organiser = make_user(Role.STAFF, "organiser", regions=[regions["wucheng"]])
    workshop = Workshop.objects.create(title="人才政策宣讲", capacity=5)
    people = make_people(regions, 20)
    barrier = threading.Barrier(len(people))
    outcomes = []

    def take(person):
        try:
            barrier.wait()
            letting.take_seat(organiser, workshop, person)
            outcomes.append("seat")
        except letting.NoSeatsLeft:
            outcomes.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    workshop.refresh_from_db()
    assert outcomes.count("seat") == 5 and outcomes.count("full") == 15
    assert workshop.seats_taken == 5
    assert WorkshopSeat.objects.filter(event=workshop).count() == 5
