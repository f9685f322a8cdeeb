"""The 12345 work-order flow: 登记 → 受理 → 派单 ⇄ 退单 → 签收 → 办理中 ⇄ 延期 → 答复 → 回访.

Faithful to 12345 practice: 响应 is the handling unit's 签收 (the platform's
受理 is not a response), 解决 is recorded explicitly at 回访 (never assumed),
重办 starts a new time limit, and an answered case nobody surveys within the
window closes as 未回访 — counted in neither 满意率 nor 解决率.
"""

from django.db.models import F

from qinqing.cases import deadlines, kpis
from qinqing.cases.effects import register_effect
from qinqing.cases.models import LimitUnit, Satisfaction
from qinqing.cases.workflows import (
    CLOSED,
    IN_PROGRESS,
    OPEN,
    REJECTED,
    RESOLVED,
    FieldSpec,
    StateSpec,
    TransitionSpec,
    WorkflowSpec,
)
from qinqing.cases.workflows import register_workflow as _register
from qinqing.core.services import InvalidInput

# No default and no preselected answer: 解决 is never assumed.
SOLVED = FieldSpec(
    "solved",
    "问题是否已解决",
    "boolean",
    required=True,
    choices=(("true", "已解决"), ("false", "未解决")),
)
EXTEND_TO = FieldSpec("due_at", "延期至", "datetime", required=True)


# --- effects ----------------------------------------------------------------------


@register_effect("respond")
def respond(move) -> dict:
    return {"responded_at": move.case.responded_at or move.now}


@register_effect("set_department")
def set_department(move) -> dict:
    department, assignee, case = move.department, move.assignee, move.case
    if department is None:
        raise InvalidInput({"department": ["请选择承办部门"]}, {"department": "承办部门"})
    if department.pk == case.department_id:
        raise InvalidInput(
            {"department": ["已由该部门承办，请选择其他部门"]}, {"department": "承办部门"}
        )
    if assignee is not None and assignee.department_id != department.pk:
        raise InvalidInput({"assignee": ["承办人不属于所选部门"]}, {"assignee": "承办人"})
    # The response clock starts when the case reaches the unit that must sign for it.
    return {
        "department_id": department.pk,
        "assignee_id": assignee.pk if assignee else None,
        "responded_at": None,
        "respond_due_at": deadlines.respond_due(move.limit, move.now),
    }


@register_effect("return")
def return_to_dispatch(move) -> dict:
    return {"department_id": None, "assignee_id": None, "return_count": F("return_count") + 1}


@register_effect("assign_actor")
def assign_actor(move) -> dict:
    return {"assignee_id": move.case.assignee_id or move.actor.pk}


@register_effect("request_extension")
def request_extension(move) -> dict:
    due_at = move.values["due_at"]
    if move.case.due_at and due_at <= move.case.due_at:
        raise InvalidInput({"due_at": ["延期后的期限应晚于现在的办结期限"]}, {"due_at": "延期至"})
    return {"extension_due_at": due_at}


@register_effect("approve_extension")
def approve_extension(move) -> dict:
    return {
        "due_at": move.case.extension_due_at,
        "extension_due_at": None,
        "reminded_at": None,
        "escalated_at": None,
    }


@register_effect("deny_extension")
def deny_extension(move) -> dict:
    return {"extension_due_at": None}


@register_effect("reply")
def reply(move) -> dict:
    return {"replied_at": move.now}


@register_effect("satisfied")
def satisfied(move) -> dict:
    return {
        "satisfaction": Satisfaction.SATISFIED,
        "solved": move.values["solved"],
        "survey_count": F("survey_count") + 1,
    }


@register_effect("unsatisfied")
def unsatisfied(move) -> dict:
    return {
        "satisfaction": Satisfaction.UNSATISFIED,
        "solved": move.values["solved"],
        "survey_count": F("survey_count") + 1,
    }


@register_effect("reopen")
def reopen(move) -> dict:
    """重办: the reopened work gets a new time limit of its own."""
    return {
        "replied_at": None,
        "reopen_count": F("reopen_count") + 1,
        "due_at": deadlines.resolve_due(move.limit, move.now) or move.case.due_at,
        "reminded_at": None,
        "escalated_at": None,
    }


@register_effect("not_surveyed")
def not_surveyed(move) -> dict:
    return {"satisfaction": Satisfaction.NOT_SURVEYED, "solved": None}


