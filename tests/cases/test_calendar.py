"""Deadlines in working time, across the 2026 Spring Festival and its 调休 days."""

import datetime

import pytest

from qinqing.cases import calendar
from tests.cases.conftest import at

# The administrators' holiday table comes first, so every lookup reads the database.
pytestmark = pytest.mark.django_db


def test_the_spring_festival_holiday_is_not_a_working_day():
    assert not calendar.is_working_day(datetime.date(2026, 2, 17))  # 正月初一


def test_the_saturdays_worked_for_the_festival_are_working_days():
    assert calendar.is_working_day(datetime.date(2026, 2, 14))
    assert calendar.is_working_day(datetime.date(2026, 2, 28))


def test_five_working_days_from_before_the_festival_skip_the_holiday_and_count_the_调休_saturday():
    # Fri 13 Feb → Sat 14 (调休), then 24, 25, 26, 27 Feb.
    assert calendar.add_working_days(at("2026-02-13 10:00"), 5) == at("2026-02-27 17:30")


def test_two_working_hours_late_on_a_friday_end_on_the_调休_saturday_morning():
    assert calendar.add_working_hours(at("2026-02-13 16:30"), 2) == at("2026-02-14 09:30")


def test_working_hours_skip_the_lunch_break():
    assert calendar.add_working_hours(at("2026-03-03 11:00"), 2) == at("2026-03-03 14:30")


def test_working_hours_started_at_night_begin_next_morning():
    assert calendar.add_working_hours(at("2026-03-03 22:00"), 1) == at("2026-03-04 09:30")


def test_a_year_without_published_holidays_still_rests_on_new_years_day():
    # chinese-calendar has no data for 2027: 元旦 (Fri 1 Jan) is still no working day.
    assert calendar.add_working_days(at("2026-12-31 09:00"), 1) == at("2027-01-04 17:30")
