"""The dream-maker application runs on the case engine; signing allocates workstations."""

import datetime
from decimal import Decimal

import pytest

from qinqing.cases.models import Case
from qinqing.cases.services import TransitionRefused
from qinqing.core import letting
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.workspace import services
from qinqing.workspace.models import Allocation, Application, Lease
from tests.workspace.conftest import apply, to_review


def sign(world, application, desks=None):
    return services.do_sign(
        world["staff"],
        application,
        terms=world["terms"],
        start=world["today"],
        years=3,
        workstations=desks or world["desks"][:2],
    )


def test_a_team_leader_applies_and_the_application_is_a_case_with_a_deadline(world):
    application = apply(world)
    case = application.case
    assert case.state.label == "报名" and case.requester == world["leader"]
    assert case.number.startswith("MX") and case.state_due_at is not None
    assert application.team.leader == world["leader"] and application.desks_wanted == 2
    assert application.team.phone == "13912345678"


def test_the_application_moves_step_by_step_to_signing_and_allocates_desks(world):
    application = to_review(world, apply(world), people=4)
    assert application.case.state.label == "评审"
    lease = sign(world, application)
    application.case.refresh_from_db()
    assert application.case.state.label == "签约入驻" and application.case.closed_at
    assert lease.end == world["today"].replace(year=world["today"].year + 3)
    assert sorted(a.resource_id for a in lease.allocations.all()) == [
        d.pk for d in world["desks"][:2]
    ]
    [visit] = application.site_visits.all()
    assert visit.people == 4 and visit.sites_seen == "双溪共享空间"


def test_a_step_out_of_order_is_refused(world):
    application = apply(world)
    with pytest.raises(TransitionRefused):
        services.do_move_application(world["staff"], application, "talk", values={"notes": "x"})


def test_talks_need_notes_and_a_site_visit_needs_date_people_and_sites(world):
    application = apply(world)
    services.do_move_application(world["staff"], application, "accept")
    services.do_move_application(world["staff"], application, "pass_screening")
    with pytest.raises(InvalidInput) as refused:
        services.do_move_application(world["staff"], application, "talk")
    assert "notes" in refused.value.errors
    services.do_move_application(world["staff"], application, "talk", values={"notes": "谈过"})
    with pytest.raises(InvalidInput) as refused:
        services.do_move_application(world["staff"], application, "visit", values={"people": 2})
    assert {"visited_on", "sites_seen"} <= set(refused.value.errors)


def test_signing_a_desk_already_let_refuses_the_whole_signing(world):
    first = to_review(world, apply(world))
    sign(world, first)
    second = to_review(world, apply(world, name="稻田工作室"))
    with pytest.raises(letting.PeriodTaken):
        sign(world, second, desks=[world["desks"][1], world["desks"][2]])
    second.case.refresh_from_db()
    assert second.case.state.label == "评审"
    assert not Lease.objects.filter(application=second).exists()
    assert Allocation.objects.filter(resource=world["desks"][2]).count() == 0


def test_a_team_withdraws_with_a_reason_and_staff_may_not_withdraw_for_it(world):
    application = apply(world)
    with pytest.raises(InvalidInput):
        services.do_move_application(world["leader"], application, "withdraw")
    with pytest.raises(Forbidden):
        services.do_move_application(world["staff"], application, "withdraw", note="不想做了")
    services.do_move_application(world["leader"], application, "withdraw", note="项目暂停")
    application.case.refresh_from_db()
    assert application.case.state.label == "撤回"


def test_staff_turn_an_application_down_with_a_reason(world):
    application = apply(world)
    services.do_move_application(world["staff"], application, "reject", note="项目与乡村无关")
    application.case.refresh_from_db()
    assert application.case.state.label == "未通过"


def test_staff_of_another_town_cannot_move_the_application(world):
    application = apply(world)
    with pytest.raises(Forbidden):
        services.do_move_application(world["outsider"], application, "accept")


