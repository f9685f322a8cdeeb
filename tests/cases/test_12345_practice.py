"""The work order measured against 12345 practice: 解决 explicit, maker-checker, 未回访,
催办/督办/超期上报 on the timeline, and moves that stay exclusive under concurrency."""

import threading

import pytest
from django.db import connection, connections

from qinqing.cases import kpis
from qinqing.cases.models import Case, StateKind
from qinqing.cases.services import (
    TransitionRefused,
    do_answer_supervision,
    do_open_case,
    do_supervise,
    do_transition,
    remind_and_escalate,
    run_timeouts,
)
from qinqing.core.models import Department, Notification, Role
from qinqing.core.services import Forbidden, InvalidInput
from tests.cases.conftest import at
from tests.conftest import client_for, make_user


def fresh(case):
    return Case.objects.select_related("case_type", "state", "department").get(pk=case.pk)


def step(case, actor, code, when="2026-03-02 10:00", **kwargs):
    return do_transition(actor, fresh(case), code, now=at(when), **kwargs)


@pytest.fixture
def replied(office, regions):
    case = do_open_case(
        office["requester"],
        case_type="general",
        title="厂区门口积水",
        region=regions["zhuma"],
        requester=office["requester"],
        now=at("2026-03-02 09:00"),
    )
    step(case, office["dispatcher"], "accept")
    step(case, office["dispatcher"], "dispatch", department=office["economy"])
    step(case, office["economy_handler"], "sign_and_start")
    return step(case, office["economy_handler"], "reply", "2026-03-03 10:00", note="已疏通")


def test_回访_must_say_whether_the_problem_was_solved(replied, office):
    with pytest.raises(InvalidInput) as refused:
        step(replied, office["requester"], "satisfied")
    assert refused.value.errors == {"solved": ["请选择问题是否已解决"]}
    assert fresh(replied).kind == StateKind.RESOLVED

    closed = step(replied, office["requester"], "satisfied", solved=False)
    assert closed.satisfaction == "satisfied" and closed.solved is False


def test_the_回访_form_preselects_no_answer(replied, office):
    page = client_for(office["requester"]).get(f"/cases/{replied.pk}/").content.decode()
    assert 'name="solved" value="true"' in page and 'name="solved" value="false"' in page
    assert "checked" not in page


def test_whoever_answered_a_case_may_not_survey_it(office, regions):
    head = office["head"]  # staff of 区经商局 (handler) and a dispatcher of the county
    case = do_open_case(
        office["requester"], case_type="general", title="路灯", region=regions["zhuma"]
    )
    step(case, office["dispatcher"], "accept")
    step(case, office["dispatcher"], "dispatch", department=office["economy"])
    step(case, head, "sign_and_start")
    step(case, head, "reply", note="已修复")
    with pytest.raises(Forbidden, match="“回访：满意”须由“答复”以外的人办理"):
        step(case, head, "satisfied", solved=True)
    assert step(case, office["dispatcher"], "satisfied", solved=True).kind == StateKind.CLOSED


def test_nobody_approves_their_own_extension_request(replied, office, regions):
    head = office["head"]
    case = do_open_case(
        office["requester"],
        case_type="general",
        title="补办证照",
        region=regions["zhuma"],
        now=at("2026-03-02 09:00"),
    )
    step(case, office["dispatcher"], "accept")
    step(case, office["dispatcher"], "dispatch", department=office["economy"])
    step(case, head, "sign_and_start")
    step(case, head, "request_extension", note="需现场核实", due_at=at("2026-04-30 17:30"))
    with pytest.raises(Forbidden):
        step(case, head, "approve_extension")
    approved = step(case, office["dispatcher"], "approve_extension")
    assert approved.due_at == at("2026-04-30 17:30")


def test_an_answer_nobody_surveys_closes_as_未回访_and_counts_in_neither_rate(replied, office):
    # Answered on 03-03; the survey window is 5 working days.
    assert run_timeouts(now=at("2026-03-10 17:00")) == 0
    assert run_timeouts(now=at("2026-03-10 17:31")) == 1
    closed = fresh(replied)
    assert closed.kind == StateKind.CLOSED and closed.satisfaction == "not_surveyed"
    assert closed.events.last().label == "未回访办结"
    [total] = kpis.kpis(Case.objects.all(), group_by="total", now=at("2026-03-11 09:00"))
    assert total.satisfaction_rate is None and total.solve_rate is None
    assert total.not_surveyed == 1
    assert total.on_time_rate == 100.0  # judged at 答复, which was in time


def test_重办_gives_the_reopened_work_a_new_time_limit(replied, office):
    reopened = step(
        replied,
        office["requester"],
        "unsatisfied",
        "2026-03-05 10:00",
        note="又积水了",
        solved=False,
    )
    assert reopened.due_at == at("2026-03-19 17:30")  # 10 working days from 03-05
    assert reopened.reopen_count == 1 and reopened.replied_at is None


