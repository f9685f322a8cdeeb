"""The land ledger (土地台账)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from qinqing.core import access
from qinqing.core.exporting import xlsx_response
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.core.views.common import query_string, show_errors
from qinqing.enterprise import services
from qinqing.enterprise.filters import ParcelFilter
from qinqing.enterprise.forms import LandParcelForm
from qinqing.enterprise.models import (
    LandParcel,
    ParcelStatus,
)
from qinqing.enterprise.views import filtered


def land_figures(parcels) -> dict:
    by_status = dict(parcels.values_list("status").annotate(area=Sum("area_mu")).order_by())
    low = parcels.filter(kind="low_efficiency", status=ParcelStatus.REMEDIATED)
    return {
        "surveyed_area": sum(by_status.values()) if by_status else 0,
        "recovered_area": by_status.get(ParcelStatus.RECOVERED, 0),
        "transferred_area": by_status.get(ParcelStatus.TRANSFERRED, 0),
        "remediated_count": low.values("enterprise").distinct().count(),
        "remediated_area": low.aggregate(area=Sum("area_mu"))["area"] or 0,
    }


@login_required
@permission_required("enterprise.view_landparcel", raise_exception=True)
def land_ledger(request):
    _filters, parcels, status = filtered(request, ParcelFilter)
    if request.GET.get("export") == "xlsx" and status == 200:
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
        form = LandParcelForm(request.POST or None, actor=request.user)
        if request.method == "POST":
            try:
                parcel = services.do_register_parcel(request.user, request.POST)
            except InvalidInput as error:
                show_errors(form, error)
            else:
                messages.success(request, f"已登记地块 {parcel.name}（{parcel.area_mu} 亩）")
                return redirect("station-land")
    return render(
        request,
        "enterprise/land.html",
        {
            "parcels": parcels,
            "figures": land_figures(access.visible(LandParcel, request.user)),
            "form": form,
            "statuses": ParcelStatus.choices,
            "filters": query_string(request),
        },
        status=422 if form is not None and form.is_bound and form.errors else status,
    )


@login_required
@require_POST
def land_status(request, pk):
    parcel = access.access_object(request.user, LandParcel, pk)
    try:
        services.do_change_parcel_status(request.user, parcel, request.POST.get("status", ""))
    except Forbidden:
        raise Http404 from None
    except InvalidInput as error:
        messages.error(request, error.summary)
    else:
        messages.success(request, f"{parcel} 已更新为“{parcel.get_status_display()}”")
    return redirect("station-land")
