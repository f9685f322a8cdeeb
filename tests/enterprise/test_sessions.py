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
