"""The work-order flow: who may do what, and what each step leaves behind."""

import datetime

import pytest

from qinqing.cases import services
from qinqing.cases.models import Case, StateKind
from qinqing.cases.services import TransitionRefused, do_open_case, do_transition
from qinqing.core.audit import entries_for
from qinqing.core.services import Forbidden, InvalidInput
from tests.cases.conftest import at


@pytest.fixture
def case(office, regions):
    return do_open_case(
        office["requester"],
        case_type="general",
        title="企业员工子女入学",
        region=regions["zhuma"],
        requester=office["requester"],
        now=at("2026-03-02 09:00"),
    )


def move(case, actor, code, **kwargs):
    return do_transition(
        actor,
        Case.objects.get(pk=case.pk),
        code,
        now=kwargs.pop("now", at("2026-03-02 10:00")),
        **kwargs,
    )


def test_a_new_case_gets_a_number_and_deadlines_from_its_time_limit(case):
    assert case.number == f"GD2026{case.pk:07d}"
    assert case.state.code == "registered"
    assert case.respond_due_at == at("2026-03-03 09:30")  # 8 working hours
    assert case.due_at == at("2026-03-16 17:30")  # 10 working days


def test_the_whole_loop_from_registration_to_closing(case, office):
    move(case, office["dispatcher"], "accept")
    move(case, office["dispatcher"], "dispatch", department=office["economy"])
    move(case, office["economy_handler"], "sign")
    move(case, office["economy_handler"], "start")
    move(case, office["economy_handler"], "reply", note="已协调教育局，安排入学")
    closed = move(case, office["requester"], "satisfied", solved=True)

    assert closed.kind == StateKind.CLOSED
    assert closed.assignee == office["economy_handler"]
    assert closed.satisfaction == "satisfied" and closed.solved is True
    assert closed.responded_at == at("2026-03-02 10:00")
    assert [e.label for e in closed.events.all()] == [
        "登记",
        "受理",
        "派单",
        "签收",
        "开始办理",
        "答复",
        "回访：满意",
    ]
    transitions = [
        e.additional_data.get("transition")
        for e in entries_for(closed).order_by("pk")
        if e.event == "transition"
    ]
    assert transitions == ["accept", "dispatch", "sign", "start", "reply", "satisfied"]


def test_a_handler_cannot_accept_a_case_only_the_dispatcher_can(case, office):
    with pytest.raises(Forbidden):
        move(case, office["economy_handler"], "accept")
    assert Case.objects.get(pk=case.pk).state.code == "registered"


def test_a_step_that_does_not_start_from_the_current_state_is_refused_by_name(case, office):
    with pytest.raises(TransitionRefused, match="事项当前为“已登记”，不能“派单”"):
        move(case, office["dispatcher"], "dispatch", department=office["economy"])


def test_refusing_a_case_needs_a_reason(case, office):
    with pytest.raises(InvalidInput) as excinfo:
        move(case, office["dispatcher"], "refuse")
    assert excinfo.value.errors == {"note": ["“不予受理”需要填写理由"]}

    refused = move(case, office["dispatcher"], "refuse", note="不属于政务服务范围")
    assert refused.kind == StateKind.REJECTED
    assert refused.events.last().note == "不属于政务服务范围"


def test_a_department_returns_a_case_with_a_reason_and_it_goes_back_to_dispatch(case, office):
    move(case, office["dispatcher"], "accept")
    move(case, office["dispatcher"], "dispatch", department=office["land"])
    returned = move(case, office["land_handler"], "return", note="不属于资规职责")

    assert returned.state.code == "accepted"
    assert returned.department is None
    assert returned.return_count == 1
    again = move(returned, office["dispatcher"], "dispatch", department=office["economy"])
    assert again.department == office["economy"]


def test_only_the_department_it_was_dispatched_to_can_sign_it(case, office):
    move(case, office["dispatcher"], "accept")
    move(case, office["dispatcher"], "dispatch", department=office["economy"])
    with pytest.raises(Forbidden):
        move(case, office["land_handler"], "sign")


def test_transferring_keeps_the_whole_history(case, office):
    move(case, office["dispatcher"], "accept")
    move(case, office["dispatcher"], "dispatch", department=office["land"])
    move(case, office["land_handler"], "sign")
    moved = move(
        case,
        office["dispatcher"],
        "transfer",
        department=office["economy"],
        note="涉及企业服务，转经商局",
    )

    assert moved.department == office["economy"] and moved.assignee is None
    departments = [
        e.department for e in moved.events.filter(transition__in=["dispatch", "transfer"])
    ]
    assert departments == [office["land"], office["economy"]]
    assert moved.events.filter(transition="sign").get().actor == office["land_handler"]


