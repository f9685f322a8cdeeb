"""Case API: queues, a case with its timeline, workflow steps, claims and KPIs."""

import datetime
import json
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from qinqing.cases import drilldown, services
from qinqing.cases import kpis as case_kpis
from qinqing.cases.models import ACTIVE_KINDS, Case, CaseType, Priority, StateKind, overdue_q
from qinqing.cases.schemas import CaseFieldsOut
from qinqing.core import access
from qinqing.core.api.schemas import IsoDateTime, RecordId, errors
from qinqing.core.models import Department, Region
from qinqing.core.services import Forbidden

router = Router(tags=["事项"])

GroupBy = Literal["department", "case_type", "region", "total"]
MONTH = r"^\d{4}-\d{2}$"


class CaseOut(CaseFieldsOut):
    id: int
    case_type_name: str
    priority: str
    region: str = Field(description="区划代码")
    assignee: str | None = None
    claimed_by: str | None = None
    created_at: datetime.datetime
    respond_due_at: datetime.datetime | None
    version: int = Field(description="版本：每办理一步加一")
    parent_id: int | None = Field(None, description="上级事项")

    @staticmethod
    def resolve_case_type_name(case):
        return case.case_type.name

    @staticmethod
    def resolve_region(case):
        return case.region.code

    @staticmethod
    def resolve_assignee(case):
        return str(case.assignee) if case.assignee_id else None

    @staticmethod
    def resolve_claimed_by(case):
        return str(case.claimed_by) if case.claimed_by_id else None


class EventOut(Schema):
    transition: str
    label: str
    actor: str | None
    department: str | None
    note: str
    data: dict = Field(description="这一步填写的内容（如延期至、是否解决）")
    attachments: list[str] = Field(description="附件文件名")
    created_at: datetime.datetime

    @staticmethod
    def resolve_attachments(event):
        return [a.name for a in event.attachments.all()]

    @staticmethod
    def resolve_actor(event):
        return str(event.actor) if event.actor_id else "系统"

    @staticmethod
    def resolve_department(event):
        return event.department.name if event.department_id else None


class FieldOut(Schema):
    name: str
    label: str
    type: str = Field(description="text/integer/decimal/date/datetime/boolean/choice")
    required: bool
    choices: list[list[str]] = []


class StepOut(Schema):
    code: str
    label: str
    requires_reason: bool
    requires_attachment: bool
    effects: list[str]
    fields: list[FieldOut] = Field(description="这一步需填写的内容，放在 values 中提交")


class ChildProgress(Schema):
    total: int
    closed: int


class CaseDetailOut(CaseOut):
    description: str
    events: list[EventOut] = Field(description="办理记录")
    available_steps: list[StepOut] = Field(description="当前账号可执行的办理步骤")
    children: ChildProgress = Field(description="子事项办结进度")

    @staticmethod
    def resolve_events(case):
        return case.events.select_related("actor", "department").prefetch_related("attachments")

    @staticmethod
    def resolve_children(case):
        return services.children_progress(case)


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
    solved: bool | None = Field(None, description="回访：问题是否已解决（必填，不预设）")
    values: dict = Field({}, description="这一步声明的其他填写项（见 available_steps.fields）")


class StepForm(Schema):
    """The same step as multipart form data, for steps with attachments."""

    note: str = ""
    department_id: RecordId | None = None
    values: str = Field("{}", description="填写项，JSON 对象")


class SuperviseIn(Schema):
    note: str = Field(..., min_length=1, description="督办意见")
    due_at: IsoDateTime = Field(description="答复期限")


class FigureOut(Schema):
    code: str
    label: str
    value: float | None
    unit: str
    numerator: int
    denominator: int | None


class KpiOut(Schema):
    key: int | None
    label: str
    cases: int
    figures: list[FigureOut] = Field(description="适用于这些事项的指标（按流程声明）")


def _cases(request):
    return access.visible(Case, request.auth).select_related(
        "case_type", "state", "region", "department", "assignee", "claimed_by"
    )


def _detail(request, case):
    case.available_steps = services.available_transitions(request.auth, case)
    return case


def _get(request, case_id) -> Case:
    # access_object applies the visibility rule itself: start from the plain queryset.
    related = ("case_type", "state", "region", "department", "assignee", "claimed_by")
    return access.access_object(request.auth, Case.objects.select_related(*related), case_id)


