from django import forms

from qinqing.cases.models import Priority
from qinqing.core import access
from qinqing.core.forms import REQUIRED, Form, ModelForm, RegionChoiceField, limit_region_fields
from qinqing.core.models import Enterprise
from qinqing.enterprise.models import (
    LandParcel,
    ParcelStatus,
    ProblemCategory,
    ServiceSession,
)


class InstantCallForm(Form):
    title = forms.CharField(label="需要什么帮助", max_length=200, error_messages=REQUIRED)
    description = forms.CharField(
        label="详细说明", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    urgent = forms.BooleanField(label="紧急", required=False)


class ProblemForm(Form):
    enterprise = forms.ModelChoiceField(
        label="企业",
        queryset=None,
        error_messages={"required": "必填", "invalid_choice": "企业不存在或无权访问"},
    )
    category = forms.ChoiceField(
        label="问题类别", choices=ProblemCategory.choices, error_messages=REQUIRED
    )
    title = forms.CharField(label="问题", max_length=200, error_messages=REQUIRED)
    description = forms.CharField(
        label="详细情况", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    priority = forms.ChoiceField(
        label="紧急程度", choices=Priority.choices, initial=Priority.NORMAL
    )

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises


class ServiceSessionForm(ModelForm):
    """A session is published to a region the publisher is responsible for."""

    region = RegionChoiceField(label="所属区划")

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        limit_region_fields(self, actor)

    class Meta:
        model = ServiceSession
        fields = ["title", "topic", "starts_at", "venue", "capacity", "region"]
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}
        error_messages = {
            "title": REQUIRED,
            "venue": REQUIRED,
            "starts_at": {**REQUIRED, "invalid": "时间格式应为 2026-01-31 09:30"},
            "capacity": {**REQUIRED, "invalid": "应为整数"},
        }

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity < 1:
            raise forms.ValidationError("名额至少为1")
        return capacity


class LandParcelForm(ModelForm):
    """A parcel is registered in the registrar's regions, for an enterprise they see."""

    region = RegionChoiceField(label="所属区划")

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        limit_region_fields(self, actor)
        self.fields["enterprise"].queryset = access.visible(Enterprise, actor)
        self.fields["enterprise"].error_messages["invalid_choice"] = "企业不存在或无权访问"

    class Meta:
        model = LandParcel
        fields = [
            "name",
            "region",
            "enterprise",
            "area_mu",
            "kind",
            "status",
            "surveyed_on",
            "notes",
        ]
        widgets = {"surveyed_on": forms.DateInput(attrs={"type": "date"})}
        error_messages = {
            "name": REQUIRED,
            "area_mu": {**REQUIRED, "invalid": "应为数字"},
            "surveyed_on": {**REQUIRED, "invalid": "日期格式应为 2026-01-31"},
        }

    def clean_area_mu(self):
        area = self.cleaned_data["area_mu"]
        if area <= 0:
            raise forms.ValidationError("面积应大于0")
        return area


class ParcelStatusForm(Form):
    status = forms.ChoiceField(
        label="处置状态",
        choices=ParcelStatus.choices,
        error_messages={"required": "必填", "invalid_choice": "处置状态不正确"},
    )


class IndicatorYearForm(Form):
    """The year an indicator import is for (stored on the import job)."""

    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "必填",
            "invalid": "应为年份，如 2025",
            "min_value": "年份不正确",
            "max_value": "年份不正确",
        },
    )


class IndicatorUploadForm(IndicatorYearForm):
    file = forms.FileField(label="指标文件（.xlsx 或 .csv）", error_messages=REQUIRED)
