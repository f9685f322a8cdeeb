"""Pages of the enterprise service station (爱企服务站)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinqing.cases import listing
from qinqing.cases.models import ACTIVE_KINDS, Case, StateKind
from qinqing.core import access, importing
from qinqing.core.exporting import xlsx_response
from qinqing.core.models import Enterprise, Role, User, Visit
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.core.views.common import id_param, query_string
from qinqing.enterprise import indicators, services
from qinqing.enterprise.forms import (
    IndicatorUploadForm,
    InstantCallForm,
    LandParcelForm,
    ParcelStatusForm,
    ProblemForm,
    ServiceSessionForm,
)
from qinqing.enterprise.models import (
    GradeResult,
    LandParcel,
    ParcelStatus,
    Problem,
    ProblemCategory,
    ServiceSession,
    SessionSignup,
)

WORKING = (StateKind.OPEN, StateKind.IN_PROGRESS)


@login_required
@permission_required("enterprise.view_problem", raise_exception=True)
def station_home(request):
    user = request.user
    enterprises = access.visible(Enterprise, user)
    covered, total = services.coverage(enterprises)
    problems = access.visible(Problem, user)
    context = {
        "covered": covered,
        "total": total,
        "problem_count": problems.count(),
        "open_problems": problems.filter(case__kind__in=ACTIVE_KINDS).count(),
        "closed_problems": problems.filter(case__kind=StateKind.CLOSED).count(),
        # 解决 only as confirmed at 回访: 办结 is not 解决.
        "solved_problems": problems.filter(case__solved=True).count(),
        "overdue_problems": problems.filter(
            case__kind__in=WORKING, case__due_at__lt=timezone.now()
        ).count(),
        "sessions": access.visible(ServiceSession, user)
        .filter(starts_at__gte=timezone.now())
        .order_by("starts_at")[:5],
        "land": _land_figures(access.visible(LandParcel, user)),
    }
    if user.role == Role.ENTERPRISE:
        context["my_problems"] = problems.select_related("case", "case__state", "case__case_type")[
            :10
        ]
    return render(request, "enterprise/home.html", context)


def _land_figures(parcels) -> dict:
    by_status = dict(parcels.values_list("status").annotate(area=Sum("area_mu")).order_by())
    low = parcels.filter(kind="low_efficiency", status=ParcelStatus.REMEDIATED)
    return {
        "surveyed_area": sum(by_status.values()) if by_status else 0,
        "recovered_area": by_status.get(ParcelStatus.RECOVERED, 0),
        "transferred_area": by_status.get(ParcelStatus.TRANSFERRED, 0),
        "remediated_count": low.values("enterprise").distinct().count(),
        "remediated_area": low.aggregate(area=Sum("area_mu"))["area"] or 0,
    }


# --- instant call ---------------------------------------------------------------


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


# --- liaisons and scheduled visits ---------------------------------------------


@login_required
@permission_required("enterprise.view_liaison", raise_exception=True)
def liaison_list(request):
    enterprises = (
        access.visible(Enterprise, request.user)
        .select_related("liaison__officer", "region")
        .order_by("region__code", "name")
    )
    if request.GET.get("uncovered"):
        enterprises = enterprises.filter(liaison__isnull=True)
    page = Paginator(enterprises, 50).get_page(request.GET.get("page"))
    officers = User.objects.filter(role__in=[Role.STAFF, Role.HANDLER], is_active=True)
    return render(
        request,
        "enterprise/liaisons.html",
        {"page": page, "officers": officers, "filters": query_string(request)},
    )


@login_required
@require_POST
def liaison_assign(request, enterprise_pk):
    enterprise = access.access_object(request.user, Enterprise, enterprise_pk)
    officer = get_object_or_404(User, pk=request.POST.get("officer"), is_active=True)
    try:
        services.do_assign_liaison(request.user, enterprise, officer)
    except Forbidden:
        raise Http404 from None
    except InvalidInput as exc:
        messages.error(request, exc.summary)
    else:
        messages.success(request, f"{enterprise} 的联企服务员已设为 {officer}")
    return redirect("station-liaisons")


@login_required
@permission_required("enterprise.view_liaison", raise_exception=True)
def visit_schedule(request):
    officer = request.user
    officer_id = id_param(request.GET, "officer", "服务员")
    if officer_id is not None and access.sees_everything(request.user):
        officer = get_object_or_404(User, pk=officer_id)
    schedule = services.visit_schedule(officer)
    return render(
        request,
        "enterprise/schedule.html",
        {
            "officer": officer,
            "schedule": schedule,
            "overdue": sum(row["overdue"] for row in schedule),
        },
    )


# --- problem list ----------------------------------------------------------------


def _problems(request):
    problems = access.visible(Problem, request.user).select_related(
        "enterprise", "case", "case__state", "case__case_type", "case__department"
    )
    state = request.GET.get("state", "")
    if state == "active":
        problems = problems.filter(case__kind__in=ACTIVE_KINDS)
    elif state == "solved":
        problems = problems.filter(case__solved=True)
    elif state in StateKind.values:
        problems = problems.filter(case__kind=state)
    if request.GET.get("category") in ProblemCategory.values:
        problems = problems.filter(category=request.GET["category"])
    department_id = id_param(request.GET, "department", "承办部门")
    if department_id is not None:
        problems = problems.filter(case__department_id=department_id)
    if request.GET.get("overdue"):
        problems = problems.filter(case__kind__in=WORKING, case__due_at__lt=timezone.now())
    if request.GET.get("q"):
        problems = problems.filter(
            Q(case__title__contains=request.GET["q"])
            | Q(enterprise__name__contains=request.GET["q"])
        )
    return problems.order_by("-case__created_at")


@login_required
@permission_required("enterprise.view_problem", raise_exception=True)
def problem_list(request):
    problems = _problems(request)
    if request.GET.get("export") == "xlsx":
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


# --- group service sessions ---------------------------------------------------------


@login_required
@permission_required("enterprise.view_servicesession", raise_exception=True)
def session_list(request):
    sessions = access.visible(ServiceSession, request.user).order_by("-starts_at")
    signed = set()
    if request.user.enterprise_id:
        signed = set(
            SessionSignup.objects.filter(enterprise_id=request.user.enterprise_id).values_list(
                "session_id", flat=True
            )
        )
    form = None
    if request.user.has_perm("enterprise.add_servicesession"):
        form = ServiceSessionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            session = form.save(commit=False)
            session.created_by = request.user
            from qinqing.core.audit import acting_as

            with acting_as(request.user):
                session.save()
            messages.success(request, f"已发布组团服务“{session.title}”")
            return redirect("station-sessions")
    return render(
        request,
        "enterprise/sessions.html",
        {
            "sessions": sessions[:100],
            "signed": signed,
            "form": form,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def session_sign_up(request, pk):
    session = access.access_object(request.user, ServiceSession, pk)
    enterprise_id = request.user.enterprise_id or request.POST.get("enterprise")
    enterprise = access.access_object(request.user, Enterprise, enterprise_id)
    try:
        services.do_sign_up(request.user, session, enterprise)
    except (services.SessionFull, services.AlreadySignedUp) as exc:
        messages.error(request, exc.message)
    except Forbidden:
        raise Http404 from None
    else:
        messages.success(request, f"{enterprise} 已报名“{session.title}”")
    return redirect("station-sessions")


# --- one page per enterprise -------------------------------------------------------------


@login_required
def enterprise_file(request, pk):
    enterprise = access.access_object(
        request.user, Enterprise.objects.select_related("region", "liaison__officer"), pk
    )
    user = request.user
    return render(
        request,
        "enterprise/file.html",
        {
            "enterprise": enterprise,
            "liaison": getattr(enterprise, "liaison", None),
            "visits": access.visible(Visit, user)
            .filter(enterprise=enterprise)
            .select_related("visitor")[:20],
            "cases": access.visible(Case, user)
            .filter(enterprise=enterprise)
            .select_related("state", "case_type", "department")[:50],
            "grades": access.visible(GradeResult, user)
            .filter(enterprise=enterprise)
            .order_by("-year"),
            "parcels": access.visible(LandParcel, user).filter(enterprise=enterprise),
        },
    )


# --- land ledger ----------------------------------------------------------------------


@login_required
@permission_required("enterprise.view_landparcel", raise_exception=True)
def land_ledger(request):
    parcels = access.visible(LandParcel, request.user).select_related("region", "enterprise")
    if request.GET.get("status") in ParcelStatus.values:
        parcels = parcels.filter(status=request.GET["status"])
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "土地台账",
            [
                "地块",
                "所属区划",
                "使用企业",
                "面积（亩）",
                "类型",
                "处置状态",
                "摸排日期",
                "状态变更日期",
            ],
            (
                [
                    p.name,
                    p.region.full_name,
                    p.enterprise.name if p.enterprise_id else "",
                    float(p.area_mu),
                    p.get_kind_display(),
                    p.get_status_display(),
                    p.surveyed_on,
                    p.status_changed_on,
                ]
                for p in parcels
            ),
        )
    form = None
    if request.user.has_perm("enterprise.add_landparcel"):
        form = LandParcelForm(request.POST or None)
        form.fields["enterprise"].queryset = access.visible(Enterprise, request.user)
        if request.method == "POST" and form.is_valid():
            from qinqing.core.audit import acting_as

            with acting_as(request.user):
                form.save()
            parcel = form.instance
            messages.success(request, f"已登记地块 {parcel.name}（{parcel.area_mu} 亩）")
            return redirect("station-land")
    return render(
        request,
        "enterprise/land.html",
        {
            "parcels": parcels,
            "figures": _land_figures(access.visible(LandParcel, request.user)),
            "form": form,
            "statuses": ParcelStatus.choices,
        },
    )


@login_required
@require_POST
def land_status(request, pk):
    parcel = access.access_object(request.user, LandParcel, pk)
    if not request.user.has_perm("enterprise.change_landparcel"):
        raise Http404
    form = ParcelStatusForm(request.POST)
    if form.is_valid():
        from qinqing.core.audit import acting_as

        with acting_as(request.user):
            parcel.status = form.cleaned_data["status"]
            parcel.status_changed_on = timezone.localdate()
            parcel.save()
        messages.success(request, f"{parcel} 已更新为“{parcel.get_status_display()}”")
    return redirect("station-land")


# --- 亩均效益 grading ------------------------------------------------------------------------


@login_required
@permission_required("enterprise.view_graderesult", raise_exception=True)
def grading_page(request):
    years = sorted(set(GradeResult.objects.values_list("year", flat=True)), reverse=True)
    default_year = years[0] if years else timezone.localdate().year - 1
    try:
        year = int(request.GET.get("year", default_year))
    except ValueError:
        year = default_year
    results = (
        access.visible(GradeResult, request.user)
        .filter(year=year, scheme=services.default_scheme())
        .select_related("enterprise")
        .order_by("-score")
    )
    if request.GET.get("low"):
        results = results.filter(low_efficiency=True)
    if request.GET.get("grade") in {"A", "B", "C", "D"}:
        results = results.filter(grade=request.GET["grade"])
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"{year}年亩均效益评价",
            [
                "企业",
                "统一社会信用代码",
                "规上",
                "综合得分",
                "等级",
                "亩均税收（万元/亩）",
                "低效企业",
            ],
            (
                [
                    g.enterprise.name,
                    g.enterprise.credit_code,
                    g.above_scale,
                    float(g.score),
                    g.grade,
                    float(g.tax_per_mu),
                    g.low_efficiency,
                ]
                for g in results
            ),
        )
    summary = dict(results.values_list("grade").annotate(n=Count("pk")).order_by())
    upload = IndicatorUploadForm(initial={"year": year})
    return render(
        request,
        "enterprise/grading.html",
        {
            "year": year,
            "years": years,
            "results": results[:500],
            "summary": summary,
            "upload": upload,
            "low_count": results.filter(low_efficiency=True).count(),
        },
    )


@login_required
@permission_required("enterprise.add_indicatoryear", raise_exception=True)
@require_POST
def grading_import(request):
    form = IndicatorUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}：{'；'.join(errors)}")
        return redirect("station-grading")
    try:
        job = importing.do_start_import(
            request.user,
            kind=indicators.INDICATORS.kind,
            filename=form.cleaned_data["file"].name,
            content=form.cleaned_data["file"],
            params={"year": form.cleaned_data["year"]},
        )
    except Forbidden:
        raise PermissionDenied from None
    except InvalidInput as exc:
        messages.error(request, exc.summary)
        return redirect(f"{reverse('station-grading')}?year={form.cleaned_data['year']}")
    # Progress, errors by row and column, and the way on to the grades: the import's page.
    return redirect("import-detail", job.pk)


@login_required
@permission_required("enterprise.view_graderesult", raise_exception=True)
def grade_detail(request, pk):
    result = access.access_object(
        request.user, GradeResult.objects.select_related("enterprise"), pk
    )
    return render(request, "enterprise/grade_detail.html", {"result": result})
