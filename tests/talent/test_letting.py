"""Lodging beds, apartment units and event places are let through core's letting:
never twice for one night or term, never past capacity — even all at once."""

import datetime
import threading

import pytest
from django.db import connection, connections

from qinqing.core import letting
from qinqing.core.models import Person, Role
from qinqing.core.services import InvalidInput
from qinqing.core.synthetic import make_id_number
from qinqing.talent import services
from qinqing.talent.models import (
    ApartmentApplication,
    ApartmentUnit,
    Bed,
    BedStay,
    EligibilityRule,
    Lease,
    LodgingRoom,
    TalentEvent,
)
from tests.conftest import make_user
from tests.talent.conftest import NOW

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL"
)
D = datetime.date


def beds(count: int, room: str = "人才驿站101") -> list[Bed]:
    lodging = LodgingRoom.objects.create(name=room, building="人才驿站")
    return [Bed.objects.create(room=lodging, number=n + 1) for n in range(count)]


def people(regions, count: int, first: int = 100) -> list[Person]:
    return [
        Person.objects.create(
            name=f"求职者{i}",
            id_number=make_id_number("330421", D(2000, 1, 1) + datetime.timedelta(i), 11),
            region=regions["zhuma"],
        )
        for i in range(first, first + count)
    ]


def test_a_seeker_books_a_bed_for_a_range_of_nights_and_checks_in_and_out(talent):
    beds(2)
    stay = services.do_book_bed(talent["seeker"], talent["person"], D(2026, 11, 2), D(2026, 11, 5))
    assert stay.resource.number == 1
    assert services.occupancy(D(2026, 11, 3)) == {"beds": 2, "taken": 1, "free": 1, "rate": 0.5}
    assert services.occupancy(D(2026, 11, 5))["taken"] == 0  # the day of leaving is free
    services.do_check_in(talent["staff"], stay, now=NOW)
    stay = services.do_check_out(
        talent["staff"], stay, now=NOW + datetime.timedelta(days=1)
    )  # leaves a night early
    assert stay.end == D(2026, 11, 3) and stay.checked_out_at is not None
    assert services.occupancy(D(2026, 11, 4))["taken"] == 0


def test_the_last_free_bed_goes_to_one_seeker_and_the_next_is_told_none_is_left(talent, regions):
    beds(1)
    other = people(regions, 1)[0]
    services.do_book_bed(talent["staff"], talent["person"], D(2026, 11, 2), D(2026, 11, 4))
    with pytest.raises(letting.PeriodTaken, match="已无空余"):
        services.do_book_bed(talent["staff"], other, D(2026, 11, 3), D(2026, 11, 6))
    # From the day the first leaves, the bed is free again.
    services.do_book_bed(talent["staff"], other, D(2026, 11, 4), D(2026, 11, 6))


def test_a_seeker_cannot_book_a_bed_for_someone_else(talent, regions):
    from qinqing.core.services import Forbidden

    beds(1)
    with pytest.raises(Forbidden):
        services.do_book_bed(
            talent["seeker"], people(regions, 1)[0], D(2026, 11, 2), D(2026, 11, 3)
        )


def _apply(talent, regions, n, **kw):
    employee = people(regions, 1, first=200 + n)[0]
    values = {"education": "本科", "owns_local_home": False} | kw
    return services.do_apply_apartment(talent["employer"], employee, now=NOW, **values)


def test_apartment_eligibility_is_configurable_and_refusals_name_the_reason(talent, regions):
    EligibilityRule.objects.create(education_min="本科", zone=regions["wucheng"])
    with pytest.raises(InvalidInput) as refused:
        _apply(talent, regions, 1, education="大专", owns_local_home=True)
    assert "学历应为本科及以上" in refused.value.summary
    assert "本地已有自有住房" in refused.value.summary
    EligibilityRule.objects.create(education_min="大专", require_no_local_home=False)
    assert _apply(talent, regions, 2, education="大专", owns_local_home=True).pk


