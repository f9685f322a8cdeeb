"""Shared workstations (万个工位共享计划): idle spaces, sites, workstations, teams, terms.

Lettings go through core's one mechanism (``qinqing.core.letting``): a
workstation let to a team for a term is an ``Allocation`` of the
``Workstation``; a day at a shared desk or a natural workstation is a
``DayBooking`` of one of its places (a workstation of capacity N has N
``WorkstationPlace`` rows, as a dormitory of N beds is N beds); a monthly
event's sign-ups are seats.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import RangeOperators
from django.db import models

from qinqing.core.fields import EncryptedCharField
from qinqing.core.models import BookableResource, DateBooking, EventWithSeats, Seat
from qinqing.core.models.letting import ACTIVE, DateRange, PostgresExclusionConstraint


class OwnerKind(models.TextChoices):
    VILLAGE = "village", "村集体"
    STATE = "state", "国有"
    ENTERPRISE = "enterprise", "企业"
    PERSONAL = "personal", "个人"


class Condition(models.TextChoices):
    GOOD = "good", "良好，可直接使用"
    FAIR = "fair", "一般，需简单修缮"
    POOR = "poor", "较差，需改造"


class Decision(models.TextChoices):
    PENDING = "pending", "待定"
    OPEN = "open", "开放"
    CLOSED = "closed", "不开放"


class Facility(models.TextChoices):
    NETWORK = "network", "网络"
    AIRCON = "aircon", "空调"
    WATER = "water", "用水"
    POWER = "power", "用电"


class IdleSpace(models.Model):
    """An idle space surveyed on the spot (摸排闲置空间): whose, where, how big, open or not."""

    name = models.CharField("名称", max_length=100)
    region = models.ForeignKey(
        "core.Region", verbose_name="所属乡镇", on_delete=models.PROTECT, related_name="+"
    )
    owner_kind = models.CharField("权属", max_length=12, choices=OwnerKind.choices)
    owner_name = models.CharField("权属人", max_length=100, blank=True)
    address = models.CharField("地址", max_length=200)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    area_m2 = models.DecimalField("面积（平方米）", max_digits=10, decimal_places=1)
    condition = models.CharField("现状", max_length=8, choices=Condition.choices)
    facilities = models.JSONField("配套设施", default=list, blank=True)
    decision = models.CharField(
        "是否开放", max_length=8, choices=Decision.choices, default=Decision.PENDING
    )
    decision_reason = models.CharField("理由", max_length=300, blank=True)
    site = models.OneToOneField(
        "core.Site",
        verbose_name="开放后的场所",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="idle_space",
    )
    surveyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="摸排人", on_delete=models.PROTECT, related_name="+"
    )
    surveyed_at = models.DateTimeField("摸排时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "闲置空间"
        ordering = ["-surveyed_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    def facility_labels(self) -> str:
        return "、".join(Facility(f).label for f in self.facilities if f in Facility.values)


class Kind(models.TextChoices):
    FIXED = "fixed", "固定工位"
    HOT = "hot", "共享工位"
    OFFICE = "office", "独立办公室"
    MEETING = "meeting", "会议室"
    GREENHOUSE = "greenhouse", "大棚工位"
    TEA = "tea", "茶园工位"
    CAMPSITE = "campsite", "营地工位"
    PADDY = "paddy", "田边工作室"


NATURAL_KINDS = {Kind.GREENHOUSE, Kind.TEA, Kind.CAMPSITE, Kind.PADDY}
# Let to one team for a term; the others are booked by the day, up to their capacity.
TERM_KINDS = {Kind.FIXED, Kind.OFFICE, Kind.PADDY}
DAY_KINDS = set(Kind.values) - TERM_KINDS


class Workstation(BookableResource):
    """One workstation of a site; let for a term as a whole (``Allocation``)."""

    site = models.ForeignKey(
        "core.Site", verbose_name="场所", on_delete=models.PROTECT, related_name="workstations"
    )
    region = models.ForeignKey(
        "core.Region", verbose_name="所属乡镇", on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField("编号", max_length=40, unique=True)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    capacity = models.PositiveSmallIntegerField("容纳人数", default=1)
    area_m2 = models.DecimalField("面积（平方米）", max_digits=8, decimal_places=1, default=0)
    facilities = models.JSONField("配套设施", default=list, blank=True)
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工位"
        ordering = ["region__code", "site__name", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="workspace_workstation_capacity_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.get_kind_display()}"

    @property
    def by_day(self) -> bool:
        return self.kind in DAY_KINDS

    def facility_labels(self) -> str:
        return "、".join(Facility(f).label for f in self.facilities if f in Facility.values)


class WorkstationPlace(BookableResource):
    """One of a workstation's ``capacity`` places, booked by the day."""

    workstation = models.ForeignKey(
        Workstation, verbose_name="工位", on_delete=models.CASCADE, related_name="places"
    )
    number = models.PositiveSmallIntegerField("位置号")

    class Meta:
        verbose_name = verbose_name_plural = "工位位置"
        ordering = ["workstation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["workstation", "number"], name="workspace_one_place_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workstation.code}-{self.number}"


