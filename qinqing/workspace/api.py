"""Shared-workstation API: inventory, availability, applications, allocations, bookings.

The same filters as the pages (``filters.py``) and the same services; a letting
refused (full, already let) answers 409 with its Chinese message.
"""

import datetime

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from qinqing.cases.schemas import CaseFieldsOut
from qinqing.cases.services import TransitionRefused
from qinqing.core import access, letting
from qinqing.core.api.schemas import NON_BLANK, InputSchema, IsoDate, RecordId, errors
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.workspace import services
from qinqing.workspace.filters import (
    AllocationFilter,
    ApplicationFilter,
    DayBookingFilter,
    WorkstationFilter,
)
from qinqing.workspace.models import (
    Application,
    Campaign,
    DayBooking,
    FundingStage,
    Team,
    Terms,
    Workstation,
)

router = Router(tags=["共享工位"])
DAY_PARAM = Query(None, description="日期，默认今天")
START_PARAM = Query(None, description="开始日期，默认今天")


def _need(request, perm):
    if not request.auth.has_perm(perm):
        raise Forbidden(perm)


class WorkstationOut(Schema):
    id: int
    code: str
    kind: str
    kind_label: str
    site: str
    town: str = Field(description="乡镇区划代码")
    capacity: int
    area_m2: float
    facilities: list[str]
    bookable: bool
    by_day: bool = Field(description="按天预订（否则按期分配）")

    @staticmethod
    def resolve_kind_label(w):
        return w.get_kind_display()

    @staticmethod
    def resolve_site(w):
        return w.site.name

    @staticmethod
    def resolve_town(w):
        return w.region.code


class InventoryOut(Schema):
    town: str
    kind: str
    count: int = Field(description="工位数")
    places: int = Field(description="可容纳人数")
    free: int = Field(description="当日空余位置")
    free_workstations: int = Field(description="当日有空余的工位数")


class AvailabilityOut(Schema):
    id: int
    code: str
    kind: str
    capacity: int
    free_every_day: int = Field(description="期间每天都空余的位置数")
    free_by_day: list[int] = Field(description="期间逐日空余位置数")


class ApplicationOut(CaseFieldsOut):
    id: int
    campaign: str
    team: str
    leader_name: str
    project: str
    industry: str
    funding_stage: str
    members: int
    desks_wanted: int

    @staticmethod
    def resolve_campaign(a):
        return a.campaign.name

    @staticmethod
    def resolve_team(a):
        return a.team.name

    @staticmethod
    def resolve_leader_name(a):
        return a.team.leader_name

    @staticmethod
    def resolve_project(a):
        return a.team.project

    @staticmethod
    def resolve_industry(a):
        return a.team.industry

    @staticmethod
    def resolve_funding_stage(a):
        return a.team.funding_stage

    @staticmethod
    def resolve_members(a):
        return a.team.members


class ApplyIn(InputSchema):
    name: str = Field(..., title="团队名称", max_length=100, pattern=NON_BLANK)
    leader_name: str = Field(..., title="负责人", max_length=50, pattern=NON_BLANK)
    phone: str = Field("", title="联系电话", max_length=11)
    members: int = Field(1, title="团队人数", ge=1, le=1000)
    project: str = Field(..., title="项目", max_length=200, pattern=NON_BLANK)
    industry: str = Field(..., title="行业", max_length=50, pattern=NON_BLANK)
    funding_stage: FundingStage = Field(..., title="融资阶段")
    needs: str = Field("", title="需求", max_length=300)
    desks_wanted: int = Field(1, title="需要工位数", ge=1, le=50)
    kind_wanted: str = Field("", title="意向工位类型", max_length=12)


class SignIn(InputSchema):
    terms_id: RecordId = Field(..., title="入驻条款")
    start: IsoDate = Field(..., title="入驻日期")
    years: int = Field(3, title="租期（年）", ge=1, le=10)
    workstation_ids: list[RecordId] = Field(..., title="分配工位", min_length=1, max_length=50)
    note: str = Field("", title="说明", max_length=500)


