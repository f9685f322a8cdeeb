"""Figures for the cockpit, computed from hires (records), never typed in.

- 本年招引高校毕业生: seekers hired this year who graduated this year or in the two
  years before (the usual 毕业三年内 reading of 高校毕业生), with 大专 or above.
- 海外人才: seekers marked 留学回国 who were hired (all years).
"""

import datetime

from django.db.models import Count, Q

from qinqing.talent.models import Application, ApplicationStatus

GRADUATE_LEVELS = ["大专", "本科", "硕士", "博士"]


def hires(year: int | None = None):
    rows = Application.objects.filter(status=ApplicationStatus.HIRED)
    if year is not None:
        rows = rows.filter(hired_on__year=year)
    return rows


def graduates_recruited(year: int | None = None) -> int:
    year = year or datetime.date.today().year
    return (
        hires(year)
        .filter(
            profile__education__in=GRADUATE_LEVELS,
            profile__graduation_year__gte=year - 2,
            profile__graduation_year__lte=year,
        )
        .values("profile_id")
        .distinct()
        .count()
    )


def overseas_talents() -> int:
    return hires().filter(profile__overseas_returnee=True).values("profile_id").distinct().count()


def figures(year: int) -> dict:
    by = hires(year).aggregate(
        hired=Count("profile_id", distinct=True),
        overseas=Count("profile_id", distinct=True, filter=Q(profile__overseas_returnee=True)),
    )
    return {
        "year": year,
        "hired": by["hired"],
        "graduates_recruited": graduates_recruited(year),
        "overseas_hired_this_year": by["overseas"],
        "overseas_talents": overseas_talents(),
    }
