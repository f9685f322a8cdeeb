"""Veterans' services API: stations, wishes (on the case engine), claims, 优待金 payments."""

import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from qinqing.cases.errors import TransitionRefused
from qinqing.cases.schemas import CaseFieldsOut
from qinqing.core import access
from qinqing.core.api.schemas import RecordId, errors
from qinqing.core.services import Forbidden
from qinqing.veterans import services
from qinqing.veterans.filters import ClaimFilter, PaymentFilter, WishFilter
from qinqing.veterans.models import Station, Wish

router = Router(tags=["双拥服务"])


class StationOut(Schema):
    id: int
    name: str
    level: str = Field(description="county 县中心 / town 镇（街道）站 / village 村（社区）站")
    region: str = Field(description="区划代码")
    parent_id: int | None

    @staticmethod
    def resolve_region(s):
        return s.region.code


class WishOut(CaseFieldsOut):
    """A wish: its case's fields (the engine's one shape) and its own."""

    id: int
    wish: str = Field(description="心愿")
    value: Decimal = Field(description="估计价值（元）")
    station: str
    published_at: datetime.datetime | None
    fulfilled_at: datetime.datetime | None

    @staticmethod
    def resolve_wish(w):
        return w.title

    @staticmethod
    def resolve_station(w):
        return w.station.name


class WishIn(Schema):
    record: RecordId = Field(description="优抚对象（服务档案）id")
    title: str = Field(..., min_length=1, max_length=100, description="心愿，如“助听器”")
    value: Decimal = Field(..., gt=0, max_digits=9, decimal_places=2, description="估计价值（元）")
    story: str = Field("", max_length=200, description="心愿墙说明（公开，不写姓名、住址）")


class PaymentOut(Schema):
    id: int
    year: int
    person: str = Field(description="姓名")
    id_number: str = Field(description="身份证号（脱敏）")
    station: str | None
    amount: Decimal
    paid_on: datetime.date

    @staticmethod
    def resolve_person(p):
        return p.person.name

    @staticmethod
    def resolve_id_number(p):
        return p.person.masked_id_number

    @staticmethod
    def resolve_station(p):
        return p.station.name if p.station_id else None


class RatesOut(Schema):
    year: int
    eligible: int = Field(description="应发对象人数")
    paid: int = Field(description="已发放的应发对象人数")
    on_time: int = Field(description="按期发放人数")
    due: Decimal = Field(description="按标准应发金额（元）")
    paid_amount: Decimal = Field(description="实发金额（不超过应发部分，元）")
    coverage: float | None = Field(description="发放面（%）")
    amount_rate: float | None = Field(description="优待额（%）")
    on_time_rate: float | None = Field(description="兑现率（%）")


def _need(request, perm):
    if not request.auth.has_perm(perm):
        raise Forbidden(perm)


@router.get("/veterans/stations", response={200: list[StationOut], **errors(403)}, summary="服务站")
@paginate
def stations(request):
    _need(request, "veterans.view_station")
    return access.visible(Station, request.auth).select_related("region")


@router.get("/veterans/wishes", response={200: list[WishOut], **errors(403)}, summary="微心愿")
@paginate
def wishes(
    request,
    state: str | None = Query(None, description="状态代码，如 published"),
    station: str | None = Query(None, description="服务站 id"),
    overdue: str | None = Query(None, description="1 只看认领超期"),
):
    """与页面、导出的筛选相同。"""
    _need(request, "veterans.view_wish")
    return WishFilter(request.GET, actor=request.auth).rows()


@router.post("/veterans/wishes", response={201: WishOut, **errors(403, 422)}, summary="登记微心愿")
def wish_create(request, payload: WishIn):
    wish = services.do_record_wish(request.auth, payload.dict())
    return Status(201, Wish.objects.select_related("case__state", "station").get(pk=wish.pk))


@router.post(
    "/veterans/wishes/{wish_id}/claim",
    response={201: WishOut, **errors(403, 404, 409)},
    summary="认领微心愿",
)
def wish_claim(request, wish_id: RecordId):
    """已被认领或认领数已达上限时返回 409；未注册为认领方返回 403。"""
    wish = access.access_object(request.auth, Wish.objects.select_related("case"), wish_id)
    try:
        services.do_claim_wish(request.auth, wish)
    except TransitionRefused as refused:
        raise HttpError(409, refused.message) from None
    return Status(201, Wish.objects.select_related("case__state", "station").get(pk=wish.pk))


@router.get("/veterans/claims", response={200: list[WishOut], **errors(403)}, summary="我的认领")
@paginate
def claims(request, state: str | None = Query(None, description="状态代码")):
    _need(request, "veterans.view_wish")
    return ClaimFilter(request.GET, actor=request.auth).rows()


@router.get(
    "/veterans/payments", response={200: list[PaymentOut], **errors(403)}, summary="优待金发放"
)
@paginate
def payments(
    request,
    year: int | None = Query(None, ge=2000, le=2100, description="年度，默认最近的年度"),
    station: str | None = Query(None, description="服务站 id"),
):
    _need(request, "veterans.view_payment")
    return PaymentFilter(request.GET, actor=request.auth).rows()


@router.get(
    "/veterans/payments/rates",
    response={200: RatesOut, **errors(403)},
    summary="优待金发放面、优待额、兑现率",
)
def rates(
    request,
    year: int | None = Query(None, ge=2000, le=2100, description="年度，默认最近的年度"),
    station: str | None = Query(None, description="服务站 id"),
):
    _need(request, "veterans.view_payment")
    filters = PaymentFilter(request.GET, actor=request.auth)
    paid = filters.rows()
    figures = services.payment_rates(filters.eligible(), paid)
    return {"year": filters.chosen_year, **figures}


__all__ = ["HttpError", "router"]
