"""Veterans' services (海盐双拥): stations, service records, visits reached, micro-wishes,
claimants and preferential payments (优待金)."""

from django.conf import settings
from django.db import models

from qinqing.core import crypto
from qinqing.core.fields import EncryptedCharField, LookupHashField
from qinqing.core.masking import mask_phone


class StationLevel(models.TextChoices):
    COUNTY = "county", "县退役军人服务中心"
    TOWN = "town", "镇（街道）服务站"
    VILLAGE = "village", "村（社区）服务站"


class Station(models.Model):
    """退役军人服务中心/站: the county centre, town and village stations."""

    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=StationLevel.choices)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, verbose_name="所属区划")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级站",
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="veteran_stations",
        verbose_name="工作人员",
    )

    class Meta:
        verbose_name = verbose_name_plural = "服务站"
        ordering = ["region__code", "level", "name"]

    def __str__(self) -> str:
        return self.name


class Category(models.TextChoices):
    RETIRED_SOLDIER = "retired_soldier", "退役士兵"
    DISABLED = "disabled", "伤残军人"
    MARTYR_FAMILY = "martyr_family", "烈属"
    DEMOBILISED = "demobilised", "在乡复员军人"
    SICK_RETURNED = "sick_returned", "带病回乡退伍军人"
    COMBAT = "combat", "参战参试人员"
    ACTIVE_FAMILY = "active_family", "现役军人家属"
    CONSCRIPT_FAMILY = "conscript_family", "义务兵家庭"


class Branch(models.TextChoices):
    ARMY = "army", "陆军"
    NAVY = "navy", "海军"
    AIR_FORCE = "air_force", "空军"
    ROCKET = "rocket", "火箭军"
    ARMED_POLICE = "armed_police", "武警部队"
    OTHER = "other", "其他"


