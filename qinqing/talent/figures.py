"""The talent service center's figures for the cockpit, declared once, from the records.

Hires count by the day they were made (录用日期); the graduates of a year are
those hired that year who graduated in it or the two years before, with 大专 or
above (``indicators.GRADUATE_LEVELS``). Open postings and let apartments are a
picture of the last day of the period (today when it has no end).
"""

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from qinqing.core.indicators import Figure, Scope, register_figure
from qinqing.talent.indicators import GRADUATE_LEVELS
from qinqing.talent.models import Application, ApplicationStatus, Lease, Posting, Recommendation


def _day(scope: Scope):
    return scope.end or timezone.localdate(scope.now)


def _open_postings(scope: Scope):
    postings = scope.in_region(scope.visible(Posting), "location")
    return (
        postings.open_on(_day(scope))
        .select_related("employer", "location")
        .order_by("-published_at", "pk")
    )


def _hires(scope: Scope):
    hires = scope.visible(Application).filter(status=ApplicationStatus.HIRED)
    hires = scope.in_region(hires, "posting__location")
    return (
        scope.in_period(hires, "hired_on")
        .select_related("posting", "employer", "profile__person")
        .order_by("-hired_on", "pk")
    )


def _graduates(scope: Scope):
    # Graduated in the hire's year or the two before it.
    return _hires(scope).filter(
        profile__education__in=GRADUATE_LEVELS,
        profile__graduation_year__lte=F("hired_on__year"),
        profile__graduation_year__gte=F("hired_on__year") - 2,
    )


def _overseas(scope: Scope):
    return _hires(scope).filter(profile__overseas_returnee=True)


def _pushed(scope: Scope):
    pushed = scope.visible(Recommendation).filter(pushed_at__isnull=False)
    pushed = scope.in_region(pushed, "posting__location")
    return (
        scope.in_period(pushed, "pushed_at")
        .select_related("posting", "posting__employer")
        .order_by("-pushed_at", "pk")
    )


def _let_units(scope: Scope):
    day = _day(scope)
    leases = scope.visible(Lease).filter(
        Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=day),
        cancelled_at__isnull=True,
        start__lte=day,
        end__gt=day,
    )
    return leases.select_related("resource", "tenant", "application__employer").order_by(
        "resource__pk"
    )


def _people(rows) -> int:
    return rows.values("profile_id").distinct().count()


HIRE_COLUMNS = (
    ("录用日期", "hired_on"),
    ("岗位", "posting.title"),
    ("用人单位", "employer.name"),
    ("人员", "profile.person.name"),
)


def register() -> None:
    register_figure(
        Figure(
            code="talent.open_postings",
            label="在招岗位",
            unit="个",
            definition="期末（无截止日期时为今天）已发布且在有效期内的岗位个数",
            value=lambda scope: _open_postings(scope).count(),
            rows=_open_postings,
            headline=True,
            columns=(("岗位", "title"), ("用人单位", "employer.name"), ("有效期止", "valid_until")),
            row_url=lambda p: reverse("talent-posting", args=[p.pk]),
        )
    )
    register_figure(
        Figure(
            code="talent.pushed",
            label="数字配推送岗位",
            unit="次",
            definition="期间内按求职者同意推送给其的岗位次数（同一岗位对同一人只推一次）",
            value=lambda scope: _pushed(scope).count(),
            rows=_pushed,
            columns=(
                ("推送时间", "pushed_at"),
                ("岗位", "posting.title"),
                ("用人单位", "posting.employer.name"),
            ),
        )
    )
    register_figure(
        Figure(
            code="talent.graduates_recruited",
            label="招引高校毕业生",
            unit="人",
            definition="期间内录用、录用当年或前两年毕业、大专及以上学历的求职者人数",
            value=lambda scope: _people(_graduates(scope)),
            rows=_graduates,
            headline=True,
            columns=HIRE_COLUMNS,
        )
    )
    register_figure(
        Figure(
            code="talent.overseas_talents",
            label="引进海外人才",
            unit="人",
            definition="期间内录用的留学回国人员人数",
            value=lambda scope: _people(_overseas(scope)),
            rows=_overseas,
            headline=True,
            columns=HIRE_COLUMNS,
        )
    )
    register_figure(
        Figure(
            code="talent.apartments_let",
            label="人才公寓在租套数",
            unit="套",
            definition="期末（无截止日期时为今天）在租期内、未退租的人才公寓套数",
            value=lambda scope: _let_units(scope).values("resource").distinct().count(),
            rows=_let_units,
            columns=(
                ("公寓", "resource"),
                ("承租人", "tenant.name"),
                ("起租", "start"),
                ("到期", "end"),
            ),
        )
    )
