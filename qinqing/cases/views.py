"""Case pages: my queue, the department queue, a case with its timeline, the claim board."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinqing.cases import kpis as case_kpis
from qinqing.cases import listing, services
from qinqing.cases.forms import OpenCaseForm, TransitionForm
from qinqing.cases.models import ACTIVE_KINDS, Case, CaseAttachment, StateKind
from qinqing.core import access
from qinqing.core.exporting import xlsx_response
from qinqing.core.models import Department
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.core.views.common import query_string

PAGE_SIZE = 50
WORKING = (StateKind.OPEN, StateKind.IN_PROGRESS)


EXPORT_HEADERS = [
    "编号",
    "标题",
    "类型",
    "状态",
    "紧急程度",
    "相关企业",
    "承办部门",
    "承办人",
    "登记时间",
    "办结期限",
    "是否超期",
]


def _export_row(case) -> list:
    return [
        case.number,
        case.title,
        case.case_type.name,
        case.state_label,
        case.get_priority_display(),
        case.enterprise.name if case.enterprise_id else "",
        case.department.name if case.department_id else "",
        str(case.assignee) if case.assignee_id else "",
        case.created_at,
        case.due_at,
        case.is_overdue,
    ]


def _listing(cases):
    return cases.select_related("case_type", "state", "department", "assignee", "enterprise")


def _queue(request, cases, title: str, template="cases/queue.html"):
    kind = request.GET.get("kind", "active")
    if kind == "active":
        cases = cases.filter(kind__in=ACTIVE_KINDS)
    elif kind in StateKind.values:
        cases = cases.filter(kind=kind)
    if request.GET.get("overdue"):
        cases = cases.filter(kind__in=WORKING, due_at__lt=timezone.now())
    cases = _listing(cases).order_by("due_at", "pk")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(title, EXPORT_HEADERS, (_export_row(c) for c in cases.iterator()))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    listing.attach_next_steps(request.user, page)
    return render(
        request,
        template,
        {
            "title": title,
            "page": page,
            "kind": kind,
            "kinds": StateKind.choices,
            "filters": query_string(request),
            "now": timezone.now(),
        },
    )


@login_required
@permission_required("cases.view_case", raise_exception=True)
def my_queue(request):
    user = request.user
    mine = access.visible(Case, user).filter(assignee=user) | access.visible(Case, user).filter(
        requester=user
    )
    return _queue(request, mine, "我的事项")


@login_required
@permission_required("cases.view_case", raise_exception=True)
def department_queue(request):
    user = request.user
    if not user.department_id:
        return _queue(request, Case.objects.none(), "部门事项（您未归属部门）")
    cases = access.visible(Case, user).filter(department_id=user.department_id)
    return _queue(request, cases, f"{user.department.name} 事项")


@login_required
@permission_required("cases.dispatch_case", raise_exception=True)
def dispatch_queue(request):
    cases = access.visible(Case, request.user).filter(kind=StateKind.OPEN)
    return _queue(request, cases, "待受理、待派单")


@login_required
@permission_required("cases.view_case", raise_exception=True)
def claim_board(request):
    user = request.user
    cases = access.visible(Case, user).filter(
        case_type_id__in=services.claimable_type_ids(), kind=StateKind.OPEN, claimed_by__isnull=True
    )
    cases = _listing(cases).order_by("due_at", "pk")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/board.html", {"page": page, "now": timezone.now()})


@login_required
def case_detail(request, pk):
    case = access.access_object(
        request.user,
        Case.objects.select_related(
            "case_type", "state", "department", "assignee", "requester", "enterprise"
        ),
        pk,
    )
    return render(request, "cases/detail.html", _detail_context(request.user, case))


def _detail_context(user, case, form=None, failed=None):
    events = case.events.select_related("actor", "department", "from_state", "to_state")
    return {
        "case": case,
        "events": events.prefetch_related("attachments"),
        "transitions": services.available_transitions(user, case),
        "form": form or TransitionForm(),
        "failed": failed,
        "departments": access.visible(Department, user),
        "now": timezone.now(),
    }


@login_required
@require_POST
def case_transition(request, pk, code):
    case = access.access_object(
        request.user, Case.objects.select_related("case_type", "state", "department"), pk
    )
    form = TransitionForm(request.POST, request.FILES)
    if not form.is_valid():
        context = _detail_context(request.user, case, form=form, failed=code)
        return render(request, "cases/detail.html", context, status=422)
    data = form.cleaned_data
    try:
        case = services.do_transition(
            request.user,
            case,
            code,
            note=data["note"],
            department=data["department"],
            due_at=data["due_at"],
            solved=data["solved"],
            attachments=[data["attachments"]] if data["attachments"] else [],
        )
    except Forbidden:
        return HttpResponseForbidden("无权执行此操作")
    except InvalidInput as exc:
        for field, errors in exc.errors.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        context = _detail_context(request.user, case, form=form, failed=code)
        return render(request, "cases/detail.html", context, status=422)
    except services.TransitionRefused as exc:
        messages.error(request, exc.message)
        return redirect("case-detail", pk=case.pk)
    messages.success(request, _step_message(case, code))
    return redirect("case-detail", pk=case.pk)


def _step_message(case, code: str) -> str:
    """Say what the step did and where the case now stands: 已派单至区资规分局, 已答复，等待回访."""
    transition = case.case_type.workflow.transitions.get(code=code)
    said = f"已{transition.label}"
    if transition.effect == "set_department" and case.department_id:
        said += f"至{case.department.name}"
    state = case.state_label
    if state.startswith("待"):
        return f"{said}，{state}"
    if case.kind == StateKind.RESOLVED:
        return f"{said}，等待回访"
    if case.kind == StateKind.REJECTED:
        return f"已将事项办结为“{state}”"
    if said.startswith(state):
        return said
    return f"{said}，事项{state}"


@login_required
def attachment_download(request, pk):
    """Attachments are served only to those who may see their case."""
    attachment = get_object_or_404(CaseAttachment.objects.select_related("event"), pk=pk)
    access.access_object(request.user, Case, attachment.event.case_id)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@login_required
@permission_required("cases.add_case", raise_exception=True)
def case_create(request):
    form = OpenCaseForm(request.POST or None)
    if request.user.is_back_office and not access.sees_everything(request.user):
        field = form.fields["region"]
        field.queryset = field.queryset.within(request.user.region_prefixes())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = services.do_open_case(
            request.user,
            case_type=data["case_type"],
            title=data["title"],
            description=data["description"],
            priority=data["priority"],
            region=data["region"],
            requester=request.user,
        )
        messages.success(request, f"已登记事项 {case.number}：{case.title}")
        return redirect("case-detail", pk=case.pk)
    return render(
        request, "cases/create.html", {"form": form}, status=422 if form.is_bound else 200
    )


@login_required
@permission_required("cases.view_kpi", raise_exception=True)
def kpi_page(request):
    group_by = request.GET.get("group", "department")
    if group_by not in case_kpis.GROUPS:
        group_by = "department"
    start = end = None
    month = request.GET.get("month", "")
    if month:
        try:
            year, number = (int(part) for part in month.split("-"))
            start, end = case_kpis.month_bounds(year, number)
        except ValueError:
            messages.error(request, "月份格式应为 2026-03")
    rows = case_kpis.kpis(
        access.visible(Case, request.user), group_by=group_by, start=start, end=end
    )
    total = case_kpis.total_of(rows)
    return render(
        request,
        "cases/kpis.html",
        {
            "rows": rows,
            "total": total,
            "total_rates": [
                total.response_rate,
                total.on_time_rate,
                total.solve_rate,
                total.satisfaction_rate,
                total.return_rate,
                total.reopen_rate,
            ],
            "group_by": group_by,
            "month": month,
        },
    )
