"""A module that runs its own flow on the case engine without editing ``qinqing/cases``.

It declares what a service module would: a workflow (医保稽核: 立案 → 核查 → 认定 → 结案),
an effect of its own, a recipient role, a visibility rule that hides its cases
from the region's other staff, an extra case role, an indicator, a state time
limit with a timeout, and an ``on_transition`` hook.
"""

from decimal import Decimal

from django.apps import AppConfig
from django.db.models import Exists, OuterRef, Q

HOOK_CALLS: list[tuple[str, str]] = []
INSPECTORS = "医保稽核科"


def flag_serious(move) -> dict:
    # A finding over 10,000 yuan makes the case urgent.
    return {"priority": "urgent"} if Decimal(move.values["amount"]) > 10000 else {}


def is_inspector(user) -> bool:
    return bool(user.department_id and user.department.name == INSPECTORS)


def visibility(user):
    # Clues are seen by the inspectors and whoever raised them — not the town's other staff.
    if is_inspector(user):
        return Q(department_id=user.department_id) | Q(department__isnull=True)
    return Q(created_by=user) | Q(requester=user)


def roles(user, case) -> set[str]:
    return {"inspector"} if is_inspector(user) else set()


def auditors(case):
    from qinqing.core.models import User

    return User.objects.filter(username="auditor")


def violations():
    from qinqing.cases.models import CaseEvent

    return CaseEvent.objects.filter(case=OuterRef("pk"), transition="find_violation")


def on_transition(move) -> None:
    HOOK_CALLS.append((move.case.number, move.transition.code))


class FlowAppConfig(AppConfig):
    name = "tests.flowapp"
    label = "flowapp"

    def ready(self) -> None:
        from qinqing.cases.effects import register_effect
        from qinqing.cases.kpis import Indicator, register_indicator
        from qinqing.cases.models import LimitUnit, StateKind
        from qinqing.cases.workflows import (
            CaseTypeSpec,
            FieldSpec,
            StateSpec,
            TransitionSpec,
            WorkflowSpec,
            register_case_type,
            register_workflow,
        )

        register_effect("flag_serious", flag_serious)
        register_indicator(
            Indicator(
                "violation_rate",
                "违规认定率",
                "认定违规的件数 ÷ 已结案件数",
                lambda now: Q(kind=StateKind.CLOSED) & Q(Exists(violations())),
                lambda now: Q(kind=StateKind.CLOSED),
            )
        )
        S, T = StateSpec, TransitionSpec
        register_workflow(
            WorkflowSpec(
                code="inspection",
                name="医保稽核",
                states=(
                    S("filed", "已立案", StateKind.OPEN, initial=True),
                    S("checking", "核查中", StateKind.IN_PROGRESS, timeout="overrun"),
                    S("found", "已认定", StateKind.RESOLVED),
                    S("closed", "已结案", StateKind.CLOSED),
                    S("dropped", "不予立案", StateKind.REJECTED),
                ),
                transitions=(
                    T("check", "开始核查", ("filed",), "checking", ("inspector",)),
                    T(
                        "find_violation",
                        "认定违规",
                        ("checking",),
                        "found",
                        ("inspector",),
                        True,
                        effects=("flag_serious",),
                        fields=(
                            FieldSpec("amount", "涉及金额（元）", "decimal", required=True),
                            FieldSpec(
                                "kind",
                                "违规类型",
                                "choice",
                                required=True,
                                choices=(("upcoding", "高套编码"), ("split", "分解住院")),
                            ),
                        ),
                        requires_attachment=True,
                        notify=("auditor",),
                        notice="稽核认定违规，请复核",
                    ),
                    T("close", "结案", ("found",), "closed", ("inspector",)),
                    T("overrun", "核查超时退回", ("checking",), "filed", ("system",)),
                    T("drop", "不予立案", ("filed",), "dropped", ("inspector",), True),
                ),
                indicators=("violation_rate", "overdue"),
            )
        )
        register_case_type(
            CaseTypeSpec(
                code="inspection_clue",
                name="医保线索",
                module="flowapp",
                workflow="inspection",
                number_prefix="XS",
                time_limits={"normal": (8, 20)},
                state_limits={"checking": (3, LimitUnit.WORKING_DAYS)},
                visibility=visibility,
                roles=roles,
                recipients={"auditor": auditors},
                on_transition=on_transition,
            )
        )
