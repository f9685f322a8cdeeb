"""Input for opening a case and for one step of its workflow."""

from django import forms

from qinqing.cases.models import CaseType, Priority
from qinqing.core.forms import REQUIRED, Form, RegionChoiceField
from qinqing.core.models import Department


class OpenCaseForm(Form):
    case_type = forms.ModelChoiceField(
        label="事项类型",
        queryset=CaseType.objects.all(),
        to_field_name="code",
        error_messages={"required": "必填", "invalid_choice": "事项类型不存在"},
    )
    title = forms.CharField(label="标题", max_length=200, error_messages=REQUIRED)
    description = forms.CharField(label="内容", widget=forms.Textarea, required=False)
    priority = forms.ChoiceField(
        label="紧急程度", choices=Priority.choices, initial=Priority.NORMAL
    )
    region = RegionChoiceField(label="所属区划")


class TransitionForm(Form):
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    department = forms.ModelChoiceField(
        label="承办部门",
        queryset=Department.objects.all(),
        required=False,
        error_messages={"invalid_choice": "部门不存在"},
    )
    attachments = forms.FileField(label="附件", required=False)


class SuperviseForm(Form):
    note = forms.CharField(label="督办意见", widget=forms.Textarea(attrs={"rows": 3}))
    due_at = forms.DateTimeField(
        label="答复期限",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"invalid": "时间格式应为 2026-01-31 17:30", "required": "必填"},
    )


class SupervisionAnswerForm(Form):
    answer = forms.CharField(label="督办答复", widget=forms.Textarea(attrs={"rows": 3}))
