"""Case API: queues, a case with its timeline, workflow steps, claims and KPIs."""

import datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from qinqing.cases import kpis as case_kpis
from qinqing.cases import services
from qinqing.cases.models import ACTIVE_KINDS, Case, CaseType, Priority, StateKind
from qinqing.core import access
from qinqing.core.api.schemas import IsoDateTime, RecordId, errors
from qinqing.core.models import Department, Region
from qinqing.core.services import Forbidden

router = Router(tags=["事项"])


class CaseOut(Schema):
    id: int
    number: str = Field(description="事项编号")
    case_type: str = Field(description="事项类型代码")
    case_type_name: str
    title: str
    state: str = Field(description="状态代码")
    state_label: str = Field(description="状态名称（按事项类型）")
    kind: str = Field(description="状态类型：open/in_progress/resolved/closed/rejected")
    priority: str
    region: str = Field(description="区划代码")
    department: str | None = Field(None, description="承办部门")
    assignee: str | None = None
    claimed_by: str | None = None
    created_at: datetime.datetime
    respond_due_at: datetime.datetime | None
    due_at: datetime.datetime | None = Field(None, description="办结期限")
    overdue: bool = Field(description="是否超期")

    @staticmethod
    def resolve_case_type(case):
        return case.case_type.code

    @staticmethod
    def resolve_case_type_name(case):
        return case.case_type.name

    @staticmethod
    def resolve_state(case):
        return case.state.code

    @staticmethod
    def resolve_region(case):
        return case.region.code

    @staticmethod
    def resolve_department(case):
        return case.department.name if case.department_id else None

    @staticmethod
    def resolve_assignee(case):
        return str(case.assignee) if case.assignee_id else None

    @staticmethod
    def resolve_claimed_by(case):
        return str(case.claimed_by) if case.claimed_by_id else None

    @staticmethod
    def resolve_overdue(case):
        return case.is_overdue


class EventOut(Schema):
    transition: str
    label: str
    actor: str | None
    department: str | None
    note: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_actor(event):
        return str(event.actor) if event.actor_id else "系统"

    @staticmethod
    def resolve_department(event):
        return event.department.name if event.department_id else None


class StepOut(Schema):
    code: str
    label: str
    requires_reason: bool
    effect: str


class CaseDetailOut(CaseOut):
    description: str
    events: list[EventOut] = Field(description="办理记录")
    available_steps: list[StepOut] = Field(description="当前账号可执行的办理步骤")

    @staticmethod
    def resolve_events(case):
        return case.events.select_related("actor", "department")


class OpenCaseIn(Schema):
    case_type: str = Field("general", description="事项类型代码")
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    priority: Priority = Priority.NORMAL
    region: str = Field(..., description="所属区划代码（县或乡镇）")


class StepIn(Schema):
    note: str = Field("", description="说明或理由")
    department_id: RecordId | None = Field(None, description="派单、转办的承办部门")
    due_at: IsoDateTime | None = Field(None, description="申请延期到的时间")
    solved: bool | None = Field(None, description="回访：问题是否已解决")


class KpiOut(Schema):
    key: int | None
    label: str
    cases: int
    response_rate: float | None = Field(description="响应率 %")
    on_time_rate: float | None = Field(description="按时办结率 %")
    solve_rate: float | None = Field(description="解决率 %（回访确认）")
    satisfaction_rate: float | None = Field(description="满意率 %")
    return_rate: float | None = Field(description="退单率 %")
    reopen_rate: float | None = Field(description="重办率 %")
    overdue: int
    closed: int


def _cases(request):
    return access.visible(Case, request.auth).select_related(
        "case_type", "state", "region", "department", "assignee", "claimed_by"
    )


def _detail(request, case):
    case.available_steps = services.available_transitions(request.auth, case)
    return case


def _get(request, case_id) -> Case:
    return access.access_object(request.auth, _cases(request), case_id)


