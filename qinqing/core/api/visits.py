"""Visits API: the visits a user may see, and recording a new one."""

from ninja import Query, Router, Status
from ninja.pagination import paginate

from qinqing.core import access, services
from qinqing.core.api.base import require_perm
from qinqing.core.api.schemas import RecordId, VisitFilter, VisitIn, VisitOut, errors
from qinqing.core.models import Visit

router = Router(tags=["走访"])


def _visits(request):
    return access.visible(Visit, request.auth).select_related(
        "visitor", "enterprise", "person", "region"
    )


def _visit(request, visit_id: RecordId) -> Visit:
    return access.access_object(request.auth, _visits(request), visit_id)


@router.get("/visits", response={200: list[VisitOut], **errors(403, 422)}, summary="走访记录列表")
@paginate
def list_visits(request, filters: Query[VisitFilter]):
    """按走访时间倒序。工作人员看到负责区划内的走访和本人的走访；企业、个人看到针对自己的走访。"""
    require_perm(request.auth, "core.view_visit")
    return filters.filter(_visits(request))


@router.get("/visits/{visit_id}", response={200: VisitOut, **errors(404)}, summary="走访记录详情")
def get_visit(request, visit_id: RecordId):
    return _visit(request, visit_id)


@router.post("/visits", response={201: VisitOut, **errors(400, 403, 422)}, summary="记录走访")
def record_visit(request, payload: VisitIn):
    """只能走访当前账号可见的企业或人员。"""
    visit = services.do_record_visit(request.auth, payload.model_dump())
    return Status(201, _visit(request, visit.pk))
