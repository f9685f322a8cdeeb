"""Figures modules declare for the cockpit: computed from records, within the viewer's scope."""

import datetime

import pytest
from django.utils import timezone

from qinqing.core.indicators import FIGURES, Figure, Scope, rate, read, register_figure
from qinqing.core.models import Visit


def at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T10:00"))


@pytest.fixture
def visits(users, enterprise, other_enterprise, regions):
    # The 百步镇 visit is someone else's: staff1 also sees the visits they made.
    for day, firm in [
        ("2026-10-31", enterprise),
        ("2026-11-01", enterprise),
        ("2026-11-30", enterprise),
        ("2026-11-15", other_enterprise),
    ]:
        Visit.objects.create(
            visited_at=at(day),
            visitor=users["staff"] if firm == enterprise else users["admin"],
            enterprise=firm,
            region=firm.region,
            notes="走访",
        )


@pytest.fixture
def visits_figure():
    def rows(scope):
        return scope.in_region(scope.in_period(scope.visible(Visit), "visited_at"), "region")

    figure = Figure(
        code="testing.visits",
        label="走访次数",
        unit="次",
        definition="期间内记录的走访次数",
        value=lambda scope: rows(scope).count(),
        rows=rows,
    )
    register_figure(figure)
    yield figure
    FIGURES.pop(figure.code)


def test_a_figure_counts_only_what_its_reader_may_see(visits, visits_figure, users):
    # staff1 works in 婺城区; the 百步镇 visit is outside it, the leader sees the county.
    assert read(visits_figure, Scope(users["staff"])).value == 3
    assert read(visits_figure, Scope(users["leader"])).value == 4
    assert read(visits_figure, Scope(users["resident"])).value == 0


def test_the_period_includes_both_of_its_days(visits, visits_figure, users):
    november = Scope(
        users["leader"], start=datetime.date(2026, 11, 1), end=datetime.date(2026, 11, 30)
    )
    assert read(visits_figure, november).value == 3


def test_a_region_narrows_the_figure_to_the_places_within_it(visits, visits_figure, users, regions):
    assert read(visits_figure, Scope(users["leader"], region=regions["baibu"])).value == 1
    assert read(visits_figure, Scope(users["leader"], region=regions["wucheng"])).value == 3


def test_a_reading_is_stamped_with_when_it_was_computed(visits, visits_figure, users):
    before = timezone.now()
    reading = read(visits_figure, Scope(users["leader"]))
    assert before <= reading.computed_at <= timezone.now()


def test_a_code_registered_twice_with_another_definition_is_refused(visits_figure):
    with pytest.raises(ValueError, match="不同口径"):
        register_figure(
            Figure("testing.visits", "走访次数", "次", "另一种口径", value=lambda scope: 0)
        )


def test_a_rate_is_a_percentage_to_one_decimal_and_empty_when_nothing_is_due():
    assert str(rate(2, 3)) == "66.7"
    assert str(rate(3, 3)) == "100.0"
    assert rate(0, 0) is None


def test_a_figure_is_below_target_in_its_own_good_direction():
    up = Figure("t.up", "满意率", "%", "…", value=lambda s: 0, target=99)
    down = Figure("t.down", "超期件数", "件", "…", value=lambda s: 0, good="down", target=0)
    assert up.below_target(98.5) and not up.below_target(99.2)
    assert down.below_target(1) and not down.below_target(0)
    assert not up.below_target(None)


def test_a_rate_declared_by_its_parts_reads_as_a_percentage_with_both_counts(users):
    figure = Figure("t.rate", "覆盖率", "%", "…", parts=lambda scope: (86, 87), target=100)
    reading = read(figure, Scope(users["leader"]))
    assert (reading.numerator, reading.denominator) == (86, 87)
    assert str(reading.value) == "98.9" and reading.below_target


def test_a_figure_gives_either_a_value_or_parts_not_both_nor_neither():
    for wrong in (
        Figure("t.none", "空", "个", "…"),
        Figure("t.both", "两者", "%", "…", value=lambda s: 1, parts=lambda s: (1, 1)),
    ):
        with pytest.raises(ValueError, match="value 或 parts"):
            register_figure(wrong)
