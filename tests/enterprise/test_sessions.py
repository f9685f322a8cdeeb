"""限单组团服务: sign-ups never exceed the places, even all at once."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from qinqing.core.models import Enterprise, Role
from qinqing.core.synthetic import make_credit_code
from qinqing.enterprise.models import ServiceSession, SessionSignup
from qinqing.enterprise.services import AlreadySignedUp, SessionFull, do_sign_up
from tests.conftest import make_user


def make_session(regions, creator, capacity):
    return ServiceSession.objects.create(
        title="企业融资政策解读",
        topic="finance",
        venue="竹马乡爱企服务站",
        starts_at=timezone.now() + datetime.timedelta(days=7),
        capacity=capacity,
        region=regions["zhuma"],
        created_by=creator,
    )


def make_enterprises(regions, count):
    return [
        Enterprise.objects.create(
            name=f"竹马企业{i}",
            credit_code=make_credit_code("330702", 500 + 10 * i),
            industry_code="3011",
            region=regions["zhuma"],
        )
        for i in range(count)
    ]


def test_an_enterprise_signs_up_and_takes_one_place(users, regions, enterprise):
    session = make_session(regions, users["staff"], capacity=2)
    do_sign_up(users["enterprise"], session, enterprise)
    session.refresh_from_db()
    assert session.seats_taken == 1 and session.seats_left == 1


def test_the_same_enterprise_cannot_sign_up_twice_and_keeps_one_place(users, regions, enterprise):
    session = make_session(regions, users["staff"], capacity=2)
    do_sign_up(users["enterprise"], session, enterprise)
    with pytest.raises(AlreadySignedUp):
        do_sign_up(users["enterprise"], session, enterprise)
    session.refresh_from_db()
    assert session.seats_taken == 1


def test_a_full_session_refuses_more_sign_ups(users, regions):
    session = make_session(regions, users["staff"], capacity=1)
    first, second = make_enterprises(regions, 2)
    do_sign_up(users["staff"], session, first)
    with pytest.raises(SessionFull):
        do_sign_up(users["staff"], session, second)
    assert SessionSignup.objects.filter(session=session).count() == 1


def test_an_enterprise_account_cannot_sign_up_another_enterprise(users, regions, other_enterprise):
    from qinqing.core.services import Forbidden

    session = make_session(regions, users["staff"], capacity=5)
    with pytest.raises(Forbidden):
        do_sign_up(users["enterprise"], session, other_enterprise)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_never_exceed_the_places(regions):
    staff = make_user(Role.STAFF, "organiser", regions=[regions["wucheng"]])
    session = make_session(regions, staff, capacity=5)
    enterprises = make_enterprises(regions, 16)
    barrier = threading.Barrier(len(enterprises))
    outcomes = []

    def sign_up(enterprise):
        try:
            barrier.wait()
            do_sign_up(staff, session, enterprise)
            outcomes.append("ok")
        except SessionFull:
            outcomes.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up, args=(e,)) for e in enterprises]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    session.refresh_from_db()
    assert outcomes.count("ok") == 5 and outcomes.count("full") == 11
    assert session.seats_taken == 5
    assert SessionSignup.objects.filter(session=session).count() == 5


def test_sessions_and_sign_ups_are_written_to_the_audit_trail(users, regions, enterprise):
    from qinqing.core.audit import entries_for
    from qinqing.core.models import AuditEntry

    session = make_session(regions, users["staff"], capacity=2)
    signup = do_sign_up(users["enterprise"], session, enterprise)
    [created] = entries_for(signup)
    assert created.action == AuditEntry.Action.CREATE and created.actor == users["enterprise"]
    assert entries_for(session).filter(action=AuditEntry.Action.CREATE).exists()
    [event] = entries_for(session).filter(additional_data__event="signup")
    assert event.additional_data["enterprise"] == enterprise.name


@pytest.mark.django_db(transaction=True)
def test_moving_sessions_onto_the_shared_seats_keeps_every_session_and_sign_up(regions):
    from django.db import connection as conn
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.recorder import MigrationRecorder

    before, after = (
        [("enterprise", "0001_initial")],
        [("enterprise", "0002_sessions_on_shared_seats")],
    )
    staff = make_user(Role.STAFF, "organiser", regions=[regions["wucheng"]])
    executor = MigrationExecutor(conn)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before[0]).apps
        session = old.get_model("enterprise", "ServiceSession").objects.create(
            title="企业融资政策解读",
            topic="finance",
            venue="竹马乡爱企服务站",
            starts_at=timezone.now(),
            capacity=2,
            seats_taken=1,
            region_id=regions["zhuma"].pk,
            created_by_id=staff.pk,
        )
        [enterprise] = make_enterprises(regions, 1)
        old.get_model("enterprise", "SessionSignup").objects.create(
            session_id=session.pk, enterprise_id=enterprise.pk, signed_up_by_id=staff.pk
        )
    finally:
        executor = MigrationExecutor(conn)
        executor.migrate(executor.loader.graph.leaf_nodes())
    moved = ServiceSession.objects.get(pk=session.pk)
    assert (moved.capacity, moved.seats_taken) == (2, 1)
    assert list(moved.signups.values_list("enterprise", flat=True)) == [enterprise.pk]
    assert after[0] in MigrationRecorder(conn).applied_migrations()
