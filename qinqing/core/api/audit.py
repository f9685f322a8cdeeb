"""Audit trail API: who changed or viewed which record, for holders of core.view_auditentry."""

from ninja import Query, Router
from ninja.pagination import paginate

from qinqing.core import access
from qinqing.core.api.base import require_perm
from qinqing.core.api.schemas import AuditEntryOut, AuditFilter, errors
from qinqing.core.models import AuditEntry

router = Router(tags=["审计"])


@router.get("/audit", response={200: list[AuditEntryOut], **errors(403, 422)}, summary="审计记录")
@paginate
def list_audit_entries(request, filters: Query[AuditFilter]):
    """最新的在前。例：?content_type=core.enterprise&object_pk=12 查看一家企业的全部变更。

    个人号码按保存时的脱敏值显示。需要“查看审计记录”权限，否则 403。
    """
    require_perm(request.auth, "core.view_auditentry")
    entries = access.visible(AuditEntry, request.auth).select_related("actor", "content_type")
    return filters.filter(entries).order_by("-timestamp", "-pk")
