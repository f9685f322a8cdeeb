"""Liaisons (联企服务员) and the visit schedule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from qinqing.core import access
from qinqing.core.models import Enterprise, Role, User
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.core.views.common import id_param, query_string
from qinqing.enterprise import services
from qinqing.enterprise.filters import LiaisonFilter
from qinqing.enterprise.views import filtered


@login_required
@permission_required("enterprise.view_liaison", raise_exception=True)
def liaison_list(request):
    _filters, enterprises, status = filtered(request, LiaisonFilter)
    page = Paginator(enterprises, 50).get_page(request.GET.get("page"))
    # Officers serving a region the user acts in; the service refuses any other.
    officers = (
        User.objects.filter(
            role__in=[Role.STAFF, Role.HANDLER],
            is_active=True,
            regions__in=access.actable_regions(request.user),
        )
        .distinct()
        .order_by("full_name")
    )
    return render(
        request,
        "enterprise/liaisons.html",
        {"page": page, "officers": officers, "filters": query_string(request)},
        status=status,
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
