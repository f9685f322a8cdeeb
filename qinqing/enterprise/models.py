"""The enterprise service station (爱企服务站): liaisons, visits plans, group sessions,
problem list, land ledger and 亩均效益 grading."""

from django.conf import settings
from django.db import models

from qinqing.core.models import EventWithSeats, Seat


class Liaison(models.Model):
    """联企服务员: one officer per enterprise."""

    enterprise = models.OneToOneField(
        "core.Enterprise",
        on_delete=models.CASCADE,
        related_name="liaison",
        verbose_name="企业",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="liaison_of",
        verbose_name="联企服务员",
    )
    since = models.DateField("联系起始日期", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "联企服务员"

    def __str__(self) -> str:
        return f"{self.enterprise} — {self.officer}"


class VisitPlan(models.Model):
    """定期走访: how often a liaison visits each of their enterprises."""

    officer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="visit_plan",
        verbose_name="联企服务员",
    )
    interval_days = models.PositiveSmallIntegerField(
        "走访间隔（天）", default=90, help_text="每家企业至少每隔这么多天走访一次（一季度约90天）"
    )

    class Meta:
        verbose_name = verbose_name_plural = "走访计划"

    def __str__(self) -> str:
        return f"{self.officer} 每{self.interval_days}天"


class ServiceTopic(models.TextChoices):
    FINANCE = "finance", "金融"
    LAW = "law", "法律"
    ACCOUNTING = "accounting", "会计"
    TAX = "tax", "税务"
    POLICY = "policy", "政策"


class ServiceSession(EventWithSeats):
    """限单组团服务: a session with a fixed number of places (seats: ``core.letting``)."""

    title = models.CharField("主题", max_length=200)
    topic = models.CharField("服务类别", max_length=12, choices=ServiceTopic.choices)
    starts_at = models.DateTimeField("开始时间")
    venue = models.CharField("地点", max_length=200)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, verbose_name="所属区划")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="发布人",
    )
    created_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta(EventWithSeats.Meta):
        verbose_name = verbose_name_plural = "组团服务"
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title


class SessionSignup(Seat):
    """One enterprise's place at a session."""

    event_field = "session"
    holder_field = "enterprise"
    actor_field = "signed_up_by"

    session = models.ForeignKey(ServiceSession, on_delete=models.CASCADE, related_name="signups")
    enterprise = models.ForeignKey(
        "core.Enterprise", on_delete=models.CASCADE, related_name="session_signups"
    )
    signed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "组团服务报名"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enterprise"], name="one_signup_per_enterprise"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.session}"


class ProblemCategory(models.TextChoices):
    LABOUR = "labour", "用工招聘"
    SCHOOLING = "schooling", "子女入学"
    HOUSING = "housing", "住房租房"
    LAND = "land", "土地厂房"
    FINANCE = "finance", "融资"
    APPROVAL = "approval", "审批手续"
    INFRASTRUCTURE = "infrastructure", "基础设施"
    POLICY = "policy", "政策兑现"
    OTHER = "other", "其他"


class ProblemSource(models.TextChoices):
    VISIT = "visit", "走访发现"
    CALL = "call", "即时呼叫"
    SESSION = "session", "组团服务"
    STAFF = "staff", "工作人员登记"


class Problem(models.Model):
    """问题清单: one row per problem an enterprise raised; its handling is a Case."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="problem")
    enterprise = models.ForeignKey(
        "core.Enterprise", on_delete=models.PROTECT, related_name="problems", verbose_name="企业"
    )
    category = models.CharField("问题类别", max_length=16, choices=ProblemCategory.choices)
    source = models.CharField("来源", max_length=10, choices=ProblemSource.choices)

    class Meta:
        verbose_name = verbose_name_plural = "问题清单"
        ordering = ["-case__created_at"]

    def __str__(self) -> str:
        return self.case.title


class ParcelKind(models.TextChoices):
    IDLE = "idle", "闲置"
    LOW_EFFICIENCY = "low_efficiency", "低效"


class ParcelStatus(models.TextChoices):
    SURVEYED = "surveyed", "已摸排"
    REMEDIATING = "remediating", "整治中"
    RECOVERED = "recovered", "已收回"
    TRANSFERRED = "transferred", "已出让"
    REMEDIATED = "remediated", "已整治"


class LandParcel(models.Model):
    """土地台账: an idle or low-efficiency parcel and what became of it."""

    name = models.CharField("地块", max_length=200)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, verbose_name="所属区划")
    enterprise = models.ForeignKey(
        "core.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="land_parcels",
        verbose_name="使用企业",
    )
    area_mu = models.DecimalField("面积（亩）", max_digits=10, decimal_places=2)
    kind = models.CharField("类型", max_length=16, choices=ParcelKind.choices)
    status = models.CharField(
        "处置状态", max_length=12, choices=ParcelStatus.choices, default=ParcelStatus.SURVEYED
    )
    surveyed_on = models.DateField("摸排日期")
    status_changed_on = models.DateField("状态变更日期", null=True, blank=True)
    notes = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "土地台账"
        ordering = ["region__code", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(area_mu__gt=0), name="parcel_area_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorYear(models.Model):
    """One year's 亩均 indicators of one enterprise, as imported."""

    enterprise = models.ForeignKey(
        "core.Enterprise", on_delete=models.CASCADE, related_name="indicators"
    )
    year = models.PositiveSmallIntegerField("年度")
    land_area_mu = models.DecimalField("用地面积（亩）", max_digits=12, decimal_places=2)
    tax = models.DecimalField("税收（万元）", max_digits=14, decimal_places=2)
    value_added = models.DecimalField(
        "工业增加值（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    revenue = models.DecimalField(
        "营业收入（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    energy_tce = models.DecimalField(
        "综合能耗（吨标煤）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    emissions = models.DecimalField(
        "主要污染物排放（吨）", max_digits=14, decimal_places=3, null=True, blank=True
    )
    rd_spending = models.DecimalField(
        "研发经费（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    employees = models.PositiveIntegerField("年平均职工人数", null=True, blank=True)
    electricity_kwh = models.DecimalField(
        "用电量（万千瓦时）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    above_scale = models.BooleanField("规上企业")

    class Meta:
        verbose_name = verbose_name_plural = "亩均指标"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"], name="one_indicator_row_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class GradingScheme(models.Model):
    """A 亩均效益综合评价 scheme: weights, caps, benchmarks and grade cut-offs."""

    name = models.CharField("名称", max_length=100, unique=True)
    config = models.JSONField("评价参数")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "评价方案"

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from qinqing.enterprise.grading import check_scheme

        problems = check_scheme(self.config)
        if problems:
            raise ValidationError({"config": problems})


class GradeResult(models.Model):
    """One enterprise's grade in one year under one scheme, with its explanation."""

    enterprise = models.ForeignKey(
        "core.Enterprise", on_delete=models.CASCADE, related_name="grades"
    )
    year = models.PositiveSmallIntegerField("年度")
    scheme = models.ForeignKey(GradingScheme, on_delete=models.PROTECT)
    above_scale = models.BooleanField("规上企业")
    score = models.DecimalField("综合得分", max_digits=7, decimal_places=2)
    grade = models.CharField("等级", max_length=1)
    tax_per_mu = models.DecimalField("亩均税收（万元/亩）", max_digits=12, decimal_places=2)
    low_efficiency = models.BooleanField("低效企业")
    details = models.JSONField("各项指标")
    graded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "亩均评价结果"
        ordering = ["-year", "-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "scheme"], name="one_grade_per_year_and_scheme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year} {self.grade}"
