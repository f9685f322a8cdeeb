"""Working time in China: official holidays and adjusted working days (调休).

Which days are working days comes from the ``chinese-calendar`` package, which
follows the State Council's yearly holiday notice. For a year it does not cover
yet (the notice comes out each November) we fall back to Monday–Friday and log
a warning, so deadlines still come out and the gap is visible to operators.
"""

import datetime
import functools
import logging
from decimal import Decimal

import chinese_calendar
from django.utils import timezone

logger = logging.getLogger(__name__)

# Office hours: 上午 8:30–12:00，下午 13:30–17:30.
WORKING_PERIODS = (
    (datetime.time(8, 30), datetime.time(12, 0)),
    (datetime.time(13, 30), datetime.time(17, 30)),
)
END_OF_DAY = WORKING_PERIODS[-1][1]


@functools.lru_cache(maxsize=4096)
def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        logger.warning("chinese-calendar 无 %s 年节假日数据，按周一至周五计算工作日", day.year)
        return day.weekday() < 5


def next_working_day(day: datetime.date) -> datetime.date:
    day += datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def add_working_days(start: datetime.datetime, days: int) -> datetime.datetime:
    """The close of business on the ``days``-th working day after ``start``'s day."""
    day = timezone.localtime(start).date()
    for _ in range(days):
        day = next_working_day(day)
    return _at(day, END_OF_DAY)


def add_working_hours(start: datetime.datetime, hours: Decimal | float) -> datetime.datetime:
    """``start`` plus ``hours`` of office time, skipping nights, weekends and holidays."""
    remaining = datetime.timedelta(hours=float(hours))
    moment = timezone.localtime(start)
    day = moment.date()
    while True:
        if is_working_day(day):
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


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))
