"""Items published for claiming (揭榜挂帅, 微心愿): exactly one claimant gets each."""

import threading

import pytest
from django.db import connection, connections

from qinqing.cases.models import Case, StateKind
from qinqing.cases.services import (
    AlreadyClaimed,
    do_claim,
    do_open_case,
    do_transition,
    expire_claims,
)
from qinqing.core.models import Role
from qinqing.core.services import Forbidden
from tests.cases.conftest import at
from tests.conftest import make_user


@pytest.fixture
def task(office, regions, claim_type):
    return do_open_case(
        office["dispatcher"],
        case_type=claim_type,
        title="园区道路改造攻坚",
        region=regions["zhuma"],
        now=at("2026-03-02 09:00"),
    )


def test_a_published_item_is_claimed_by_the_first_claimant(task, office):
    claimed = do_claim(office["head"], task)
    assert claimed.claimed_by == office["head"]
    assert claimed.state.code == "claimed"


def test_the_second_claimant_is_told_it_is_already_claimed(task, office, regions):
    rival = make_user(Role.STAFF, "rival", regions=[regions["wucheng"]])
    do_claim(office["head"], Case.objects.get(pk=task.pk))
    with pytest.raises(AlreadyClaimed, match="已被认领"):
        do_claim(rival, Case.objects.get(pk=task.pk))
    # even holding a stale copy that still says "published"
    with pytest.raises(AlreadyClaimed, match="已被认领"):
        do_claim(rival, task)
    assert Case.objects.get(pk=task.pk).claimed_by == office["head"]


def test_an_account_of_a_role_that_may_not_claim_is_refused(task, office):
    with pytest.raises(Forbidden):
        do_claim(office["requester"], task)


def test_a_claim_that_expires_returns_the_item_to_the_pool(task, office, regions):
    do_transition(office["head"], task, "claim", now=at("2026-03-02 10:00"))
    assert expire_claims(now=at("2026-03-04 09:59")) == 0
    assert expire_claims(now=at("2026-03-04 10:01")) == 1

    back = Case.objects.get(pk=task.pk)
    assert back.state.code == "published" and back.claimed_by is None
    rival = make_user(Role.STAFF, "rival", regions=[regions["wucheng"]])
    assert do_claim(rival, back).claimed_by == rival


def test_the_claimant_fulfils_and_the_publisher_confirms(task, office):
    do_claim(office["head"], task)
    do_transition(office["head"], Case.objects.get(pk=task.pk), "fulfil", note="已完成改造")
    done = do_transition(office["dispatcher"], Case.objects.get(pk=task.pk), "confirm")
    assert done.kind == StateKind.CLOSED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_many_claimants_at_the_same_instant_yield_exactly_one_winner(regions, claim_type):
    publisher = make_user(Role.STAFF, "publisher", regions=[regions["wucheng"]])
    task = do_open_case(publisher, case_type=claim_type, title="攻坚任务", region=regions["zhuma"])
    claimants = [
        make_user(Role.STAFF, f"cadre{i}", regions=[regions["wucheng"]]) for i in range(12)
    ]
    barrier = threading.Barrier(len(claimants))
    outcomes = []

    def claim(user):
        try:
            copy = Case.objects.select_related("case_type", "state").get(pk=task.pk)
            barrier.wait()
            do_claim(user, copy)
            outcomes.append("won")
        except AlreadyClaimed:
            outcomes.append("已被认领")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(u,)) for u in claimants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["won"] + ["已被认领"] * 11
    assert Case.objects.get(pk=task.pk).events.filter(transition="claim").count() == 1
