"""A list's filters, defined once for its page, its export and its API endpoint.

A filter is a form over the query parameters: it parses them with Chinese messages
naming the parameter and the problem, and filters the rows the user may see. The
page, the .xlsx export and the API call the same ``rows()``, so they list the same
records under the same parameters; a bad value raises ``InvalidInput`` (the page
shows the message, the API answers 422), never a 500.
"""

from collections.abc import Mapping

from django import forms
from django.db.models import QuerySet

from qinqing.core.forms import Form
from qinqing.core.services import InvalidInput

TRUE = {"1", "true", "on", "yes", "是"}
FALSE = {"", "0", "false", "off", "no", "否"}


class FlagField(forms.Field):
    """A yes/no filter: ``1``/``true``/``on`` or ``0``/``false``, absent meaning no."""

    def to_python(self, value):
        text = str(value or "").strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise forms.ValidationError("应为 1（是）或 0（否）", code="invalid")


class IdField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault(
            "error_messages", {"invalid": "应为数字编号", "min_value": "应为数字编号"}
        )
        super().__init__(**kwargs)


def choice(label: str, choices, **kwargs) -> forms.ChoiceField:
    """A filter by one of ``choices``; empty means all."""
    allowed = [("", "全部"), *choices]
    names = "、".join(str(value) for value, _ in choices)
    return forms.ChoiceField(
        label=label,
        choices=allowed,
        required=False,
        error_messages={"invalid_choice": f"应为 {names} 之一"},
        **kwargs,
    )


class ListFilter(Form):
    """Subclasses declare fields, ``base(actor)`` (the visible rows, ordered) and
    ``apply(rows, data)``."""

    def __init__(self, params: Mapping, *, actor, **kwargs):
        super().__init__(params, **kwargs)
        self.actor = actor

    def base(self, actor) -> QuerySet:
        raise NotImplementedError

    def apply(self, rows: QuerySet, data: dict) -> QuerySet:
        raise NotImplementedError

    def rows(self) -> QuerySet:
        if not self.is_valid():
            raise InvalidInput.from_form(self)
        return self.apply(self.base(self.actor), self.cleaned_data)


# --- core's own lists: the same parameters on the page, in the export and in the API ---

WITH_REGION_NAMES = "region__parent__parent__parent"


class RegionCodeField(forms.CharField):
    """A region code (县 6 digits, 乡镇 9): the region and everything below it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault(
            "error_messages", {"max_length": "应为区划代码", "invalid": "应为区划代码（数字）"}
        )
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not value.isdigit():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


def _within(code: str):
    from django.db.models import Q

    from qinqing.core.models import Region

    region = Region.objects.filter(code=code).first()
    return Q(region__code__startswith=region.prefix if region else code)


class EnterpriseListFilter(ListFilter):
    q = forms.CharField(label="搜索", required=False, max_length=100)
    region = RegionCodeField(label="区划代码")
    scale = choice("规模", [("above", "规上企业"), ("below", "规下企业")])

    def base(self, actor):
        from qinqing.core import access
        from qinqing.core.models import Enterprise

        return access.visible(Enterprise, actor).select_related(WITH_REGION_NAMES)

    def apply(self, rows, data):
        from django.db.models import Q

        from qinqing.core import validators

        query = data["q"].strip()
        if query:
            code = validators.normalise(query).upper()
            rows = rows.filter(Q(name__icontains=query) | Q(credit_code__icontains=code))
        if data["region"]:
            rows = rows.filter(_within(data["region"]))
        if data["scale"]:
            rows = rows.filter(above_scale=data["scale"] == "above")
        return rows


class PersonListFilter(ListFilter):
    """By name and region; full numbers are searched by POST, never in a URL."""

    q = forms.CharField(label="姓名", required=False, max_length=50)
    region = RegionCodeField(label="区划代码")

    def base(self, actor):
        from qinqing.core import access
        from qinqing.core.models import Person

        return access.visible(Person, actor).select_related(WITH_REGION_NAMES)

    def apply(self, rows, data):
        if data["q"].strip():
            rows = rows.filter(name__icontains=data["q"].strip())
        if data["region"]:
            rows = rows.filter(_within(data["region"]))
        return rows
