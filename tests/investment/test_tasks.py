"""揭榜挂帅: teams claim key tasks (one team per task, even at once), report progress, and
are ranked by tasks accepted on time."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from qinqing.cases.errors import AlreadyClaimed
from qinqing.cases.models import Case, StateKind
from qinqing.cases.services import TransitionRefused, do_transition
from qinqing.core.models import Role
from qinqing.core.services import Forbidden
from qinqing.investment import services
from qinqing.investment.models import KeyTask, Team
from tests.conftest import client_for, make_user


def team(agency, name, size=3):
    town = agency["town"]
    leader = make_user(Role.STAFF, f"{name}-组长", regions=[town])
    members = [make_user(Role.STAFF, f"{name}-{i}", regions=[town]) for i in range(size - 1)]
    return services.do_create_team(
        agency["officer"], name=name, town=town, leader=leader, members=members
    )


def post(agency, project, title="征地政策处理", days=30):
    today = timezone.localdate()
    return services.do_post_task(
        agency["officer"],
        title=title,
        goals="完成青峰控股项目用地范围内的政策处理",
        deadline=today + datetime.timedelta(days=days),
        project=project,
        leader=agency["leader"],
        town=agency["town"],
        sub_goals=[("完成丈量登记", today + datetime.timedelta(days=10))],
    )


def fresh(task):
    return KeyTask.objects.select_related("case", "case__case_type", "case__state").get(pk=task.pk)


def test_a_team_leader_claims_and_a_member_carries_the_task_on(agency, project):
    first, second = team(agency, "第一攻坚组"), team(agency, "第二攻坚组")
    task = post(agency, project)
    services.do_claim_task(first.leader, task)
    task = fresh(task)
    assert task.case.claimant_id == first.pk and task.case.kind == StateKind.IN_PROGRESS
    with pytest.raises(AlreadyClaimed):
        services.do_claim_task(second.leader, fresh(task))
    member = first.members.exclude(pk=first.leader_id).first()
    report = services.do_report_progress(member, task, "已完成丈量登记 36 户")
    assert report.author == member
    with pytest.raises(Forbidden):
        services.do_report_progress(second.leader, task, "不是我们的任务")


def test_the_leader_hands_a_task_back_with_a_reason_then_accepts_it(agency, project):
    crew = team(agency, "攻坚组")
    task = post(agency, project)
    services.do_claim_task(crew.leader, task)
    case = do_transition(crew.leader, fresh(task).case, "fulfil", note="政策处理已完成")
    with pytest.raises(Exception, match="需要填写理由"):
        do_transition(agency["leader"], case, "reject_fulfilment")
    case = do_transition(agency["leader"], case, "reject_fulfilment", note="尚有3户未签约")
    assert case.state.code == "claimed"
    case = do_transition(crew.leader, case, "fulfil", note="全部签约")
    case = do_transition(agency["leader"], case, "confirm")
    assert case.kind == StateKind.CLOSED
    board = services.team_board()
    assert board[0]["team"] == crew and board[0]["on_time"] == 1


def test_a_cadre_outside_every_team_cannot_claim(agency, project):
    task = post(agency, project)
    loner = make_user(Role.STAFF, "loner", regions=[agency["town"]])
    with pytest.raises((Forbidden, TransitionRefused)):
        services.do_claim_task(loner, task)


def test_the_board_ranks_teams_by_tasks_accepted_on_time(agency, project):
    fast, late = team(agency, "甲组"), team(agency, "乙组")
    for crew, title in ((fast, "拆迁安置"), (late, "沿江路提升改造")):
        task = post(agency, project, title)
        services.do_claim_task(crew.leader, task)
        case = do_transition(crew.leader, fresh(task).case, "fulfil", note="完成")
        do_transition(agency["leader"], case, "confirm")
    # 乙组's task was accepted after its deadline.
    KeyTask.objects.filter(case__title="沿江路提升改造").update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    board = services.team_board()
    assert [(r["team"].name, r["accepted"], r["on_time"]) for r in board] == [
        ("甲组", 1, 1),
        ("乙组", 1, 0),
    ]


def test_a_team_leader_claims_from_the_task_board_page(agency, project):
    crew = team(agency, "攻坚组")
    task = post(agency, project)
    page = client_for(crew.leader).get("/investment/tasks/").content.decode()
    assert "揭榜" in page and "征地政策处理" in page
    response = client_for(crew.leader).post(f"/investment/tasks/{task.pk}/claim/")
    assert response.status_code == 302
    assert fresh(task).case.claimant_id == crew.pk
    page = client_for(crew.leader).get(f"/investment/tasks/{task.pk}/").content.decode()
    assert "攻坚组" in page and "完成丈量登记" in page


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_of_teams_claiming_one_task_at_once_exactly_one_wins(agency, project):
    teams = [team(agency, f"第{i}组", size=2) for i in range(6)]
    task = post(agency, project)
    barrier = threading.Barrier(len(teams))
    outcomes = []

    def claim(crew):
        try:
            copy = fresh(task)
            barrier.wait()
            services.do_claim_task(crew.leader, copy)
            outcomes.append("won")
        except AlreadyClaimed:
            outcomes.append("taken")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(crew,)) for crew in teams]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("won") == 1 and outcomes.count("taken") == 5
    case = Case.objects.get(pk=task.case_id)
    assert Team.objects.filter(pk=case.claimant_id).exists()
    assert case.events.filter(transition="claim").count() == 1


def test_the_claiming_team_ticks_its_sub_goals_off_from_the_task_page(agency, project):
    crew = team(agency, "攻坚组")
    task = post(agency, project)
    services.do_claim_task(crew.leader, task)
    goal = task.sub_goals.get()
    member = crew.members.exclude(pk=crew.leader_id).first()
    page = client_for(member).get(f"/investment/tasks/{task.pk}/").content.decode()
    assert "标记完成" in page and "汇报进展" in page
    assert f'href="/cases/{task.case_id}/#step-fulfil">提交完成</a>' in page
    client_for(member).post(f"/investment/sub-goals/{goal.pk}/done/")
    goal.refresh_from_db()
    assert goal.done_on == timezone.localdate()
    outsider = make_user(Role.STAFF, "outsider", regions=[agency["town"]])
    assert (
        "标记完成" not in client_for(outsider).get(f"/investment/tasks/{task.pk}/").content.decode()
    )
