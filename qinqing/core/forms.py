"""Forms: the one place input is validated, for pages, the API and imports alike.

Error messages are in Chinese and name the field (``label``) and the problem.
"""

from decimal import Decimal

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

from qinqing.core import validators
from qinqing.core.models import Enterprise, Person, Region, Visit
from qinqing.core.models.directory import RegionLevel

REQUIRED = {"required": "必填"}
PLEASE_CHOOSE = "请选择"


class PleaseChoose:
    """Drop-downs offer "请选择" where Django offers "---------".

    Every form of the project derives from ``Form`` or ``ModelForm`` below (a
    test checks it), so a new module gets this without thinking about it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                if field.empty_label is not None:
                    field.empty_label = PLEASE_CHOOSE
            elif isinstance(field, forms.ChoiceField) and not isinstance(
                field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                field.choices = [
                    ("", PLEASE_CHOOSE) if value == "" and label == "---------" else (value, label)
                    for value, label in field.choices
                ]


class Form(PleaseChoose, forms.Form):
    pass


class ModelForm(PleaseChoose, forms.ModelForm):
    pass


class RegionChoiceField(forms.ModelChoiceField):
    """A county or town, chosen by code (API, import) or from a list (pages)."""

    def __init__(self, **kwargs):
        # Each label names the region's parents up to the province: fetch them with it.
        kwargs.setdefault(
            "queryset",
            Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWN]).select_related(
                "parent__parent__parent"
            ),
        )
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault(
            "error_messages",
            {
                "required": "必填",
                "invalid_choice": "区划代码不存在或不是县/乡镇级区划",
            },
        )
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.full_name}"

    def limit_to(self, actor) -> None:
        """Offer only the regions ``actor`` may file records in (``access.actable_regions``).

        A code that exists but lies outside them is refused as out of scope, with the
        message ``access.require_region`` gives, so a page and the API say the same.
        """
        from qinqing.core import access

        self.known = self.queryset
        self.queryset = self.queryset.filter(
            pk__in=access.actable_regions(actor).values("pk")
        ).select_related("parent__parent__parent")
        self.error_messages["out_of_scope"] = access.OUT_OF_SCOPE

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            known = getattr(self, "known", None)
            if known is not None and value not in self.empty_values:
                code = validators.normalise(str(value))
                if known.filter(code=code).exists():
                    raise ValidationError(
                        self.error_messages["out_of_scope"], code="out_of_scope"
                    ) from None
            raise

    def prepare_value(self, value):
        # A form built from a record holds the region's primary key; the choices use codes.
        if isinstance(value, int) and not isinstance(value, bool):
            return Region.objects.filter(pk=value).values_list("code", flat=True).first()
        return super().prepare_value(value)


def limit_region_fields(form, actor) -> None:
    """Every region picker of ``form``: only ``actor``'s regions, their own preselected."""
    from qinqing.core import access

    own = None
    for name, field in form.fields.items():
        if not isinstance(field, RegionChoiceField):
            continue
        field.limit_to(actor)
        if not form.is_bound and form.initial.get(name) is None:
            own = own or access.home_region(actor)
            if own is not None and field.queryset.filter(pk=own.pk).exists():
                form.initial[name] = own.code


class EnterpriseForm(ModelForm):
    region = RegionChoiceField(label="所属区划")
    # Wider than the stored code: a section letter ("C3011") is accepted and dropped.
    industry_code = forms.CharField(label="行业代码", max_length=10, error_messages=REQUIRED)
    land_area_mu = forms.DecimalField(
        label="用地面积（亩）",
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        error_messages={
            "invalid": "应为数字",
            "min_value": "不能为负数",
            "max_decimal_places": "最多两位小数",
        },
    )
    employees = forms.IntegerField(
        label="从业人数",
        required=False,
        min_value=0,
        error_messages={"invalid": "应为整数", "min_value": "不能为负数"},
    )

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "industry_code",
            "region",
            "land_area_mu",
            "employees",
            "above_scale",
            "address",
        ]
        error_messages = {
            "name": REQUIRED,
            "credit_code": {**REQUIRED, "unique": "该统一社会信用代码已登记"},
            "industry_code": REQUIRED,
        }

    def clean_credit_code(self):
        return validators.validate_uscc(self.cleaned_data["credit_code"])

    def clean_industry_code(self):
        return validators.validate_industry_code(self.cleaned_data["industry_code"])


class PersonForm(ModelForm):
    region = RegionChoiceField(label="所属区划")
    id_number = forms.CharField(label="身份证号", max_length=40, error_messages=REQUIRED)
    phone = forms.CharField(label="手机号", max_length=40, required=False)

    class Meta:
        model = Person
        fields = ["name", "id_number", "phone", "region"]
        error_messages = {"name": REQUIRED}

    def clean_id_number(self):
        number = validators.validate_id_number(self.cleaned_data["id_number"])
        from qinqing.core.crypto import lookup_hash

        clash = Person.objects.filter(id_number_hash=lookup_hash(number))
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError("该身份证号已登记", code="unique")
        return number

    def clean_phone(self):
        phone = self.cleaned_data.get("phone")
        return validators.validate_mobile(phone) if phone else ""


class VisitForm(ModelForm):
    class Meta:
        model = Visit
        fields = [
            "visited_at",
            "enterprise",
            "person",
            "companions",
            "notes",
            "follow_ups",
            "follow_up_due",
        ]
        error_messages = {
            "visited_at": {**REQUIRED, "invalid": "时间格式应为 2026-01-31 09:30"},
            "notes": REQUIRED,
        }
        widgets = {
            "visited_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "follow_up_due": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, enterprises=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the visitor may see can be chosen.
        if enterprises is not None:
            self.fields["enterprise"].queryset = enterprises
        if people is not None:
            self.fields["person"].queryset = people
        for name in ("enterprise", "person"):
            self.fields[name].error_messages["invalid_choice"] = "所选对象不存在或无权访问"

    def clean(self):
        cleaned = super().clean()
        enterprise, person = cleaned.get("enterprise"), cleaned.get("person")
        if "enterprise" in self.errors or "person" in self.errors:
            return cleaned
        if bool(enterprise) == bool(person):
            raise ValidationError("走访对象：请选择一家企业或一位人员（只能选一个）")
        return cleaned


class OwnPasswordChangeForm(PleaseChoose, PasswordChangeForm):
    """Django's password change (old password, new one twice, the password validators),
    refusing the current password as the new one: a temporary password must be replaced."""

    def clean_new_password2(self):
        password = self.cleaned_data.get("new_password2")
        # The hasher's own check: User.check_password may re-save an old hash.
        if password and check_password(password, self.user.password):
            raise ValidationError("新密码不能与当前密码相同", code="password_unchanged")
        return password


def form_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    """{field name: [messages]}; errors not tied to a field are under "__all__"."""
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


def describe_errors(form: forms.BaseForm) -> str:
    """One line per problem, each naming its field: 身份证号：校验位错误，应为 X."""
    lines = []
    for field, messages in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for message in messages:
            lines.append(f"{label}：{message}" if label else str(message))
    return "；".join(lines)
