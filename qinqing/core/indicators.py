"""Figures a module declares for the cockpit, computed from the records for one viewer.

A service module declares each of its figures once, in its own ``indicators.py``,
with ``register_figure(Figure(...))``: a label, a unit, the definition in
Chinese shown beside the number, how to compute it and which records lie behind
it. The cockpit collects them; nothing is typed in.

Both callables receive a ``Scope``: the viewer, the period and an optional
region. ``scope.visible(Model)`` is the viewer's restricted queryset
(``access.restrict``), so a figure never counts what its reader may not see,
and ``scope.in_period``/``scope.in_region`` are the one way to narrow by date
and by region. Figures computed from cases (响应率, 按时办结率 …) stay in
``qinqing.cases.kpis``; this registry is for everything else.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Model, QuerySet
from django.utils import timezone

from qinqing.core import access
from qinqing.core.models import Region, User

Number = int | float | Decimal


@dataclass(frozen=True)
class Scope:
    """Whose figures, over which days (both ends included) and where."""

    user: User
    start: datetime.date | None = None
    end: datetime.date | None = None
    region: Region | None = None
    now: datetime.datetime = field(default_factory=timezone.now)
    _shared: dict = field(default_factory=dict, compare=False, repr=False)

    def once(self, key: str, compute: Callable[[], object]):
        """What several figures read from one query, computed once for this scope.

        The three 优待金 rates come from one aggregate; each asks for it by the same
        key and the page pays for it once.
        """
        if key not in self._shared:
            self._shared[key] = compute()
        return self._shared[key]

    def visible(self, model: type[Model]) -> QuerySet:
        return access.visible(model, self.user)

    def in_period(self, queryset: QuerySet, path: str) -> QuerySet:
        """Rows whose date or datetime at ``path`` falls within the period."""
        if self.start:
            queryset = queryset.filter(**{f"{path}__gte": self._bound(queryset, path, self.start)})
        if self.end:
            end = self.end + datetime.timedelta(days=1)
            queryset = queryset.filter(**{f"{path}__lt": self._bound(queryset, path, end)})
        return queryset

    def in_region(self, queryset: QuerySet, path: str) -> QuerySet:
        """Rows whose region at ``path`` is the scope's region or lies within it."""
        if self.region is None:
            return queryset
        return queryset.filter(**{f"{path}__code__startswith": self.region.prefix})

    @staticmethod
    def _bound(queryset: QuerySet, path: str, day: datetime.date):
        target = _field_at(queryset.model, path)
        if target.get_internal_type() == "DateTimeField":
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        return day


def _field_at(model: type[Model], path: str):
    *hops, name = path.split("__")
    for hop in hops:
        model = model._meta.get_field(hop).related_model
    return model._meta.get_field(name)


@dataclass(frozen=True)
class Figure:
    """One number on a cockpit. ``code`` is ``"<module>.<name>"``."""

    code: str
    label: str
    unit: str
    definition: str
    value: Callable[[Scope], Number | None] | None = None
    rows: Callable[[Scope], QuerySet] | None = None
    good: str = "up"  # or "down", or "" when neither way is better
    target: Number | None = None
    headline: bool = False  # also on the county leader's cockpit
    # The drill-down list: (column label, attribute path such as "case.number")
    # and the link from a row to its record.
    columns: tuple[tuple[str, str], ...] = ()
    row_url: Callable[[Model], str] | None = None
    # A rate declares its numerator and denominator instead of ``value``; the
    # cockpit shows both beside the percentage (“87 / 87”).
    parts: Callable[[Scope], tuple[Number, Number]] | None = None

    @property
    def module(self) -> str:
        return self.code.split(".", 1)[0]

    def below_target(self, value: Number | None) -> bool:
        if self.target is None or value is None:
            return False
        return value < self.target if self.good == "up" else value > self.target


FIGURES: dict[str, Figure] = {}


def register_figure(figure: Figure) -> Figure:
    if "." not in figure.code:
        raise ValueError(f"指标代码应为“模块.名称”：{figure.code}")
    if (figure.value is None) == (figure.parts is None):
        raise ValueError(f"{figure.code}: 应给出 value 或 parts 之一")
    if figure.good not in {"up", "down", ""}:
        raise ValueError(f"{figure.code}: good 应为 up、down 或空")
    known = FIGURES.get(figure.code)
    if known is not None and known is not figure and known.definition != figure.definition:
        raise ValueError(f"指标 {figure.code} 已以不同口径登记")
    FIGURES[figure.code] = figure
    return figure


def figures(module: str | None = None) -> list[Figure]:
    return [f for f in FIGURES.values() if module is None or f.module == module]


@dataclass(frozen=True)
class Reading:
    figure: Figure
    value: Number | None
    computed_at: datetime.datetime
    numerator: Number | None = None  # a rate's parts; None for any other figure
    denominator: Number | None = None

    @property
    def below_target(self) -> bool:
        return self.figure.below_target(self.value)


def read(figure: Figure, scope: Scope) -> Reading:
    """The figure's value for this scope, stamped with when it was computed."""
    if figure.parts is not None:
        numerator, denominator = figure.parts(scope)
        return Reading(figure, rate(numerator, denominator), timezone.now(), numerator, denominator)
    return Reading(figure, figure.value(scope), timezone.now())


def shown(value: Number | None) -> str:
    """A figure as people read it: thousands separated, at most two decimals, “—” for none."""
    if value is None:
        return "—"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    number = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def rate(numerator: Number, denominator: Number) -> Decimal | None:
    """A percentage to one decimal place; None (shown as “—”) when nothing is due."""
    if not denominator:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