class ServiceRecord(models.Model):
    """A person's service record (优抚对象档案) on core's person, and the station serving them."""

    person = models.OneToOneField(
        "core.Person", on_delete=models.PROTECT, related_name="service_record", verbose_name="人员"
    )
    category = models.CharField("优抚类别", max_length=20, choices=Category.choices)
    branch = models.CharField(
        "服役军种", max_length=20, choices=Branch.choices, default=Branch.ARMY
    )
    enlisted_on = models.DateField("入伍日期", null=True, blank=True)
    discharged_on = models.DateField("退役日期", null=True, blank=True)
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="records", verbose_name="服务站"
    )
    # What the person agreed to show on the public wish wall (nothing unless they agreed).
    wall_consent = models.BooleanField("同意在心愿墙展示", default=False)
    wall_alias = models.CharField(
        "心愿墙称呼", max_length=10, blank=True, help_text="如“蔡老”，不填姓名"
    )
    wall_show_age = models.BooleanField("展示年龄", default=True)
    wall_show_town = models.BooleanField("展示所在乡镇", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "优抚对象"
        ordering = ["station__region__code", "person__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discharged_on__isnull=True)
                | models.Q(enlisted_on__isnull=True)
                | models.Q(discharged_on__gte=models.F("enlisted_on")),
                name="veterans_discharge_after_enlistment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person}（{self.get_category_display()}）"


class VisitReach(models.Model):
    """What a 走访慰问 (a core visit) reached: the station and how many people."""

    visit = models.OneToOneField(
        "core.Visit", on_delete=models.CASCADE, related_name="veteran_reach", verbose_name="走访"
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="visits", verbose_name="服务站"
    )
    people_reached = models.PositiveIntegerField("走访人数", default=1)
    visited_on = models.DateField("走访日期", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "走访慰问"
        ordering = ["-visited_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(people_reached__gte=1), name="veterans_reach_at_least_one"
            )
        ]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.station}（{self.people_reached}人）"


class ClaimantKind(models.TextChoices):
    ENTERPRISE = "enterprise", "爱心企业"
    GROUP = "group", "社会组织"
    INDIVIDUAL = "individual", "爱心个人"


class Claimant(models.Model):
    """认领方: an enterprise, a social group or an individual, registered by phone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="wish_claimant",
        verbose_name="账号",
    )
    kind = models.CharField("类型", max_length=12, choices=ClaimantKind.choices)
    name = models.CharField("名称", max_length=100)
    phone = EncryptedCharField("手机号")
    phone_hash = LookupHashField(source="phone", unique=True)
    created_at = models.DateTimeField("注册时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "认领方"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.phone_hash = crypto.lookup_hash(self.phone)
        super().save(*args, **kwargs)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Wish(models.Model):
    """微心愿: runs on the case engine (workflow ``wish``)."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="wish", verbose_name="事项"
    )
    record = models.ForeignKey(
        ServiceRecord, on_delete=models.PROTECT, related_name="wishes", verbose_name="优抚对象"
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="wishes", verbose_name="服务站"
    )
    title = models.CharField("心愿", max_length=100)
    value = models.DecimalField("估计价值（元）", max_digits=9, decimal_places=2)
    story = models.CharField(
        "心愿墙说明", max_length=200, blank=True, help_text="公开展示，不写姓名、住址"
    )
    visit = models.ForeignKey(
        "core.Visit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wishes",
        verbose_name="走访",
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    fulfilled_at = models.DateTimeField("圆梦时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "微心愿"
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.title


class Settings(models.Model):
    """The module's configurable values (one row)."""

    wish_value_limit = models.DecimalField(
        "微心愿价值上限（元）", max_digits=9, decimal_places=2, default=1000
    )
    visit_period_days = models.PositiveSmallIntegerField(
        "走访周期（天）", default=90, help_text="超过这么多天未走访的优抚对象列为未走访"
    )

    class Meta:
        verbose_name = verbose_name_plural = "双拥设置"

    def __str__(self) -> str:
        return "双拥设置"

    @classmethod
    def current(cls) -> "Settings":
        found = cls.objects.order_by("pk").first()
        return found or cls(wish_value_limit=1000, visit_period_days=90)


class AllowanceStandard(models.Model):
    """优待金标准: per category and year, with the date it is due by."""

    year = models.PositiveSmallIntegerField("年度")
    category = models.CharField("优抚类别", max_length=20, choices=Category.choices)
    amount = models.DecimalField("标准（元/人·年）", max_digits=10, decimal_places=2)
    due_on = models.DateField("应发放日期")

    class Meta:
        verbose_name = verbose_name_plural = "优待金标准"
        ordering = ["-year", "category"]
        constraints = [
            models.UniqueConstraint(fields=["year", "category"], name="veterans_one_standard"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="veterans_standard_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_category_display()} {self.amount}元"


class Eligibility(models.Model):
    """One person eligible for 优待金 in a year, with the amount due."""

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    person = models.ForeignKey(
        "core.Person", on_delete=models.PROTECT, related_name="+", verbose_name="人员"
    )
    station = models.ForeignKey(Station, on_delete=models.PROTECT, verbose_name="服务站")
    category = models.CharField("优抚类别", max_length=20, choices=Category.choices)
    amount_due = models.DecimalField("应发金额（元）", max_digits=10, decimal_places=2)
    due_on = models.DateField("应发放日期")

    class Meta:
        verbose_name = verbose_name_plural = "优待金名单"
        ordering = ["-year", "station__region__code", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "person"], name="veterans_eligible_once")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.person}"


class Payment(models.Model):
    """One 优待金 payment to a person for a year (from the bank's result file)."""

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    person = models.ForeignKey(
        "core.Person", on_delete=models.PROTECT, related_name="+", verbose_name="人员"
    )
    station = models.ForeignKey(
        Station, null=True, blank=True, on_delete=models.PROTECT, verbose_name="服务站"
    )
    amount = models.DecimalField("发放金额（元）", max_digits=10, decimal_places=2)
    paid_on = models.DateField("发放日期")
    bank_reference = models.CharField("银行流水号", max_length=40, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "优待金发放"
        ordering = ["-year", "-paid_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "person"], name="veterans_paid_once")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.person} {self.amount}元"
