"""Directory API: regions, departments, enterprises and people.

Each endpoint parses, finds records through ``access``, calls a service and
returns a schema. People leave here masked; full numbers only through
``/people/{id}/unmask``, which is audited.
"""

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from qinqing.core import access, services
from qinqing.core.api.base import require_perm
from qinqing.core.api.schemas import (
    DepartmentFilter,
    DepartmentOut,
    EnterpriseFilter,
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePatch,
    PersonalDataOut,
    PersonFilter,
    PersonIn,
    PersonOut,
    PersonPatch,
    PersonSearchIn,
    RecordId,
    RegionFilter,
    RegionOut,
    UnmaskIn,
    errors,
    refuse_numbers_in_url,
)
from qinqing.core.filters import EnterpriseListFilter, PersonListFilter
from qinqing.core.models import Department, Enterprise, Person, Region

router = Router()

# Region.full_name climbs to the province: town → county → prefecture → province.
WITH_REGION_NAMES = "region__parent__parent__parent"


# --- regions -----------------------------------------------------------------------


@router.get(
    "/regions",
    response={200: list[RegionOut], **errors(422)},
    tags=["区划"],
    summary="行政区划列表",
)
@paginate
def list_regions(request, filters: Query[RegionFilter]):
    """浙江省的省、市、县（市、区）和乡镇（街道），按代码排序。所有登录账号可查。"""
    regions = access.visible(Region, request.auth).select_related("parent__parent__parent")
    return filters.filter(regions)


@router.get(
    "/regions/{code}",
    response={200: RegionOut, **errors(404)},
    tags=["区划"],
    summary="行政区划详情",
)
def get_region(request, code: str):
    regions = access.visible(Region, request.auth).select_related("parent__parent__parent")
    return get_object_or_404(regions, code=code)


# --- departments ---------------------------------------------------------------------


@router.get(
    "/departments",
    response={200: list[DepartmentOut], **errors(403, 422)},
    tags=["部门"],
    summary="部门列表",
)
@paginate
def list_departments(request, filters: Query[DepartmentFilter]):
    """县、乡镇和园区的部门。仅限机关账号（管理员、领导、工作人员、部门经办人）。"""
    require_perm(request.auth, "core.view_department")
    departments = access.visible(Department, request.auth).select_related(WITH_REGION_NAMES, "head")
    return filters.filter(departments)


# --- enterprises ---------------------------------------------------------------------


def _enterprises(request):
    return access.visible(Enterprise, request.auth).select_related(WITH_REGION_NAMES)


def _enterprise(request, enterprise_id: RecordId) -> Enterprise:
    return access.access_object(request.auth, _enterprises(request), enterprise_id)


@router.get(
    "/enterprises",
    response={200: list[EnterpriseOut], **errors(403, 422)},
    tags=["企业"],
    summary="企业列表",
)
@paginate
def list_enterprises(request, filters: Query[EnterpriseFilter]):
    """当前账号可见的企业：工作人员为负责区划内的企业，企业账号为本企业。"""
    require_perm(request.auth, "core.view_enterprise")
    return EnterpriseListFilter(request.GET, actor=request.auth).rows()


@router.get(
    "/enterprises/{enterprise_id}",
    response={200: EnterpriseOut, **errors(404)},
    tags=["企业"],
    summary="企业详情",
)
def get_enterprise(request, enterprise_id: RecordId):
    return _enterprise(request, enterprise_id)


@router.post(
    "/enterprises",
    response={201: EnterpriseOut, **errors(400, 403, 422)},
    tags=["企业"],
    summary="登记企业",
)
def create_enterprise(request, payload: EnterpriseIn):
    enterprise = services.do_create_enterprise(request.auth, payload.model_dump())
    return Status(201, _enterprise(request, enterprise.pk))


@router.patch(
    "/enterprises/{enterprise_id}",
    response={200: EnterpriseOut, **errors(400, 403, 404, 422)},
    tags=["企业"],
    summary="修改企业信息",
)
def update_enterprise(request, enterprise_id: RecordId, payload: EnterprisePatch):
    enterprise = _enterprise(request, enterprise_id)
    current = {name: getattr(enterprise, name) for name in EnterpriseIn.model_fields}
    current["region"] = enterprise.region.code
    services.do_update_enterprise(
        request.auth, enterprise, {**current, **payload.model_dump(exclude_unset=True)}
    )
    return _enterprise(request, enterprise_id)


# --- people --------------------------------------------------------------------------


def _people(request):
    return access.visible(Person, request.auth).select_related(WITH_REGION_NAMES)


def _person(request, person_id: RecordId) -> Person:
    return access.access_object(request.auth, _people(request), person_id)


@router.get(
    "/people",
    response={200: list[PersonOut], **errors(403, 422)},
    tags=["人员"],
    summary="人员列表",
)
@paginate
def list_people(request, filters: Query[PersonFilter]):
    """按姓名模糊查找。号码在响应中均已脱敏。

    按完整身份证号、手机号查找请用 POST /people/search：网址会进入代理和访问日志，
    所以本接口拒绝 id_number、phone 参数（422）。
    """
    require_perm(request.auth, "core.view_person")
    refuse_numbers_in_url(request)
    return PersonListFilter(request.GET, actor=request.auth).rows()


@router.post(
    "/people/search",
    response={200: list[PersonOut], **errors(400, 403, 422)},
    tags=["人员"],
    summary="按号码查找人员",
)
@paginate
def search_people(request, payload: PersonSearchIn):
    """按姓名、区划，或按完整身份证号、手机号精确查找；条件放在请求体中，
    完整号码不会出现在网址和访问日志里。"""
    require_perm(request.auth, "core.view_person")
    return payload.filter(_people(request))


@router.get(
    "/people/{person_id}",
    response={200: PersonOut, **errors(404)},
    tags=["人员"],
    summary="人员详情",
)
def get_person(request, person_id: RecordId):
    return _person(request, person_id)


@router.post(
    "/people", response={201: PersonOut, **errors(400, 403, 422)}, tags=["人员"], summary="登记人员"
)
def create_person(request, payload: PersonIn):
    person = services.do_create_person(request.auth, payload.model_dump())
    return Status(201, _person(request, person.pk))


@router.patch(
    "/people/{person_id}",
    response={200: PersonOut, **errors(400, 403, 404, 422)},
    tags=["人员"],
    summary="修改人员信息",
)
def update_person(request, person_id: RecordId, payload: PersonPatch):
    person = _person(request, person_id)
    current = {name: getattr(person, name) for name in PersonIn.model_fields}
    current["region"] = person.region.code
    services.do_update_person(
        request.auth, person, {**current, **payload.model_dump(exclude_unset=True)}
    )
    return _person(request, person_id)


@router.post(
    "/people/{person_id}/unmask",
    response={200: PersonalDataOut, **errors(400, 403, 404, 422)},
    tags=["人员"],
    summary="查看完整身份证号和手机号",
)
def unmask_person(request, person_id: RecordId, payload: UnmaskIn | None = None):
    """需要“查看完整身份证号和手机号”权限（core.view_personal_data），否则 403。

    每次查看都记入审计日志：操作人、时间、字段和事由。
    """
    person = _person(request, person_id)
    payload = payload or UnmaskIn()
    return services.reveal_personal_data(
        request.auth, person, list(dict.fromkeys(payload.fields)), purpose=payload.purpose
    )