def test_an_extension_needs_the_department_heads_approval_and_moves_the_deadline(case, office):
    move(case, office["dispatcher"], "accept")
    move(case, office["dispatcher"], "dispatch", department=office["economy"])
    move(case, office["economy_handler"], "sign")
    move(case, office["economy_handler"], "start")
    new_due = at("2026-03-31 17:30")
    move(
        case,
        office["economy_handler"],
        "request_extension",
        note="需等待教育局名额",
        due_at=new_due,
    )

    with pytest.raises(Forbidden):
        move(case, office["economy_handler"], "approve_extension")
    approved = move(case, office["head"], "approve_extension")
    assert approved.state.code == "processing"
    assert approved.due_at == new_due


def test_an_extension_must_move_the_deadline_later(case, office):
    move(case, office["dispatcher"], "accept")
    move(case, office["dispatcher"], "dispatch", department=office["economy"])
    move(case, office["economy_handler"], "sign")
    move(case, office["economy_handler"], "start")
    with pytest.raises(InvalidInput) as excinfo:
        move(
            case,
            office["economy_handler"],
            "request_extension",
            note="x",
            due_at=at("2026-03-05 17:30"),
        )
    assert excinfo.value.errors == {"due_at": ["延期后的期限应晚于现在的办结期限"]}


def test_an_unsatisfied_回访_reopens_the_case(case, office):
    move(case, office["dispatcher"], "accept")
    move(case, office["dispatcher"], "dispatch", department=office["economy"])
    move(case, office["economy_handler"], "sign")
    move(case, office["economy_handler"], "start")
    move(case, office["economy_handler"], "reply", note="已答复")
    reopened = move(case, office["requester"], "unsatisfied", note="问题没有解决", solved=False)

    assert reopened.state.code == "processing"
    assert reopened.reopen_count == 1
    assert reopened.solved is False


def test_the_requester_cannot_act_for_the_department(case, office):
    move(case, office["dispatcher"], "accept")
    with pytest.raises(Forbidden):
        move(case, office["requester"], "dispatch", department=office["economy"])


def test_staff_of_another_county_cannot_see_or_dispatch_the_case(case, office):
    from qinqing.core import access

    assert not access.visible(Case, office["outsider"]).filter(pk=case.pk).exists()
    with pytest.raises(Forbidden):
        move(case, office["outsider"], "accept")


def test_the_available_steps_are_those_of_the_actors_case_role(case, office):
    dispatcher_steps = {t.code for t in services.available_transitions(office["dispatcher"], case)}
    assert dispatcher_steps == {"accept", "refuse", "mark_duplicate", "not_ours"}
    assert services.available_transitions(office["economy_handler"], case) == []


def test_two_people_acting_on_the_same_case_at_once_cannot_both_move_it(case, office):
    stale = Case.objects.get(pk=case.pk)
    move(case, office["dispatcher"], "accept")
    with pytest.raises(TransitionRefused):
        do_transition(office["dispatcher"], stale, "refuse", note="重复")
    assert Case.objects.get(pk=case.pk).state.code == "accepted"
    assert case.events.count() == 2


def test_deadlines_are_not_touched_by_a_move_at_a_later_time(case, office):
    before = case.due_at
    later = move(case, office["dispatcher"], "accept", now=at("2026-03-04 10:00"))
    assert later.due_at == before
    assert later.updated_at.date() == datetime.date(2026, 3, 4)


def test_the_response_is_the_departments_signature_not_the_platforms_acceptance(case, office):
    accepted = move(case, office["dispatcher"], "accept")
    assert accepted.responded_at is None

    dispatched = move(
        case,
        office["dispatcher"],
        "dispatch",
        department=office["economy"],
        now=at("2026-03-02 10:00"),
    )
    # The department's 8 working hours start when the case reaches it.
    assert dispatched.respond_due_at == at("2026-03-03 10:30")
    signed = move(case, office["economy_handler"], "sign", now=at("2026-03-03 11:00"))
    assert signed.responded_at == at("2026-03-03 11:00")
    assert signed.responded_at > signed.respond_due_at  # signed half an hour late
