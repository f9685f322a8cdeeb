"""The center's side: the review queue, lodging desk, apartments, events and agreements."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinqing.core import access, letting
from qinqing.core.services import InvalidInput
from qinqing.core.views.common import (
    call_service,
    export,
    filtered,
    query_string,
    render_form,
    show_errors,
    wants_export,
)
from qinqing.talent import indicators, services
from qinqing.talent.filters import AgreementFilter, ApartmentFilter, EventFilter, ReviewFilter
from qinqing.talent.forms import ApartmentApplicationForm, ReviewForm
from qinqing.talent.models import ApartmentUnit, BedStay, Posting, TalentEvent
from qinqing.talent.views.seeker import POSTING_COLUMNS

PAGE = 20


@login_required
@permission_required("talent.review_posting", raise_exception=True)
def review_queue(request):
    _filters, rows, status = filtered(request, ReviewFilter)
    if wants_export(request) and status == 200:
        return export("岗位审核", POSTING_COLUMNS, rows.iterator(chunk_size=2000))
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    year = timezone.localdate().year
    return render(
        request,
        "talent/review.html",
        {"page": page, "query": query_string(request), "figures": indicators.figures(year)},
        status=status,
    )


@login_required
@permission_required("talent.review_posting", raise_exception=True)
def review(request, pk):
    posting = access.access_object(
        request.user, Posting.objects.select_related("employer", "location", "case"), pk
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        try:
            call_service(
                services.do_review,
                request.user,
                posting,
                request.POST.get("decision", ""),
                request.POST.get("reason", ""),
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            messages.success(request, f"“{posting.title}”已审核")
            return redirect("talent-review")
    from qinqing.talent import compliance

    return render_form(
        request,
        "talent/review_form.html",
        {"posting": posting, "form": form, "problems": compliance.problems(posting)},
    )


@login_required
@require_POST
def stay_move(request, pk, move):
    stay = access.access_object(request.user, BedStay, pk, "talent.change_bedstay")
    action = {"check-in": services.do_check_in, "check-out": services.do_check_out}.get(move)
    try:
        if action is None:
            call_service(services.do_cancel_stay, request.user, stay)
        else:
            call_service(action, request.user, stay)
    except InvalidInput as error:
        messages.error(request, error.summary)
    except letting.LettingRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "已办理")
    return redirect("talent-lodging")


@login_required
@permission_required("talent.view_apartmentapplication", raise_exception=True)
def apartments(request):
    _filters, rows, status = filtered(request, ApartmentFilter)
    if wants_export(request) and status == 200:
        return export(
            "人才公寓申请",
            [
                ("编号", lambda a: a.case.number),
                ("用人单位", lambda a: a.employer.name),
                ("入住人员", lambda a: a.employee.name),
                ("学历", lambda a: a.education),
                ("状态", lambda a: a.get_status_display()),
                ("办理环节", lambda a: a.case.state_label),
                ("申请时间", lambda a: a.created_at),
            ],
            rows.iterator(chunk_size=2000),
        )
    form = None
    if request.user.has_perm("talent.add_apartmentapplication"):
        form = ApartmentApplicationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                employee = call_service(
                    services.employee_for,
                    request.user,
                    data["employee_name"],
                    data["employee_id_number"],
                )
                application = call_service(
                    services.do_apply_apartment,
                    request.user,
                    employee,
                    data["education"],
                    data["owns_local_home"],
                )
            except InvalidInput as error:
                show_errors(form, error)
            else:
                messages.success(request, f"已提交申请 {application.case.number}，审核后进入轮候")
                return redirect("talent-apartments")
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    units = None
    if request.user.has_perm("talent.add_lease"):
        today = timezone.localdate()
        units = {
            "total": ApartmentUnit.objects.count(),
            "free": letting.free_resources(
                ApartmentUnit.objects.all(), today, today + timezone.timedelta(days=1)
            ).count(),
            "free_units": letting.free_resources(
                ApartmentUnit.objects.all(), today, today + timezone.timedelta(days=1)
            )[:20],
            "waiting": services.waiting_list().count(),
        }
    return render(
        request,
        "talent/apartments.html",
        {"page": page, "units": units, "form": form, "query": query_string(request)},
        status=422 if form is not None and form.is_bound and form.errors else status,
    )


@login_required
@require_POST
def allocate(request, unit_pk):
    unit = access.access_object(request.user, ApartmentUnit, unit_pk, "talent.add_lease")
    try:
        lease = call_service(services.do_allocate_next, request.user, unit, timezone.localdate())
    except InvalidInput as error:
        messages.error(request, error.summary)
    except letting.LettingRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"{unit} 已配租给 {lease.tenant}，至 {lease.end}")
    return redirect("talent-apartments")


@login_required
@permission_required("talent.view_talentevent", raise_exception=True)
def events(request):
    _filters, rows, status = filtered(request, EventFilter)
    if wants_export(request) and status == 200:
        return export(
            "人才活动",
            [
                ("活动", lambda e: e.title),
                ("类型", lambda e: e.get_kind_display()),
                ("时间", lambda e: e.starts_at),
                ("地点", lambda e: e.venue),
                ("名额", lambda e: e.capacity),
                ("已报名", lambda e: e.seats_taken),
            ],
            rows.iterator(chunk_size=2000),
        )
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "talent/events.html",
        {"page": page, "query": query_string(request), "now": timezone.now()},
        status=status,
    )


@login_required
@require_POST
def event_register(request, pk):
    event = access.access_object(request.user, TalentEvent, pk)
    if not request.user.person_id:
        messages.error(request, "请使用个人账号报名")
        return redirect("talent-events")
    try:
        call_service(services.do_register_event, request.user, event, request.user.person)
    except letting.LettingRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"已报名“{event.title}”")
    return redirect("talent-events")


@login_required
@permission_required("talent.view_cooperationagreement", raise_exception=True)
def agreements(request):
    _filters, rows, status = filtered(request, AgreementFilter)
    columns = [
        ("企业", lambda a: a.enterprise.name),
        ("合作院校", lambda a: a.school),
        ("合作内容", lambda a: a.subject),
        ("签订日期", lambda a: a.signed_on),
        ("有效期至", lambda a: a.valid_until),
    ]
    if wants_export(request) and status == 200:
        return export("校企合作协议", columns, rows.iterator(chunk_size=2000))
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "talent/agreements.html",
        {"page": page, "query": query_string(request)},
        status=status,
    )
