"""Staff pages: survey, inventory, pipeline board, allocations, occupancy."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinqing.cases import listing
from qinqing.cases.services import TransitionRefused
from qinqing.core import access, letting
from qinqing.core.exporting import xlsx_response
from qinqing.core.models import Site
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.core.views.common import export, filtered, page_of, query_string, show_errors
from qinqing.workspace import import_kinds, indicators, services
from qinqing.workspace.filters import (
    STAGES,
    AllocationFilter,
    ApplicationFilter,
    DayBookingFilter,
    PeriodFilter,
    SpaceFilter,
    WorkstationFilter,
)
from qinqing.workspace.forms import (
    DecisionForm,
    IdleSpaceForm,
    SignForm,
    WorkstationBatchForm,
)
from qinqing.workspace.models import (
    TERM_KINDS,
    Application,
    IdleSpace,
    Kind,
    Terms,
    Workstation,
)


def _wants_export(request, status):
    return request.GET.get("export") == "xlsx" and status == 200


@login_required
@permission_required("workspace.view_idlespace", raise_exception=True)
def home(request):
    today = timezone.localdate()
    figures = indicators.figures(request.user, today)
    rows = services.inventory(access.visible(Workstation, request.user), today)
    for row in rows:
        row["label"] = Kind(row["kind"]).label
    if request.GET.get("export") == "xlsx":
        return export(
            "工位分布",
            [
                ("乡镇", lambda r: r["town"]),
                ("类型", lambda r: r["label"]),
                ("工位数", lambda r: r["count"]),
                ("可容纳人数", lambda r: r["places"]),
                ("今日空余位置", lambda r: r["free"]),
            ],
            rows,
        )
    kinds = list(figures["by_kind"].items())
    return render(
        request,
        "workspace/home.html",
        {
            "figures": figures,
            "rows": rows,
            "today": today,
            "chart": {
                "xAxis": {"type": "category", "data": [k for k, _ in kinds]},
                "yAxis": {"type": "value"},
                "series": [{"type": "bar", "data": [v for _, v in kinds]}],
            },
            "chart_rows": kinds,
            "chart_columns": ["类型", "工位数"],
        },
    )


@login_required
@permission_required("workspace.view_idlespace", raise_exception=True)
def spaces(request):
    _f, rows, status = filtered(request, SpaceFilter)
    if _wants_export(request, status):
        return export(
            "闲置空间摸排",
            [
                ("名称", lambda s: s.name),
                ("乡镇", lambda s: s.region.name),
                ("权属", lambda s: s.get_owner_kind_display()),
                ("权属人", lambda s: s.owner_name),
                ("地址", lambda s: s.address),
                ("纬度", lambda s: s.latitude),
                ("经度", lambda s: s.longitude),
                ("面积（平方米）", lambda s: s.area_m2),
                ("现状", lambda s: s.get_condition_display()),
                ("配套设施", lambda s: s.facility_labels()),
                ("是否开放", lambda s: s.get_decision_display()),
                ("理由", lambda s: s.decision_reason),
            ],
            rows,
        )
    form = None
    if request.user.has_perm("workspace.add_idlespace"):
        form = IdleSpaceForm(request.POST or None, request.FILES or None, actor=request.user)
        if request.method == "POST":
            try:
                space = services.do_survey_space(request.user, request.POST, request.FILES)
            except InvalidInput as error:
                show_errors(form, error)
            else:
                messages.success(request, f"已记录 {space.name}，请作出是否开放的决定")
                return redirect("workspace-spaces")
    return render(
        request,
        "workspace/spaces.html",
        {
            "page": page_of(request, rows),
            "form": form,
            "decision_form": DecisionForm(),
            "filters": query_string(request),
        },
        status=422 if form is not None and form.is_bound and form.errors else status,
    )


@login_required
@require_POST
def space_decide(request, pk):
    space = access.access_object(request.user, IdleSpace, pk)
    try:
        services.do_decide_space(request.user, space, request.POST)
    except Forbidden:
        raise Http404 from None
    except InvalidInput as error:
        messages.error(request, error.summary)
    else:
        messages.success(request, f"{space.name}：已决定{space.get_decision_display()}")
    return redirect("workspace-spaces")


@login_required
@permission_required("workspace.view_workstation", raise_exception=True)
def workstations(request):
    _f, rows, status = filtered(request, WorkstationFilter)
    period = PeriodFilter(request.GET)
    if not period.is_valid():
        messages.error(request, InvalidInput.from_form(period).summary)
        rows, status = rows.none(), 400
    start, end = period.period() if status == 200 else (timezone.localdate(),) * 2
    if _wants_export(request, status):
        free = services.availability(rows, start, end)
        return xlsx_response(
            "工位清单",
            [*import_kinds.HEADERS, "期间每日空余"],
            (
                [*import_kinds.export_row(w), free[w.pk]["free_every_day"]]
                for w in rows.iterator(chunk_size=2000)
            ),
        )
    page = page_of(request, rows)
    free = (
        services.availability(Workstation.objects.filter(pk__in=[w.pk for w in page]), start, end)
        if page
        else {}
    )
    for w in page:
        w.free = free.get(w.pk, {}).get("free_every_day", 0)
    batch = None
    if request.user.has_perm("workspace.add_workstation"):
        batch = WorkstationBatchForm(request.POST or None)
        if request.method == "POST":
            site = access.access_object(request.user, Site, request.POST.get("site") or 0)
            try:
                made = services.do_add_workstations(request.user, site, request.POST)
            except InvalidInput as error:
                show_errors(batch, error)
            else:
                messages.success(request, f"已在 {site.name} 添加 {len(made)} 个工位")
                return redirect("workspace-workstations")
    return render(
        request,
        "workspace/workstations.html",
        {
            "page": page,
            "kinds": Kind.choices,
            "towns": services.regions_with_workstations(),
            "sites": Site.objects.filter(
                idle_space__isnull=False, region__in=access.actable_regions(request.user)
            )
            if batch
            else [],
            "batch": batch,
            "start": start,
            "days": (end - start).days,
            "filters": query_string(request),
        },
        status=422 if batch is not None and batch.is_bound and batch.errors else status,
    )


@login_required
@permission_required("workspace.change_application", raise_exception=True)
def pipeline(request):
    _f, rows, status = filtered(request, ApplicationFilter)
    if _wants_export(request, status):
        return export(
            "入驻申请",
            [
                ("编号", lambda a: a.case.number),
                ("团队", lambda a: a.team.name),
                ("负责人", lambda a: a.team.leader_name),
                ("项目", lambda a: a.team.project),
                ("行业", lambda a: a.team.industry),
                ("融资阶段", lambda a: a.team.get_funding_stage_display()),
                ("需要工位数", lambda a: a.desks_wanted),
                ("环节", lambda a: a.case.state_label),
                ("报名时间", lambda a: a.created_at),
            ],
            rows,
        )
    page = page_of(request, rows)
    listing.attach_next_steps(request.user, [a.case for a in page], restricted=False)
    counts = (
        dict(
            Application.objects.filter(pk__in=_f.base(request.user).values("pk"))
            .values_list("case__state__code")
            .annotate(n=Count("pk"))
            .order_by()
        )
        if status == 200
        else {}
    )
    board = [(code, label, counts.get(code, 0)) for code, label in STAGES if code != "open"]
    return render(
        request,
        "workspace/pipeline.html",
        {
            "page": page,
            "board": board,
            "funnel": services.funnel(_f.base(request.user)),
            "stages": STAGES,
            "filters": query_string(request),
        },
        status=status,
    )


@login_required
@permission_required("workspace.add_allocation", raise_exception=True)
def sign(request, pk):
    application = access.access_object(
        request.user, Application.objects.select_related("case__state", "team", "campaign"), pk
    )
    free = letting.free_resources(
        access.visible(Workstation, request.user).filter(
            kind__in=sorted(TERM_KINDS), region__in=access.actable_regions(request.user)
        ),
        timezone.localdate(),
        timezone.localdate() + datetime.timedelta(days=1),
    ).select_related("site")
    form = SignForm(
        request.POST or None,
        terms=Terms.objects.all(),
        workstations=free,
        initial={"start": timezone.localdate(), "terms": Terms.objects.first()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            lease = services.do_sign(
                request.user,
                application,
                terms=form.cleaned_data["terms"],
                start=form.cleaned_data["start"],
                years=form.cleaned_data["years"],
                workstations=form.cleaned_data["workstations"],
                note=form.cleaned_data["note"],
            )
        except Forbidden:
            raise Http404 from None
        except (InvalidInput, letting.LettingRefused) as error:
            if isinstance(error, InvalidInput):
                show_errors(form, error)
            else:
                form.add_error(None, error.message)
        except TransitionRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"{application.team} 已签约入驻，分配 {lease.allocations.count()} 个工位"
            )
            return redirect("workspace-allocations")
    return render(
        request,
        "workspace/sign.html",
        {"application": application, "form": form},
        status=422 if form.is_bound and form.errors else 200,
    )


@login_required
@permission_required("workspace.view_allocation", raise_exception=True)
def allocations(request):
    _f, rows, status = filtered(request, AllocationFilter)
    if _wants_export(request, status):
        return export(
            "工位分配",
            [
                ("团队", lambda a: a.lease.team.name),
                ("工位", lambda a: a.resource.code),
                ("类型", lambda a: a.resource.get_kind_display()),
                ("场所", lambda a: a.resource.site.name),
                ("乡镇", lambda a: a.resource.region.name),
                ("起始", lambda a: a.start),
                ("到期（当日不占用）", lambda a: a.end),
                ("条款", lambda a: a.lease.terms.name),
                (
                    "免租至",
                    lambda a: services.add_months(a.lease.start, a.lease.terms.rent_free_months),
                ),
            ],
            rows,
        )
    page = page_of(request, rows)
    for a in page:
        a.rent_free_until = services.add_months(a.lease.start, a.lease.terms.rent_free_months)
    return render(
        request,
        "workspace/allocations.html",
        {"page": page, "filters": query_string(request)},
        status=status,
    )


@login_required
@permission_required("workspace.view_daybooking", raise_exception=True)
def bookings(request):
    _f, rows, status = filtered(request, DayBookingFilter)
    if _wants_export(request, status):
        return export(
            "工位预订",
            [
                ("工位", lambda b: b.workstation.code),
                ("类型", lambda b: b.workstation.get_kind_display()),
                ("场所", lambda b: b.workstation.site.name),
                ("团队", lambda b: b.team.name),
                ("日期", lambda b: b.start),
                ("离开日期", lambda b: b.end),
                ("状态", lambda b: "已取消" if b.cancelled_at else "有效"),
            ],
            rows,
        )
    return render(
        request,
        "workspace/bookings.html",
        {"page": page_of(request, rows), "filters": query_string(request)},
        status=status,
    )


@login_required
@permission_required("workspace.view_idlespace", raise_exception=True)
def occupancy(request):
    period = PeriodFilter(request.GET)
    status = 200
    if not period.is_valid():
        messages.error(request, InvalidInput.from_form(period).summary)
        status = 400
    start, end = (
        period.period()
        if status == 200
        else (timezone.localdate(), timezone.localdate() + datetime.timedelta(days=1))
    )
    visible = access.visible(Workstation, request.user)
    free = services.availability(visible, start, end)
    groups: dict = {}
    for pk, kind, town in visible.values_list("pk", "kind", "region__name"):
        g = groups.setdefault(
            (town, kind), {"town": town, "kind": Kind(kind).label, "places": 0, "used_days": 0}
        )
        g["places"] += free[pk]["capacity"]
        g["used_days"] += int(
            free[pk]["capacity"] * (end - start).days - free[pk]["free_by_day"].sum()
        )
    days = (end - start).days
    rows = []
    for key in sorted(groups):
        g = groups[key]
        g["rate"] = round(100 * g["used_days"] / (g["places"] * days), 1) if g["places"] else 0
        rows.append(g)
    if request.GET.get("export") == "xlsx" and status == 200:
        return export(
            "工位使用率",
            [
                ("乡镇", lambda r: r["town"]),
                ("类型", lambda r: r["kind"]),
                ("位置数", lambda r: r["places"]),
                ("占用人天", lambda r: r["used_days"]),
                ("使用率（%）", lambda r: r["rate"]),
            ],
            rows,
        )
    return render(
        request,
        "workspace/occupancy.html",
        {"rows": rows, "start": start, "days": days, "filters": query_string(request)},
        status=status,
    )
