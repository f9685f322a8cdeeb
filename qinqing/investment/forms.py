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


class MatterForm(Form):
    title = forms.CharField(label="代办事项", max_length=200, error_messages=REQUIRED)
    department = forms.ModelChoiceField(
        label="审批部门",
        queryset=None,
        error_messages={"required": "必填", "invalid_choice": "部门不存在"},
    )
    legal_days = forms.IntegerField(
        label="法定时限（工作日）", min_value=1, max_value=120, error_messages=REQUIRED
    )
    materials = forms.CharField(
        label="材料清单",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一项",
    )
    milestone = forms.ModelChoiceField(label="对应节点", queryset=None, required=False)

    def __init__(self, *args, project, **kwargs):
        from qinqing.core.models import Department

        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("region__code", "name")
        self.fields["milestone"].queryset = project.milestones.order_by("sequence")
        self.fields["milestone"].label_from_instance = lambda m: m.get_kind_display()

    def clean_materials(self):
        return [
            line.strip() for line in self.cleaned_data["materials"].splitlines() if line.strip()
        ]


class ProblemForm(Form):
    title = forms.CharField(label="问题", max_length=200, error_messages=REQUIRED)
    description = forms.CharField(
        label="详细情况", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    visit = forms.ModelChoiceField(label="走访记录", queryset=None, required=False)

    def __init__(self, *args, visits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit"].queryset = visits


class TaskForm(Form):
    title = forms.CharField(label="任务", max_length=200, error_messages=REQUIRED)
    goals = forms.CharField(
        label="目标", widget=forms.Textarea(attrs={"rows": 3}), error_messages=REQUIRED
    )
    deadline = forms.DateField(
        label="完成期限",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={**REQUIRED, "invalid": "日期格式应为 2026-01-31"},
    )
    project = forms.ModelChoiceField(label="所保障项目", queryset=None, required=False)
    leader = forms.ModelChoiceField(
        label="验收领导",
        queryset=None,
        error_messages={"required": "必填", "invalid_choice": "账号不存在"},
    )
    sub_goals = forms.CharField(
        label="分解目标",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一项：日期 目标，如 2026-12-01 完成丈量登记",
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = access.visible(Project, actor)
        self.fields["leader"].queryset = User.objects.filter(
            role__in=[Role.LEADER, Role.STAFF], is_active=True
        ).order_by("role", "username")

    def clean_sub_goals(self):
        import datetime

        goals = []
        for number, line in enumerate(self.cleaned_data["sub_goals"].splitlines(), start=1):
            if not line.strip():
                continue
            day, _, title = line.strip().partition(" ")
            try:
                due = datetime.date.fromisoformat(day)
            except ValueError:
                raise forms.ValidationError(f"第{number}行：日期格式应为 2026-01-31") from None
            if not title.strip():
                raise forms.ValidationError(f"第{number}行：缺少目标")
            goals.append((title.strip(), due))
        return goals


DATE = {**REQUIRED, "invalid": "日期格式应为 2026-01-31"}


class PlanForm(Form):
    """The planned date of each of a project's milestones, one field per milestone."""

    def __init__(self, *args, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestones = list(milestones)
        for m in self.milestones:
            self.fields[m.kind] = forms.DateField(
                label=f"{m.get_kind_display()} 计划日期",
                required=False,
                initial=m.planned_on,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                error_messages=DATE,
                help_text=f"已完成：{m.done_on:%Y-%m-%d}" if m.done_on else "",
            )

    def clean(self):
        cleaned = super().clean()
        # A milestone is not planned before one it waits for.
        for m in self.milestones:
            day = cleaned.get(m.kind)
            if day is None:
                continue
            for needed in m.depends_on.all():
                before = cleaned.get(needed.kind)
                if before is not None and day < before:
                    self.add_error(
                        m.kind, f"不能早于前置节点“{needed.get_kind_display()}”的计划日期"
                    )
        return cleaned

    def changes(self) -> list:
        """(milestone, planned date) of each milestone whose planned date changed."""
        return [
            (m, self.cleaned_data[m.kind])
            for m in self.milestones
            if self.cleaned_data.get(m.kind) != m.planned_on
        ]


class ParcelForm(Form):
    name = forms.CharField(label="地块名称", max_length=200, error_messages=REQUIRED)
    area_mu = forms.DecimalField(
        label="面积（亩）",
        max_digits=10,
        decimal_places=2,
        error_messages={**REQUIRED, "invalid": "应为数字", "max_digits": "数字过大"},
    )
    delisted_on = forms.DateField(
        label="摘牌（出让）日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=DATE,
    )
    price = forms.DecimalField(
        label="成交价（万元）",
        max_digits=12,
        decimal_places=2,
        error_messages={**REQUIRED, "invalid": "应为数字", "max_digits": "数字过大"},
    )

    def clean_area_mu(self):
        value = self.cleaned_data["area_mu"]
        if value <= 0:
            raise forms.ValidationError("应大于0")
        return value

    def clean_price(self):
        value = self.cleaned_data["price"]
        if value < 0:
            raise forms.ValidationError("不能为负数")
        return value


def _cadres():
    return User.objects.filter(role__in=[Role.STAFF, Role.LEADER], is_active=True).order_by(
        "role", "username"
    )


class TeamForm(Form):
    name = forms.CharField(label="小组名称", max_length=100, error_messages=REQUIRED)
    town = RegionChoiceField(label="所在乡镇")
    leader = forms.ModelChoiceField(
        label="组长",
        queryset=None,
        error_messages={"required": "必填", "invalid_choice": "账号不存在"},
    )
    members = forms.ModelMultipleChoiceField(
        label="组员",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="组长自动计入组员",
        error_messages={"invalid_choice": "账号不存在", "invalid_pk_value": "账号不存在"},
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        limit_region_fields(self, actor)
        for name in ("leader", "members"):
            self.fields[name].queryset = _cadres()
            self.fields[name].label_from_instance = lambda u: u.display_name
