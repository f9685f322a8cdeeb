"""Investment agency API: projects with computed durations, milestones, matters, key tasks."""

import datetime

from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from qinqing.cases.errors import TransitionRefused
from qinqing.cases.schemas import CaseFieldsOut
from qinqing.core import access
from qinqing.core.api.schemas import IsoDate, RecordId, errors
from qinqing.core.services import Forbidden
from qinqing.investment import services
from qinqing.investment.filters import MatterFilter, ProjectFilter, TaskFilter
from qinqing.investment.models import KeyTask, Milestone, Project

router = Router(tags=["招商项目代办"])


def _need(request, perm):
    if not request.auth.has_perm(perm):
        raise Forbidden(perm)


class ProjectOut(Schema):
    id: int
    name: str
    investor: str
    total_investment: float = Field(description="总投资（万元）")
    status: str
    status_label: str
    signed_on: datetime.date | None
    delisted_on: datetime.date | None = Field(description="土地摘牌日期")
    started_on: datetime.date | None = Field(description="开工日期")
    completed_on: datetime.date | None = Field(description="竣工日期")
    delist_to_start_days: int | None = Field(description="摘牌至开工（天），由日期计算")
    start_to_completion_months: float | None = Field(description="开工至竣工（月），由日期计算")
    quick_start: bool = Field(description="拿地即开工：四证齐全并开工均在摘牌后规定天数内")

    @staticmethod
    def resolve_investor(p):
        return p.investor.name

    @staticmethod
    def resolve_status_label(p):
        return p.get_status_display()

    @staticmethod
    def resolve_delist_to_start_days(p):
        return p.delist_to_start.days if p.delist_to_start is not None else None

    @staticmethod
    def resolve_start_to_completion_months(p):
        value = services.months(p.start_to_completion)
        return float(value) if value is not None else None


class MilestoneOut(Schema):
    id: int
    kind: str
    label: str
    sequence: int
    planned_on: datetime.date | None
    done_on: datetime.date | None
    certificate_no: str
    depends_on: list[str] = Field(description="前置节点代码")

    @staticmethod
    def resolve_label(m):
        return m.get_kind_display()

    @staticmethod
    def resolve_depends_on(m):
        return [d.kind for d in m.depends_on.all()]


class MilestoneDoneIn(Schema):
    done_on: IsoDate = Field(title="实际日期", description="如 2026-01-31")
    certificate_no: str = Field("", title="证书编号", max_length=100)


class MatterOut(CaseFieldsOut):
    id: int
    project: str
    legal_days: int = Field(description="法定时限（工作日）")
    materials_needed: int
    materials_received: int

    @staticmethod
    def resolve_project(m):
        return m.project.name

    @staticmethod
    def resolve_materials_needed(m):
        return m.needed

    @staticmethod
    def resolve_materials_received(m):
        return m.received


class TaskOut(CaseFieldsOut):
    id: int
    project: str | None
    goals: str
    deadline: datetime.date
    team: str | None = Field(description="揭榜的攻坚小组")

    @staticmethod
    def resolve_project(t):
        return t.project.name if t.project_id else None

    @staticmethod
    def resolve_team(t):
        return t.team_name


class InvestmentFiguresOut(Schema):
    projects: int
    investment: float = Field(description="总投资（万元）")
    quick_start: int
    avg_delist_to_start_days: float | None
    avg_start_to_completion_months: float | None
    visits: int
    matters: int
    matters_done: int
    problems: int
    problems_solved: int


@router.get(
    "/investment/projects", response={200: list[ProjectOut], **errors(403)}, summary="招商项目"
)
@paginate
def projects(request, status: str | None = None, q: str | None = None):
    """status：signed / preparing / building / completed / producing。与页面、导出的筛选相同。"""
    _need(request, "investment.view_project")
    return ProjectFilter(request.GET, actor=request.auth).rows()


@router.get(
    "/investment/figures",
    response={200: InvestmentFiguresOut, **errors(403)},
    summary="项目代办主要指标",
)
def figures(request):
    """全部由记录计算：项目数、总投资、拿地即开工个数、平均时长、走访、代办事项、问题解决。"""
    _need(request, "investment.view_project")
    visible = access.visible(Project, request.auth)
    values = {**services.figures(visible), **services.agency_figures(visible)}
    values["investment"] = float(values["investment"])
    if values["avg_start_to_completion_months"] is not None:
        values["avg_start_to_completion_months"] = float(values["avg_start_to_completion_months"])
    return values


@router.get(
    "/investment/projects/{project_id}/milestones",
    response={200: list[MilestoneOut], **errors(403, 404)},
    summary="项目节点",
)
def milestones(request, project_id: RecordId):
    _need(request, "investment.view_milestone")
    project = access.access_object(request.auth, Project, project_id)
    return project.milestones.prefetch_related("depends_on").order_by("sequence")


@router.post(
    "/investment/milestones/{milestone_id}/done",
    response={200: MilestoneOut, **errors(403, 404, 422)},
    summary="登记节点完成",
)
def milestone_done(request, milestone_id: RecordId, payload: MilestoneDoneIn):
    """前置节点未完成时返回 422，并列出须先完成的节点。"""
    _need(request, "investment.change_milestone")
    milestone = access.access_object(request.auth, Milestone, milestone_id)
    return services.do_complete_milestone(
        request.auth, milestone, done_on=payload.done_on, certificate_no=payload.certificate_no
    )


@router.get(
    "/investment/matters", response={200: list[MatterOut], **errors(403)}, summary="代办事项"
)
@paginate
def matters(
    request, state: str | None = None, project: str | None = None, department: str | None = None
):
    """state：open / in_progress / resolved / closed / rejected。与页面、导出的筛选相同。"""
    _need(request, "investment.view_agencymatter")
    return MatterFilter(request.GET, actor=request.auth).rows()


@router.get("/investment/tasks", response={200: list[TaskOut], **errors(403)}, summary="揭榜任务")
@paginate
def tasks(request, state: str | None = None, project: str | None = None):
    _need(request, "investment.view_keytask")
    return TaskFilter(request.GET, actor=request.auth).rows()


@router.post(
    "/investment/tasks/{task_id}/claim",
    response={200: TaskOut, **errors(403, 404, 409)},
    summary="揭榜（攻坚小组）",
)
def claim(request, task_id: RecordId):
    """两个小组同时揭榜时只有一个成功，另一个得到 409「已被认领」。"""
    _need(request, "investment.view_keytask")
    task = access.access_object(request.auth, KeyTask.objects.select_related("case"), task_id)
    try:
        services.do_claim_task(request.auth, task)
    except TransitionRefused as exc:
        raise HttpError(409, exc.message) from None
    return TaskFilter({}, actor=request.auth).base(request.auth).get(pk=task.pk)
