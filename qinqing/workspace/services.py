"""Shared-workstation services: write, audit and notify in one transaction.

Lettings use core's mechanism only (``qinqing.core.letting``): allocations are
``letting.book`` of a workstation for a term (the exclusion constraint forbids
overlapping terms), a day at a shared desk or natural workstation is
``letting.book_any`` over its places (never past its capacity), and event
sign-ups are ``letting.take_seat``.
"""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    Sum,
    When,
)
from django.db.models.functions import Least
from django.utils import timezone

from qinqing.cases.models import CaseEvent
from qinqing.cases.services import do_open_case, do_transition
from qinqing.core import access, audit, letting
from qinqing.core.forms import form_errors
from qinqing.core.models import Region, Site, User
from qinqing.core.models.directory import SiteKind
from qinqing.core.notifications.services import do_notify
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.workspace.case_types import APPLICATION, OPEN_STATES, SERVICE
from qinqing.workspace.forms import (
    ApplyForm,
    DecisionForm,
    IdleSpaceForm,
    ServiceRequestForm,
    WorkstationBatchForm,
)
from qinqing.workspace.models import (
    DAY_KINDS,
    TERM_KINDS,
    Allocation,
    Application,
    Campaign,
    DayBooking,
    Decision,
    EventSignup,
    IdleSpace,
    Lease,
    Photo,
    ServiceProvider,
    ServiceRequest,
    SiteEvent,
    SiteVisit,
    Team,
    Terms,
    Workstation,
    WorkstationPlace,
    month_rent,
)

REMINDER = "workspace.rent_free_ending"
REMIND_DAYS = 30


class NotTermKind(letting.LettingRefused):
    message = "该类型工位按天预订，不能整期分配"


class NotDayKind(letting.LettingRefused):
    message = "该工位按期分配，不能按天预订"


class DayFull(letting.PeriodTaken):
    message = "该工位当天已订满"


def _require(actor, perm):
    if not actor.has_perm(perm):
        raise Forbidden(perm)


def _invalid(form):
    return InvalidInput(form_errors(form), {n: str(f.label) for n, f in form.fields.items()})


# --- survey and inventory -------------------------------------------------------


def do_survey_space(actor: User, data, files=None) -> IdleSpace:
    """Record an idle space surveyed on the spot, with its photos."""
    _require(actor, "workspace.add_idlespace")
    form = IdleSpaceForm(data, files, actor=actor)
    if not form.is_valid():
        raise _invalid(form)
    access.require_region(actor, form.cleaned_data["region"])
    with transaction.atomic(), audit.acting_as(actor):
        space = form.save(commit=False)
        space.surveyed_by = actor
        space.save()
        for upload in files.getlist("photos") if files else []:
            Photo.objects.create(space=space, file=upload)
    return space


def do_decide_space(actor: User, space: IdleSpace, data) -> IdleSpace:
    """Open the space (it becomes a site) or keep it closed, with the reason."""
    _require(actor, "workspace.change_idlespace")
    access.require_region(actor, space.region)
    form = DecisionForm(data)
    if not form.is_valid():
        raise _invalid(form)
    decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
    with transaction.atomic(), audit.acting_as(actor):
        space = IdleSpace.objects.select_for_update().get(pk=space.pk)
        if decision == Decision.OPEN and space.site_id is None:
            space.site = Site.objects.create(
                name=space.name, kind=SiteKind.SPACE, region=space.region, address=space.address
            )
        space.decision, space.decision_reason = decision, reason
        space.save()
    return space


