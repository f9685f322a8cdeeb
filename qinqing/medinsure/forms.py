"""The input of clean medical insurance pages and API, validated in one place."""

from django import forms

from qinqing.core.forms import PLEASE_CHOOSE, REQUIRED, Form
from qinqing.medinsure.models import InspectionKind

DATE = {"required": "必填", "invalid": "应为日期 YYYY-MM-DD"}


class InspectionForm(Form):
    """Plan or record a 检查 / 约谈, optionally with a rectification task (整改)."""

    institution = forms.ModelChoiceField(
        label="定点医药机构",
        queryset=None,
        to_field_name="code",
        error_messages={"required": "必填", "invalid_choice": "机构不存在或无权访问"},
    )
    kind = forms.ChoiceField(
        label="类型",
        choices=InspectionKind.choices,
        error_messages={
            **REQUIRED,
            "invalid_choice": "应为 inspection（检查）或 interview（约谈）",
        },
    )
    planned_on = forms.DateField(
        label="计划日期", error_messages=DATE, widget=forms.DateInput(attrs={"type": "date"})
    )
    done_on = forms.DateField(
        label="实施日期（未实施留空）",
        required=False,
        error_messages=DATE,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    notes = forms.CharField(
        label="检查（约谈）情况",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    rectification = forms.CharField(
        label="整改要求（填写即下达整改任务）",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    deadline = forms.DateField(
        label="整改期限",
        required=False,
        error_messages=DATE,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, institutions, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions.order_by("code")
        if editing:  # the institution and kind of a recorded inspection stay as they are
            del self.fields["institution"]
            del self.fields["kind"]

    def clean(self):
        data = super().clean()
        if (data.get("rectification") or "").strip() and not data.get("deadline"):
            self.add_error("deadline", "下达整改任务须填写整改期限")
        return data


# What an insured enterprise asks the 医保局 (参保企业“省心办”).
REQUEST_TOPICS = (
    ("enrolment", "参保登记（增员、减员）"),
    ("transfer", "医保关系转移接续"),
    ("remote", "异地就医备案"),
    ("reimbursement", "报销进度查询"),
    ("contribution", "单位缴费与缴费基数"),
    ("maternity", "生育津贴申领"),
    ("chronic", "门诊慢特病认定"),
    ("voucher", "医保电子凭证"),
    ("other", "其他医保事项"),
)


class ServiceRequestForm(Form):
    """参保企业“省心办”: one request, a few taps on a phone."""

    topic = forms.ChoiceField(
        label="办理事项",
        choices=[("", PLEASE_CHOOSE), *REQUEST_TOPICS],
        error_messages={**REQUIRED, "invalid_choice": "请从列表中选择办理事项"},
    )
    title = forms.CharField(
        label="简要说明",
        max_length=100,
        error_messages={**REQUIRED, "max_length": "不超过100字"},
        widget=forms.TextInput(attrs={"placeholder": "如：新入职员工3人参保登记"}),
    )
    description = forms.CharField(
        label="详细情况（选填）",
        required=False,
        max_length=2000,
        error_messages={"max_length": "不超过2000字"},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    urgent = forms.BooleanField(label="紧急", required=False)
