"""Case pages: my queue, the department queue, a case with its timeline, the claim board."""

from io import BytesIO
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import load_workbook

from qinqing.cases import drilldown, listing, services
from qinqing.cases import kpis as case_kpis
from qinqing.cases.forms import (
    OpenCaseForm,
    SuperviseForm,
    SupervisionAnswerForm,
    TransitionForm,
)
from qinqing.cases.models import (
    ACTIVE_KINDS,
    Case,
    CaseAttachment,
    StateKind,
    Supervision,
    overdue_q,
)
from qinqing.core import access
from qinqing.core.exporting import xlsx_response
from qinqing.core.forms import limit_region_fields
from qinqing.core.models import Department
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.core.views.common import query_string

PAGE_SIZE = 50


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


def _queue(
    request, cases, title: str, template="cases/queue.html", default_kind="active", extra=None
):
    kind = request.GET.get("kind", default_kind)
    if kind == "active":
        cases = cases.filter(kind__in=ACTIVE_KINDS)
    elif kind in StateKind.values:
        cases = cases.filter(kind=kind)
    if request.GET.get("overdue"):
        cases = cases.filter(overdue_q())
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
            **(extra or {}),
        },
    )


@login_required
@permission_required("cases.view_case", raise_exception=True)
def my_queue(request):
    user = request.user
    mine = access.visible(Case, user).filter(Q(assignee=user) | Q(requester=user))
    return _queue(request, mine, "我的事项")


@login_required
@permission_required("cases.supervise_case", raise_exception=True)
def all_cases(request):
    """Every case in the user's scope (a leader's view), with the overdue filter."""
    return _queue(request, access.visible(Case, request.user), "全部事项")


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
            "case_type", "state", "department", "assignee", "requester", "enterprise", "region"
        ),
        pk,
    )
    return render(request, "cases/detail.html", _detail_context(request.user, case))


def _detail_context(user, case, form=None, failed=None, supervise_form=None):
    events = case.events.select_related("actor", "department", "from_state", "to_state")
    return {
        "case": case,
        "events": events.prefetch_related("attachments"),
        "transitions": services.available_transitions(user, case),
        "form": form or TransitionForm(),
        "failed": failed,
        "departments": access.visible(Department, user),
        "now": timezone.now(),
        "supervisions": case.supervisions.select_related("created_by", "answered_by"),
        "may_supervise": user.has_perm("cases.supervise_case") and case.is_active,
        "may_answer": "handler" in services.roles.case_roles(user, case),
        "supervise_form": supervise_form or SuperviseForm(),
        "children": case.children.select_related("state", "case_type").order_by("pk"),
        "progress": services.children_progress(case),
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
            # Only the fields the step declares are read from the rest of the form.
            values=request.POST.dict(),
            attachments=[data["attachments"]] if data["attachments"] else [],
        )
    except Forbidden:
        return HttpResponseForbidden("无权执行此操作")
    except InvalidInput as exc:
        for field, errors in exc.errors.items():
            for error in errors:
                if field in form.fields:
                    form.add_error(field, error)
                else:  # a field the step declares: name it in the message
                    label = exc.labels.get(field, "")
                    form.add_error(None, f"{label}：{error}" if label else error)
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
    if "set_department" in transition.effects and case.department_id:
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
@require_POST
def case_supervise(request, pk):
    case = access.access_object(request.user, Case.objects.select_related("case_type", "state"), pk)
    form = SuperviseForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput.from_form(form)
        services.do_supervise(
            request.user, case, note=form.cleaned_data["note"], due_at=form.cleaned_data["due_at"]
        )
    except Forbidden:
        return HttpResponseForbidden("无权督办")
    except InvalidInput as exc:
        for field, errors in exc.errors.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        context = _detail_context(request.user, case, supervise_form=form)
        return render(request, "cases/detail.html", context, status=422)
    messages.success(request, "已督办，承办单位须在期限内答复")
    return redirect("case-detail", pk=case.pk)