class AllocationOut(Schema):
    id: int
    workstation: str
    kind: str
    team: str
    start: datetime.date
    end: datetime.date = Field(description="到期日（当日不占用）")
    rent_free_until: datetime.date = Field(description="免租期结束后第一天")

    @staticmethod
    def resolve_workstation(a):
        return a.resource.code

    @staticmethod
    def resolve_kind(a):
        return a.resource.kind

    @staticmethod
    def resolve_team(a):
        return a.lease.team.name

    @staticmethod
    def resolve_rent_free_until(a):
        return services.add_months(a.lease.start, a.lease.terms.rent_free_months)


class BookingIn(InputSchema):
    workstation_id: RecordId = Field(..., title="工位")
    day: IsoDate = Field(..., title="日期")
    days: int = Field(1, title="天数", ge=1, le=31)
    team_id: RecordId | None = Field(None, title="团队", description="负责多个团队时填写")


class BookingOut(Schema):
    id: int
    workstation: str
    place: int
    team: str
    start: datetime.date
    end: datetime.date = Field(description="离开日期（当日不占用）")
    cancelled: bool

    @staticmethod
    def resolve_workstation(b):
        return b.workstation.code

    @staticmethod
    def resolve_place(b):
        return b.resource.number

    @staticmethod
    def resolve_team(b):
        return b.team.name

    @staticmethod
    def resolve_cancelled(b):
        return b.cancelled_at is not None


@router.get(
    "/workspace/workstations",
    response={200: list[WorkstationOut], **errors(403)},
    summary="工位清单",
)
@paginate
def workstations(
    request,
    kind: str | None = None,
    town: str | None = None,
    site: str | None = None,
    natural: str | None = None,
    by_day: str | None = None,
):
    """kind：fixed/hot/office/meeting/greenhouse/tea/campsite/paddy；town、site：编号；
    natural：1 只看自然工位；by_day：1 只看按天预订的。与页面、导出的筛选相同。"""
    _need(request, "workspace.view_workstation")
    return WorkstationFilter(request.GET, actor=request.auth).rows()


@router.get(
    "/workspace/inventory",
    response={200: list[InventoryOut], **errors(403)},
    summary="工位分布（按乡镇、类型）",
)
def inventory(request, day: IsoDate | None = DAY_PARAM):
    _need(request, "workspace.view_workstation")
    day = day or timezone.localdate()
    return services.inventory(access.visible(Workstation, request.auth), day)


@router.get(
    "/workspace/availability",
    response={200: list[AvailabilityOut], **errors(403)},
    summary="期间空余",
)
@paginate
def availability(
    request,
    start: IsoDate | None = START_PARAM,
    days: int = Query(1, ge=1, le=92, description="天数"),
    kind: str | None = None,
    town: str | None = None,
    site: str | None = None,
    natural: str | None = None,
    by_day: str | None = None,
):
    """筛选同工位清单；返回每个工位期间每天都空余的位置数和逐日空余。"""
    _need(request, "workspace.view_workstation")
    rows = WorkstationFilter(request.GET, actor=request.auth).rows()
    start = start or timezone.localdate()
    free = services.availability(rows, start, start + datetime.timedelta(days=days))
    return [
        {
            "id": pk,
            "code": code,
            "kind": kind_,
            "capacity": free[pk]["capacity"],
            "free_every_day": free[pk]["free_every_day"],
            "free_by_day": free[pk]["free_by_day"].tolist(),
        }
        for pk, code, kind_ in rows.values_list("pk", "code", "kind")
    ]


@router.get(
    "/workspace/applications",
    response={200: list[ApplicationOut], **errors(403)},
    summary="入驻申请",
)
@paginate
def applications(
    request, stage: str | None = None, campaign: str | None = None, q: str | None = None
):
    """stage：applied/screening/talks/site_visit/review/signed/rejected/withdrawn/open。"""
    _need(request, "workspace.view_application")
    return ApplicationFilter(request.GET, actor=request.auth).rows()


