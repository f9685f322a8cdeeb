"""KPIs on a hand-computed example of four cases."""

import pytest

from qinqing.cases.kpis import kpis
from qinqing.cases.models import Case
from qinqing.cases.services import do_open_case, do_transition
from tests.cases.conftest import at


@pytest.fixture
def four_cases(office, regions):
    def open_case(title):
        return do_open_case(
            office["requester"],
            case_type="general",
            title=title,
            region=regions["zhuma"],
            requester=office["requester"],
            now=at("2026-03-02 09:00"),
        )

    def run(case, steps):
        for actor, code, when, extra in steps:
            case = do_transition(office[actor], case, code, now=at(when), **extra)
        return case

    economy, land = {"department": office["economy"]}, {"department": office["land"]}
    reason = {"note": "理由"}
    # A: answered on time, closed on time, solved.
    run(
        open_case("A"),
        [
            ("dispatcher", "accept", "2026-03-02 10:00", {}),
            ("dispatcher", "dispatch", "2026-03-02 10:10", economy),
            ("economy_handler", "sign", "2026-03-02 11:00", {}),
            ("economy_handler", "start", "2026-03-02 11:00", {}),
            ("economy_handler", "reply", "2026-03-04 11:00", reason),
            ("requester", "satisfied", "2026-03-05 11:00", {"solved": True}),
        ],
    )
    # B: returned once, signed in time by the second department, answered in time,
    # reopened once (a new time limit), answered in time again, satisfied but not solved.
    run(
        open_case("B"),
        [
            ("dispatcher", "accept", "2026-03-04 10:00", {}),
            ("dispatcher", "dispatch", "2026-03-04 10:10", land),
            ("land_handler", "return", "2026-03-04 11:00", reason),
            ("dispatcher", "dispatch", "2026-03-04 14:00", economy),
            ("economy_handler", "sign", "2026-03-04 15:00", {}),
            ("economy_handler", "start", "2026-03-04 15:00", {}),
            ("economy_handler", "reply", "2026-03-10 15:00", reason),
            ("requester", "unsatisfied", "2026-03-11 15:00", {**reason, "solved": False}),
            ("economy_handler", "reply", "2026-03-19 15:00", reason),
            ("requester", "satisfied", "2026-03-20 15:00", {"solved": False}),
        ],
    )
    # C: refused, on time.  D: never answered.
    run(open_case("C"), [("dispatcher", "refuse", "2026-03-02 15:00", reason)])
    open_case("D")
    return Case.objects.all()


def test_the_county_totals(four_cases):
    [total] = kpis(four_cases, group_by="total", now=at("2026-03-25 09:00"))

    assert total.cases == 4
    # 响应 is the department's 签收: A and B signed in time, D never; C was refused at intake.
    assert total.response_rate == 66.7
    # 按时办结 is judged at 答复: A and B answered in time (B's 重办 got a new limit, 03-25),
    # D is past its deadline unanswered and counts as late.
    assert total.on_time_rate == 66.7
    assert total.solve_rate == 50.0  # B closed satisfied but not solved
    assert total.satisfaction_rate == 66.7  # 满意 A, B; 不满意 B once
    assert total.return_rate == 50.0  # B returned of A, B dispatched
    assert total.reopen_rate == 50.0  # B reopened of A, B surveyed
    assert total.overdue == 1  # D


def test_asking_for_some_indicators_computes_those_and_the_same_figures(four_cases):
    now = at("2026-03-25 09:00")
    [some] = kpis(four_cases, group_by="total", now=now, only=("overdue", "satisfaction_rate"))

    assert set(some.figures) == {"overdue", "satisfaction_rate"}
    assert (some.overdue, some.satisfaction_rate) == (1, 66.7)  # as in the county totals


def test_per_department_rows_follow_the_department_that_handled_the_case(four_cases, office):
    rows = {row.label: row for row in kpis(four_cases, now=at("2026-03-25 09:00"))}

    assert rows["区经商局"].cases == 2
    assert rows["区经商局"].satisfaction_rate == 66.7
    assert rows["（未派单）"].cases == 2
    assert rows["（未派单）"].overdue == 1


def test_a_period_counts_only_cases_registered_in_it(four_cases):
    [total] = kpis(
        four_cases, group_by="total", start=at("2026-04-01 00:00"), end=at("2026-05-01 00:00")
    )
    assert total.cases == 0
    assert total.response_rate is None


def test_the_total_added_up_from_department_rows_equals_the_county_total(four_cases):
    from qinqing.cases.kpis import total_of

    now = at("2026-03-25 09:00")
    [total] = kpis(four_cases, group_by="total", now=now)
    assert total_of(kpis(four_cases, now=now)) == total