def do_add_workstations(actor: User, site: Site, data) -> list[Workstation]:
    """Add a batch of workstations of one kind to a site, each with its places."""
    _require(actor, "workspace.add_workstation")
    access.require_region(actor, site.region)
    form = WorkstationBatchForm(data)
    if not form.is_valid():
        raise _invalid(form)
    values = form.cleaned_data
    with transaction.atomic(), audit.acting_as(actor):
        taken = Workstation.objects.filter(site=site).count()
        created = [
            Workstation.objects.create(
                site=site,
                region=site.region,
                code=f"S{site.pk}-{values['kind'][:3].upper()}{taken + i + 1:04d}",
                kind=values["kind"],
                capacity=values["capacity"],
                area_m2=values["area_m2"],
                facilities=values["facilities"],
            )
            for i in range(values["count"])
        ]
        add_places(created)
        audit.record_event(
            actor, site, "workstations_added", kind=values["kind"], count=len(created)
        )
    return created


def add_places(workstations) -> None:
    """Each workstation's ``capacity`` places, in one insert."""
    WorkstationPlace.objects.bulk_create(
        WorkstationPlace(workstation_id=w.pk, number=n)
        for w in workstations
        for n in range(1, w.capacity + 1)
    )


def availability(workstations, start: datetime.date, end: datetime.date) -> dict[int, dict]:
    """For each workstation: places free on every day of ``[start, end)``.

    A term workstation is free (all its places) when no allocation overlaps;
    a day workstation has, each day, its capacity less that day's bookings.
    Two grouped queries and NumPy over the days — no query per workstation.
    """
    import numpy as np

    if end <= start:
        raise InvalidInput({"end": ["结束日期应晚于开始日期"]}, {"end": "结束日期"})
    days = (end - start).days
    rows = list(workstations.values_list("pk", "kind", "capacity", "bookable"))
    if not rows:
        return {}
    ids = np.array([r[0] for r in rows])
    index = {pk: i for i, pk in enumerate(ids.tolist())}
    capacity = np.array([r[2] if r[3] else 0 for r in rows], dtype=np.int32)
    used = np.zeros((len(rows), days), dtype=np.int32)
    overlapping = Q(cancelled_at__isnull=True, start__lt=end, end__gt=start)
    allocated = Allocation.objects.filter(overlapping, resource__in=workstations).values_list(
        "resource_id", "start", "end"
    )
    booked = DayBooking.objects.filter(overlapping, workstation__in=workstations).values_list(
        "workstation_id", "start", "end"
    )
    for pk, s, e in allocated:
        i = index[pk]
        used[i, max((s - start).days, 0) : min((e - start).days, days)] = capacity[i]
    for pk, s, e in booked:
        used[index[pk], max((s - start).days, 0) : min((e - start).days, days)] += 1
    free = np.clip(capacity[:, None] - used, 0, None)
    least = free.min(axis=1)
    return {
        pk: {"capacity": int(capacity[i]), "free_every_day": int(least[i]), "free_by_day": free[i]}
        for pk, i in index.items()
    }


def inventory(workstations, day: datetime.date) -> list[dict]:
    """Workstations by kind and town: how many, places, places free on ``day``."""
    free = availability(workstations, day, day + datetime.timedelta(days=1))
    groups: dict[tuple, dict] = {}
    for pk, kind, region, town in workstations.values_list(
        "pk", "kind", "region__code", "region__name"
    ):
        group = groups.setdefault(
            (region, kind),
            {
                "town": town,
                "kind": kind,
                "count": 0,
                "places": 0,
                "free": 0,
                "free_workstations": 0,
            },
        )
        group["count"] += 1
        group["places"] += free[pk]["capacity"]
        group["free"] += free[pk]["free_every_day"]
        group["free_workstations"] += free[pk]["free_every_day"] > 0
    return [groups[key] for key in sorted(groups)]


# --- teams and applications ------------------------------------------------------


