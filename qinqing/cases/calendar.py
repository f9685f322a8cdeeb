"""Working time in China: official holidays and adjusted working days (调休).

Which days are working days comes, for each year, from the first of:

1. the holiday table administrators enter from the State Council's notice
   (国务院办公厅关于X年部分节假日安排的通知; ``HolidayYear`` in force);
2. the ``chinese-calendar`` package, which carries the notices up to its release;
3. the statutory holidays of 《全国年节及纪念日放假办法》, computed: rest on
   weekends and on the holidays the law lists, with no 调休 (it cannot be known
   before the notice). Deadlines that touch such a year are *provisional*.

The package and the law never change at run time and are cached for good. The
table can change at any moment in any process, so each computation first reads
a one-row-per-year fingerprint of it (one small query) and reloads a year's
days (one query per year) only when the fingerprint moved.
"""

import datetime
import functools
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

import chinese_calendar
from django.db.models import Count, Max
from django.utils import timezone
from lunardate import LunarDate

Source = Literal["admin", "package", "computed"]

# Office hours: 上午 8:30–12:00，下午 13:30–17:30.
WORKING_PERIODS = (
    (datetime.time(8, 30), datetime.time(12, 0)),
    (datetime.time(13, 30), datetime.time(17, 30)),
)
END_OF_DAY = WORKING_PERIODS[-1][1]

# 《全国年节及纪念日放假办法》 as revised in 2024 applies from 2025; the 2013 text before that.
REVISION_2024_FROM = 2025


@dataclass(frozen=True)
class YearCalendar:
    year: int
    source: Source
    rest_days: frozenset[datetime.date] = field(default_factory=frozenset)
    working_days: frozenset[datetime.date] = field(default_factory=frozenset)

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.working_days:
            return True
        return day.weekday() < 5 and day not in self.rest_days


def statutory_holidays(year: int) -> dict[datetime.date, str]:
    """The days off 《全国年节及纪念日放假办法》 gives every citizen in ``year``.

    From 2025: 元旦 1 Jan; 春节 除夕 (the last day of the twelfth lunar month)
    to 正月初三; 清明 on the solar term's day; 劳动节 1–2 May; 端午 五月初五;
    中秋 八月十五; 国庆节 1–3 Oct. Before 2025: 春节 正月初一 to 初三 and 劳动节
    1 May only.
    """
    days: dict[datetime.date, str] = {}

    def add(day: datetime.date, name: str) -> None:
        days[day] = f"{days[day]}、{name}" if day in days else name

    add(datetime.date(year, 1, 1), "元旦")
    new_year = LunarDate(year, 1, 1).to_solar_date()
    first = -1 if year >= REVISION_2024_FROM else 0
    for offset in range(first, 3):
        add(new_year + datetime.timedelta(days=offset), "春节")
    add(_solar_term(year, 4, "清明"), "清明节")
    add(datetime.date(year, 5, 1), "劳动节")
    if year >= REVISION_2024_FROM:
        add(datetime.date(year, 5, 2), "劳动节")
    add(LunarDate(year, 5, 5).to_solar_date(), "端午节")
    add(LunarDate(year, 8, 15).to_solar_date(), "中秋节")
    for day in (1, 2, 3):
        add(datetime.date(year, 10, day), "国庆节")
    return days


def _solar_term(year: int, month: int, name: str) -> datetime.date:
    start = datetime.date(year, month, 1)
    end = datetime.date(year, month, 28)
    return next(day for day, term in chinese_calendar.get_solar_terms(start, end) if term == name)


@functools.cache
def package_years() -> range:
    """The years ``chinese-calendar`` has the State Council's notice for."""
    known = chinese_calendar.holidays.keys()
    return range(min(known).year, max(known).year + 1)


@functools.cache
def _package_year(year: int) -> YearCalendar:
    return YearCalendar(
        year,
        "package",
        rest_days=frozenset(d for d in chinese_calendar.holidays if d.year == year),
        working_days=frozenset(d for d in chinese_calendar.workdays if d.year == year),
    )


@functools.cache
def _computed_year(year: int) -> YearCalendar:
    return YearCalendar(year, "computed", rest_days=frozenset(statutory_holidays(year)))


