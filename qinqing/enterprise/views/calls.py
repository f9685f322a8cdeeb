"""Instant calls and the problem list (问题清单)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from qinqing.cases import listing
from qinqing.cases.models import Case, StateKind
from qinqing.core import access
from qinqing.core.exporting import xlsx_response
from qinqing.core.models import Enterprise, Role, Visit
from qinqing.core.views.common import id_param, query_string
from qinqing.enterprise import services
from qinqing.enterprise.filters import ProblemFilter
from qinqing.enterprise.forms import (
    InstantCallForm,
    ProblemForm,
)
from qinqing.enterprise.models import (
    Problem,
    ProblemCategory,
)
from qinqing.enterprise.views import filtered


@login_required
def instant_call(request):
    if request.user.role != Role.ENTERPRISE:
        raise Http404
    form = InstantCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = services.do_instant_call(request.user, **form.cleaned_data)
        to = f"已派给联企服务员 {case.assignee}" if case.assignee_id else "服务站会尽快安排"
        messages.success(request, f"已发出呼叫，编号 {case.number}，{to}")
        return redirect("case-detail", pk=case.pk)
    liaison = getattr(request.user.enterprise, "liaison", None)
    return render(
        request,
        "enterprise/call.html",
        {"form": form, "liaison": liaison},
        status=422 if form.is_bound else 200,
    )


@login_required
@permission_required("enterprise.view_problem", raise_exception=True)
def problem_list(request):
    _filters, problems, status = filtered(request, ProblemFilter)
    if request.GET.get("export") == "xlsx" and status == 200:
        return xlsx_response(
            "问题清单台账",
            [
                "编号",
                "企业",
                "统一社会信用代码",
                "问题类别",
                "问题",
                "来源",
                "承办部门",
                "状态",
                "登记时间",
                "办结期限",
                "是否超期",
                "回访",
                "问题已解决",
            ],
            (
                [
                    p.case.number,
                    p.enterprise.name,
                    p.enterprise.credit_code,
                    p.get_category_display(),
                    p.case.title,
                    p.get_source_display(),
                    p.case.department.name if p.case.department_id else "",
                    p.case.state_label,
                    p.case.created_at,
                    p.case.due_at,
                    p.case.is_overdue,
                    p.case.get_satisfaction_display(),
                    p.case.solved,
                ]
                for p in problems.iterator(chunk_size=2000)
            ),
        )
    page = Paginator(problems, 50).get_page(request.GET.get("page"))
    listing.attach_next_steps(request.user, [problem.case for problem in page], restricted=False)
    departments = (
        Case.objects.filter(problem__in=access.visible(Problem, request.user))
        .values("department_id", "department__name")
        .annotate(n=Count("pk"))
        .order_by("department__name")
    )
    return render(
        request,
        "enterprise/problems.html",
        {
            "page": page,
            "categories": ProblemCategory.choices,
            "states": StateKind.choices,
            "departments": [d for d in departments if d["department_id"]],
            "filters": query_string(request),
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
@permission_required("enterprise.add_problem", raise_exception=True)
def problem_create(request):
    enterprises = access.visible(Enterprise, request.user)
    initial = {"enterprise": request.GET.get("enterprise")}
    form = ProblemForm(request.POST or None, enterprises=enterprises, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        visit = None
        visit_id = id_param(request.POST, "visit", "走访记录")
        if visit_id is not None:
            visit = access.visible(Visit, request.user).filter(pk=visit_id).first()
        problem = services.do_record_problem(
            request.user,
            data["enterprise"],
            title=data["title"],
            category=data["category"],
            description=data["description"],
            priority=data["priority"],
            visit=visit,
            source="visit" if visit else "staff",
        )
        messages.success(request, f"已列入问题清单，编号 {problem.case.number}")
        return redirect("case-detail", pk=problem.case_id)
    return render(
        request,
        "enterprise/problem_form.html",
        {"form": form},
        status=422 if form.is_bound else 200,
    )