def do_apply(actor: User, campaign: Campaign, data, *, now=None) -> Application:
    """A team leader applies from a phone: the team and the application, as a case.

    ``now``: when it was filed (the demo's history); the campaign must be open then.
    """
    _require(actor, "workspace.add_application")
    form = ApplyForm(data)
    if not form.is_valid():
        raise _invalid(form)
    values = form.cleaned_data
    today = timezone.localdate(now) if now else timezone.localdate()
    if not campaign.starts_on <= today <= campaign.ends_on:
        raise InvalidInput({"campaign": ["招募不在报名期内"]}, {"campaign": "招募活动"})
    with transaction.atomic(), audit.acting_as(actor):
        team = form.save(commit=False)
        team.leader = actor
        team.save()
        case = do_open_case(
            actor,
            case_type=APPLICATION,
            title=f"{team.name}：{team.project}"[:200],
            description=team.needs,
            region=campaign.region,
            requester=actor,
            now=now,
        )
        application = Application.objects.create(
            case=case,
            campaign=campaign,
            team=team,
            desks_wanted=values["desks_wanted"],
            kind_wanted=values.get("kind_wanted") or "",
        )
    return application


def do_move_application(
    actor: User, application: Application, code: str, *, note="", values=None, now=None
):
    """Any step but signing (which allocates): 受理、初审、洽谈、考察、未通过、撤回."""
    if code == "sign":
        raise InvalidInput(
            {"transition": ["签约请使用签约入驻（需分配工位）"]}, {"transition": "操作"}
        )
    return do_transition(actor, application.case, code, note=note, values=values or {}, now=now)


def do_sign(
    actor: User,
    application: Application,
    *,
    terms: Terms,
    start: datetime.date,
    years: int,
    workstations,
    note: str = "",
    now=None,
) -> Lease:
    """签约入驻: the case moves to 签约入驻, a lease is made and the workstations allocated.

    One transaction: a workstation already let for an overlapping term refuses
    the whole signing (``PeriodTaken``), and nothing is half-saved.
    """
    _require(actor, "workspace.add_allocation")
    workstations = list(workstations)
    errors = {}
    if not workstations:
        errors["workstations"] = ["请选择至少一个工位"]
    wrong = [w.code for w in workstations if w.kind not in TERM_KINDS]
    if wrong:
        errors["workstations"] = [f"按天预订的工位不能整期分配：{'、'.join(wrong)}"]
    if errors:
        raise InvalidInput(errors, {"workstations": "分配工位"})
    for w in workstations:
        access.require_region(actor, w.region, "workstations")
    end = _add_years(start, years)
    with transaction.atomic(), audit.acting_as(actor):
        do_transition(actor, application.case, "sign", note=note, now=now)
        lease = Lease.objects.create(
            team=application.team, application=application, terms=terms, start=start, end=end
        )
        for workstation in workstations:
            letting.book(actor, workstation, start, end, audit_event="allocation", lease=lease)
    return lease


def do_allocate(actor: User, lease: Lease, workstation: Workstation) -> Allocation:
    """Let one more workstation to a signed team for the rest of its lease."""
    _require(actor, "workspace.add_allocation")
    if workstation.kind not in TERM_KINDS:
        raise NotTermKind()
    access.require_region(actor, workstation.region, "workstation")
    start = max(lease.start, timezone.localdate())
    return letting.book(actor, workstation, start, lease.end, audit_event="allocation", lease=lease)


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


# --- what a team owes ------------------------------------------------------------


def lease_figures(lease: Lease) -> dict:
    """Rent-free end, monthly rent after it, what is owed for a month, savings."""
    rows = list(
        lease.allocations.filter(cancelled_at__isnull=True).values_list(
            "resource__area_m2", flat=True
        )
    )
    area = sum(rows, Decimal("0"))
    rent = month_rent(lease.terms, area, len(rows))
    free_until = add_months(lease.start, lease.terms.rent_free_months)
    return {
        "desks": len(rows),
        "area_m2": area,
        "rent_free_until": free_until,  # first day rent is due
        "monthly_rent": rent,
        "savings": rent * min(lease.terms.rent_free_months, months_between(lease.start, lease.end)),
        "free_utilities": lease.terms.free_utilities,
    }