def test_催办_and_超期上报_are_events_on_the_timeline_and_counted(office, regions):
    case = do_open_case(
        office["requester"],
        case_type="general",
        title="噪音扰民",
        region=regions["zhuma"],
        now=at("2026-03-02 09:00"),
    )
    step(case, office["dispatcher"], "accept")
    step(case, office["dispatcher"], "dispatch", department=office["economy"])
    assert remind_and_escalate(now=at("2026-03-16 09:00")) == (1, 0)
    assert remind_and_escalate(now=at("2026-03-17 09:00")) == (0, 1)
    labels = [e.label for e in fresh(case).events.all()]
    assert labels[-2:] == ["催办", "超期上报"]
    [total] = kpis.kpis(Case.objects.all(), group_by="total", now=at("2026-03-17 10:00"))
    assert (total.reminded, total.escalated, total.overdue) == (1, 1, 1)
    page = client_for(office["dispatcher"]).get(f"/cases/{case.pk}/").content.decode()
    assert "催办" in page and "超期上报" in page


def test_a_leader_supervises_a_case_and_the_department_must_answer(replied, office, regions):
    leader = make_user(Role.LEADER, "county-leader")
    supervision = do_supervise(
        leader, fresh(replied), note="请加快办理", due_at=at("2099-03-20 17:30")
    )
    assert Notification.objects.filter(
        recipient=office["economy_handler"], kind="case.supervised"
    ).exists()
    with pytest.raises(Forbidden):
        do_answer_supervision(office["requester"], supervision, "我来答")
    do_answer_supervision(office["economy_handler"], supervision, "已安排专人跟进")
    with pytest.raises(TransitionRefused, match="已答复"):
        do_answer_supervision(office["economy_handler"], supervision, "再答一次")
    case = fresh(replied)
    assert case.supervision_count == 1
    assert [e.label for e in case.events.all()][-2:] == ["督办", "督办答复"]
    with pytest.raises(Forbidden):
        do_supervise(office["requester"], case, note="催", due_at=at("2099-01-01 09:00"))


def test_a_supervision_needs_an_opinion_and_a_future_deadline(replied):
    leader = make_user(Role.LEADER, "county-leader")
    with pytest.raises(InvalidInput) as refused:
        do_supervise(leader, fresh(replied), note=" ", due_at=at("2020-01-01 09:00"))
    assert set(refused.value.errors) == {"note", "due_at"}


def test_the_move_sees_a_version_a_concurrent_transfer_cannot_reuse(office, regions):
    case = do_open_case(
        office["requester"], case_type="general", title="转办", region=regions["zhuma"]
    )
    step(case, office["dispatcher"], "accept")
    step(case, office["dispatcher"], "dispatch", department=office["economy"])
    stale = fresh(case)
    step(case, office["dispatcher"], "transfer", note="改派", department=office["land"])
    # Same state before and after (已派单), but the version moved on.
    with pytest.raises(TransitionRefused, match="已被他人处理"):
        other = Department.objects.create(name="区住建局", region=regions["wucheng"])
        do_transition(office["dispatcher"], stale, "transfer", note="再改派", department=other)
    assert fresh(case).department == office["land"]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_fifty_dispatchers_transferring_one_case_at_once_make_one_move(regions):
    wucheng = regions["wucheng"]
    departments = [Department.objects.create(name=f"部门{i}", region=wucheng) for i in range(7)]
    dispatchers = [make_user(Role.STAFF, f"dispatcher{i}", regions=[wucheng]) for i in range(50)]
    requester = make_user(Role.RESIDENT, "resident-x")
    case = do_open_case(
        dispatchers[0],
        case_type="general",
        title="并发转办",
        region=regions["zhuma"],
        requester=requester,
    )
    do_transition(dispatchers[0], case, "accept")
    do_transition(dispatchers[0], fresh(case), "dispatch", department=departments[0])
    barrier = threading.Barrier(len(dispatchers))
    outcomes = []

    def transfer(index, user):
        try:
            copy = fresh(case)
            barrier.wait()
            target = departments[1 + index % 6]
            do_transition(user, copy, "transfer", note="转办", department=target)
            outcomes.append("moved")
        except TransitionRefused:
            outcomes.append("409")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=transfer, args=p) for p in enumerate(dispatchers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("moved") == 1 and outcomes.count("409") == 49
    case = fresh(case)
    assert case.events.filter(transition="transfer").count() == 1
    assert (
        Notification.objects.filter(title__startswith="转办到本部门")
        .values("recipient__department")
        .distinct()
        .count()
        <= 1
    )