# --- the flow ---------------------------------------------------------------------

S, T = StateSpec, TransitionSpec

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
        S(
            "replied",
            "已答复",
            RESOLVED,
            timeout="close_unsurveyed",
            limit=(5, LimitUnit.WORKING_DAYS),
        ),
        S("closed", "已办结", CLOSED),
        S("refused", "不予受理", REJECTED),
        S("duplicate", "重复件", REJECTED),
        S("not_ours", "非本单位职责", REJECTED),
    ),
    transitions=(
        # "system": a module may route a case by rule (e.g. an instant call to its liaison).
        T("accept", "受理", ("registered",), "accepted", ("dispatcher", "system")),
        *(
            T(code, label, ("registered",), target, ("dispatcher",), True, notify=("requester",))
            for code, label, target in (
                ("refuse", "不予受理", "refused"),
                ("mark_duplicate", "重复件", "duplicate"),
                ("not_ours", "非本单位职责", "not_ours"),
            )
        ),
        T(
            "dispatch",
            "派单",
            ("accepted",),
            "dispatched",
            ("dispatcher", "system"),
            effects=("set_department",),
            notify=("handler",),
            notice="新派单",
            notify_kind="case.assigned",
        ),
        T(
            "return",
            "退单",
            ("dispatched", "signed"),
            "accepted",
            ("handler",),
            True,
            effects=("return",),
            notify=("dispatcher",),
            notice="事项被退单",
            notify_kind="case.returned",
        ),
        T(
            "sign",
            "签收",
            ("dispatched",),
            "signed",
            ("handler",),
            effects=("respond", "assign_actor"),
        ),
        T(
            "sign_and_start",
            "签收并办理",
            ("dispatched",),
            "processing",
            ("handler",),
            effects=("respond", "assign_actor"),
        ),
        T("start", "开始办理", ("signed",), "processing", ("handler",)),
        T(
            "transfer",
            "转办",
            ("dispatched", "signed", "processing"),
            "dispatched",
            ("dispatcher",),
            True,
            effects=("set_department",),
            notify=("handler",),
            notice="转办到本部门",
            notify_kind="case.assigned",
        ),
        T(
            "request_extension",
            "申请延期",
            ("processing",),
            "extension_requested",
            ("handler",),
            True,
            effects=("request_extension",),
            fields=(EXTEND_TO,),
            notify=("supervisor",),
            notice="延期申请待审批",
            notify_kind="case.extension",
        ),
        T(
            "approve_extension",
            "批准延期",
            ("extension_requested",),
            "processing",
            ("supervisor",),
            effects=("approve_extension",),
            notify=("handler",),
            notice="延期申请已批准",
            notify_kind="case.extension",
            not_by_actor_of=("request_extension",),
        ),
        T(
            "deny_extension",
            "驳回延期",
            ("extension_requested",),
            "processing",
            ("supervisor",),
            True,
            effects=("deny_extension",),
            notify=("handler",),
            notice="延期申请被驳回",
            notify_kind="case.extension",
            not_by_actor_of=("request_extension",),
        ),
        T(
            "reply",
            "答复",
            ("processing",),
            "replied",
            ("handler",),
            True,
            effects=("reply",),
            notify=("surveyor",),
            notice="事项已答复，请回访评价",
            notify_kind="case.replied",
        ),
        T(
            "satisfied",
            "回访：满意",
            ("replied",),
            "closed",
            ("dispatcher", "requester"),
            effects=("satisfied",),
            fields=(SOLVED,),
            not_by_actor_of=("reply",),
        ),
        T(
            "unsatisfied",
            "回访：不满意，重办",
            ("replied",),
            "processing",
            ("dispatcher", "requester"),
            True,
            effects=("unsatisfied", "reopen"),
            fields=(SOLVED,),
            notify=("handler",),
            notice="回访不满意，事项重办",
            notify_kind="case.reopened",
            not_by_actor_of=("reply",),
        ),
        T(
            "close_unsurveyed",
            "未回访办结",
            ("replied",),
            "closed",
            ("system",),
            effects=("not_surveyed",),
        ),
    ),
    indicators=(
        "response_rate",
        "on_time_rate",
        "solve_rate",
        "satisfaction_rate",
        "return_rate",
        "reopen_rate",
        "overdue",
        "reminded",
        "supervised",
        "escalated",
        "not_surveyed",
    ),
)

kpis.register_12345_indicators()
_register(WORK_ORDER)