class WorkingCalendar:
    """Working days as of one reading of the holiday table; years load on first use."""

    def __init__(self, official_years: frozenset[int]):
        self._official_years = official_years
        self._years: dict[int, YearCalendar] = {}

    def year(self, year: int) -> YearCalendar:
        if year not in self._years:
            self._years[year] = self._load(year)
        return self._years[year]

    def _load(self, year: int) -> YearCalendar:
        if year in self._official_years:
            from qinqing.cases.holiday_models import HolidayDay, HolidayYear

            rows = HolidayDay.objects.filter(
                holiday_year__year=year, holiday_year__status=HolidayYear.Status.OFFICIAL
            ).values_list("date", "is_working_day")
            rest, work = set(), set()
            for day, is_working in rows:
                (work if is_working else rest).add(day)
            return YearCalendar(year, "admin", frozenset(rest), frozenset(work))
        if year in package_years():
            return _package_year(year)
        return _computed_year(year)

    def source(self, year: int) -> Source:
        if year in self._official_years:
            return "admin"
        return "package" if year in package_years() else "computed"

    def is_working_day(self, day: datetime.date) -> bool:
        return self.year(day.year).is_working_day(day)

    def next_working_day(self, day: datetime.date) -> datetime.date:
        day += datetime.timedelta(days=1)
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day

    def add_working_days(self, start: datetime.datetime, days: int) -> datetime.datetime:
        day = timezone.localtime(start).date()
        for _ in range(days):
            day = self.next_working_day(day)
        return _at(day, END_OF_DAY)

    def add_working_hours(
        self, start: datetime.datetime, hours: Decimal | float
    ) -> datetime.datetime:
        remaining = datetime.timedelta(hours=float(hours))
        moment = timezone.localtime(start)
        day = moment.date()
        while True:
            if self.is_working_day(day):
                for opens, closes in WORKING_PERIODS:
                    period_start = max(moment, _at(day, opens))
                    period_end = _at(day, closes)
                    if period_start >= period_end:
                        continue
                    available = period_end - period_start
                    if remaining <= available:
                        return period_start + remaining
                    remaining -= available
            day += datetime.timedelta(days=1)
            moment = _at(day, datetime.time(0, 0))


_lock = threading.Lock()
_state: dict = {"fingerprint": None, "calendar": None}


def current() -> WorkingCalendar:
    """The calendar as the holiday table stands now (reused while the table is unchanged).

    Callers computing many deadlines take it once and call its methods.
    """
    from qinqing.cases.holiday_models import HolidayYear

    rows = _fingerprint(HolidayYear)
    with _lock:
        if _state["calendar"] is None or _state["fingerprint"] != rows:
            official = frozenset(
                year for year, status, *_ in rows if status == HolidayYear.Status.OFFICIAL
            )
            _state["calendar"] = WorkingCalendar(official)
            _state["fingerprint"] = rows
        return _state["calendar"]


def _fingerprint(model) -> tuple:
    """Each entered year with its status and when it or any of its days last changed."""
    return tuple(
        model.objects.order_by("year")
        .annotate(day_count=Count("days"), days_changed=Max("days__updated_at"))
        .values_list("year", "status", "updated_at", "day_count", "days_changed")
    )


def clear_cache() -> None:
    """Forget the table as read; the next computation reads it again."""
    with _lock:
        _state["calendar"] = None
        _state["fingerprint"] = None


def is_working_day(day: datetime.date) -> bool:
    return current().is_working_day(day)


def next_working_day(day: datetime.date) -> datetime.date:
    return current().next_working_day(day)


def add_working_days(start: datetime.datetime, days: int) -> datetime.datetime:
    """The close of business on the ``days``-th working day after ``start``'s day."""
    return current().add_working_days(start, days)


def add_working_hours(start: datetime.datetime, hours: Decimal | float) -> datetime.datetime:
    """``start`` plus ``hours`` of office time, skipping nights, weekends and holidays."""
    return current().add_working_hours(start, hours)


def year_source(year: int) -> Source:
    """Where ``year``'s working days come from: "admin", "package" or "computed"."""
    return current().source(year)


def provisional_years(today: datetime.date | None = None) -> set[int]:
    """Last, this and next year, where no official holiday arrangement is known."""
    today = today or timezone.localdate()
    calendar = current()
    return {y for y in range(today.year - 1, today.year + 2) if calendar.source(y) == "computed"}


def provisional_years_between(start, end=None) -> list[int]:
    """The years of the window ``start``–``end`` whose working days are computed, not official."""
    first, last = _local_date(start), _local_date(end or start)
    calendar = current()
    return [y for y in range(first.year, last.year + 1) if calendar.source(y) == "computed"]


def is_provisional(start, end=None) -> bool:
    """Does a deadline counted from ``start`` to ``end`` rely on a computed year?"""
    return bool(provisional_years_between(start, end))


def provisional_notice(years) -> str:
    """The banner staff see while a year's notice is not entered."""
    years = sorted(years)
    if not years:
        return ""
    return (
        f"{'、'.join(str(y) for y in years)}年节假日安排尚未录入，期限按法定节假日推算，"
        "仅供参考；录入国务院通知后自动重算。"
    )


def _local_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))