def photo_path(instance, filename):
    return f"workspace/{datetime.date.today():%Y/%m}/{filename}"


class Photo(models.Model):
    space = models.ForeignKey(
        IdleSpace, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    workstation = models.ForeignKey(
        Workstation, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField("照片", upload_to=photo_path)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "照片"

    def __str__(self) -> str:
        return self.file.name


class FundingStage(models.TextChoices):
    IDEA = "idea", "创意阶段"
    SEED = "seed", "种子轮"
    ANGEL = "angel", "天使轮"
    A = "a", "A轮及以后"
    SELF = "self", "自有资金"


class Team(models.Model):
    """An entrepreneur team (创业团队): its leader's account, members, project."""

    name = models.CharField("团队名称", max_length=100)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="负责人账号",
        on_delete=models.PROTECT,
        related_name="workspace_teams",
    )
    leader_name = models.CharField("负责人", max_length=50)
    phone = EncryptedCharField("联系电话", blank=True, default="")
    members = models.PositiveSmallIntegerField("团队人数", default=1)
    project = models.CharField("项目", max_length=200)
    industry = models.CharField("行业", max_length=50)
    funding_stage = models.CharField("融资阶段", max_length=8, choices=FundingStage.choices)
    needs = models.CharField("需求", max_length=300, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "创业团队"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """A recruitment campaign (乡村梦想家招募) publishing sites on offer."""

    name = models.CharField("名称", max_length=100)
    region = models.ForeignKey(
        "core.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("截止日期")
    description = models.TextField("介绍", blank=True)
    sites = models.ManyToManyField(
        "core.Site", verbose_name="提供场所", blank=True, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "招募活动"
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    """A team's application to a campaign; it runs as a case (dream_maker flow)."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="dream_application"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name="招募活动", on_delete=models.PROTECT, related_name="applications"
    )
    team = models.ForeignKey(
        Team, verbose_name="团队", on_delete=models.PROTECT, related_name="applications"
    )
    desks_wanted = models.PositiveSmallIntegerField("需要工位数", default=1)
    kind_wanted = models.CharField("意向工位类型", max_length=12, choices=Kind.choices, blank=True)
    created_at = models.DateTimeField("报名时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "入驻申请"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.team} · {self.campaign}"


class SiteVisit(models.Model):
    """A site visit (实地考察) recorded at the 实地考察 step: date, people, sites seen."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="site_visits"
    )
    visited_on = models.DateField("考察日期")
    people = models.PositiveSmallIntegerField("考察人数")
    sites_seen = models.CharField("考察场所", max_length=300)

    class Meta:
        verbose_name = verbose_name_plural = "实地考察"

    def __str__(self) -> str:
        return f"{self.visited_on} {self.people}人"


class RentBasis(models.TextChoices):
    PER_M2 = "m2", "按面积（元/平方米·月）"
    PER_DESK = "desk", "按工位（元/个·月）"


class Terms(models.Model):
    """Letting terms as data: rent-free months, free utilities, rent afterwards."""

    name = models.CharField("名称", max_length=100, unique=True)
    rent_free_months = models.PositiveSmallIntegerField("免租月数", default=12)
    free_utilities = models.BooleanField("免费水电网络空调", default=True)
    basis = models.CharField("计租方式", max_length=4, choices=RentBasis.choices)
    rate = models.DecimalField("租金单价（元/月）", max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "入驻条款"

    def __str__(self) -> str:
        return self.name


class Lease(models.Model):
    """A signed team's tenancy: its terms and term; its workstations are allocations."""

    team = models.ForeignKey(
        Team, verbose_name="团队", on_delete=models.PROTECT, related_name="leases"
    )
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="lease"
    )
    terms = models.ForeignKey(Terms, verbose_name="条款", on_delete=models.PROTECT)
    start = models.DateField("入驻日期")
    end = models.DateField("到期日期（当日不占用）")
    reminded_on = models.DateField("免租到期提醒日期", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("签约时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "入驻协议"
        ordering = ["-start", "-pk"]

    def __str__(self) -> str:
        return f"{self.team} {self.start}—{self.end}"


class Allocation(DateBooking):
    """A workstation let to a team for a term (no two overlapping: core's constraint)."""

    resource = models.ForeignKey(
        Workstation, verbose_name="工位", on_delete=models.PROTECT, related_name="allocations"
    )
    lease = models.ForeignKey(
        Lease, verbose_name="入驻协议", on_delete=models.PROTECT, related_name="allocations"
    )

    class Meta(DateBooking.Meta):
        verbose_name = verbose_name_plural = "工位分配"


class DayBooking(DateBooking):
    """A day (or days) at a shared desk or a natural workstation, one place of it."""

    resource = models.ForeignKey(
        WorkstationPlace, verbose_name="位置", on_delete=models.PROTECT, related_name="bookings"
    )
    workstation = models.ForeignKey(
        Workstation, verbose_name="工位", on_delete=models.PROTECT, related_name="day_bookings"
    )
    team = models.ForeignKey(
        Team, verbose_name="团队", on_delete=models.PROTECT, related_name="day_bookings"
    )

    class Meta(DateBooking.Meta):
        verbose_name = verbose_name_plural = "工位预订"
        constraints = [
            *DateBooking.Meta.constraints,
            # One place per team at a workstation on a day (the capacity is for teams).
            PostgresExclusionConstraint(
                name="workspace_one_place_per_team_a_day",
                expressions=[
                    (DateRange("start", "end"), RangeOperators.OVERLAPS),
                    ("team", RangeOperators.EQUAL),
                    ("workstation", RangeOperators.EQUAL),
                ],
                condition=ACTIVE,
                violation_error_message="本团队已预订该工位的这段日期",
            ),
        ]


class ServiceKind(models.TextChoices):
    FINANCE = "finance", "金融服务"
    POLICY = "policy", "政策咨询"
    DESIGN = "design", "设计服务"
    ACCOUNTING = "accounting", "代理记账"


class ServiceProvider(models.Model):
    """Which department or partner provides a bundled service."""

    kind = models.CharField("服务", max_length=12, choices=ServiceKind.choices, unique=True)
    department = models.ForeignKey(
        "core.Department", verbose_name="提供部门", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "配套服务提供方"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.department}"


class ServiceRequest(models.Model):
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="workspace_service"
    )
    team = models.ForeignKey(
        Team, verbose_name="团队", on_delete=models.PROTECT, related_name="service_requests"
    )
    kind = models.CharField("服务", max_length=12, choices=ServiceKind.choices)

    class Meta:
        verbose_name = verbose_name_plural = "配套服务申请"
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.team} {self.get_kind_display()}"


class SiteEvent(EventWithSeats):
    """A monthly event on a site (月月有活动)."""

    site = models.ForeignKey(
        "core.Site", verbose_name="场所", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("主题", max_length=200)
    starts_at = models.DateTimeField("时间")

    class Meta(EventWithSeats.Meta):
        verbose_name = verbose_name_plural = "场所活动"
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title


class EventSignup(Seat):
    holder_field = "team"
    actor_field = "taken_by"

    event = models.ForeignKey(SiteEvent, on_delete=models.CASCADE, related_name="signups")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "team"], name="workspace_one_signup_per_team")
        ]


def month_rent(terms: Terms, area_m2: Decimal, desks: int) -> Decimal:
    amount = terms.rate * (area_m2 if terms.basis == RentBasis.PER_M2 else desks)
    return amount.quantize(Decimal("0.01"))
