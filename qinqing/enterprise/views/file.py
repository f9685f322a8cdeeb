"""One page per enterprise (一企一档)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from qinqing.cases.models import Case
from qinqing.core import access
from qinqing.core.models import Enterprise, Visit
from qinqing.enterprise.models import (
    GradeResult,
    LandParcel,
)


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
