"""检查与约谈: the list (phone-first cards, .xlsx) and the form to plan and record one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render

from qinqing.core import access
from qinqing.core.exporting import xlsx_response
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.core.views.common import filtered, query_string
from qinqing.medinsure import services
from qinqing.medinsure.filters import INSPECTION_STATES, InspectionFilter
from qinqing.medinsure.forms import InspectionForm
from qinqing.medinsure.models import Inspection, InspectionKind, Institution

PAGE_ROWS = 200
HEADERS = ["类型", "机构编码", "机构名称", "计划日期", "实施日期", "检查（约谈）情况",
           "整改任务", "整改状态", "整改期限", "记录人"]  # fmt: skip


@login_required
@permission_required("medinsure.view_inspection", raise_exception=True)
def inspection_list(request):
    _filters, rows, status = filtered(request, InspectionFilter)
    if request.GET.get("export") == "xlsx" and status == 200:
        return xlsx_response(
            "检查与约谈",
            HEADERS,
            (
                [
                    i.get_kind_display(),
                    i.institution.code,
                    i.institution.name,
                    i.planned_on,
                    i.done_on,
                    i.notes,
                    i.rectification.number if i.rectification else "",
                    i.rectification.state_label if i.rectification else "",
                    i.rectification.due_at.replace(tzinfo=None)
                    if i.rectification and i.rectification.due_at
                    else None,
                    str(i.recorded_by),
                ]
                for i in rows.iterator()
            ),
        )
    return render(
        request,
        "medinsure/inspections.html",
        {
            "inspections": rows[:PAGE_ROWS],
            "total": rows.count() if status == 200 else 0,
            "filters": query_string(request),
            "kinds": InspectionKind.choices,
            "states": INSPECTION_STATES,
            "page_rows": PAGE_ROWS,
        },
        status=status,
    )


def _save(request, form, inspection=None):
    data = form.cleaned_data
    fields = {
        "planned_on": data["planned_on"],
        "done_on": data["done_on"],
        "notes": data["notes"],
        "rectification": data["rectification"],
        "deadline": data["deadline"],
    }
    if inspection is None:
        return services.do_record_inspection(
            request.user, data["institution"], kind=data["kind"], **fields
        )
    return services.do_update_inspection(request.user, inspection, **fields)


@login_required
@permission_required("medinsure.add_inspection", raise_exception=True)
def inspection_form(request, pk=None):
    inspection = None
    initial = {"institution": request.GET.get("institution"), "kind": request.GET.get("kind")}
    if pk is not None:
        inspection = access.access_object(request.user, Inspection, pk)
        initial = {
            "planned_on": inspection.planned_on,
            "done_on": inspection.done_on,
            "notes": inspection.notes,
        }
    form = InspectionForm(
        request.POST or None,
        institutions=access.visible(Institution, request.user),
        editing=inspection is not None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save(request, form, inspection)
        except Forbidden:
            form.add_error(None, "您没有登记检查（约谈）的权限")
        except InvalidInput as error:
            for field, problems in error.errors.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            label = saved.get_kind_display()
            if saved.rectification_id:
                messages.success(
                    request, f"{label}已保存，整改任务 {saved.rectification.number} 已下达"
                )
            else:
                messages.success(request, f"{label}已保存")
            return redirect("medinsure-inspections")
    return render(
        request,
        "medinsure/inspection_form.html",
        {"form": form, "inspection": inspection},
        status=422 if form.is_bound else 200,
    )
