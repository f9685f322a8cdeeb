"""Extra values a step takes (``FieldSpec``), validated with Chinese messages."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from qinqing.core.services import InvalidInput

TRUE = {True, "true", "True", "1", "on", "yes", "是"}
FALSE = {False, "false", "False", "0", "no", "否"}


def clean_values(specs: list[dict], data: dict) -> dict:
    """Validated values of the declared fields; refuses the whole step on any error."""
    values, errors, labels = {}, {}, {}
    for spec in specs:
        name, label = spec["name"], spec["label"]
        labels[name] = label
        raw = data.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if spec.get("required"):
                errors[name] = [f"请填写{label}" if spec["type"] != "boolean" else f"请选择{label}"]
            continue
        try:
            values[name] = _convert(spec, raw)
        except ValueError as exc:
            errors[name] = [str(exc)]
    if errors:
        raise InvalidInput(errors, labels)
    return values


def _convert(spec: dict, raw):
    kind = spec["type"]
    if kind == "boolean":
        if raw in TRUE:
            return True
        if raw in FALSE:
            return False
        raise ValueError("应为“是”或“否”")
    if kind == "integer":
        try:
            return int(str(raw).strip())
        except ValueError:
            raise ValueError("应为整数") from None
    if kind == "decimal":
        try:
            return str(Decimal(str(raw).strip()))
        except InvalidOperation:
            raise ValueError("应为数字") from None
    if kind == "date":
        value = raw if isinstance(raw, datetime.date) else parse_date(str(raw).strip())
        if value is None:
            raise ValueError("日期格式应为 2026-03-01")
        return value.isoformat()
    if kind == "datetime":
        value = raw
        if not isinstance(value, datetime.datetime):
            value = parse_datetime(str(raw).strip().replace(" ", "T"))
        if value is None:
            raise ValueError("时间格式应为 2026-03-01 17:30")
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value
    if kind == "choice":
        allowed = {str(code) for code, _ in spec["choices"]}
        if str(raw) not in allowed:
            shown = "、".join(label for _, label in spec["choices"])
            raise ValueError(f"应为 {shown} 之一")
        return str(raw)
    text = str(raw).strip()
    if len(text) > 2000:
        raise ValueError("不能超过2000字")
    return text


def for_event(values: dict) -> dict:
    """Values as JSON for the event's ``data``."""
    return {
        name: value.isoformat() if isinstance(value, datetime.datetime) else value
        for name, value in values.items()
    }
