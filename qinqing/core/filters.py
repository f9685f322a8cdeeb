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
