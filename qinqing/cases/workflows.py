"""Workflows and case types, declared as data by each module and installed on migrate.

A module declares what it needs in its AppConfig.ready, without editing this
package:

- ``register_workflow(WorkflowSpec(...))`` — states, transitions (with their
  effects, extra fields, notified roles, reason/attachment rules) and the
  indicators that apply to cases of the flow;
- ``register_effect(name, fn)`` (``qinqing.cases.effects``) — what a move does
  besides changing state;
- ``register_case_type(CaseTypeSpec(...))`` — which flow, time limits per
  priority and per state, who sees and who dispatches cases of the type, how
  extra case roles resolve, who claims them, and an ``on_transition`` hook run
  inside every move's transaction.

``install_registered`` (run after every ``migrate``) writes workflows, states,
transitions, case types and time limits into the database. It creates what is
missing and leaves alone what administrators own — labels and time limits — so
a migrate never reverts their edits; the structure (targets, sources, effects,
roles, fields) follows the code.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.context import disable_auditlog
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from qinqing.cases.models import (
    CaseType,
    LimitUnit,
    Priority,
    State,
    StateKind,
    StateLimit,
    TimeLimit,
    Transition,
    Workflow,
)

# State kinds by their short names, for the flows declared in this style.
OPEN, IN_PROGRESS, RESOLVED, CLOSED, REJECTED = (
    StateKind.OPEN,
    StateKind.IN_PROGRESS,
    StateKind.RESOLVED,
    StateKind.CLOSED,
    StateKind.REJECTED,
)


@dataclass(frozen=True)
class StateSpec:
    code: str
    label: str
    kind: str
    initial: bool = False
    # The transition the platform takes when this state's own time limit runs out.
    timeout: str = ""
    # A default time limit for this state, (amount, LimitUnit); a case type may override it.
    limit: tuple | None = None


@dataclass(frozen=True)
class FieldSpec:
    """An extra value a step takes; validated by ``qinqing.cases.fields`` and kept on the event.

    ``type``: text, integer, decimal, date, datetime, boolean, choice.
    """

    name: str
    label: str
    type: str = "text"
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "required": self.required,
            "choices": [list(choice) for choice in self.choices],
            "help": self.help,
        }


@dataclass(frozen=True)
class TransitionSpec:
    code: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    requires_reason: bool = False
    effects: tuple[str, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    requires_attachment: bool = False
    # Case roles told about the move (see ``qinqing.cases.roles.recipients``).
    notify: tuple[str, ...] = ()
    notice: str = ""
    notify_kind: str = "case.update"
    # Maker-checker: whoever last took one of these moves may not take this one.
    not_by_actor_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorkflowSpec:
    code: str
    name: str
    states: tuple[StateSpec, ...]
    transitions: tuple[TransitionSpec, ...]
    # Indicator codes (``qinqing.cases.kpis.register_indicator``) that apply to this flow.
    indicators: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseTypeSpec:
    code: str
    name: str
    module: str
    workflow: str
    number_prefix: str = "GD"
    # priority → (respond within working hours, resolve within working days)
    time_limits: dict = field(default_factory=dict)
    # state code → (amount, LimitUnit); e.g. {"claimed": (48, "hours")}
    state_limits: dict = field(default_factory=dict)
    state_labels: dict = field(default_factory=dict)
    claimant_roles: tuple[str, ...] = ()
    # Sugar for a claim window: a state limit in hours on the state a claim enters.
    claim_hours: int | None = None
    max_open_claims: int | None = None
    dispatch_permission: str = "cases.dispatch_case"
    children_block_close: bool = False
    # Callables (kept in memory, not in the database):
    # visibility(user) -> Q over Case, replacing the default rule for this type's cases.
    visibility: Callable | None = None
    # roles(user, case) -> set of extra case roles.
    roles: Callable | None = None
    # claimant_of(user) -> the model instance the user claims for (default: the account).
    claimant_of: Callable | None = None
    # recipients: case role → callable(case) -> users, for roles the module defines.
    recipients: dict = field(default_factory=dict)
    # on_transition(move) — a ``qinqing.cases.services.Move``, inside the transaction.
    on_transition: Callable | None = None


WORKFLOWS: dict[str, WorkflowSpec] = {}
CASE_TYPES: dict[str, CaseTypeSpec] = {}


def register_workflow(spec: WorkflowSpec) -> None:
    WORKFLOWS[spec.code] = spec


def register_case_type(spec: CaseTypeSpec) -> None:
    CASE_TYPES[spec.code] = spec


def case_type_spec(code: str) -> CaseTypeSpec | None:
    return CASE_TYPES.get(code)


def validate_workflow(spec: WorkflowSpec) -> None:
    """Refuse a workflow that names an effect, state or indicator nobody registered."""
    from qinqing.cases import effects, kpis

    states = {state.code for state in spec.states}
    transitions = {move.code for move in spec.transitions}
    problems = []
    if sum(state.initial for state in spec.states) != 1:
        problems.append("应有且只有一个初始状态")
    for state in spec.states:
        if state.timeout and state.timeout not in transitions:
            problems.append(f"状态 {state.code} 的超时流转 {state.timeout} 不存在")
    for move in spec.transitions:
        for name in move.effects:
            if name not in effects.EFFECTS:
                problems.append(f"流转 {move.code} 的附加动作 {name} 未注册")
        for code in (*move.sources, move.target):
            if code not in states:
                problems.append(f"流转 {move.code} 的状态 {code} 不存在")
        for code in move.not_by_actor_of:
            if code not in transitions:
                problems.append(f"流转 {move.code} 的审批分离对象 {code} 不存在")
    for code in spec.indicators:
        if code not in kpis.INDICATORS:
            problems.append(f"指标 {code} 未注册")
    if problems:
        raise ImproperlyConfigured(f"流程 {spec.code}：" + "；".join(problems))


@transaction.atomic
def install_workflow(spec: WorkflowSpec) -> Workflow:
    validate_workflow(spec)
    workflow, _ = Workflow.objects.get_or_create(code=spec.code, defaults={"name": spec.name})
    states = {}
    for order, state in enumerate(spec.states):
        states[state.code], created = State.objects.get_or_create(
            workflow=workflow,
            code=state.code,
            defaults={
                "label": state.label,
                "kind": state.kind,
                "is_initial": state.initial,
                "timeout_transition": state.timeout,
                "order": order,
            },
        )
        if not created:
            State.objects.filter(pk=states[state.code].pk).update(
                kind=state.kind, is_initial=state.initial, timeout_transition=state.timeout
            )
    for order, move in enumerate(spec.transitions):
        structure = {
            "target": states[move.target],
            "roles": list(move.roles),
            "requires_reason": move.requires_reason,
            "requires_attachment": move.requires_attachment,
            "effects": list(move.effects),
            "fields": [f.as_dict() for f in move.fields],
            "notify_roles": list(move.notify),
            "notify_kind": move.notify_kind,
            "not_by_actor_of": list(move.not_by_actor_of),
        }
        transition, created = Transition.objects.get_or_create(
            workflow=workflow,
            code=move.code,
            defaults={"label": move.label, "notice": move.notice, "order": order, **structure},
        )
        if not created:
            Transition.objects.filter(pk=transition.pk).update(**structure)
        transition.sources.set([states[code] for code in move.sources])
    return workflow


@transaction.atomic
def install_case_type(spec: CaseTypeSpec) -> CaseType:
    register_case_type(spec)
    workflow = Workflow.objects.get(code=spec.workflow)
    case_type, _ = CaseType.objects.get_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "module": spec.module,
            "workflow": workflow,
            "number_prefix": spec.number_prefix,
            "state_labels": spec.state_labels,
        },
    )
    CaseType.objects.filter(pk=case_type.pk).update(
        module=spec.module,
        workflow=workflow,
        claimant_roles=list(spec.claimant_roles),
        max_open_claims=spec.max_open_claims,
        dispatch_permission=spec.dispatch_permission,
        children_block_close=spec.children_block_close,
    )
    case_type.refresh_from_db()
    # Time limits are created once; after that they belong to the admins who tune them.
    for priority, (respond_hours, resolve_days) in spec.time_limits.items():
        TimeLimit.objects.get_or_create(
            case_type=case_type,
            priority=priority,
            defaults={"respond_hours": Decimal(str(respond_hours)), "resolve_days": resolve_days},
        )
    for state_code, (amount, unit) in _state_limits(spec).items():
        StateLimit.objects.get_or_create(
            case_type=case_type,
            state=State.objects.get(workflow=workflow, code=state_code),
            defaults={"amount": amount, "unit": unit},
        )
    return case_type


def _state_limits(spec: CaseTypeSpec) -> dict:
    flow = WORKFLOWS[spec.workflow]
    limits = {state.code: state.limit for state in flow.states if state.limit}
    limits.update(spec.state_limits)
    if spec.claim_hours:
        claimed = {move.target for move in flow.transitions if "claim" in move.effects}
        for state in claimed:
            limits.setdefault(state, (spec.claim_hours, LimitUnit.HOURS))
    return limits


def install_registered(**kwargs) -> None:
    """Write the declarations after ``migrate``. Not audited: this is the code's own set-up
    (a new database holds no audit entry until someone acts); administrators' later edits
    of the same rows are audited as usual."""
    with disable_auditlog():
        for spec in WORKFLOWS.values():
            install_workflow(spec)
        for spec in CASE_TYPES.values():
            install_case_type(spec)


# The platform's own general case type, on the 12345 flow.
register_case_type(
    CaseTypeSpec(
        code="general",
        name="一般事项",
        module="cases",
        workflow="work_order",
        time_limits={Priority.NORMAL: (8, 10), Priority.URGENT: (2, 3)},
    )
)
