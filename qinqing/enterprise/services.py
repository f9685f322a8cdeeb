"""Enterprise service station services: write, audit and notify in one transaction."""

import datetime
import json

import numpy as np
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from qinqing.cases.models import Priority
from qinqing.cases.services import do_open_case, do_transition
from qinqing.core import access, audit, letting
from qinqing.core.models import Enterprise, Region, Role, User
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.enterprise import grading
from qinqing.enterprise.forms import LandParcelForm, ParcelStatusForm, ServiceSessionForm
from qinqing.enterprise.models import (
    GradeResult,
    GradingScheme,
    IndicatorYear,
    LandParcel,
    Liaison,
    Problem,
    ProblemSource,
    ServiceSession,
    SessionSignup,
    VisitPlan,
)

INSTANT_CALL = "enterprise_call"
PROBLEM = "enterprise_problem"
DEFAULT_SCHEME_NAME = "默认方案（黄岩区2022年权重）"


class SessionFull(letting.NoSeatsLeft):
    pass


class AlreadySignedUp(letting.AlreadyHolding):
    message = "本企业已报名"


# --- liaisons and visits -------------------------------------------------------


def do_assign_liaison(actor: User, enterprise: Enterprise, officer: User) -> Liaison:
    if not actor.has_perm("enterprise.add_liaison"):
        raise Forbidden("enterprise.add_liaison")
    access.require_region(actor, enterprise.region)
    if officer.role not in {Role.STAFF, Role.HANDLER} or not officer.is_active:
        raise InvalidInput({"officer": ["联企服务员应为在职的工作人员"]}, {"officer": "联企服务员"})
    # The enterprise's calls are dispatched to its liaison's department: an officer
    # of another county would take them to a bureau that does not serve it.
    if not access.may_act_in(officer, enterprise.region):
        raise InvalidInput(
            {"officer": [f"{officer} 不负责企业所在区划（{enterprise.region.full_name}）"]},
            {"officer": "联企服务员"},
        )
    with transaction.atomic(), audit.acting_as(actor):
        liaison, _ = Liaison.objects.update_or_create(
            enterprise=enterprise, defaults={"officer": officer}
        )
        VisitPlan.objects.get_or_create(officer=officer)
    return liaison


def visit_schedule(officer: User, today: datetime.date | None = None) -> list[dict]:
    """Each of the officer's enterprises with its last visit and when the next is due."""
    today = today or timezone.localdate()
    plan = VisitPlan.objects.filter(officer=officer).first()
    interval = datetime.timedelta(days=plan.interval_days if plan else 90)
    enterprises = (
        Enterprise.objects.filter(liaison__officer=officer)
        .annotate(last_visit=Max("visits__visited_at"))
        .order_by("name")
    )
    schedule = []
    for enterprise in enterprises:
        last = timezone.localtime(enterprise.last_visit).date() if enterprise.last_visit else None
        due = (last + interval) if last else today
        schedule.append(
            {
                "enterprise": enterprise,
                "last_visit": last,
                "due": due,
                "overdue": due < today,
                "due_soon": today <= due <= today + datetime.timedelta(14),
            }
        )
    return sorted(schedule, key=lambda row: (row["due"], row["enterprise"].name))


# --- instant call and the problem list ------------------------------------------


def do_instant_call(
    actor: User,
    title: str,
    description: str = "",
    urgent: bool = False,
    now: datetime.datetime | None = None,
):
    """即时呼叫: an enterprise user's request, routed straight to its liaison.

    ``now`` backdates the call (history loaded by the demo); by default it is now.
    """
    if actor.role != Role.ENTERPRISE or not actor.enterprise_id:
        raise Forbidden("enterprise.instant_call")
    enterprise = actor.enterprise
    liaison = Liaison.objects.filter(enterprise=enterprise).select_related("officer").first()
    with transaction.atomic():
        case = do_open_case(
            actor,
            case_type=INSTANT_CALL,
            title=title,
            description=description,
            region=enterprise.region,
            requester=actor,
            enterprise=enterprise,
            priority=Priority.URGENT if urgent else Priority.NORMAL,
            routed=bool(liaison and liaison.officer.department_id),
            now=now,
        )
        if liaison and liaison.officer.department_id:
            # Routed by rule, as the platform: 受理 and 派单 to the liaison's department.
            case = do_transition(None, case, "accept", note="即时呼叫自动受理", now=now)
            case = do_transition(
                None,
                case,
                "dispatch",
                department=liaison.officer.department,
                assignee=liaison.officer,
                note=f"派给联企服务员 {liaison.officer}",
                now=now,
            )
        Problem.objects.create(
            case=case, enterprise=enterprise, category="other", source=ProblemSource.CALL
        )
    return case


