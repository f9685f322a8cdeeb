"""The module's lists, each filtered one way for its page, its export and the API."""

import datetime

from django import forms
from django.utils import timezone

from qinqing.core import access
from qinqing.core.filters import FlagField, IdField, ListFilter, choice
from qinqing.core.forms import Form
from qinqing.workspace.case_types import OPEN_STATES
from qinqing.workspace.models import (
    DAY_KINDS,
    Allocation,
    Application,
    DayBooking,
    Decision,
    IdleSpace,
    Kind,
    ServiceRequest,
    SiteEvent,
    Workstation,
)

STAGES = [
    ("applied", "报名"),
    ("screening", "初审"),
    ("talks", "洽谈"),
    ("site_visit", "实地考察"),
    ("review", "评审"),
    ("signed", "签约入驻"),
    ("rejected", "未通过"),
    ("withdrawn", "撤回"),
    ("open", "进行中"),
]
DATE_ERRORS = {"invalid": "日期格式应为 2026-01-31"}


class SpaceFilter(ListFilter):
    decision = choice("是否开放", Decision.choices)
    town = IdField(label="乡镇")

    def base(self, actor):
        return (
            access.visible(IdleSpace, actor)
            .select_related("region", "site")
            .order_by("-surveyed_at", "-pk")
        )

    def apply(self, rows, data):
        if data["decision"]:
            rows = rows.filter(decision=data["decision"])
        if data["town"]:
            rows = rows.filter(region_id=data["town"])
        return rows


class WorkstationFilter(ListFilter):
    kind = choice("工位类型", Kind.choices)
    town = IdField(label="乡镇")
    site = IdField(label="场所")
    natural = FlagField(label="只看自然工位", required=False)
    by_day = FlagField(label="只看按天预订的", required=False)

    def base(self, actor):
        return (
            access.visible(Workstation, actor)
            .select_related("site", "region")
            .order_by("region__code", "site__name", "code")
        )

    def apply(self, rows, data):
        if data["kind"]:
            rows = rows.filter(kind=data["kind"])
        if data["town"]:
            rows = rows.filter(region_id=data["town"])
        if data["site"]:
            rows = rows.filter(site_id=data["site"])
        if data["natural"]:
            rows = rows.filter(kind__in=["greenhouse", "tea", "campsite", "paddy"])
        if data["by_day"]:
            rows = rows.filter(kind__in=sorted(DAY_KINDS))
        return rows


class PeriodFilter(Form):
    """The period availability is asked for: ``start`` (today) for ``days`` days."""

    start = forms.DateField(label="开始日期", required=False, error_messages=DATE_ERRORS)
    days = forms.IntegerField(
        label="天数",
        required=False,
        min_value=1,
        max_value=92,
        error_messages={"invalid": "应为整数", "min_value": "至少1天", "max_value": "最多92天"},
    )

    def period(self) -> tuple[datetime.date, datetime.date]:
        start = self.cleaned_data.get("start") or timezone.localdate()
        return start, start + datetime.timedelta(days=self.cleaned_data.get("days") or 1)


class ApplicationFilter(ListFilter):
    stage = choice("环节", STAGES)
    campaign = IdField(label="招募活动")
    q = forms.CharField(label="搜索", required=False, max_length=100)

    def base(self, actor):
        return (
            access.visible(Application, actor)
            .select_related("team", "campaign", "case", "case__state", "case__case_type")
            .order_by("-created_at", "-pk")
        )

    def apply(self, rows, data):
        if data["stage"] == "open":
            rows = rows.filter(case__state__code__in=OPEN_STATES)
        elif data["stage"]:
            rows = rows.filter(case__state__code=data["stage"])
        if data["campaign"]:
            rows = rows.filter(campaign_id=data["campaign"])
        if data["q"]:
            rows = rows.filter(team__name__contains=data["q"])
        return rows


class AllocationFilter(ListFilter):
    current = FlagField(label="只看当前有效", required=False)
    town = IdField(label="乡镇")

    def base(self, actor):
        return (
            access.visible(Allocation, actor)
            .filter(cancelled_at__isnull=True)
            .select_related("resource__site", "resource__region", "lease__team", "lease__terms")
            .order_by("-start", "-pk")
        )

    def apply(self, rows, data):
        if data["current"]:
            today = timezone.localdate()
            rows = rows.filter(start__lte=today, end__gt=today)
        if data["town"]:
            rows = rows.filter(resource__region_id=data["town"])
        return rows


class DayBookingFilter(ListFilter):
    upcoming = FlagField(label="只看今天及以后", required=False)
    workstation = IdField(label="工位")

    def base(self, actor):
        return (
            access.visible(DayBooking, actor)
            .select_related("workstation__site", "team", "resource")
            .order_by("-start", "-pk")
        )

    def apply(self, rows, data):
        if data["upcoming"]:
            rows = rows.filter(end__gt=timezone.localdate())
        if data["workstation"]:
            rows = rows.filter(workstation_id=data["workstation"])
        return rows


class ServiceRequestFilter(ListFilter):
    def base(self, actor):
        return (
            access.visible(ServiceRequest, actor)
            .select_related("team", "case", "case__state", "case__department")
            .order_by("-pk")
        )

    def apply(self, rows, data):
        return rows


class EventFilter(ListFilter):
    upcoming = FlagField(label="只看未开始的", required=False)

    def base(self, actor):
        return access.visible(SiteEvent, actor).select_related("site").order_by("starts_at", "pk")

    def apply(self, rows, data):
        if data["upcoming"]:
            rows = rows.filter(starts_at__gte=timezone.now())
        return rows