def owed_for_month(lease: Lease, month: datetime.date) -> Decimal:
    """What the team owes for the month starting ``month`` (its first day)."""
    figures = lease_figures(lease)
    first = month.replace(day=1)
    if first < figures["rent_free_until"].replace(day=1) or first >= lease.end:
        return Decimal("0.00")
    return figures["monthly_rent"]


def months_between(start, end) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def remind_rent_free_ending(today: datetime.date | None = None) -> int:
    """Tell each team and its staff 30 days before the rent-free year ends; once per lease.

    Idempotent: the reminder is claimed with a conditional UPDATE on
    ``reminded_on``, so a second run (or two at once) sends nothing again.
    """
    today = today or timezone.localdate()
    sent = 0
    for lease in Lease.objects.filter(reminded_on__isnull=True, end__gt=today).select_related(
        "terms", "team__leader", "application__campaign__region"
    ):
        free_until = add_months(lease.start, lease.terms.rent_free_months)
        if not today <= free_until <= today + datetime.timedelta(days=REMIND_DAYS):
            continue
        with transaction.atomic():
            if not Lease.objects.filter(pk=lease.pk, reminded_on__isnull=True).update(
                reminded_on=today
            ):
                continue
            figures = lease_figures(lease)
            body = (
                f"{lease.team} 的免租期将于 {free_until:%Y-%m-%d} 结束，"
                f"此后每月租金 {figures['monthly_rent']} 元。"
            )
            staff = _staff_of(lease)
            do_notify(
                [lease.team.leader, *staff], REMINDER, "免租期即将到期", body, "/workspace/mine/"
            )
            audit.record_event(None, lease, "rent_free_reminder", rent_free_until=str(free_until))
            sent += 1
    return sent


def _staff_of(lease: Lease) -> list[User]:
    if lease.application_id is None:
        return []
    from qinqing.cases.roles import dispatchers_of

    return dispatchers_of(lease.application.case)


# --- day bookings ----------------------------------------------------------------


def do_book_day(
    actor: User,
    team: Team,
    workstation: Workstation,
    day: datetime.date,
    days: int = 1,
    *,
    today: datetime.date | None = None,
):
    """Book one place at a shared desk or natural workstation for ``days`` days.

    ``letting.book_any`` over the workstation's places: each place has core's
    no-overlap guarantee, so a workstation is never booked past its capacity.
    """
    _require(actor, "workspace.add_daybooking")
    if team.leader_id != actor.pk and not actor.is_back_office:
        raise Forbidden("workspace.add_daybooking")
    if workstation.kind not in DAY_KINDS:
        raise NotDayKind()
    if day < (today or timezone.localdate()):
        raise InvalidInput({"day": ["不能预订过去的日期"]}, {"day": "日期"})
    end = day + datetime.timedelta(days=days)
    mine = DayBooking.objects.filter(
        team=team, workstation=workstation, cancelled_at__isnull=True, start__lt=end, end__gt=day
    )
    try:
        # On SQLite this transaction holds the write lock from its start (IMMEDIATE), so
        # the check below and the booking see the same database; on PostgreSQL an
        # exclusion constraint (one place per team a day) has the last word.
        with transaction.atomic():
            if mine.exists():
                raise letting.AlreadyHolding("本团队已预订该工位的这段日期")
            return letting.book_any(
                actor,
                workstation.places.order_by("number"),
                day,
                end,
                team=team,
                workstation=workstation,
            )
    except letting.PeriodTaken:
        raise DayFull() from None
    except IntegrityError:
        if mine.exists():
            raise letting.AlreadyHolding("本团队已预订该工位的这段日期") from None
        raise


def do_cancel_day(actor: User, booking: DayBooking) -> DayBooking:
    if booking.team.leader_id != actor.pk and not actor.is_back_office:
        raise Forbidden("workspace.add_daybooking")
    return letting.cancel_booking(actor, booking)


# --- bundled services and events -------------------------------------------------


