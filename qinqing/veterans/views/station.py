"""Station staff and county pages: figures, people, visits, wishes, stations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render
from django.utils import timezone

from qinqing.core import access
from qinqing.core.services import InvalidInput
from qinqing.core.views.common import (
    call_service,
    export,
    filtered,
    page_of,
    query_string,
    show_errors,
    wants_export,
)
from qinqing.veterans import services
from qinqing.veterans.filters import RecordFilter, VisitFilter, WishFilter
from qinqing.veterans.forms import VisitForm
from qinqing.veterans.models import Claimant, ServiceRecord, Station, VisitReach, Wish


@login_required
def home(request):
    user = request.user
    if not user.is_back_office:
        # Claimants go to their claims, veterans and families to their wishes.
        if Claimant.objects.filter(user=user).exists():
            return redirect("veterans-claims")
        return redirect("veterans-mine")
    reaches = access.visible(VisitReach, user)
    records = access.visible(ServiceRecord, user)
    context = {
        "visits": services.visit_figures(reaches),
        "wishes": services.wish_figures(access.visible(Wish, user)),
        "claimants": [
            (label, count)
            for label, count in _claimant_kinds(access.visible(Claimant, user)).items()
        ],
        "records": records.count(),
        "not_visited": services.not_visited(records).count(),
        "stations": access.visible(Station, user).count(),
        "period": services.Settings.current().visit_period_days,
    }
    return render(request, "veterans/home.html", context)


def _claimant_kinds(claimants) -> dict:
    from qinqing.veterans.models import ClaimantKind

    counts = services.claimants_by_kind(claimants)
    return {label: counts.get(value, 0) for value, label in ClaimantKind.choices}


@login_required
@permission_required("veterans.view_servicerecord", raise_exception=True)
def people(request):
    filters, records, status = filtered(request, RecordFilter)
    if "last_visit" not in records.query.annotations:
        records = services.with_last_visit(records)
    if wants_export(request) and status == 200:
        return export(
            "优抚对象",
            [
                ("姓名", lambda r: r.person.name),
                ("身份证号", lambda r: r.person.masked_id_number),
                ("优抚类别", lambda r: r.get_category_display()),
                ("服役军种", lambda r: r.get_branch_display()),
                ("入伍日期", lambda r: r.enlisted_on),
                ("退役日期", lambda r: r.discharged_on),
                ("服务站", lambda r: r.station.name),
                ("最近走访", lambda r: r.last_visit),
            ],
            records,
        )
    return render(
        request,
        "veterans/people.html",
        {
            "page": page_of(request, records),
            "filters": query_string(request),
            "form": filters,
            "period": services.Settings.current().visit_period_days,
        },
        status=status,
    )


@login_required
@permission_required("veterans.view_visitreach", raise_exception=True)
def visits(request):
    filters, reaches, status = filtered(request, VisitFilter)
    if wants_export(request) and status == 200:
        return export(
            "走访慰问",
            [
                ("走访日期", lambda r: r.visited_on),
                ("服务站", lambda r: r.station.name),
                ("走访对象", lambda r: r.visit.person.name if r.visit.person_id else ""),
                ("走访人数", lambda r: r.people_reached),
                ("走访情况", lambda r: r.visit.notes),
                ("走访人", lambda r: str(r.visit.visitor)),
            ],
            reaches,
        )
    by_month = services.visits_by_station_month(reaches) if status == 200 else []
    return render(
        request,
        "veterans/visits.html",
        {
            "page": page_of(request, reaches),
            "figures": services.visit_figures(reaches) if status == 200 else {},
            "by_month": page_of(request, by_month) if by_month else None,
            "filters": query_string(request),
            "form": filters,
        },
        status=status,
    )


@login_required
@permission_required("veterans.add_visitreach", raise_exception=True)
def visit_new(request):
    """走访慰问 on a phone: who, how many people, what was found — and a wish if told."""
    records = access.visible(ServiceRecord, request.user).select_related("person", "station")
    initial = {"visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    if request.GET.get("record", "").isdigit():
        initial["record"] = request.GET["record"]
    form = VisitForm(request.POST or None, initial=initial)
    if request.method == "POST":
        try:
            reach = call_service(services.do_record_visit, request.user, request.POST)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            wish = Wish.objects.filter(visit=reach.visit).first()
            if wish:
                messages.success(request, f"已记录走访，并登记微心愿“{wish.title}”（待核查）")
                return redirect("case-detail", pk=wish.case_id)
            messages.success(request, f"已记录走访（{reach.people_reached}人）")
            return redirect("veterans-visits")
    chosen = records.filter(pk=initial.get("record")).first() if "record" in initial else None
    status = 422 if form.is_bound and form.errors else 200
    return render(
        request,
        "veterans/visit_form.html",
        {"form": form, "records": records[:500], "chosen": chosen},
        status=status,
    )


@login_required
@permission_required("veterans.view_wish", raise_exception=True)
def wishes(request):
    filters, rows, status = filtered(request, WishFilter)
    if wants_export(request) and status == 200:
        return export(
            "微心愿",
            [
                ("编号", lambda w: w.case.number),
                ("心愿", lambda w: w.title),
                ("估计价值（元）", lambda w: float(w.value)),
                ("优抚对象", lambda w: w.record.person.name),
                ("服务站", lambda w: w.station.name),
                ("状态", lambda w: w.case.state_label),
                ("发布时间", lambda w: w.published_at),
                ("圆梦时间", lambda w: w.fulfilled_at),
            ],
            rows,
        )
    return render(
        request,
        "veterans/wishes.html",
        {
            "page": page_of(request, rows),
            "filters": query_string(request),
            "form": filters,
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
@permission_required("veterans.view_station", raise_exception=True)
def stations(request):
    """All stations (county staff) with their people, visits and wishes."""
    rows = (
        access.visible(Station, request.user)
        .select_related("region")
        .annotate(
            people=Count("records", distinct=True),
            wishes_fulfilled=Count(
                "wishes",
                filter=Q(wishes__case__state__code__in=("fulfilled", "confirmed", "thanked")),
                distinct=True,
            ),
        )
        .order_by("region__code", "level", "name")
    )
    reach = dict(
        access.visible(VisitReach, request.user)
        .values("station_id")
        .annotate(v=Count("pk"), p=Sum("people_reached"))
        .values_list("station_id", "v")
    )
    reached = dict(
        access.visible(VisitReach, request.user)
        .values("station_id")
        .annotate(p=Sum("people_reached"))
        .values_list("station_id", "p")
    )
    if wants_export(request):
        return export(
            "服务站",
            [
                ("服务站", lambda s: s.name),
                ("层级", lambda s: s.get_level_display()),
                ("所属区划", lambda s: s.region.name),
                ("优抚对象", lambda s: s.people),
                ("走访次数", lambda s: reach.get(s.pk, 0)),
                ("走访人数", lambda s: reached.get(s.pk, 0)),
                ("圆梦心愿", lambda s: s.wishes_fulfilled),
            ],
            rows,
        )
    page = page_of(request, rows)
    for station in page:
        station.visit_count = reach.get(station.pk, 0)
        station.reached = reached.get(station.pk, 0)
    return render(request, "veterans/stations.html", {"page": page})
