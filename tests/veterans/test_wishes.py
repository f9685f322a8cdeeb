import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from qinqing.cases.errors import AlreadyClaimed, ClaimLimitReached
from qinqing.cases.models import Case
from qinqing.cases.services import do_transition, run_timeouts
from qinqing.core.models import Notification, Role
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.veterans import services
from qinqing.veterans.models import Claimant, Settings, Wish
from tests.conftest import make_user
from tests.veterans.conftest import photo, publish, record_wish, register


def test_a_wish_told_during_a_visit_is_recorded_with_the_visit_and_waits_for_checking(world):
    wish = record_wish(world)
    assert wish.case.state.code == "collected"
    assert wish.visit.person == world["record"].person
    assert wish.visit.veteran_reach.people_reached == 3
    assert wish.station == world["town"]
    assert wish.case.region == world["town"].region


def test_a_wish_runs_from_collection_to_thanks_and_the_veteran_confirms_it(world, claimants):
    wish = publish(world, record_wish(world))
    assert wish.case.state.code == "published" and wish.published_at is not None
    holder = claimants["enterprise"].user
    services.do_claim_wish(holder, wish)
    with pytest.raises(InvalidInput) as refused:
        do_transition(holder, wish.case, "fulfil")
    assert "附件" in refused.value.summary
    do_transition(holder, wish.case, "fulfil", attachments=[photo()])
    veteran = world["veteran"]
    assert Notification.objects.filter(recipient=veteran, title__contains="请确认").exists()
    do_transition(veteran, wish.case, "confirm", values={"channel": "self"})
    do_transition(world["worker"], wish.case, "thank")
    wish.refresh_from_db()
    assert wish.case.state.code == "thanked"
    assert wish.fulfilled_at is not None
    confirm = wish.case.events.get(transition="confirm")
    assert confirm.actor == veteran and confirm.data["channel"] == "self"
    assert Notification.objects.filter(recipient=holder, title__contains="已确认").exists()


def test_staff_confirm_for_a_veteran_with_the_channel_recorded(world, claimants):
    wish = publish(world, record_wish(world))
    services.do_claim_wish(claimants["group"].user, wish)
    do_transition(claimants["group"].user, wish.case, "fulfil", attachments=[photo()])
    with pytest.raises(InvalidInput):
        do_transition(world["worker"], wish.case, "confirm")  # the channel is required
    do_transition(world["worker"], wish.case, "confirm", values={"channel": "phone"})
    event = wish.case.events.get(transition="confirm")
    assert event.actor == world["worker"] and event.data["channel"] == "phone"


def test_a_wish_over_the_value_limit_cannot_pass_checking_and_the_limit_is_configurable(world):
    wish = record_wish(world, title="电动轮椅", value="1800")
    with pytest.raises(InvalidInput) as refused:
        do_transition(world["worker"], wish.case, "verify", values={"genuine": "true"})
    assert "超过上限 1000" in refused.value.summary
    Settings.objects.update(wish_value_limit=2000)
    do_transition(world["worker"], wish.case, "verify", values={"genuine": "true"})
    assert Case.objects.get(pk=wish.case_id).state.code == "verified"


def test_a_wish_found_not_genuine_does_not_pass_and_declining_needs_a_reason(world):
    wish = record_wish(world)
    with pytest.raises(InvalidInput):
        do_transition(world["worker"], wish.case, "verify", values={"genuine": "false"})
    with pytest.raises(InvalidInput):
        do_transition(world["worker"], wish.case, "decline")
    do_transition(world["worker"], wish.case, "decline", note="已由民政部门解决")
    assert Case.objects.get(pk=wish.case_id).state.code == "declined"


def test_only_registered_claimants_may_claim(world, claimants):
    wish = publish(world, record_wish(world))
    with pytest.raises(Forbidden):
        services.do_claim_wish(world["veteran"], wish)  # a resident, but not a claimant


def test_a_second_claimant_finds_the_wish_already_claimed(world, claimants):
    wish = publish(world, record_wish(world))
    services.do_claim_wish(claimants["enterprise"].user, wish)
    stale = Wish.objects.select_related("case").get(pk=wish.pk)
    with pytest.raises(AlreadyClaimed):
        services.do_claim_wish(claimants["person"].user, stale)


