"""Team pages: apply, follow the application, book a desk, request a service, events."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinqing.core import access, letting
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.core.views.common import export, filtered, page_of, query_string, show_errors
from qinqing.workspace import services
from qinqing.workspace.filters import EventFilter, ServiceRequestFilter
from qinqing.workspace.forms import ApplyForm, DayBookingForm, ServiceRequestForm
from qinqing.workspace.models import (
    DAY_KINDS,
    Application,
    Campaign,
    DayBooking,
    Kind,
    Lease,
    SiteEvent,
    Team,
    Workstation,
)


def _open_campaigns():
    today = timezone.localdate()
    return Campaign.objects.filter(starts_on__lte=today, ends_on__gte=today).select_related(
        "region"
    )


@login_required
@permission_required("workspace.view_application", raise_exception=True)
def mine(request):
    user = request.user
    applications = access.visible(Application, user).select_related(
        "case__state", "team", "campaign"
    )
    leases = list(access.visible(Lease, user).select_related("team", "terms"))
    for lease in leases:
        lease.figures = services.lease_figures(lease)
    return render(
        request,
        "workspace/mine.html",
        {
            "applications": applications,
            "leases": leases,
            "bookings": access.visible(DayBooking, user)
            .filter(cancelled_at__isnull=True, end__gt=timezone.localdate())
            .select_related("workstation__site", "team"),
            "campaigns": _open_campaigns(),
        },
    )


@login_required
@permission_required("workspace.add_application", raise_exception=True)
def apply(request, pk):
    campaign = access.access_object(request.user, Campaign, pk)
    form = ApplyForm(request.POST or None)
    if request.method == "POST":
        try:
            application = services.do_apply(request.user, campaign, request.POST)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            messages.success(request, f"报名成功，编号 {application.case.number}，请留意审核进展")
            return redirect("workspace-mine")
    return render(
        request,
        "workspace/apply.html",
        {"campaign": campaign, "form": form, "sites": campaign.sites.all()},
        status=422 if form.is_bound and form.errors else 200,
    )


@login_required
@permission_required("workspace.add_daybooking", raise_exception=True)
def book(request):
    user = request.user
    teams = (
        access.visible(Team, user).filter(leader=user)
        if not user.is_back_office
        else Team.objects.none()
    )
    form = DayBookingForm(request.POST or None)
    if request.method == "POST":
        team = teams.filter(pk=request.POST.get("team") or 0).first() or teams.first()
        if form.is_valid() and team is not None:
            workstation = access.access_object(user, Workstation, form.cleaned_data["workstation"])
            try:
                booking = services.do_book_day(
                    user,
                    team,
                    workstation,
                    form.cleaned_data["day"],
                    form.cleaned_data["days"] or 1,
                )
            except Forbidden:
                raise Http404 from None
            except InvalidInput as error:
                messages.error(request, error.summary)
            except letting.LettingRefused as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"已预订 {workstation} {booking.start:%m月%d日}")
                return redirect("workspace-mine")
        elif team is None:
            messages.error(request, "请先报名登记团队")
        else:
            messages.error(request, InvalidInput.from_form(form).summary)
    day = _day(request)
    kind = request.GET.get("kind") if request.GET.get("kind") in DAY_KINDS else ""
    rows = (
        access.visible(Workstation, user)
        .filter(kind__in=[kind] if kind else sorted(DAY_KINDS), bookable=True)
        .select_related("site", "region")
    )
    free = services.availability(rows, day, day + datetime.timedelta(days=1))
    choices = [w for w in rows[:400] if free[w.pk]["free_every_day"] > 0][:40]
    for w in choices:
        w.free = free[w.pk]["free_every_day"]
    return render(
        request,
        "workspace/book.html",
        {
            "day": day,
            "kind": kind,
            "kinds": [(k, Kind(k).label) for k in Kind.values if k in DAY_KINDS],
            "choices": choices,
            "teams": teams,
        },
        status=400 if request.method == "POST" else 200,
    )


def _day(request) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    return max(day, timezone.localdate())


@login_required
@require_POST
def cancel_booking(request, pk):
    booking = access.access_object(request.user, DayBooking.objects.select_related("team"), pk)
    try:
        services.do_cancel_day(request.user, booking)
    except Forbidden:
        raise Http404 from None
    except letting.LettingRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已取消预订")
    return redirect("workspace-mine")


@login_required
@permission_required("workspace.view_servicerequest", raise_exception=True)
def service_requests(request):
    _f, rows, status = filtered(request, ServiceRequestFilter)
    if request.GET.get("export") == "xlsx" and status == 200:
        return export(
            "配套服务",
            [
                ("编号", lambda r: r.case.number),
                ("团队", lambda r: r.team.name),
                ("服务", lambda r: r.get_kind_display()),
                ("提供部门", lambda r: r.case.department.name if r.case.department_id else ""),
                ("状态", lambda r: r.case.state_label),
            ],
            rows,
        )
    user = request.user
    teams = Team.objects.filter(leader=user)
    form = ServiceRequestForm(request.POST or None) if teams.exists() else None
    if request.method == "POST" and form is not None:
        team = teams.filter(pk=request.POST.get("team") or 0).first() or teams.first()
        try:
            made = services.do_request_service(user, team, request.POST)
        except Forbidden:
            raise Http404 from None
        except InvalidInput as error:
            show_errors(form, error)
        else:
            messages.success(
                request, f"已提交，编号 {made.case.number}，已转 {made.case.department}"
            )
            return redirect("workspace-services")
    return render(
        request,
        "workspace/services.html",
        {
            "page": page_of(request, rows),
            "form": form,
            "teams": teams,
            "filters": query_string(request),
        },
        status=422 if form is not None and form.is_bound and form.errors else status,
    )


@login_required
@permission_required("workspace.view_siteevent", raise_exception=True)
def events(request):
    _f, rows, status = filtered(request, EventFilter)
    if request.GET.get("export") == "xlsx" and status == 200:
        return export(
            "场所活动",
            [
                ("主题", lambda e: e.title),
                ("场所", lambda e: e.site.name),
                ("时间", lambda e: e.starts_at),
                ("名额", lambda e: e.capacity),
                ("已报名", lambda e: e.seats_taken),
            ],
            rows,
        )
    return render(
        request,
        "workspace/events.html",
        {
            "page": page_of(request, rows),
            "teams": Team.objects.filter(leader=request.user),
            "filters": query_string(request),
        },
        status=status,
    )


@login_required
@require_POST
def event_sign_up(request, pk):
    event = access.access_object(request.user, SiteEvent, pk)
    team = (
        Team.objects.filter(leader=request.user, pk=request.POST.get("team") or 0).first()
        or Team.objects.filter(leader=request.user).first()
    )
    if team is None:
        messages.error(request, "请先报名登记团队")
        return redirect("workspace-events")
    try:
        services.do_sign_up_event(request.user, event, team)
    except Forbidden:
        raise Http404 from None
    except letting.LettingRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{team} 已报名 {event}")
    return redirect("workspace-events")
