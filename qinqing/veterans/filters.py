"""The module's lists, each filtered one way for its page, its .xlsx export and the API."""

from django import forms
from django.utils import timezone

from qinqing.cases.models import overdue_q
from qinqing.core import access
from qinqing.core.filters import FlagField, IdField, ListFilter, choice
from qinqing.veterans import services
from qinqing.veterans.case_types import WISH_FLOW
from qinqing.veterans.models import (
    Category,
    Eligibility,
    Payment,
    ServiceRecord,
    VisitReach,
    Wish,
)

WISH_STATES = [(s.code, s.label) for s in WISH_FLOW.states]


class RecordFilter(ListFilter):
    station = IdField(label="服务站")
    category = choice("优抚类别", Category.choices)
    not_visited = FlagField(label="超期未走访", required=False)
    q = forms.CharField(label="搜索", required=False, max_length=50)

    def base(self, actor):
        return (
            access.visible(ServiceRecord, actor)
            .select_related("person", "station")
            .order_by("station__name", "person__name", "pk")
        )

    def apply(self, rows, data):
        if data["station"]:
            rows = rows.filter(station_id=data["station"])
        if data["category"]:
            rows = rows.filter(category=data["category"])
        if data["q"]:
            rows = rows.filter(person__name__contains=data["q"])
        if data["not_visited"]:
            rows = services.not_visited(rows)
        return rows


class VisitFilter(ListFilter):
    station = IdField(label="服务站")
    month = forms.RegexField(
        label="月份",
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        error_messages={"invalid": "格式应为 2026-01"},
    )

    def base(self, actor):
        return (
            access.visible(VisitReach, actor)
            .select_related("station", "visit__person", "visit__visitor")
            .order_by("-visited_on", "-pk")
        )

    def apply(self, rows, data):
        if data["station"]:
            rows = rows.filter(station_id=data["station"])
        if data["month"]:
            year, month = map(int, data["month"].split("-"))
            rows = rows.filter(visited_on__year=year, visited_on__month=month)
        return rows


class WishFilter(ListFilter):
    state = choice("状态", WISH_STATES)
    station = IdField(label="服务站")
    overdue = FlagField(label="认领超期", required=False)

    def base(self, actor):
        return (
            access.visible(Wish, actor)
            .select_related("case__state", "case__case_type", "station", "record__person")
            .order_by("-pk")
        )

    def apply(self, rows, data):
        if data["state"]:
            rows = rows.filter(case__state__code=data["state"])
        if data["station"]:
            rows = rows.filter(station_id=data["station"])
        if data["overdue"]:
            rows = rows.filter(overdue_q(path="case__"))
        return rows


class ClaimFilter(ListFilter):
    """My claims: the wishes this account (or its claimant) holds or has fulfilled."""

    state = choice("状态", WISH_STATES)

    def base(self, actor):
        return (
            Wish.objects.filter(case__claimed_by=actor)
            .select_related("case__state", "case__case_type", "station")
            .order_by("-pk")
        )

    def apply(self, rows, data):
        if data["state"]:
            rows = rows.filter(case__state__code=data["state"])
        return rows


def default_year() -> int:
    years = Eligibility.objects.order_by("-year").values_list("year", flat=True).first()
    return years or timezone.localdate().year


class PaymentFilter(ListFilter):
    year = forms.IntegerField(
        label="年度",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "应为年份",
            "min_value": "年份不正确",
            "max_value": "年份不正确",
        },
    )
    station = IdField(label="服务站")

    def base(self, actor):
        return (
            access.visible(Payment, actor)
            .select_related("person", "station")
            .order_by("station__name", "person__name", "pk")
        )

    def apply(self, rows, data):
        rows = rows.filter(year=data["year"] or default_year())
        if data["station"]:
            rows = rows.filter(station_id=data["station"])
        return rows

    @property
    def chosen_year(self) -> int:
        return (self.cleaned_data.get("year") if self.is_valid() else None) or default_year()

    def eligible(self):
        rows = access.visible(Eligibility, self.actor).filter(year=self.chosen_year)
        if self.is_valid() and self.cleaned_data["station"]:
            rows = rows.filter(station_id=self.cleaned_data["station"])
        return rows.select_related("person", "station").order_by("station__name", "person__name")
