"""The cockpit's period and region, parsed once for every cockpit page and export."""

import datetime

from django import forms
from django.db.models import Q

from qinqing.core.forms import Form
from qinqing.core.indicators import Scope
from qinqing.core.models import Region
from qinqing.core.models.directory import RegionLevel

DATE_ERRORS = {"invalid": "日期格式应为 2026-01-31"}


def region_choices(user):
    """Counties and towns the viewer's figures can be narrowed to."""
    levels = Q(level__in=[RegionLevel.COUNTY, RegionLevel.TOWN])
    prefixes = user.region_prefixes()
    if prefixes:
        within = Q(pk__in=[])
        for prefix in prefixes:
            within |= Q(code__startswith=prefix)
        return Region.objects.filter(levels & within).order_by("code")
    # Everyone's county: the counties whose towns are loaded, and those towns.
    with_towns = Region.objects.filter(level=RegionLevel.TOWN).values("parent_id")
    return Region.objects.filter(
        Q(level=RegionLevel.TOWN) | Q(level=RegionLevel.COUNTY, pk__in=with_towns)
    ).order_by("code")


class CockpitFilter(Form):
    start = forms.DateField(label="起始日期", required=False, error_messages=DATE_ERRORS)
    end = forms.DateField(label="截止日期", required=False, error_messages=DATE_ERRORS)
    region = forms.ModelChoiceField(
        label="区划",
        queryset=Region.objects.none(),
        required=False,
        empty_label="全部",
        error_messages={"invalid_choice": "不在您可查看的区划之内"},
    )

    def __init__(self, data, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.fields["region"].queryset = region_choices(user)
        self.fields["region"].empty_label = "全部"

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "截止日期不能早于起始日期")
        return data

    def scope(self) -> Scope:
        """The scope of a valid form; an invalid one falls back to everything visible."""
        data = self.cleaned_data if self.is_valid() else {}
        return Scope(
            self.user, start=data.get("start"), end=data.get("end"), region=data.get("region")
        )


def presets(today: datetime.date) -> list[tuple[str, dict]]:
    """Quick periods: this month, this year, everything."""
    return [
        ("本月", {"start": today.replace(day=1).isoformat(), "end": today.isoformat()}),
        ("本年", {"start": today.replace(month=1, day=1).isoformat(), "end": today.isoformat()}),
        ("全部", {}),
    ]
