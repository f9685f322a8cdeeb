"""The agency's case types: agency matters (own flow, legal time limits), problems raised
on visits (the 12345 work-order flow) and 揭榜挂帅 key tasks (the engine's claim flow,
claimed by teams, under its own code so it declares 按期完成率 beside the claim figures)."""

import dataclasses

from django.db.models import F, Q
from django.utils import timezone

from qinqing.cases import calendar
from qinqing.cases.effects import register_effect
from qinqing.cases.flows.claim import CLAIM_TASK
from qinqing.cases.kpis import Indicator, register_indicator
from qinqing.cases.workflows import (
    CLOSED,
    IN_PROGRESS,
    OPEN,
    REJECTED,
    CaseTypeSpec,
    FieldSpec,
    StateSpec,
    TransitionSpec,
    WorkflowSpec,
    register_case_type,
    register_workflow,
)

MATTER = "investment_matter"
PROBLEM = "investment_problem"
TASK = "investment_task"


def legal_limit(move) -> dict:
    """The matter's legal time limit, in working days from when it reaches the department."""
    from qinqing.investment.models import AgencyMatter

    days = (
        AgencyMatter.objects.filter(case_id=move.case.pk)
        .values_list("legal_days", flat=True)
        .first()
    )
    if not days:
        return {}
    return {"due_at": calendar.add_working_days(move.now, days), "reminded_at": None}


def fill_milestone(move) -> dict:
    from qinqing.investment.services import fill_milestone_from_matter

    return fill_milestone_from_matter(move)


def team_of(user):
    """The 攻坚小组 a cadre claims for: the team they lead or belong to."""
    from qinqing.investment.models import Team

    if user is None or not user.pk:
        return None
    return Team.objects.filter(Q(leader=user) | Q(members=user)).order_by("pk").first()


S, T = StateSpec, TransitionSpec

AGENCY_MATTER = WorkflowSpec(
    code="agency_matter",
    name="代办事项流程",
    states=(
        S("registered", "待派送", OPEN, initial=True),
        S("dispatched", "待签收", IN_PROGRESS),
        S("processing", "审批中", IN_PROGRESS),
        S("supplementing", "补正材料", IN_PROGRESS),
        S("done", "已办结", CLOSED),
        S("withdrawn", "已撤回", REJECTED),
    ),
    transitions=(
        T(
            "dispatch",
            "派送审批部门",
            ("registered",),
            "dispatched",
            ("dispatcher", "system"),
            effects=("set_department", "investment_legal_limit"),
            notify=("handler",),
            notice="新的代办事项待签收",
        ),
        T(
            "sign",
            "签收",
            ("dispatched",),
            "processing",
            ("handler",),
            effects=("respond", "assign_actor"),
            notify=("requester",),
            notice="代办事项已由审批部门签收",
        ),
        T(
            "ask_materials",
            "退回补正",
            ("processing",),
            "supplementing",
            ("handler",),
            requires_reason=True,
            notify=("requester",),
            notice="代办事项需补正材料",
        ),
        T(
            "resubmit",
            "补正后提交",
            ("supplementing",),
            "processing",
            ("dispatcher", "requester"),
            notify=("handler",),
            notice="代办事项已补正材料",
        ),
        T(
            "complete",
            "办结",
            ("processing",),
            "done",
            ("handler",),
            # The certificate fills in the linked milestone (refused if it must wait).
            effects=("reply", "investment_fill_milestone"),
            fields=(
                FieldSpec("certificate_no", "证书（批文）编号"),
                FieldSpec("issued_on", "发证日期", "date"),
            ),
            notify=("requester",),
            notice="代办事项已办结",
            notify_kind="case.replied",
        ),
        T(
            "withdraw",
            "撤回",
            ("registered", "dispatched", "processing", "supplementing"),
            "withdrawn",
            ("dispatcher",),
            requires_reason=True,
        ),
    ),
    indicators=("investment_matter_on_time", "overdue"),
)


# The engine's claim flow as it is (states, moves, effects), plus the key tasks' on-time rate.
KEY_TASK = dataclasses.replace(
    CLAIM_TASK,
    code="investment_key_task",
    name="揭榜挂帅流程",
    indicators=(*CLAIM_TASK.indicators, "investment_task_on_time"),
)


def task_on_time(now) -> Q:
    """Accepted (confirmed) on or before the task's own deadline (``KeyTask.deadline``)."""
    return Q(kind=CLOSED, closed_at__date__lte=F("key_task__deadline"))


def task_judged(now) -> Q:
    """Accepted, or claimed and still not accepted after its deadline."""
    late = Q(claimed_at__isnull=False, key_task__deadline__lt=timezone.localdate(now)) & ~Q(
        kind__in=(CLOSED, REJECTED)
    )
    return Q(kind=CLOSED) | late


def register() -> None:
    register_effect("investment_legal_limit", legal_limit)
    register_effect("investment_fill_milestone", fill_milestone)
    register_indicator(
        Indicator(
            "investment_matter_on_time",
            "法定时限内办结率",
            "在法定时限（工作日）内办结的代办事项件数 ÷（已办结件数 + 已超期仍未办结的件数）",
            lambda now: Q(replied_at__isnull=False, replied_at__lte=F("due_at")),
            lambda now: (
                Q(replied_at__isnull=False) | Q(kind__in=("open", "in_progress"), due_at__lt=now)
            ),
        )
    )
    register_indicator(
        Indicator(
            "investment_task_on_time",
            "按期完成率",
            "在完成期限当天或之前验收通过的揭榜任务数 ÷"
            "（已验收任务数 + 已过完成期限仍未验收的已揭榜任务数）",
            task_on_time,
            task_judged,
        )
    )
    register_workflow(AGENCY_MATTER)
    register_workflow(KEY_TASK)
    register_case_type(
        CaseTypeSpec(
            code=MATTER,
            name="代办事项",
            module="investment",
            workflow="agency_matter",
            number_prefix="DB",
            # A default only: each matter carries its own legal limit (legal_days).
            time_limits={"normal": (8, 20), "urgent": (4, 10)},
        )
    )
    register_case_type(
        CaseTypeSpec(
            code=PROBLEM,
            name="项目问题",
            module="investment",
            workflow="work_order",
            number_prefix="XW",
            time_limits={"normal": (8, 10), "urgent": (4, 3)},
        )
    )
    register_case_type(
        CaseTypeSpec(
            code=TASK,
            name="揭榜挂帅",
            module="investment",
            workflow="investment_key_task",
            number_prefix="JB",
            claimant_roles=("staff",),
            claimant_of=team_of,
        )
    )


def move_tasks_to_own_flow(**kwargs) -> None:
    """After migrate: key tasks opened when the type ran the engine's ``claim_task`` flow
    take the same-coded state of ``investment_key_task`` (their history stays as it was)."""
    from qinqing.cases.models import Case, State

    stale = Case.objects.filter(case_type__code=TASK).exclude(state__workflow__code=KEY_TASK.code)
    if not stale.exists():
        return
    for state in State.objects.filter(workflow__code=KEY_TASK.code):
        stale.filter(state__code=state.code).update(state=state)
