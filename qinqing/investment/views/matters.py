"""Agency matters (代办事项): the list, and one matter with its materials checklist."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinqing.cases import listing
from qinqing.core import access
from qinqing.core.exporting import xlsx_response
from qinqing.core.services import Forbidden
from qinqing.core.views.common import filtered, query_string
from qinqing.investment import services
from qinqing.investment.filters import MatterFilter
from qinqing.investment.models import AgencyMatter, MatterMaterial


@login_required
@permission_required("investment.view_agencymatter", raise_exception=True)
def matter_list(request):
    _filters, matters, status = filtered(request, MatterFilter)
    if request.GET.get("export") == "xlsx" and status == 200:
        return xlsx_response(
            "代办事项",
            [
                "编号",
                "事项",
                "项目",
                "审批部门",
                "法定时限（工作日）",
                "材料（已收/应收）",
                "状态",
                "登记时间",
                "办结期限",
                "办结时间",
                "是否超期",
            ],
            (
                [
                    m.case.number,
                    m.case.title,
                    m.project.name,
                    m.department.name,
                    m.legal_days,
                    f"{m.received}/{m.needed}",
                    m.case.state_label,
                    m.case.created_at,
                    m.case.due_at,
                    m.case.replied_at,
                    m.case.is_overdue,
                ]
                for m in matters
            ),
        )
    page = Paginator(matters, 50).get_page(request.GET.get("page"))
    listing.attach_next_steps(request.user, [matter.case for matter in page], restricted=False)
    return render(
        request,
        "investment/matters.html",
        {"page": page, "filters": query_string(request), "now": timezone.now()},
        status=status,
    )


@login_required
@permission_required("investment.view_agencymatter", raise_exception=True)
def matter_detail(request, pk):
    matter = access.access_object(
        request.user,
        AgencyMatter.objects.select_related(
            "project", "department", "case", "case__state", "case__case_type"
        ),
        pk,
    )
    listing.attach_next_steps(request.user, [matter.case], restricted=False)
    events = matter.case.events.select_related("actor").order_by("created_at", "pk")
    return render(
        request,
        "investment/matter.html",
        {
            "matter": matter,
            "materials": matter.materials.all(),
            "events": events,
            "may_tick": request.user.has_perm("investment.change_mattermaterial"),
        },
    )


@login_required
@require_POST
@permission_required("investment.change_mattermaterial", raise_exception=True)
def material_toggle(request, pk):
    material = access.access_object(request.user, MatterMaterial, pk)
    received = None if material.received_on else timezone.localdate()
    try:
        services.do_receive_material(request.user, material, received)
        messages.success(request, f"“{material.name}”{'已收到' if received else '改为未收到'}")
    except Forbidden:
        messages.error(request, "无权修改该材料")
    return redirect("investment-matter", pk=material.matter_id)
