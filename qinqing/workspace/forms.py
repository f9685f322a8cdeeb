from django import forms

from qinqing.core.forms import REQUIRED, Form, ModelForm, RegionChoiceField, limit_region_fields
from qinqing.core.validators import validate_mobile
from qinqing.workspace.models import (
    Decision,
    Facility,
    IdleSpace,
    Kind,
    ServiceKind,
    Team,
)

FACILITIES = forms.MultipleChoiceField(
    label="配套设施",
    choices=Facility.choices,
    required=False,
    widget=forms.CheckboxSelectMultiple,
    error_messages={"invalid_choice": "未知的设施：%(value)s"},
)


class IdleSpaceForm(ModelForm):
    region = RegionChoiceField(label="所属乡镇")
    facilities = FACILITIES
    photos = forms.FileField(label="照片", required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        limit_region_fields(self, actor)
        self.fields["facilities"] = FACILITIES

    class Meta:
        model = IdleSpace
        fields = [
            "name",
            "region",
            "owner_kind",
            "owner_name",
            "address",
            "latitude",
            "longitude",
            "area_m2",
            "condition",
            "facilities",
        ]
        error_messages = {
            "name": REQUIRED,
            "owner_kind": REQUIRED,
            "address": REQUIRED,
            "area_m2": {**REQUIRED, "invalid": "应为数字"},
            "condition": REQUIRED,
            "latitude": {"invalid": "应为数字"},
            "longitude": {"invalid": "应为数字"},
        }

    def clean_area_m2(self):
        area = self.cleaned_data["area_m2"]
        if area <= 0:
            raise forms.ValidationError("面积应大于0")
        return area

    def clean_latitude(self):
        value = self.cleaned_data["latitude"]
        if value is not None and not -90 <= value <= 90:
            raise forms.ValidationError("纬度应在 -90 至 90 之间")
        return value

    def clean_longitude(self):
        value = self.cleaned_data["longitude"]
        if value is not None and not -180 <= value <= 180:
            raise forms.ValidationError("经度应在 -180 至 180 之间")
        return value


class DecisionForm(Form):
    decision = forms.ChoiceField(
        label="是否开放",
        choices=[(Decision.OPEN, "开放"), (Decision.CLOSED, "不开放")],
        error_messages={**REQUIRED, "invalid_choice": "应为 open 或 closed"},
    )
    reason = forms.CharField(label="理由", max_length=300, error_messages=REQUIRED)


class WorkstationBatchForm(Form):
    kind = forms.ChoiceField(label="工位类型", choices=Kind.choices, error_messages=REQUIRED)
    count = forms.IntegerField(
        label="数量",
        min_value=1,
        max_value=500,
        error_messages={
            **REQUIRED,
            "invalid": "应为整数",
            "min_value": "至少为1",
            "max_value": "一次最多500个",
        },
    )
    capacity = forms.IntegerField(
        label="每个容纳人数",
        min_value=1,
        max_value=200,
        initial=1,
        error_messages={
            **REQUIRED,
            "invalid": "应为整数",
            "min_value": "至少为1",
            "max_value": "最多200",
        },
    )
    area_m2 = forms.DecimalField(
        label="每个面积（平方米）",
        min_value=0,
        max_digits=8,
        decimal_places=1,
        initial=0,
        error_messages={**REQUIRED, "invalid": "应为数字", "min_value": "不能为负数"},
    )
    facilities = FACILITIES


class TeamForm(ModelForm):
    phone = forms.CharField(
        label="联系电话", max_length=11, required=False, validators=[validate_mobile]
    )
    members = forms.IntegerField(
        label="团队人数",
        required=False,
        min_value=1,
        max_value=1000,
        initial=1,
        error_messages={"invalid": "应为整数", "min_value": "至少为1", "max_value": "最多1000"},
    )

    class Meta:
        model = Team
        fields = [
            "name",
            "leader_name",
            "phone",
            "members",
            "project",
            "industry",
            "funding_stage",
            "needs",
        ]
        error_messages = {
            "name": REQUIRED,
            "leader_name": REQUIRED,
            "project": REQUIRED,
            "industry": REQUIRED,
            "funding_stage": REQUIRED,
            "members": {"invalid": "应为整数"},
        }

    def clean_members(self):
        return self.cleaned_data["members"] or 1


class ApplyForm(TeamForm):
    desks_wanted = forms.IntegerField(
        label="需要工位数",
        min_value=1,
        max_value=50,
        initial=1,
        required=False,
        error_messages={"invalid": "应为整数", "min_value": "至少为1", "max_value": "最多50"},
    )
    kind_wanted = forms.ChoiceField(
        label="意向工位类型",
        choices=[("", "不限"), *Kind.choices],
        required=False,
        error_messages={"invalid_choice": "未知的工位类型"},
    )

    def clean_desks_wanted(self):
        return self.cleaned_data["desks_wanted"] or 1


class SignForm(Form):
    terms = forms.ModelChoiceField(
        label="入驻条款", queryset=None, error_messages={**REQUIRED, "invalid_choice": "条款不存在"}
    )
    start = forms.DateField(
        label="入驻日期",
        error_messages={**REQUIRED, "invalid": "日期格式应为 2026-01-31"},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    years = forms.IntegerField(
        label="租期（年）",
        min_value=1,
        max_value=10,
        initial=3,
        error_messages={
            **REQUIRED,
            "invalid": "应为整数",
            "min_value": "至少1年",
            "max_value": "最多10年",
        },
    )
    workstations = forms.ModelMultipleChoiceField(
        label="分配工位",
        queryset=None,
        error_messages={
            **REQUIRED,
            "invalid_choice": "工位不存在：%(value)s",
            "invalid_pk_value": "工位编号无效：%(pk)s",
        },
    )
    note = forms.CharField(label="说明", required=False, max_length=500)

    def __init__(self, *args, terms, workstations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["terms"].queryset = terms
        self.fields["workstations"].queryset = workstations


class DayBookingForm(Form):
    workstation = forms.IntegerField(
        label="工位", error_messages={**REQUIRED, "invalid": "应为工位编号"}
    )
    day = forms.DateField(
        label="日期",
        error_messages={**REQUIRED, "invalid": "日期格式应为 2026-01-31"},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    days = forms.IntegerField(
        label="天数",
        min_value=1,
        max_value=31,
        initial=1,
        required=False,
        error_messages={"invalid": "应为整数", "min_value": "至少1天", "max_value": "最多31天"},
    )


class ServiceRequestForm(Form):
    kind = forms.ChoiceField(
        label="服务",
        choices=ServiceKind.choices,
        error_messages={**REQUIRED, "invalid_choice": "未知的服务"},
    )
    description = forms.CharField(
        label="需求说明",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=REQUIRED,
    )
