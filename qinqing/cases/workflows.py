"""Workflows and case types, declared as data by each module and installed on migrate.

A module declares its case types with ``register_case_type`` (in its AppConfig.ready);
``install_registered`` (run after every ``migrate``) writes workflows, states,
transitions, case types and time limits into the database, idempotently, so
admins can then adjust labels and time limits without code.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from qinqing.cases.models import (
    CaseType,
    Priority,
    State,
    StateKind,
    TimeLimit,
    Transition,
    Workflow,
)


@dataclass(frozen=True)
class StateSpec:
    code: str
    label: str
    kind: str
    initial: bool = False


@dataclass(frozen=True)
class TransitionSpec:
    code: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    requires_reason: bool = False
    effect: str = ""


@dataclass(frozen=True)
class WorkflowSpec:
    code: str
    name: str
    states: tuple[StateSpec, ...]
    transitions: tuple[TransitionSpec, ...]


@dataclass(frozen=True)
class CaseTypeSpec:
    code: str
    name: str
    module: str
    workflow: str
    number_prefix: str = "GD"
    # priority → (respond within working hours, resolve within working days)
    time_limits: dict = field(default_factory=dict)
    state_labels: dict = field(default_factory=dict)
    claimant_roles: tuple[str, ...] = ()
    claim_hours: int | None = None


S, T = StateSpec, TransitionSpec
OPEN, IN_PROGRESS, RESOLVED, CLOSED, REJECTED = (
    StateKind.OPEN,
    StateKind.IN_PROGRESS,
    StateKind.RESOLVED,
    StateKind.CLOSED,
    StateKind.REJECTED,
)

# The 12345 work-order flow: 登记 → 受理 → 派单 ⇄ 退单 → 签收 → 办理中 ⇄ 延期 → 已答复 → 回访.
WORK_ORDER = WorkflowSpec(
    code="work_order",
    name="工单流程（12345）",
    states=(
        S("registered", "已登记", OPEN, initial=True),
        S("accepted", "已受理", OPEN),
        S("dispatched", "已派单", IN_PROGRESS),
        S("signed", "已签收", IN_PROGRESS),
        S("processing", "办理中", IN_PROGRESS),
        S("extension_requested", "延期审批中", IN_PROGRESS),
        S("replied", "已答复", RESOLVED),
        S("closed", "已办结", CLOSED),
        S("refused", "不予受理", REJECTED),
        S("duplicate", "重复件", REJECTED),
        S("not_ours", "非本单位职责", REJECTED),
    ),
    transitions=(
        # "system": a module may route a case by rule (e.g. an instant call to its liaison).
        T(
            "accept",
            "受理",
            ("registered",),
            "accepted",
            ("dispatcher", "system"),
            effect="respond",
        ),
        T("refuse", "不予受理", ("registered",), "refused", ("dispatcher",), True, "respond"),
        T(
            "mark_duplicate",
            "重复件",
            ("registered",),
            "duplicate",
            ("dispatcher",),
            True,
            "respond",
        ),
        T(
            "not_ours",
            "非本单位职责",
            ("registered",),
            "not_ours",
            ("dispatcher",),
            True,
            "respond",
        ),
        T(
            "dispatch",
            "派单",
            ("accepted",),
            "dispatched",
            ("dispatcher", "system"),
            effect="set_department",
        ),
        T("return", "退单", ("dispatched", "signed"), "accepted", ("handler",), True, "return"),
        T("sign", "签收", ("dispatched",), "signed", ("handler",), effect="assign_actor"),
        T("start", "开始办理", ("signed",), "processing", ("handler",)),
        T(
            "transfer",
            "转办",
            ("dispatched", "signed", "processing"),
            "dispatched",
            ("dispatcher",),
            True,
            "set_department",
        ),
        T(
            "request_extension",
            "申请延期",
            ("processing",),
            "extension_requested",
            ("handler",),
            True,
            "request_extension",
        ),
        T(
            "approve_extension",
            "批准延期",
            ("extension_requested",),
            "processing",
            ("supervisor",),
            effect="approve_extension",
        ),
        T(
            "deny_extension",
            "驳回延期",
            ("extension_requested",),
            "processing",
            ("supervisor",),
            True,
            "deny_extension",
        ),
        T("reply", "答复", ("processing",), "replied", ("handler",), True, "reply"),
        T(
            "satisfied",
            "回访：满意",
            ("replied",),
            "closed",
            ("dispatcher", "requester"),
            effect="satisfied",
        ),
        T(
            "unsatisfied",
            "回访：不满意，重办",
            ("replied",),
            "processing",
            ("dispatcher", "requester"),
            True,
            "unsatisfied",
        ),
    ),
)

# Claimable items (揭榜挂帅, 微心愿): published for claiming; one claimant gets it.
CLAIM_TASK = WorkflowSpec(
    code="claim_task",
    name="认领流程（揭榜、认领）",
    states=(
        S("published", "待认领", OPEN, initial=True),
        S("claimed", "已认领", IN_PROGRESS),
        S("fulfilled", "待确认", RESOLVED),
        S("confirmed", "已完成", CLOSED),
        S("cancelled", "已撤销", REJECTED),
    ),
    transitions=(
        T("claim", "认领", ("published",), "claimed", ("claimant",), effect="claim"),
        T("release", "放弃认领", ("claimed",), "published", ("holder",), True, "release"),
        T("expire", "认领超时退回", ("claimed",), "published", ("system",), effect="release"),
        T("fulfil", "完成", ("claimed",), "fulfilled", ("holder",), True, "reply"),
        T(
            "confirm",
            "确认完成",
            ("fulfilled",),
            "confirmed",
            ("dispatcher", "requester"),
            effect="satisfied",
        ),
        T(
            "reject_fulfilment",
            "退回重做",
            ("fulfilled",),
            "claimed",
            ("dispatcher", "requester"),
            True,
            "unsatisfied",
        ),
        T("cancel", "撤销", ("published",), "cancelled", ("dispatcher",), True),
    ),
)

WORKFLOWS: dict[str, WorkflowSpec] = {}
CASE_TYPES: dict[str, CaseTypeSpec] = {}


def register_workflow(spec: WorkflowSpec) -> None:
    WORKFLOWS[spec.code] = spec


def register_case_type(spec: CaseTypeSpec) -> None:
    CASE_TYPES[spec.code] = spec


register_workflow(WORK_ORDER)
register_workflow(CLAIM_TASK)
register_case_type(
    CaseTypeSpec(
        code="general",
        name="一般事项",
        module="cases",
        workflow="work_order",
        time_limits={Priority.NORMAL: (8, 10), Priority.URGENT: (2, 3)},
    )
)


@transaction.atomic
def install_workflow(spec: WorkflowSpec) -> Workflow:
    workflow, _ = Workflow.objects.update_or_create(code=spec.code, defaults={"name": spec.name})
    states = {}
    for order, state in enumerate(spec.states):
        states[state.code], _ = State.objects.update_or_create(
            workflow=workflow,
            code=state.code,
            defaults={
                "label": state.label,
                "kind": state.kind,
                "is_initial": state.initial,
                "order": order,
            },
        )
    for order, move in enumerate(spec.transitions):
        transition, _ = Transition.objects.update_or_create(
            workflow=workflow,
            code=move.code,
            defaults={
                "label": move.label,
                "target": states[move.target],
                "roles": list(move.roles),
                "requires_reason": move.requires_reason,
                "effect": move.effect,
                "order": order,
            },
        )
        transition.sources.set([states[code] for code in move.sources])
    return workflow


@transaction.atomic
def install_case_type(spec: CaseTypeSpec) -> CaseType:
    workflow = Workflow.objects.get(code=spec.workflow)
    case_type, _ = CaseType.objects.get_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "module": spec.module,
            "workflow": workflow,
            "number_prefix": spec.number_prefix,
            "state_labels": spec.state_labels,
            "claimant_roles": list(spec.claimant_roles),
            "claim_hours": spec.claim_hours,
        },
    )
    # Time limits are created once; after that they belong to the admins who tune them.
    for priority, (respond_hours, resolve_days) in spec.time_limits.items():
        TimeLimit.objects.get_or_create(
            case_type=case_type,
            priority=priority,
            defaults={"respond_hours": Decimal(str(respond_hours)), "resolve_days": resolve_days},
        )
    return case_type


def install_registered(**kwargs) -> None:
    for spec in WORKFLOWS.values():
        install_workflow(spec)
    for spec in CASE_TYPES.values():
        install_case_type(spec)
