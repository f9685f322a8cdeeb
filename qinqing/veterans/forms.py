"""Input for veterans' services, validated once for pages, API and imports."""

from decimal import Decimal

from django import forms

from qinqing.core import validators
from qinqing.core.forms import Form
from qinqing.veterans.models import ClaimantKind

REQUIRED = {"required": "必填"}


class VisitForm(Form):
    """走访慰问 recorded on a phone, with an optional micro-wish collected during it."""

    record = forms.IntegerField(
        label="走访对象", error_messages={**REQUIRED, "invalid": "应为编号"}
    )
    visited_at = forms.DateTimeField(
        label="走访时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={**REQUIRED, "invalid": "时间格式应为 2026-01-31 09:30"},
    )
    people_reached = forms.IntegerField(
        label="走访人数",
        min_value=1,
        max_value=10000,
        initial=1,
        help_text="本次走访慰问到的人数（含家属）",
        error_messages={**REQUIRED, "min_value": "至少1人", "max_value": "人数过大"},
    )
    notes = forms.CharField(
        label="走访情况", widget=forms.Textarea(attrs={"rows": 3}), error_messages=REQUIRED
    )
    wish_title = forms.CharField(
        label="微心愿", required=False, max_length=100, help_text="如“助听器”；没有心愿不填"
    )
    wish_value = forms.DecimalField(
        label="估计价值（元）",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=9,
        decimal_places=2,
        error_messages={"invalid": "应为金额", "min_value": "应大于0"},
    )
    wish_story = forms.CharField(
        label="心愿墙说明", required=False, max_length=200, help_text="公开展示，不写姓名、住址"
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("wish_title") and cleaned.get("wish_value") is None:
            self.add_error("wish_value", "填写了微心愿时必填")
        return cleaned


class WishForm(Form):
    record = forms.IntegerField(
        label="优抚对象", error_messages={**REQUIRED, "invalid": "应为编号"}
    )
    title = forms.CharField(label="微心愿", max_length=100, error_messages=REQUIRED)
    value = forms.DecimalField(
        label="估计价值（元）",
        min_value=Decimal("0.01"),
        max_digits=9,
        decimal_places=2,
        error_messages={**REQUIRED, "invalid": "应为金额", "min_value": "应大于0"},
    )
    story = forms.CharField(label="心愿墙说明", required=False, max_length=200)


class ClaimantForm(Form):
    """认领方注册: an enterprise, a social group or an individual, by phone."""

    kind = forms.ChoiceField(label="类型", choices=ClaimantKind.choices, error_messages=REQUIRED)
    name = forms.CharField(label="名称", max_length=100, error_messages=REQUIRED)
    phone = forms.CharField(label="手机号", max_length=20, error_messages=REQUIRED)
    username = forms.RegexField(
        label="登录名",
        regex=r"^[A-Za-z0-9_.-]{3,30}$",
        error_messages={**REQUIRED, "invalid": "3至30位字母、数字或 _ . -"},
    )
    password = forms.CharField(
        label="密码",
        widget=forms.PasswordInput,
        min_length=10,
        error_messages={
            **REQUIRED,
            "min_length": "至少10位",
        },
    )

    def clean_phone(self):
        return validators.validate_mobile(self.cleaned_data["phone"])


class YearForm(Form):
    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={
            **REQUIRED,
            "invalid": "应为年份，如 2025",
            "min_value": "年份不正确",
            "max_value": "年份不正确",
        },
    )