@router.post(
    "/workspace/campaigns/{campaign_id}/applications",
    response={201: ApplicationOut, **errors(403, 404, 422)},
    summary="报名乡村梦想家招募",
)
def apply(request, campaign_id: RecordId, payload: ApplyIn):
    campaign = access.access_object(request.auth, Campaign, campaign_id)
    application = services.do_apply(request.auth, campaign, payload.dict())
    return Status(201, application)


@router.post(
    "/workspace/applications/{application_id}/sign",
    response={201: list[AllocationOut], **errors(403, 404, 409, 422)},
    summary="签约入驻并分配工位",
)
def sign(request, application_id: RecordId, payload: SignIn):
    """工位已分配给他人（租期重叠）或申请不在“评审”环节时返回 409，不留下任何记录。"""
    _need(request, "workspace.add_allocation")
    application = access.access_object(request.auth, Application, application_id)
    terms = Terms.objects.filter(pk=payload.terms_id).first()
    if terms is None:
        raise InvalidInput({"terms_id": ["条款不存在"]}, {"terms_id": "入驻条款"})
    chosen = list(access.visible(Workstation, request.auth).filter(pk__in=payload.workstation_ids))
    if len(chosen) != len(set(payload.workstation_ids)):
        raise InvalidInput({"workstation_ids": ["工位不存在"]}, {"workstation_ids": "分配工位"})
    try:
        lease = services.do_sign(
            request.auth,
            application,
            terms=terms,
            start=payload.start,
            years=payload.years,
            workstations=chosen,
            note=payload.note,
        )
    except letting.LettingRefused as exc:
        raise HttpError(409, exc.message) from None
    except TransitionRefused as exc:
        raise HttpError(409, str(exc)) from None
    return Status(
        201, list(lease.allocations.select_related("resource", "lease__terms", "lease__team"))
    )


@router.get(
    "/workspace/allocations",
    response={200: list[AllocationOut], **errors(403)},
    summary="工位分配",
)
@paginate
def allocations(request, current: str | None = None, town: str | None = None):
    """current：1 只看当前有效；town：乡镇编号。"""
    _need(request, "workspace.view_allocation")
    return AllocationFilter(request.GET, actor=request.auth).rows()


@router.get(
    "/workspace/bookings", response={200: list[BookingOut], **errors(403)}, summary="按天预订"
)
@paginate
def bookings(request, upcoming: str | None = None, workstation: str | None = None):
    """upcoming：1 只看今天及以后；workstation：工位编号。"""
    _need(request, "workspace.view_daybooking")
    return DayBookingFilter(request.GET, actor=request.auth).rows()


@router.post(
    "/workspace/bookings",
    response={201: BookingOut, **errors(403, 404, 409, 422)},
    summary="按天预订共享工位或自然工位",
)
def book(request, payload: BookingIn):
    """当天已订满、本团队已预订或该工位按期分配时返回 409。"""
    _need(request, "workspace.add_daybooking")
    workstation = access.access_object(request.auth, Workstation, payload.workstation_id)
    teams = Team.objects.filter(leader=request.auth)
    team = teams.filter(pk=payload.team_id).first() if payload.team_id else teams.first()
    if team is None:
        raise InvalidInput({"team_id": ["请先报名登记团队"]}, {"team_id": "团队"})
    try:
        booking = services.do_book_day(request.auth, team, workstation, payload.day, payload.days)
    except letting.LettingRefused as exc:
        raise HttpError(409, exc.message) from None
    return Status(201, booking)


@router.post(
    "/workspace/bookings/{booking_id}/cancel",
    response={200: BookingOut, **errors(403, 404, 409)},
    summary="取消预订",
)
def cancel(request, booking_id: RecordId):
    booking = access.access_object(
        request.auth,
        DayBooking.objects.select_related("team", "workstation", "resource"),
        booking_id,
    )
    try:
        return services.do_cancel_day(request.auth, booking)
    except letting.LettingRefused as exc:
        raise HttpError(409, exc.message) from None
