"""The center's lists, each filtered one way for its page, its export and the API."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone

from qinqing.core import access
from qinqing.core.filters import ListFilter, RegionCodeField, choice
from qinqing.core.models import Region
from qinqing.talent.matching.taxonomy import OCCUPATION_CHOICES
from qinqing.talent.models import (
    EDUCATION_CHOICES,
    EDUCATION_LEVELS,
    ApartmentApplication,
    ApartmentApplicationStatus,
    Application,
    ApplicationStatus,
    BedStay,
    CooperationAgreement,
    EventKind,
    Posting,
    PostingStatus,
    TalentEvent,
)

POSTED_WITHIN = [("3", "3天内"), ("7", "一周内"), ("30", "一个月内")]


def _within(path: str, code: str) -> Q:
    region = Region.objects.filter(code=code).first()
    return Q(**{f"{path}__code__startswith": region.prefix if region else code})


class SearchFilter(ListFilter):
    """自取: the open postings a seeker may search, filtered in the database."""

    q = forms.CharField(label="关键词", required=False, max_length=100)
    occupation = choice("职业类别", OCCUPATION_CHOICES)
    location = RegionCodeField(label="工作地点")
    salary = forms.IntegerField(
        label="月薪不低于（元）",
        required=False,
        min_value=0,
        max_value=1000000,
        error_messages={"invalid": "应为整数", "min_value": "不能为负数", "max_value": "数值过大"},
    )
    education = choice("我的学历", EDUCATION_CHOICES)
    posted = choice("发布时间", POSTED_WITHIN)

    def base(self, actor):
        return access.restrict(Posting.objects.open_on(timezone.localdate()), actor).order_by(
            "-published_at", "-pk"
        )

    def apply(self, rows, data):
        if data["occupation"]:
            rows = rows.filter(occupation=data["occupation"])
        if data["location"]:
            rows = rows.filter(_within("location", data["location"]))
        if data["salary"] is not None:
            rows = rows.filter(salary_max__gte=data["salary"])
        if data["education"]:
            allowed = EDUCATION_LEVELS[: EDUCATION_LEVELS.index(data["education"]) + 1]
            rows = rows.filter(education_min__in=allowed)
        if data["posted"]:
            since = timezone.now() - datetime.timedelta(days=int(data["posted"]))
            rows = rows.filter(published_at__gte=since)
        return rows


class PostingFilter(ListFilter):
    """An employer's own postings; the center sees all."""

    status = choice("状态", PostingStatus.choices)
    q = forms.CharField(label="搜索", required=False, max_length=100)

    def base(self, actor):
        rows = access.visible(Posting, actor).select_related("employer", "location", "case")
        if actor.role == "enterprise":
            rows = rows.filter(employer_id=actor.enterprise_id)
        return rows.order_by("-updated_at", "-pk")

    def apply(self, rows, data):
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["q"]:
            rows = rows.filter(Q(title__contains=data["q"]) | Q(employer__name__contains=data["q"]))
        return rows


class ReviewFilter(PostingFilter):
    """The center's review queue: submitted postings, oldest first."""

    def base(self, actor):
        return (
            access.visible(Posting, actor)
            .filter(status=PostingStatus.SUBMITTED, case__isnull=False)
            .select_related("employer", "location", "case", "case__state", "case__case_type")
            .order_by("case__due_at", "pk")
        )


class ApplicationFilter(ListFilter):
    status = choice("状态", ApplicationStatus.choices)
    posting = forms.IntegerField(
        label="岗位",
        required=False,
        min_value=1,
        error_messages={"invalid": "应为数字编号", "min_value": "应为数字编号"},
    )

    def base(self, actor):
        return (
            access.visible(Application, actor)
            .select_related("posting", "employer", "profile__person")
            .order_by("-created_at", "-pk")
        )

    def apply(self, rows, data):
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["posting"]:
            rows = rows.filter(posting_id=data["posting"])
        return rows


class StayFilter(ListFilter):
    day = forms.DateField(
        label="日期", required=False, error_messages={"invalid": "日期格式应为 2026-01-31"}
    )

    def base(self, actor):
        return (
            access.visible(BedStay, actor)
            .filter(cancelled_at__isnull=True)
            .select_related("resource__room", "guest")
            .order_by("-start", "-pk")
        )

    def apply(self, rows, data):
        if data["day"]:
            rows = rows.filter(start__lte=data["day"], end__gt=data["day"])
        return rows


class ApartmentFilter(ListFilter):
    status = choice("状态", ApartmentApplicationStatus.choices)

    def base(self, actor):
        return (
            access.visible(ApartmentApplication, actor)
            .select_related("employer", "employee", "case", "case__state")
            .order_by("created_at", "pk")
        )

    def apply(self, rows, data):
        if data["status"]:
            rows = rows.filter(status=data["status"])
        return rows


class EventFilter(ListFilter):
    kind = choice("活动类型", EventKind.choices)

    def base(self, actor):
        return access.visible(TalentEvent, actor).order_by("-starts_at", "-pk")

    def apply(self, rows, data):
        if data["kind"]:
            rows = rows.filter(kind=data["kind"])
        return rows


class AgreementFilter(ListFilter):
    q = forms.CharField(label="搜索", required=False, max_length=100)

    def base(self, actor):
        return (
            access.visible(CooperationAgreement, actor)
            .select_related("enterprise")
            .order_by("-signed_on", "pk")
        )

    def apply(self, rows, data):
        if data["q"]:
            rows = rows.filter(
                Q(school__contains=data["q"]) | Q(enterprise__name__contains=data["q"])
            )
        return rows
