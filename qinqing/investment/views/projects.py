"""The project board and one timeline page per project."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from qinqing.core import access
from qinqing.core.exporting import xlsx_response
from qinqing.core.services import InvalidInput
from qinqing.core.views.common import filtered, query_string
from qinqing.investment import services
from qinqing.investment.filters import ProjectFilter
from qinqing.investment.forms import MilestoneDoneForm
from qinqing.investment.models import Milestone, Project


def _days(duration):
    return duration.days if duration is not None else None


@login_required
@permission_required("investment.view_project", raise_exception=True)
def board(request):
    _filters, projects, status = filtered(request, ProjectFilter)
    if request.GET.get("export") == "xlsx" and status == 200:
        return xlsx_response(
            "招商项目",
            [
                "项目",
                "投资企业",
                "总投资（万元）",
                "状态",
                "代办员",
                "签约",
                "土地摘牌",
                "开工",
                "竣工",
                "摘牌至开工（天）",
                "开工至竣工（月）",
                "拿地即开工",
            ],
            (
                [
                    p.name,
                    p.investor.name,
                    p.total_investment,
                    p.get_status_display(),
                    p.officer.display_name,
                    p.signed_on,
                    p.delisted_on,
                    p.started_on,
                    p.completed_on,
                    _days(p.delist_to_start),
                    services.months(p.start_to_completion),
                    "是" if p.quick_start else "否",
                ]
                for p in projects
            ),
        )
    visible = access.visible(Project, request.user)
    page = Paginator(projects, 50).get_page(request.GET.get("page"))
    for project in page:
        project.delist_days = _days(project.delist_to_start)
        project.build_months = services.months(project.start_to_completion)
    return render(
        request,
        "investment/board.html",
        {
            "page": page,
            "figures": services.figures(visible),
            "agency": services.agency_figures(visible),
            "quick_days": services.quick_start_days(),
            "filters": query_string(request),
        },
        status=status,
    )


@login_required
@permission_required("investment.view_project", raise_exception=True)
def project_detail(request, pk):
    project = access.access_object(
        request.user, Project.objects.select_related("investor", "officer", "town"), pk
    )
    row = services.with_durations(Project.objects.filter(pk=project.pk)).get()
    milestones = list(project.milestones.prefetch_related("depends_on").order_by("sequence"))
    labels = [m.get_kind_display() for m in milestones]
    base = next((m.done_on or m.planned_on for m in milestones if m.done_on or m.planned_on), None)

    def offset(day):
        return (day - base).days if day and base else None

    planned = [offset(m.planned_on) for m in milestones]
    actual = [offset(m.done_on) for m in milestones]
    option = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["计划", "实际"], "top": 0},
        "grid": {"left": 8, "right": 16, "top": 30, "bottom": 30, "containLabel": True},
        "xAxis": {"type": "value", "name": "签约后天数", "nameLocation": "middle", "nameGap": 24},
        "yAxis": {"type": "category", "data": labels, "inverse": True},
        "series": [
            {"name": "计划", "type": "bar", "data": planned, "itemStyle": {"color": "#9aa5b1"}},
            {"name": "实际", "type": "bar", "data": actual, "itemStyle": {"color": "#b71c1c"}},
        ],
    }
    rows = [
        [
            label,
            m.planned_on or "—",
            m.done_on or "—",
            p if p is not None else "—",
            a if a is not None else "—",
        ]
        for m, label, p, a in zip(milestones, labels, planned, actual, strict=True)
    ]
    return render(
        request,
        "investment/project.html",
        {
            "project": project,
            "row": row,
            "delist_days": _days(row.delist_to_start),
            "build_months": services.months(row.start_to_completion),
            "milestones": milestones,
            "parcels": project.parcels.all(),
            "matters": project.matters.select_related("case", "case__state", "department"),
            "option": option,
            "rows": rows,
            "chart_columns": [
                "节点",
                "计划日期",
                "实际日期",
                "计划（签约后天数）",
                "实际（签约后天数）",
            ],
            "form": MilestoneDoneForm(),
            "quick_days": services.quick_start_days(),
        },
    )


@login_required
@require_POST
@permission_required("investment.change_milestone", raise_exception=True)
def milestone_done(request, pk):
    milestone = access.access_object(request.user, Milestone, pk)
    form = MilestoneDoneForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, InvalidInput.from_form(form).summary)
    else:
        try:
            services.do_complete_milestone(
                request.user,
                milestone,
                done_on=form.cleaned_data["done_on"],
                certificate_no=form.cleaned_data["certificate_no"],
                scan=form.cleaned_data["scan"],
            )
            messages.success(request, f"已登记“{milestone.get_kind_display()}”")
        except InvalidInput as error:
            messages.error(request, error.summary)
    return redirect("investment-project", pk=milestone.project_id)
