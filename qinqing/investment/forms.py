from django import forms

from qinqing.core import access
from qinqing.core.forms import REQUIRED, Form, ModelForm, RegionChoiceField, limit_region_fields
from qinqing.core.models import Enterprise, Role, User
from qinqing.investment.models import Project


class ProjectForm(ModelForm):
    town = RegionChoiceField(label="所在乡镇")

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        limit_region_fields(self, actor)
        self.fields["investor"].queryset = access.visible(Enterprise, actor)
        self.fields["officer"].queryset = User.objects.filter(
            role=Role.STAFF, is_active=True
        ).order_by("username")

    class Meta:
        model = Project
        fields = ["name", "investor", "total_investment", "industry_code", "town", "officer"]
        error_messages = {
            "name": REQUIRED,
            "investor": {"required": "必填", "invalid_choice": "企业不存在或无权访问"},
            "total_investment": REQUIRED,
            "industry_code": REQUIRED,
            "officer": {"required": "必填", "invalid_choice": "代办员不存在"},
        }

    def clean_total_investment(self):
        value = self.cleaned_data["total_investment"]
        if value is not None and value <= 0:
            raise forms.ValidationError("应大于0")
        return value

    def clean_industry_code(self):
        code = self.cleaned_data["industry_code"].strip()
        if not (code.isdigit() and 2 <= len(code) <= 4):
            raise forms.ValidationError("应为2至4位数字（GB/T 4754-2017）")
        return code


class MilestoneDoneForm(Form):
    done_on = forms.DateField(
        label="实际日期", error_messages={**REQUIRED, "invalid": "日期格式应为 2026-01-31"}
    )
    certificate_no = forms.CharField(label="证书编号", max_length=100, required=False)
    scan = forms.FileField(label="扫描件", required=False)
