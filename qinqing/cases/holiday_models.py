"""The holiday table: each year's 放假 and 调休 days, entered from the State Council notice.

An entry here overrides the ``chinese-calendar`` package for its year (see
``qinqing.cases.calendar``). It lives beside ``models.py`` and is imported there.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

WEEKDAYS = "一二三四五六日"


class HolidayYear(models.Model):
    class Status(models.TextChoices):
        OFFICIAL = "official", "已生效"
        DRAFT = "draft", "草稿（不生效）"

    class Source(models.TextChoices):
        MANUAL = "manual", "后台录入"
        FILE = "file", "文件导入"

    year = models.PositiveSmallIntegerField(
        "年份", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2099)]
    )
    status = models.CharField(
        "状态",
        max_length=10,
        choices=Status.choices,
        default=Status.OFFICIAL,
        help_text="只有“已生效”的安排用于计算期限；草稿可先录入、核对后再生效",
    )
    source = models.CharField(
        "录入方式", max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    notice_title = models.CharField(
        "通知标题",
        max_length=200,
        blank=True,
        help_text="如：国务院办公厅关于2027年部分节假日安排的通知",
    )
    notice_number = models.CharField("文号", max_length=60, blank=True)
    notice_date = models.DateField("发布日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="录入人",
        editable=False,
    )

    class Meta:
        verbose_name = verbose_name_plural = "节假日安排"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"


class HolidayDay(models.Model):
    """One day the notice names: a day off (放假) or a weekend day worked instead (调休上班)."""

    holiday_year = models.ForeignKey(
        HolidayYear, on_delete=models.CASCADE, related_name="days", verbose_name="年度"
    )
    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField(
        "调休上班", default=False, help_text="勾选：这天（周六或周日）上班；不勾选：这天放假"
    )
    name = models.CharField("节日", max_length=30, help_text="如：元旦、春节、国庆节")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日日期"
        ordering = ["date"]

    def __str__(self) -> str:
        return (
            f"{self.date:%Y-%m-%d} {self.name}{'（上班）' if self.is_working_day else '（放假）'}"
        )

    def clean(self) -> None:
        if self.date is None:
            return
        try:
            year = self.holiday_year.year
        except (
            HolidayYear.DoesNotExist
        ):  # a new year whose own form failed: nothing to check against
            year = None
        errors = day_problems(self.date, self.is_working_day, year)
        if errors:
            raise ValidationError({"date": errors})


def day_problems(day: datetime.date, is_working_day: bool, year: int | None) -> list[str]:
    """What is wrong with one entry of a year's notice (the admin and file imports share it)."""
    problems = []
    if year is not None and day.year != year:
        problems.append(f"日期 {day:%Y-%m-%d} 不在 {year} 年内")
    if is_working_day and day.weekday() < 5:
        problems.append(f"调休上班日应为周六或周日，{day:%Y-%m-%d} 是星期{WEEKDAYS[day.weekday()]}")
    return problems