def do_record_problem(
    actor: User,
    enterprise: Enterprise,
    *,
    title: str,
    category: str,
    description: str = "",
    source: str = ProblemSource.STAFF,
    visit=None,
    priority: str = Priority.NORMAL,
) -> Problem:
    """Put a problem on the list (问题清单); its handling runs as a case."""
    if not access.visible(Enterprise, actor).filter(pk=enterprise.pk).exists():
        raise Forbidden("enterprise.add_problem")
    from qinqing.enterprise.models import ProblemCategory

    if category not in ProblemCategory.values:
        raise InvalidInput({"category": ["请选择问题类别"]}, {"category": "问题类别"})
    with transaction.atomic():
        case = do_open_case(
            actor,
            case_type=PROBLEM,
            title=title,
            description=description,
            region=enterprise.region,
            enterprise=enterprise,
            visit=visit,
            priority=priority,
            requester=enterprise.accounts.filter(is_active=True).first(),
        )
        return Problem.objects.create(
            case=case, enterprise=enterprise, category=category, source=source
        )


# --- group service sessions -----------------------------------------------------


def do_publish_session(actor: User, data) -> ServiceSession:
    """发布组团服务 in a region the actor is responsible for."""
    if not actor.has_perm("enterprise.add_servicesession"):
        raise Forbidden("enterprise.add_servicesession")
    form = ServiceSessionForm(data, actor=actor)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    with transaction.atomic(), audit.acting_as(actor):
        session = form.save(commit=False)
        session.created_by = actor
        session.save()
    return session


def do_sign_up(actor: User, session: ServiceSession, enterprise: Enterprise) -> SessionSignup:
    """Take one place for ``enterprise``; never more places than the session has
    (the shared seat mechanism, ``core.letting.take_seat``)."""
    if not access.visible(Enterprise, actor).filter(pk=enterprise.pk).exists():
        raise Forbidden("enterprise.signup")
    try:
        return letting.take_seat(actor, session, enterprise)
    except letting.NoSeatsLeft:
        raise SessionFull() from None
    except letting.AlreadyHolding:
        raise AlreadySignedUp() from None


# --- land ledger -------------------------------------------------------------------


def do_register_parcel(actor: User, data) -> LandParcel:
    """登记地块 in a region the actor is responsible for."""
    if not actor.has_perm("enterprise.add_landparcel"):
        raise Forbidden("enterprise.add_landparcel")
    form = LandParcelForm(data, actor=actor)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    with transaction.atomic(), audit.acting_as(actor):
        return form.save()


def do_change_parcel_status(actor: User, parcel: LandParcel, status: str) -> LandParcel:
    """Record a parcel's disposal (处置状态) as of today."""
    if not actor.has_perm("enterprise.change_landparcel"):
        raise Forbidden("enterprise.change_landparcel")
    access.require_region(actor, parcel.region)
    form = ParcelStatusForm({"status": status})
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    with transaction.atomic(), audit.acting_as(actor):
        parcel.status = form.cleaned_data["status"]
        parcel.status_changed_on = timezone.localdate()
        parcel.save(update_fields=["status", "status_changed_on"])
    return parcel


# --- 亩均效益 grading --------------------------------------------------------------


