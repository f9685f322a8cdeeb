"""Talent center forms: pages and the API validate through the same ones."""

import re

from django import forms

from qinqing.core.forms import REQUIRED, Form, ModelForm, RegionChoiceField
from qinqing.talent.matching.taxonomy import INDUSTRY_CHOICES, OCCUPATION_CHOICES
from qinqing.talent.models import (
    EDUCATION_CHOICES,
    ApplicationStatus,
    FeedbackKind,
    Posting,
    PushMode,
    SeekerProfile,
    TalentEvent,
)

SEPARATORS = re.compile(r"[、,，;；/\n]+")


class ListField(forms.CharField):
    """A list typed as text, items separated by 、 (or commas); a JSON list is accepted too."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "、".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            items = [str(item) for item in value]
        else:
            items = SEPARATORS.split(super().to_python(value) or "")
        cleaned = []
        for item in items:
            item = item.strip()
            if item and item not in cleaned:
                cleaned.append(item[:50])
        return cleaned[:30]


POSITIVE = {"invalid": "应为整数", "min_value": "不能为负数", "max_value": "数值过大"}


class PostingForm(ModelForm):
    """A draft: everything optional here; completeness is checked on 提交审核."""

    location = RegionChoiceField(label="工作地点", required=False)
    occupation = forms.ChoiceField(
        label="职业类别（职业分类大典中类）",
        choices=[("", ""), *OCCUPATION_CHOICES],
        required=False,
        error_messages={"invalid_choice": "职业类别应为职业分类大典（2022）的中类代码，如 2-02"},
    )
    industry = forms.ChoiceField(
        label="行业（GB/T 4754 大类）",
        choices=[("", ""), *INDUSTRY_CHOICES],
        required=False,
        error_messages={"invalid_choice": "行业应为 GB/T 4754 的大类代码，如 39"},
    )
    majors = ListField(label="专业要求", required=False, help_text="多个专业用“、”分隔")
    skills = ListField(label="技能标签", required=False, help_text="多个技能用“、”分隔")
    headcount = forms.IntegerField(
        label="招聘人数", required=False, min_value=0, max_value=100000, error_messages=POSITIVE
    )
    experience_years_min = forms.IntegerField(
        label="工作年限要求（年）",
        required=False,
        min_value=0,
        max_value=50,
        error_messages=POSITIVE,
    )
    salary_min = forms.IntegerField(
        label="月薪下限（元）",
        required=False,
        min_value=0,
        max_value=1000000,
        error_messages=POSITIVE,
    )
    salary_max = forms.IntegerField(
        label="月薪上限（元）",
        required=False,
        min_value=0,
        max_value=1000000,
        error_messages=POSITIVE,
    )

    class Meta:
        model = Posting
        fields = [
            "title",
            "duties",
            "headcount",
            "education_min",
            "majors",
            "skills",
            "skills_text",
            "experience_years_min",
            "occupation",
            "industry",
            "location",
            "salary_min",
            "salary_max",
            "valid_from",
            "valid_until",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
            "duties": forms.Textarea(attrs={"rows": 5}),
            "skills_text": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "valid_from": {"invalid": "日期格式应为 2026-01-31"},
            "valid_until": {"invalid": "日期格式应为 2026-01-31"},
            "education_min": {
                "invalid_choice": "学历应为 初中、高中/中专、大专、本科、硕士、博士 之一"
            },
        }

    def clean(self):
        data = super().clean()
        low, high = data.get("salary_min"), data.get("salary_max")
        if low is not None and high is not None and high < low:
            self.add_error("salary_max", "月薪上限不能低于下限")
        return data


class ProfileForm(ModelForm):
    skills = ListField(label="技能", required=False, help_text="多个技能用“、”分隔")
    desired_occupations = ListField(label="期望职业", required=False)
    graduation_year = forms.IntegerField(
        label="毕业年份",
        required=False,
        min_value=1950,
        max_value=2100,
        error_messages={"invalid": "应为年份", "min_value": "年份有误", "max_value": "年份有误"},
    )
    experience_years = forms.IntegerField(
        label="工作年限（年）", required=False, min_value=0, max_value=60, error_messages=POSITIVE
    )
    expected_salary = forms.IntegerField(
        label="期望月薪（元）",
        required=False,
        min_value=0,
        max_value=1000000,
        error_messages=POSITIVE,
    )

    class Meta:
        model = SeekerProfile
        fields = [
            "education",
            "school",
            "major",
            "graduation_year",
            "skills",
            "experience_years",
            "expected_salary",
            "desired_occupations",
            "desired_locations",
            "resume",
            "needs_lodging",
            "overseas_returnee",
        ]
        widgets = {"resume": forms.Textarea(attrs={"rows": 5})}

    def clean_experience_years(self):
        return self.cleaned_data.get("experience_years") or 0


class PushSettingsForm(Form):
    consent = forms.BooleanField(label="同意接收岗位推送（每天最多一条）", required=False)
    mode = forms.ChoiceField(
        label="推送方式", choices=PushMode.choices, initial=PushMode.PERSONALISED
    )
    quiet_start = forms.TimeField(
        label="免打扰开始", initial="21:00", error_messages={"invalid": "时间格式应为 21:00"}
    )
    quiet_end = forms.TimeField(
        label="免打扰结束", initial="08:00", error_messages={"invalid": "时间格式应为 08:00"}
    )
    filter_occupation = forms.CharField(label="职业类别", required=False, max_length=100)
    filter_location = RegionChoiceField(label="工作地点", required=False)
    filter_salary_min = forms.IntegerField(
        label="月薪不低于（元）",
        required=False,
        min_value=0,
        max_value=1000000,
        error_messages=POSITIVE,
    )


class ReviewForm(Form):
    decision = forms.ChoiceField(
        label="审核结论",
        choices=[("approve", "审核通过"), ("refuse", "退回修改")],
        error_messages=REQUIRED,
    )
    reason = forms.CharField(label="理由", required=False, max_length=500)


class MoveApplicationForm(Form):
    status = forms.ChoiceField(
        label="下一步",
        choices=[c for c in ApplicationStatus.choices if c[0] != ApplicationStatus.APPLIED],
        error_messages={"required": "必填", "invalid_choice": "状态有误"},
    )
    note = forms.CharField(label="说明", required=False, max_length=200)


class FeedbackForm(Form):
    kind = forms.ChoiceField(
        label="反馈",
        choices=FeedbackKind.choices,
        error_messages={"required": "必填", "invalid_choice": "反馈有误"},
    )


class StayForm(Form):
    start = forms.DateField(
        label="入住日期", error_messages={"required": "必填", "invalid": "日期格式应为 2026-01-31"}
    )
    end = forms.DateField(
        label="离开日期", error_messages={"required": "必填", "invalid": "日期格式应为 2026-01-31"}
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", "离开日期应晚于入住日期")
        elif data.get("start") and data.get("end") and (data["end"] - data["start"]).days > 30:
            self.add_error("end", "临时住宿最长30晚")
        return data


class ApartmentApplicationForm(Form):
    employee_name = forms.CharField(label="员工姓名", max_length=50, error_messages=REQUIRED)
    employee_id_number = forms.CharField(
        label="员工身份证号", max_length=18, error_messages=REQUIRED
    )
    education = forms.ChoiceField(label="学历", choices=EDUCATION_CHOICES, error_messages=REQUIRED)
    owns_local_home = forms.BooleanField(label="本地有自有住房", required=False)


class TalentEventForm(ModelForm):
    class Meta:
        model = TalentEvent
        fields = ["title", "kind", "starts_at", "venue", "capacity"]
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}
        error_messages = {"title": REQUIRED, "venue": REQUIRED, "capacity": REQUIRED}