def _department(request, department_id):
    if department_id is None:
        return None
    department = access.visible(Department, request.auth).filter(pk=department_id).first()
    if department is None:
        raise HttpError(422, "department_id：部门不存在")
    return department


def _step(request, case_id: int, code: str, payload, values: dict, attachments=()):
    case = _get(request, case_id)
    try:
        services.do_transition(
            request.auth,
            case,
            code,
            note=payload.note,
            department=_department(request, payload.department_id),
            values=values,
            attachments=attachments,
        )
    except services.TransitionRefused as exc:
        raise HttpError(409, exc.message) from None
    return get_case(request, case_id)


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
        cases = cases.filter(overdue_q())
    if case_type:
        cases = cases.filter(case_type__code=case_type)
    return cases.order_by("due_at", "pk")


@router.get(
    "/cases/kpis",
    response={200: list[KpiOut], **errors(403, 422)},
    summary="办理考核指标",
)
def case_kpi_rows(
    request,
    group_by: GroupBy = "department",
    month: str | None = Query(None, pattern=MONTH),
):
    """group_by：department / case_type / region / total；month：登记月份，如 2026-03。"""
    if not request.auth.has_perm("cases.view_kpi"):
        raise Forbidden("cases.view_kpi")
    group_by = drilldown.group(group_by)
    start, end = drilldown.period(month)
    rows = case_kpis.kpis(
        access.visible(Case, request.auth), group_by=group_by, start=start, end=end
    )
    return [row.as_dict() for row in rows]  # figures per flow-declared indicator


@router.get(
    "/cases/kpis/cases",
    response={200: list[CaseOut], **errors(403, 422)},
    summary="考核指标明细：计入某个数字的事项",
)
@paginate
def case_kpi_cases(
    request,
    indicator: str,
    part: Literal["numerator", "denominator"] = "numerator",
    group_by: GroupBy = "total",
    key: str | None = None,
    month: str | None = Query(None, pattern=MONTH),
):
    """与 /cases/kpis 的一个数字对应：indicator 指标代码；part 为 numerator（分子）或
    denominator（分母）；group_by 与 key 为该数字所在行（key 取该行的 key，未派单为 none；
    合计行用 group_by=total）；month 为登记月份，如 2026-03。"""
    if not request.auth.has_perm("cases.view_kpi"):
        raise Forbidden("cases.view_kpi")
    cases = drilldown.figure_cases(
        _cases(request),
        indicator=indicator,
        part=part,
        group_by=group_by,
        key=key,
        month=month,
    )
    return cases.order_by("due_at", "pk")


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
    """并发办理同一事项时只有一方成功，其余得到 409。"""
    values = dict(payload.values)
    if payload.due_at is not None:
        values["due_at"] = payload.due_at
    if payload.solved is not None:
        values["solved"] = payload.solved
    return _step(request, case_id, code, payload, values)


@router.post(
    "/cases/{case_id}/steps/{code}/upload",
    response={200: CaseDetailOut, **errors(403, 404, 409, 422)},
    summary="办理一步（带附件，multipart）",
)
def take_step_with_files(
    request,
    case_id: RecordId,
    code: str,
    payload: Form[StepForm],
    files: File[list[UploadedFile]] = None,
):
    try:
        values = json.loads(payload.values or "{}")
    except ValueError:
        values = None
    if not isinstance(values, dict):
        raise HttpError(422, "values：应为 JSON 对象")
    return _step(request, case_id, code, payload, values, attachments=files or [])


@router.post(
    "/cases/{case_id}/claim",
    response={200: CaseDetailOut, **errors(403, 404, 409, 422)},
    summary="认领（揭榜）",
)
def claim(request, case_id: RecordId):
    """多人同时认领时只有一人成功，其他人得到 409「已被认领」。"""
    return take_step(request, case_id, "claim", StepIn())


@router.post(
    "/cases/{case_id}/supervise",
    response={201: CaseDetailOut, **errors(403, 404, 422)},
    summary="督办",
)
def supervise(request, case_id: RecordId, payload: SuperviseIn):
    case = _get(request, case_id)
    services.do_supervise(request.auth, case, note=payload.note, due_at=payload.due_at)
    return Status(201, get_case(request, case_id))