def default_scheme() -> GradingScheme:
    scheme, _ = GradingScheme.objects.get_or_create(
        name=DEFAULT_SCHEME_NAME, defaults={"config": grading.DEFAULT_SCHEME}
    )
    return scheme


NUMERIC_FIELDS = [
    "land_area_mu",
    "tax",
    "value_added",
    "revenue",
    "energy_tce",
    "emissions",
    "rd_spending",
    "employees",
    "electricity_kwh",
]


def do_grade_year(actor: User | None, year: int, scheme: GradingScheme | None = None) -> int:
    """Grade every enterprise with indicators for ``year``; returns how many were graded.

    Replaces earlier results of the same year and scheme, in one transaction.
    """
    if actor is not None and not actor.has_perm("enterprise.add_graderesult"):
        raise Forbidden("enterprise.add_graderesult")
    scheme = scheme or default_scheme()
    rows = list(
        IndicatorYear.objects.filter(year=year)
        .order_by("enterprise__credit_code")
        .values_list("enterprise_id", "enterprise__credit_code", "above_scale", *NUMERIC_FIELDS)
    )
    results = []
    if rows:
        data = np.array([row[3:] for row in rows], dtype=object)
        columns_all = {
            field: np.array([np.nan if v is None else float(v) for v in data[:, i]])
            for i, field in enumerate(NUMERIC_FIELDS)
        }
        ids = np.array([row[0] for row in rows])
        codes = np.array([row[1] for row in rows])
        above = np.array([row[2] for row in rows], dtype=bool)
        for group, mask in (("above_scale", above), ("below_scale", ~above)):
            if not mask.any():
                continue
            graded = grading.grade_group(
                {field: values[mask] for field, values in columns_all.items()},
                ids[mask],
                codes[mask],
                scheme.config[group],
                scheme.config,
            )
            results.extend(
                (
                    int(graded.ids[i]),
                    group == "above_scale",
                    f"{graded.scores[i]:.2f}",
                    str(graded.grades[i]),
                    f"{graded.tax_per_mu[i]:.2f}",
                    bool(graded.low_efficiency[i]),
                    json.dumps(graded.details[i], ensure_ascii=False),
                )
                for i in range(len(graded.ids))
            )
    with transaction.atomic():
        GradeResult.objects.filter(year=year, scheme=scheme).delete()
        _store_results(year, scheme, results)
        audit.record_event(actor, scheme, "grade", year=year, graded=len(results))
    return len(results)


def _store_results(year: int, scheme: GradingScheme, results: list[tuple]) -> None:
    """Insert result rows with one prepared statement: 10,000 ORM objects would cost
    more than the grading itself."""
    json_value = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {GradeResult._meta.db_table} (enterprise_id, year, scheme_id, "
            "above_scale, score, grade, tax_per_mu, low_efficiency, details, graded_at) "
            f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s, {json_value}, %s)",
            [
                (enterprise_id, year, scheme.pk, above, score, grade, tax, low, details, now)
                for enterprise_id, above, score, grade, tax, low, details in results
            ],
        )


def station_regions() -> list[Region]:
    """The regions the station serves: those of the officers on a visit plan (联企服务员).

    A county's enterprises of other kinds and places (诸暨's medical institutions)
    are in the directory but not the station's to serve.
    """
    officers = VisitPlan.objects.values("officer_id")
    return list(
        Region.objects.filter(
            pk__in=User.regions.through.objects.filter(user_id__in=officers).values("region_id")
        )
    )


def in_station(path: str = "region") -> Q:
    """Records whose region (at ``path``) lies in a region the station serves."""
    condition = access.NOTHING
    for region in station_regions():
        condition |= Q(**{f"{path}__code__startswith": region.prefix})
    return condition


def station_enterprises(user: User):
    """The station's enterprises this user sees (the coverage counts these)."""
    return access.visible(Enterprise, user).filter(in_station())


def coverage(enterprises) -> tuple[int, int]:
    """(enterprises with a liaison, all enterprises) among ``enterprises``."""
    return enterprises.filter(liaison__isnull=False).count(), enterprises.count()
