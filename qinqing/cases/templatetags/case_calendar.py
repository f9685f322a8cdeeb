"""The banner shown while deadlines rest on a year whose holiday notice is not entered."""

from django import template

from qinqing.cases import calendar
from qinqing.cases.models import StateKind

register = template.Library()


@register.simple_tag
def provisional_deadline_notice(case) -> str:
    """For a case page: the banner if this case's running deadlines are provisional."""
    if case.kind not in (StateKind.OPEN, StateKind.IN_PROGRESS):
        return ""
    deadlines = [d for d in (case.respond_due_at, case.due_at) if d]
    if not deadlines:
        return ""
    return calendar.provisional_notice(
        calendar.provisional_years_between(case.created_at, max(deadlines))
    )


@register.simple_tag
def provisional_calendar_notice() -> str:
    """For the admin index: the banner while last, this or next year has no official data."""
    return calendar.provisional_notice(calendar.provisional_years())