def do_request_service(actor: User, team: Team, data) -> ServiceRequest:
    """A team asks for a bundled service; it is routed at once to the providing department."""
    _require(actor, "workspace.add_servicerequest")
    if team.leader_id != actor.pk:
        raise Forbidden("workspace.add_servicerequest")
    form = ServiceRequestForm(data)
    if not form.is_valid():
        raise _invalid(form)
    kind = form.cleaned_data["kind"]
    provider = (
        ServiceProvider.objects.filter(kind=kind).select_related("department__region").first()
    )
    if provider is None:
        raise InvalidInput({"kind": ["该服务暂无提供部门"]}, {"kind": "服务"})
    lease = team.leases.select_related("application__campaign").first()
    region = (
        lease.application.campaign.region
        if lease and lease.application_id
        else provider.department.region
    )
    label = dict(form.fields["kind"].choices)[kind]
    with transaction.atomic(), audit.acting_as(actor):
        case = do_open_case(
            actor,
            case_type=SERVICE,
            title=f"{team.name}：{label}",
            description=form.cleaned_data["description"],
            region=region,
            requester=actor,
            routed=True,
        )
        do_transition(None, case, "route", department=provider.department)
        return ServiceRequest.objects.create(case=case, team=team, kind=kind)


def do_sign_up_event(actor: User, event: SiteEvent, team: Team) -> EventSignup:
    _require(actor, "workspace.add_eventsignup")
    if team.leader_id != actor.pk and not actor.is_back_office:
        raise Forbidden("workspace.add_eventsignup")
    return letting.take_seat(actor, event, team)


# --- the funnel and the figures --------------------------------------------------


def funnel(applications) -> dict:
    """报名, 洽谈过的团队, 实地考察人数 (people), 签约 — from the records."""
    talked = (
        CaseEvent.objects.filter(transition="talk", case__dream_application__in=applications)
        .values("case")
        .distinct()
    )
    return {
        "applied": applications.count(),
        "talked": talked.count(),
        "visitors": SiteVisit.objects.filter(application__in=applications).aggregate(
            n=Sum("people")
        )["n"]
        or 0,
        "visiting_teams": SiteVisit.objects.filter(application__in=applications)
        .values("application")
        .distinct()
        .count(),
        "signed": applications.filter(case__state__code="signed").count(),
        "open": applications.filter(case__state__code__in=OPEN_STATES).count(),
    }


def occupancy(workstations, day: datetime.date) -> dict:
    """Places in use on ``day`` over the places that can be used, in one aggregate.

    The same rule as ``availability`` for a single day: a term allocation covering
    the day takes all of its workstation's places; otherwise each day booking
    takes one, up to the capacity. No row per workstation reaches Python.
    """

    def on_day(relation: str) -> FilteredRelation:
        return FilteredRelation(
            relation,
            condition=Q(
                **{
                    f"{relation}__cancelled_at__isnull": True,
                    f"{relation}__start__lt": day + datetime.timedelta(days=1),
                    f"{relation}__end__gt": day,
                }
            ),
        )

    number = IntegerField()
    per_workstation = (
        workstations.filter(bookable=True)
        .order_by()
        .annotate(let=on_day("allocations"), booked_on_day=on_day("day_bookings"))
        .annotate(
            allocated=Count("let", distinct=True), booked=Count("booked_on_day", distinct=True)
        )
        .annotate(
            taken=Case(
                When(allocated__gt=0, then=F("capacity")),
                default=Least(F("booked"), F("capacity"), output_field=number),
                output_field=number,
            )
        )
    )
    totals = per_workstation.aggregate(places=Sum("capacity"), used=Sum("taken"))
    places, used = totals["places"] or 0, totals["used"] or 0
    return {"places": places, "used": used, "rate": (used / places) if places else 0.0}


def regions_with_workstations():
    return Region.objects.filter(pk__in=Workstation.objects.values("region")).order_by("code")