@login_required
@require_POST
def supervision_answer(request, pk):
    supervision = get_object_or_404(Supervision.objects.select_related("case__case_type"), pk=pk)
    access.access_object(request.user, Case, supervision.case_id)  # 404 alike if not visible
    form = SupervisionAnswerForm(request.POST)
    answer = form.cleaned_data["answer"] if form.is_valid() else ""
    try:
        services.do_answer_supervision(request.user, supervision, answer)
    except Forbidden:
        return HttpResponseForbidden("无权答复督办")
    except InvalidInput as exc:
        messages.error(request, exc.summary)
    except services.TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已答复督办")
    return redirect("case-detail", pk=supervision.case_id)


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
    limit_region_fields(form, request.user)
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
    if group_by not in case_kpis.GROUPS or group_by == "total":
        group_by = "department"
    month = request.GET.get("month", "")
    try:
        start, end = drilldown.period(month)
    except InvalidInput as exc:
        messages.error(request, exc.errors["month"][0])
        month, start, end = "", None, None
    rows = case_kpis.kpis(
        access.visible(Case, request.user), group_by=group_by, start=start, end=end
    )
    total = case_kpis.total_of(rows)
    # The rows already carry the applicable indicators; ask again only when there are none.
    if rows:
        indicators = [figure.indicator for figure in total.figures.values()]
    else:
        indicators = [case_kpis.INDICATORS[code] for code in case_kpis.applicable()]
    if request.GET.get("export") == "xlsx":
        return _kpi_export(group_by, month, indicators, rows, total)
    rates = [indicator for indicator in indicators if indicator.is_rate]
    chart = request.GET.get("chart", "on_time_rate")
    chart = next((i for i in rates if i.code == chart), rates[0] if rates else None)
    return render(
        request,
        "cases/kpis.html",
        {
            "indicators": indicators,
            "rows": [_kpi_row(row, group_by, month) for row in rows],
            "total": _kpi_row(total, "total", month) if rows else None,
            "group_by": group_by,
            "group_label": drilldown.GROUP_LABELS[group_by],
            "groups": [(c, label) for c, label in drilldown.GROUP_LABELS.items() if c != "total"],
            "month": month,
            "rates": rates,
            "chart": chart,
            "bars": _bars(rows, chart),
            "filters": query_string(request),
        },
    )


def _kpi_row(row: case_kpis.KpiRow, group_by: str, month: str) -> dict:
    """A table row: each figure with the links to the cases behind its parts."""
    base = {"group": group_by, "key": drilldown.key_param(row.key)}
    if month:
        base["month"] = month
    url = reverse("case-kpi-cases")

    def link(code, part):
        return f"{url}?{urlencode({'indicator': code, 'part': part, **base})}"

    return {
        "label": row.label,
        "cases": row.cases,
        "cells": [
            {
                "figure": figure,
                "numerator_url": link(code, "numerator"),
                "denominator_url": link(code, "denominator") if figure.indicator.is_rate else "",
            }
            for code, figure in row.figures.items()
        ],
    }


def _bars(rows, indicator) -> list[dict]:
    """One bar per group for the chosen rate; a group without a denominator has no bar."""
    if indicator is None:
        return []
    return [
        {"label": row.label, "value": row.figures[indicator.code].value}
        for row in rows
        if indicator.code in row.figures
    ]


def _kpi_export(group_by, month, indicators, rows, total):
    headers = [
        drilldown.GROUP_LABELS[group_by],
        "事项数",
        *(f"{i.label}（{i.unit}）" for i in indicators),
    ]
    table = [
        [row.label, row.cases, *(_figure_value(row, i.code) for i in indicators)]
        for row in [*rows, total]
    ]
    title = f"考核指标-{month}" if month else "考核指标"
    response = xlsx_response(title, headers, table)
    # The definitions travel with the figures, on a second sheet.
    book = load_workbook(BytesIO(response.content))
    sheet = book.create_sheet("指标定义")
    sheet.append(["指标", "单位", "定义"])
    for indicator in indicators:
        sheet.append([indicator.label, indicator.unit, indicator.definition])
    sheet.column_dimensions["C"].width = 80
    buffer = BytesIO()
    book.save(buffer)
    response.content = buffer.getvalue()
    return response


def _figure_value(row, code):
    figure = row.figures.get(code)
    return figure.value if figure else None


@login_required
@permission_required("cases.view_kpi", raise_exception=True)
def kpi_cases(request):
    """The cases behind one KPI figure, with the same access rule as the KPI page."""
    params = {
        "indicator": request.GET.get("indicator", ""),
        "part": request.GET.get("part", "numerator"),
        "group_by": request.GET.get("group", "total"),
        "key": request.GET.get("key"),
        "month": request.GET.get("month", ""),
    }
    visible = access.visible(Case, request.user)
    try:
        cases = drilldown.figure_cases(visible, **params)
    except InvalidInput as exc:
        problems = [f"{exc.labels.get(f, f)}：{m}" for f, ms in exc.errors.items() for m in ms]
        return render(request, "cases/kpi_cases.html", {"problems": problems}, status=422)
    title = drilldown.describe(
        visible, **{k: params[k] for k in ("indicator", "part", "group_by", "key")}
    )
    indicator = case_kpis.INDICATORS[params["indicator"]]
    return _queue(
        request,
        cases,
        title,
        template="cases/kpi_cases.html",
        default_kind="all",
        extra={"indicator": indicator, "params": params},
    )
