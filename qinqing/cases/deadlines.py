"""Deadlines from time limits: per case (respond, resolve) and per state (a legal limit)."""

import datetime

from qinqing.cases import calendar
from qinqing.cases.models import LimitUnit, StateLimit, TimeLimit


def limit_for(case) -> TimeLimit | None:
    return TimeLimit.objects.filter(case_type_id=case.case_type_id, priority=case.priority).first()


def respond_due(limit: TimeLimit | None, start: datetime.datetime):
    return calendar.add_working_hours(start, limit.respond_hours) if limit else None


def resolve_due(limit: TimeLimit | None, start: datetime.datetime):
    return calendar.add_working_days(start, limit.resolve_days) if limit else None


def after(start: datetime.datetime, amount: int, unit: str) -> datetime.datetime:
    if unit == LimitUnit.WORKING_DAYS:
        return calendar.add_working_days(start, amount)
    if unit == LimitUnit.WORKING_HOURS:
        return calendar.add_working_hours(start, amount)
    if unit == LimitUnit.DAYS:
        return start + datetime.timedelta(days=amount)
    return start + datetime.timedelta(hours=amount)


def state_limit(case_type_id: int, state_id: int) -> StateLimit | None:
    return StateLimit.objects.filter(case_type_id=case_type_id, state_id=state_id).first()


def state_due(case_type_id: int, state_id: int, start: datetime.datetime):
    limit = state_limit(case_type_id, state_id)
    return after(start, limit.amount, limit.unit) if limit else None