def test_units_go_to_the_waiting_list_in_order_with_a_term_renewal_and_move_out(talent, regions):
    EligibilityRule.objects.create(education_min="本科", lease_months=12)
    first, second = _apply(talent, regions, 1), _apply(talent, regions, 2)
    from qinqing.cases.services import do_transition

    for application in (second, first):  # queued in either order, served by application time
        do_transition(talent["staff"], application.case, "queue", now=NOW)
    unit_a = ApartmentUnit.objects.create(building="人才公寓1幢", number="101")
    unit_b = ApartmentUnit.objects.create(building="人才公寓1幢", number="102")
    lease = services.do_allocate_next(talent["staff"], unit_a, D(2026, 12, 1), now=NOW)
    assert lease.application == first and lease.end == D(2027, 12, 1)
    first.refresh_from_db()
    assert first.status == "allocated" and first.case.state.code == "allocated"
    renewal = services.do_renew_lease(talent["staff"], lease)
    assert (renewal.start, renewal.end) == (D(2027, 12, 1), D(2028, 12, 1))
    # The unit is let until 2028: the next on the list cannot have it, but unit B.
    with pytest.raises(letting.PeriodTaken):
        services.do_allocate_next(talent["staff"], unit_a, D(2027, 6, 1), now=NOW)
    assert ApartmentApplication.objects.get(pk=second.pk).status == "waiting"
    services.do_move_out(talent["staff"], lease, D(2027, 6, 1))
    assert not Lease.objects.filter(pk=renewal.pk, cancelled_at__isnull=True).exists()
    second_lease = services.do_allocate_next(talent["staff"], unit_a, D(2027, 6, 1), now=NOW)
    assert second_lease.application == second
    assert unit_b.leases.count() == 0


def test_event_registration_stops_at_capacity(talent, regions):
    event = TalentEvent.objects.create(
        title="集成电路人才直通车", kind="express", starts_at=NOW, venue="嘉善人才大厦", capacity=1
    )
    services.do_register_event(talent["seeker"], event, talent["person"])
    with pytest.raises(letting.NoSeatsLeft):
        services.do_register_event(talent["staff"], event, people(regions, 1)[0])


def _at_once(count, work):
    barrier = threading.Barrier(count)
    outcomes = []

    def run(i):
        try:
            barrier.wait()
            outcomes.append(work(i))
        except (letting.LettingRefused, InvalidInput) as refused:
            outcomes.append(type(refused).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_twelve_seekers_asking_for_three_beds_at_once_get_exactly_three(regions):
    staff = make_user(Role.STAFF, "lodging-desk", regions=[regions["wucheng"]])
    beds(3)
    guests = people(regions, 12)
    outcomes = _at_once(
        12, lambda i: services.do_book_bed(staff, guests[i], D(2026, 11, 2), D(2026, 11, 4)).pk
    )
    assert sum(isinstance(o, int) for o in outcomes) == 3
    assert outcomes.count("PeriodTaken") == 9
    assert BedStay.objects.filter(cancelled_at__isnull=True).count() == 3
    assert BedStay.objects.values("resource").distinct().count() == 3


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_letting_one_unit_at_once_make_one_lease(regions, enterprise):
    from qinqing.cases.services import do_transition

    staff = make_user(Role.STAFF, "apartment-desk", regions=[regions["wucheng"]])
    employer = make_user(Role.ENTERPRISE, "hr", enterprise=enterprise)
    for n, person in enumerate(people(regions, 2)):
        application = services.do_apply_apartment(employer, person, "本科", False, now=NOW)
        do_transition(staff, application.case, "queue", now=NOW + datetime.timedelta(minutes=n))
    unit = ApartmentUnit.objects.create(building="人才公寓2幢", number="201")
    outcomes = _at_once(
        2, lambda i: services.do_allocate_next(staff, unit, D(2026, 12, 1), now=NOW).pk
    )
    assert sum(isinstance(o, int) for o in outcomes) == 1
    assert Lease.objects.filter(resource=unit).count() == 1
    assert ApartmentApplication.objects.filter(status="waiting").count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_fifteen_registering_for_five_places_at_once_leave_five(regions):
    staff = make_user(Role.STAFF, "events-desk", regions=[regions["wucheng"]])
    event = TalentEvent.objects.create(
        title="青年人才沙龙", kind="salon", starts_at=NOW, venue="嘉善人才大厦", capacity=5
    )
    guests = people(regions, 15)
    outcomes = _at_once(15, lambda i: services.do_register_event(staff, event, guests[i]).pk)
    assert sum(isinstance(o, int) for o in outcomes) == 5
    event.refresh_from_db()
    assert event.seats_taken == 5 and event.registrations.count() == 5