@router.get("/cases", response=list[CaseOut], summary="事项列表")
@paginate
def list_cases(
    request,
    queue: str = "all",
    kind: str = "active",
    overdue: bool = False,
    case_type: str | None = None,
):
    """queue：all 全部可见 / mine 我承办或提出的 / department 本部门 / board 可认领。"""
    user = request.auth
    cases = _cases(request)
    if queue == "mine":
        cases = cases.filter(assignee=user) | cases.filter(requester=user)
    elif queue == "department":
        cases = cases.filter(department_id=user.department_id or -1)
    elif queue == "board":
        cases = cases.filter(
            kind=StateKind.OPEN,
            claimed_by__isnull=True,
            case_type_id__in=services.claimable_type_ids(),
        )
    if kind == "active":
        cases = cases.filter(kind__in=ACTIVE_KINDS)
    elif kind in StateKind.values:
        cases = cases.filter(kind=kind)
    if overdue:
        cases = cases.filter(
            kind__in=(StateKind.OPEN, StateKind.IN_PROGRESS), due_at__lt=timezone.now()
        )
    if case_type:
        cases = cases.filter(case_type__code=case_type)
    return cases.order_by("due_at", "pk")


@router.get("/cases/kpis", response={200: list[KpiOut], **errors(403, 422)}, summary="办理考核指标")
def case_kpi_rows(
    request,
    group_by: Literal["department", "case_type", "total"] = "department",
    month: str | None = Query(None, pattern=r"^\d{4}-\d{2}$"),
):
    """group_by：department / case_type / total；month：登记月份，如 2026-03。"""
    if not request.auth.has_perm("cases.view_kpi"):
        raise Forbidden("cases.view_kpi")
    if group_by not in case_kpis.GROUPS:
        raise HttpError(422, "group_by 应为 department、case_type 或 total")
    start = end = None
    if month:
        try:
            year, number = (int(part) for part in month.split("-"))
            start, end = case_kpis.month_bounds(year, number)
        except ValueError:
            raise HttpError(422, "month：月份格式应为 2026-03") from None
    rows = case_kpis.kpis(
        access.visible(Case, request.auth), group_by=group_by, start=start, end=end
    )
    return [row.as_dict() for row in rows]


@router.get(
    "/cases/{case_id}", response={200: CaseDetailOut, **errors(404)}, summary="事项详情与办理记录"
)
def get_case(request, case_id: RecordId):
    return _detail(request, _get(request, case_id))


@router.post("/cases", response={201: CaseOut, **errors(403, 404, 422)}, summary="登记事项")
def open_case(request, payload: OpenCaseIn):
    case_type = get_object_or_404(CaseType, code=payload.case_type)
    region = Region.objects.filter(code=payload.region).first()
    if region is None:
        raise HttpError(422, "region：区划代码不存在")
    case = services.do_open_case(
        request.auth,
        case_type=case_type,
        title=payload.title,
        description=payload.description,
        priority=payload.priority,
        region=region,
        requester=request.auth,
    )
    return Status(201, _get(request, case.pk))


@router.post(
    "/cases/{case_id}/steps/{code}",
    response={200: CaseDetailOut, **errors(403, 404, 409, 422)},
    summary="办理一步",
)
def take_step(request, case_id: RecordId, code: str, payload: StepIn):
    case = _get(request, case_id)
    department = None
    if payload.department_id is not None:
        department = (
            access.visible(Department, request.auth).filter(pk=payload.department_id).first()
        )
        if department is None:
            raise HttpError(422, "department_id：部门不存在")
    try:
        services.do_transition(
            request.auth,
            case,
            code,
            note=payload.note,
            department=department,
            due_at=payload.due_at,
            solved=payload.solved,
        )
    except services.AlreadyClaimed as exc:
        raise HttpError(409, exc.message) from None
    except services.TransitionRefused as exc:
        raise HttpError(409, exc.message) from None
    return get_case(request, case_id)


@router.post(
    "/cases/{case_id}/claim",
    response={200: CaseDetailOut, **errors(403, 404, 409, 422)},
    summary="认领（揭榜）",
)
def claim(request, case_id: RecordId):
    """多人同时认领时只有一人成功，其他人得到 409「已被认领」。"""
    return take_step(request, case_id, "claim", StepIn())
