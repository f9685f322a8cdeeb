"""The county's directory: regions, departments, sites, enterprises, people."""

from django.db import models
from django.db.models import Q

from qinqing.core import crypto
from qinqing.core.fields import EncryptedCharField, LookupHashField
from qinqing.core.industry import section_name
from qinqing.core.masking import mask_id_number, mask_phone


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    PREFECTURE = "prefecture", "市"
    COUNTY = "county", "县（市、区）"
    TOWN = "town", "乡镇（街道）"


class RegionQuerySet(models.QuerySet):
    def resolve_town(self, county: "Region | str", town_name: str) -> "Region":
        """Town names repeat across counties: a town is always found within its county."""
        county_code = county.code if isinstance(county, Region) else county
        return self.get(level=RegionLevel.TOWN, parent__code=county_code, name=town_name)

    def within(self, prefixes) -> "RegionQuerySet":
        condition = Q(pk__in=[])
        for prefix in prefixes:
            condition |= Q(code__startswith=prefix)
        return self.filter(condition)


class Region(models.Model):
    """A GB/T 2260 administrative region, or a town under a county (9-digit code)."""

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=12, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_name_unique_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        """The part of the code its sub-regions share (33, 3304, 330421, 330421101)."""
        if self.level == RegionLevel.PROVINCE:
            return self.code[:2]
        if self.level == RegionLevel.PREFECTURE:
            return self.code[:4]
        return self.code

    @property
    def full_name(self) -> str:
        names, region = [], self
        while region is not None and region.level != RegionLevel.PROVINCE:
            names.append(region.name)
            region = region.parent
        return "".join(reversed(names))


class Department(models.Model):
    """A department (部门) of a county, town or zone: 区经商局, 卫健局, 法院 …"""

    name = models.CharField("名称", max_length=100)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT)
    head = models.ForeignKey(
        "core.User",
        verbose_name="负责人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )

    class Meta:
        verbose_name = verbose_name_plural = "部门"
        ordering = ["region__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="department_unique_in_region"),
        ]

    def __str__(self) -> str:
        return self.name


class SiteKind(models.TextChoices):
    STATION = "station", "服务站"
    BUILDING = "building", "楼宇"
    SPACE = "space", "空间"


class Site(models.Model):
    """A place services are given: a service station, a building, a space."""

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=12, choices=SiteKind.choices)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT)
    address = models.CharField("地址", max_length=200, blank=True)
    department = models.ForeignKey(
        Department, verbose_name="管理部门", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = verbose_name_plural = "场所"
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name


class Enterprise(models.Model):
    name = models.CharField("企业名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    industry_code = models.CharField(
        "行业代码", max_length=4, help_text="GB/T 4754-2017 行业代码，2至4位数字"
    )
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT)
    land_area_mu = models.DecimalField(
        "用地面积（亩）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    employees = models.PositiveIntegerField("从业人数", null=True, blank=True)
    above_scale = models.BooleanField("规上企业", default=False)
    address = models.CharField("地址", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "企业"
        ordering = ["name"]
        indexes = [models.Index(fields=["region", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def industry_section(self) -> str:
        return section_name(self.industry_code)

    @property
    def scale_label(self) -> str:
        return "规上" if self.above_scale else "规下"


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Person(models.Model):
    """A resident. ID and phone numbers are encrypted; the hashes allow exact search."""

    name = models.CharField("姓名", max_length=50)
    id_number = EncryptedCharField("身份证号")
    id_number_hash = LookupHashField(source="id_number", unique=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, editable=False)
    birth_date = models.DateField("出生日期", editable=False)
    phone = EncryptedCharField("手机号", blank=True, default="")
    phone_hash = LookupHashField(source="phone", blank=True, db_index=True)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "人员"
        ordering = ["name", "pk"]
        permissions = [("view_personal_data", "查看完整身份证号和手机号")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Derived columns follow the encrypted values on every save.
        from qinqing.core.validators import id_number_birth_date, id_number_gender

        self.id_number_hash = crypto.lookup_hash(self.id_number)
        self.gender = id_number_gender(self.id_number)
        self.birth_date = id_number_birth_date(self.id_number)
        self.phone_hash = crypto.lookup_hash(self.phone) if self.phone else ""
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "id_number_hash",
                "gender",
                "birth_date",
                "phone_hash",
            }
        super().save(*args, **kwargs)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def age(self) -> int:
        from django.utils import timezone

        today = timezone.localdate()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
