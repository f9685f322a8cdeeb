"""Enterprise service station API: instant calls, the problem list, sessions, grades."""

import datetime

from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from qinqing.cases.schemas import CaseFieldsOut
from qinqing.core import access
from qinqing.core.api.schemas import RecordId, errors
from qinqing.core.models import Enterprise
from qinqing.core.services import Forbidden
from qinqing.enterprise import services
from qinqing.enterprise.filters import GradeFilter, ParcelFilter, ProblemFilter, SessionFilter
from qinqing.enterprise.models import ServiceSession

router = Router(tags=["爱企服务站"])


class ProblemOut(CaseFieldsOut):
    """A problem on the list: its case's fields (the engine's one shape) and its own."""

    id: int
    enterprise: str
    credit_code: str
    category: str
    category_label: str

    @staticmethod
    def resolve_enterprise(p):
        return p.enterprise.name

    @staticmethod
    def resolve_credit_code(p):
        return p.enterprise.credit_code

    @staticmethod
    def resolve_category_label(p):
        return p.get_category_display()


class CallIn(Schema):
    title: str = Field(..., min_length=1, max_length=200, description="需要什么帮助")
    description: str = ""
    urgent: bool = False


class CallOut(Schema):
    case_id: int
    number: str
    state_label: str
    liaison: str | None


class SessionOut(Schema):
    id: int
    title: str
    topic: str
    starts_at: datetime.datetime
    venue: str
    capacity: int
    seats_taken: int
    seats_left: int


class SignUpIn(Schema):
    enterprise_id: RecordId | None = Field(
        None, description="工作人员代企业报名时填写；企业账号不填"
    )


class GradeOut(Schema):
    id: int
    enterprise: str
    credit_code: str
    year: int
    above_scale: bool
    score: float
    grade: str
    tax_per_mu: float = Field(description="亩均税收（万元/亩）")
    low_efficiency: bool
    details: dict = Field(description="各项指标：值、基准值、权重、得分")

    @staticmethod
    def resolve_enterprise(g):
        return g.enterprise.name

    @staticmethod
    def resolve_credit_code(g):
        return g.enterprise.credit_code


class CoverageOut(Schema):
    covered: int
    total: int


class ParcelOut(Schema):
    id: int
    name: str
    region: str
    enterprise: str | None
    area_mu: float
    kind: str
    status: str

    @staticmethod
    def resolve_region(p):
        return p.region.code

    @staticmethod
    def resolve_enterprise(p):
        return p.enterprise.name if p.enterprise_id else None


def _need(request, perm):
    if not request.auth.has_perm(perm):
        raise Forbidden(perm)


@router.get(
    "/station/problems", response={200: list[ProblemOut], **errors(403)}, summary="问题清单"
)
@paginate
def problems(
    request,
    state: str = "all",
    category: str | None = None,
    department: str | None = None,
    overdue: str | None = None,
    q: str | None = None,
):
    """state：all / active（未办结）/ solved（回访确认已解决）/ open / in_progress /
    resolved / closed / rejected；overdue：1 只看超期。与页面、导出的筛选相同。"""
    _need(request, "enterprise.view_problem")
    return ProblemFilter(request.GET, actor=request.auth).rows()


@router.post(
    "/station/calls", response={201: CallOut, **errors(403, 422)}, summary="即时呼叫（企业账号）"
)
def instant_call(request, payload: CallIn):
    case = services.do_instant_call(
        request.auth, payload.title, payload.description, payload.urgent
    )
    return Status(
        201,
        {
            "case_id": case.pk,
            "number": case.number,
            "state_label": case.state_label,
            "liaison": str(case.assignee) if case.assignee_id else None,
        },
    )


@router.get(
    "/station/coverage", response={200: CoverageOut, **errors(403)}, summary="联企服务员覆盖"
)
def coverage(request):
    _need(request, "enterprise.view_liaison")
    covered, total = services.coverage(services.station_enterprises(request.auth))
    return {"covered": covered, "total": total}


@router.get(
    "/station/sessions", response={200: list[SessionOut], **errors(403)}, summary="组团服务"
)
def sessions(request, upcoming: str | None = None):
    """upcoming：1 只看未开始的。"""
    _need(request, "enterprise.view_servicesession")
    return SessionFilter(request.GET, actor=request.auth).rows()[:200]


@router.post(
    "/station/sessions/{session_id}/sign-up",
    response={201: SessionOut, **errors(403, 404, 409, 422)},
    summary="报名组团服务",
)
def sign_up(request, session_id: RecordId, payload: SignUpIn):
    """名额已满或已报名时返回 409。"""
    _need(request, "enterprise.add_sessionsignup")
    session = access.access_object(request.auth, ServiceSession, session_id)
    enterprise_id = request.auth.enterprise_id or payload.enterprise_id
    if enterprise_id is None:
        raise HttpError(422, "enterprise_id：请选择报名的企业")
    enterprise = access.access_object(request.auth, Enterprise, enterprise_id)
    try:
        services.do_sign_up(request.auth, session, enterprise)
    except (services.SessionFull, services.AlreadySignedUp) as exc:
        raise HttpError(409, exc.message) from None
    session.refresh_from_db()
    return Status(201, session)


@router.get(
    "/station/grades", response={200: list[GradeOut], **errors(403)}, summary="亩均效益评价结果"
)
@paginate
def grades(
    request,
    year: int | None = Query(None, ge=2000, le=2100, description="评价年度，默认最近评价的年度"),
    grade: str | None = None,
    low_efficiency: str | None = None,
):
    """grade：A/B/C/D；low_efficiency：1 只看低效企业。与页面、导出的筛选相同。"""
    _need(request, "enterprise.view_graderesult")
    return GradeFilter(request.GET, actor=request.auth).rows()


@router.get("/station/land", response={200: list[ParcelOut], **errors(403)}, summary="土地台账")
def land(request, status: str | None = None):
    """status：surveyed / remediating / recovered / transferred / remediated。"""
    _need(request, "enterprise.view_landparcel")
    return ParcelFilter(request.GET, actor=request.auth).rows()