def test_the_funnel_counts_teams_talked_with_visitors_as_people_and_signed(world):
    first = to_review(world, apply(world), people=3)
    second = to_review(world, apply(world, name="稻田工作室"), people=5)
    apply(world, name="刚报名团队")
    sign(world, first)
    funnel = services.funnel(Application.objects.all())
    assert funnel == {
        "applied": 3,
        "talked": 2,
        "visitors": 8,
        "visiting_teams": 2,
        "signed": 1,
        "open": 2,
    }
    assert second.case.state.label == "评审"


def test_rent_is_owed_from_the_thirteenth_month_per_desk(world):
    lease = sign(world, to_review(world, apply(world)))
    figures = services.lease_figures(lease)
    assert figures["monthly_rent"] == Decimal("600.00")  # two desks at 300
    assert figures["rent_free_until"] == services.add_months(world["today"], 12)
    assert figures["savings"] == Decimal("7200.00")
    month = world["today"].replace(day=1)
    assert services.owed_for_month(lease, month) == 0
    assert services.owed_for_month(lease, services.add_months(month, 13)) == Decimal("600.00")


def test_rent_per_square_metre_counts_the_area(world):
    world["terms"].basis, world["terms"].rate = "m2", Decimal("20")
    world["terms"].save()
    lease = sign(world, to_review(world, apply(world)))
    assert services.lease_figures(lease)["monthly_rent"] == Decimal("240.00")  # 2 × 6 m² × 20


def test_the_rent_free_reminder_goes_once_to_team_and_staff_thirty_days_before(world):
    lease = sign(world, to_review(world, apply(world)))
    ends = services.add_months(lease.start, 12)
    assert services.remind_rent_free_ending(ends - datetime.timedelta(days=31)) == 0
    assert services.remind_rent_free_ending(ends - datetime.timedelta(days=30)) == 1
    assert services.remind_rent_free_ending(ends - datetime.timedelta(days=29)) == 0
    for user in (world["leader"], world["staff"]):
        assert user.notifications.filter(kind=services.REMINDER).count() == 1


def test_a_requested_service_goes_to_its_department_and_closes_on_the_teams_confirmation(world):
    application = to_review(world, apply(world))
    sign(world, application)
    request = services.do_request_service(
        world["leader"], application.team, {"kind": "finance", "description": "申请创业贷款"}
    )
    case = Case.objects.get(pk=request.case_id)
    assert case.state.label == "办理中" and case.department.name == "建德市金融服务中心"
    from qinqing.cases.services import do_transition

    do_transition(world["banker"], case, "deliver", note="已对接农商行")
    with pytest.raises(Forbidden):
        do_transition(world["banker"], case, "confirm")
    do_transition(world["leader"], case, "confirm")
    case.refresh_from_db()
    assert case.state.label == "已确认办结"


def test_a_monthly_event_takes_sign_ups_up_to_its_capacity(world):
    from django.utils import timezone

    from qinqing.workspace.models import SiteEvent, Team

    event = SiteEvent.objects.create(
        site=world["site"], title="十二月创业沙龙", starts_at=timezone.now(), capacity=1
    )
    first = Team.objects.create(
        name="甲",
        leader=world["leader"],
        leader_name="甲",
        project="p",
        industry="i",
        funding_stage="seed",
    )
    second = Team.objects.create(
        name="乙",
        leader=world["other_leader"],
        leader_name="乙",
        project="p",
        industry="i",
        funding_stage="seed",
    )
    services.do_sign_up_event(world["leader"], event, first)
    with pytest.raises(letting.NoSeatsLeft):
        services.do_sign_up_event(world["other_leader"], event, second)


def test_the_daily_command_sends_the_reminder_once(world, settings):
    from django.core.management import call_command
    from django.utils import timezone

    lease = sign(world, to_review(world, apply(world)))
    lease.start = timezone.localdate() - datetime.timedelta(days=340)
    lease.save()
    call_command("workspace_reminders")
    call_command("workspace_reminders")
    assert world["leader"].notifications.filter(kind=services.REMINDER).count() == 1
