"""亩均效益 grading on hand-computed examples."""

from decimal import Decimal

import numpy as np
import pytest

from qinqing.enterprise import grading
from qinqing.enterprise.models import GradeResult, GradingScheme, IndicatorYear
from qinqing.enterprise.services import do_grade_year


def group(**columns):
    return {name: np.array(values, dtype=float) for name, values in columns.items()}


BELOW = {"tax_per_mu": {"weight": 50}, "tax_per_electricity": {"weight": 50}}
SCHEME = {
    "benchmarks": {},
    "grading": {"method": "score", "cutoffs": {"A": 120, "B": 90, "C": 60}},
    "low_efficiency_tax_per_mu": 8,
}


def test_below_scale_scores_are_value_over_county_figure_times_weight():
    # County: tax 60 on 6 亩 → 10 万元/亩; tax 60 on 30 万kWh → 2 万元/万kWh.
    columns = group(tax=[40, 20], land_area_mu=[2, 4], electricity_kwh=[10, 20])
    graded = grading.grade_group(columns, np.array([1, 2]), np.array(["a", "b"]), BELOW, SCHEME)

    # A: 20/10×50 + 4/2×50 = 200; B: 5/10×50 + 1/2×50 = 50.
    assert graded.scores.tolist() == [200.0, 50.0]
    assert graded.grades.tolist() == ["A", "D"]
    assert graded.tax_per_mu.tolist() == [20.0, 5.0]
    assert graded.low_efficiency.tolist() == [False, True]
    explained = graded.details[1]["tax_per_mu"]
    assert explained == {
        "label": "亩均税收",
        "unit": "万元/亩",
        "value": 5.0,
        "benchmark": 10.0,
        "weight": 50.0,
        "points": 25.0,
        "averaged": False,
    }


def test_a_cap_and_a_fixed_benchmark_limit_the_points():
    rules = {
        "tax_per_mu": {"weight": 50, "cap": 1.5, "floor": 0},
        "tax_per_electricity": {"weight": 50},
    }
    scheme = {**SCHEME, "benchmarks": {"tax_per_mu": 8}}
    columns = group(tax=[40], land_area_mu=[2], electricity_kwh=[20])
    graded = grading.grade_group(columns, np.array([1]), np.array(["a"]), rules, scheme)

    # 20/8 = 2.5 capped at 1.5 → 75 points; electricity 2/2 → 50.
    assert graded.details[0]["tax_per_mu"]["points"] == 75.0
    assert graded.scores.tolist() == [125.0]


def test_missing_emission_data_gets_the_average_points_of_that_item():
    rules = {"value_added_per_emission": {"weight": 10}}
    columns = group(
        value_added=[100, 300, 500],
        emissions=[10, 10, np.nan],
        tax=[1, 1, 1],
        land_area_mu=[1, 1, 1],
    )
    graded = grading.grade_group(
        columns, np.array([1, 2, 3]), np.array(["a", "b", "c"]), rules, SCHEME
    )

    # Benchmark 400/20 = 20: A 10/20×10 = 5, B 30/20×10 = 15; C gets their average, 10.
    assert graded.scores.tolist() == [5.0, 15.0, 10.0]
    assert graded.details[2]["value_added_per_emission"]["averaged"] is True


def test_percentile_grades_break_ties_by_credit_code():
    rule = {"method": "percentile", "cutoffs": {"A": 25, "B": 25, "C": 25}}
    grades = grading._grades(
        np.array([90.0, 90.0, 50.0, 10.0]), np.array(["913", "912", "911", "910"]), rule
    )
    assert grades.tolist() == ["B", "A", "C", "D"]


@pytest.fixture
def indicators(enterprise, other_enterprise):
    common = {"year": 2025, "above_scale": False}
    IndicatorYear.objects.create(
        enterprise=enterprise, land_area_mu=Decimal("2"), tax=40, electricity_kwh=10, **common
    )
    IndicatorYear.objects.create(
        enterprise=other_enterprise, land_area_mu=Decimal("4"), tax=20, electricity_kwh=20, **common
    )


def test_grading_a_year_stores_explained_results_and_the_same_inputs_give_the_same_grades(
    indicators, users, enterprise, other_enterprise
):
    assert do_grade_year(users["admin"], 2025) == 2
    first = {g.enterprise_id: (g.score, g.grade) for g in GradeResult.objects.all()}
    assert first == {
        enterprise.pk: (Decimal("200.00"), "A"),
        other_enterprise.pk: (Decimal("50.00"), "D"),
    }

    do_grade_year(users["admin"], 2025)
    again = {g.enterprise_id: (g.score, g.grade) for g in GradeResult.objects.all()}
    assert again == first
    assert GradeResult.objects.count() == 2
    low = GradeResult.objects.get(enterprise=other_enterprise)
    assert low.low_efficiency and low.tax_per_mu == Decimal("5.00")
    assert GradingScheme.objects.count() == 1


def test_the_default_scheme_is_valid_and_a_broken_one_is_explained():
    assert grading.check_scheme(grading.DEFAULT_SCHEME) == []
    broken = {
        **grading.DEFAULT_SCHEME,
        "grading": {"method": "votes"},
        "below_scale": {"tax_per_acre": {"weight": 50}},
    }
    assert grading.check_scheme(broken) == [
        "规下：未知指标“tax_per_acre”",
        "grading.method 应为 score 或 percentile",
    ]