def test_a_claim_not_fulfilled_in_time_returns_to_the_wall_and_the_claimant_is_told(
    world, claimants
):
    wish = publish(world, record_wish(world))
    holder = claimants["person"].user
    services.do_claim_wish(holder, wish)
    assert run_timeouts(timezone.now() + datetime.timedelta(days=15)) == 1
    case = Case.objects.get(pk=wish.case_id)
    assert case.state.code == "published" and case.claimed_by is None
    assert Notification.objects.filter(recipient=holder, title__contains="认领已超时").exists()
    assert wish in services.wall_wishes()


def test_a_claimant_holds_at_most_the_configured_number_of_open_claims(world, claimants):
    holder = claimants["enterprise"].user
    wishes = [publish(world, record_wish(world, title=f"心愿{i}")) for i in range(4)]
    for wish in wishes[:3]:
        services.do_claim_wish(holder, wish)
    with pytest.raises(ClaimLimitReached):
        services.do_claim_wish(holder, wishes[3])
    do_transition(holder, wishes[0].case, "fulfil", attachments=[photo()])
    do_transition(world["worker"], wishes[0].case, "confirm", values={"channel": "visit"})
    services.do_claim_wish(holder, wishes[3])  # a finished claim frees a place


def test_claimant_phone_numbers_are_stored_encrypted_and_registered_once(world, claimants):
    claimant = claimants["enterprise"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM veterans_claimant WHERE id = %s", [claimant.pk])
        raw = cursor.fetchone()[0]
    assert "13911110001" not in raw
    assert claimant.masked_phone == "139****0001"
    with pytest.raises(InvalidInput) as refused:
        register("individual", "另一人", "another", "13911110001")
    assert "已注册" in refused.value.summary


def test_figures_count_wishes_by_stage_and_days_from_publication_to_fulfilment(world, claimants):
    done = publish(world, record_wish(world))
    services.do_claim_wish(claimants["enterprise"].user, done)
    do_transition(claimants["enterprise"].user, done.case, "fulfil", attachments=[photo()])
    Wish.objects.filter(pk=done.pk).update(published_at=timezone.now() - datetime.timedelta(days=4))
    publish(world, record_wish(world, title="老花镜"))
    record_wish(world, title="棉被")
    figures = services.wish_figures(Wish.objects.all())
    assert figures["collected"] == 3
    assert figures["published"] == 2
    assert figures["claimed"] == 1
    assert figures["fulfilled"] == 1
    assert figures["confirmed"] == 0
    assert figures["average_days"] == 4.0
    assert services.claimants_by_kind(Claimant.objects.all()) == {
        "enterprise": 1,
        "group": 1,
        "individual": 1,
    }


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_many_claimants_claiming_one_wish_at_once_yield_exactly_one_winner(world):
    wish = publish(world, record_wish(world))
    people = [
        register("individual", f"爱心人士{i}", f"donor{i}", f"1391111{i:04d}").user
        for i in range(12)
    ]
    barrier = threading.Barrier(len(people))
    outcomes = []

    def claim(user):
        try:
            copy = Wish.objects.select_related("case__case_type", "case__state").get(pk=wish.pk)
            barrier.wait()
            services.do_claim_wish(user, copy)
            outcomes.append("won")
        except AlreadyClaimed:
            outcomes.append("已被认领")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(u,)) for u in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["won"] + ["已被认领"] * 11
    case = Case.objects.get(pk=wish.case_id)
    assert case.events.filter(transition="claim").count() == 1
    assert case.claimed_by in people


def test_an_enterprise_account_registered_as_claimant_may_claim(world, enterprise):
    account = make_user(Role.ENTERPRISE, "ent-claimant", enterprise=enterprise)
    Claimant.objects.create(
        user=account, kind="enterprise", name=enterprise.name, phone="13600001234"
    )
    wish = publish(world, record_wish(world))
    services.do_claim_wish(account, wish)
    assert Case.objects.get(pk=wish.case_id).claimed_by == account
