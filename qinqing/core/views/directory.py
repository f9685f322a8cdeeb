"""Directory pages: enterprises (一企一档), people and departments, with .xlsx exports.

People's ID and phone numbers are shown masked; the full values only come from
``person_unmask``, which goes through the audited ``services.reveal_personal_data``.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from qinqing.core import access, crypto, services, validators
from qinqing.core.filters import EnterpriseListFilter, PersonListFilter
from qinqing.core.forms import EnterpriseForm, PersonForm
from qinqing.core.masking import mask_id_number, mask_phone
from qinqing.core.models import Department, Enterprise, Person, Region, Visit
from qinqing.core.models.directory import RegionLevel
from qinqing.core.views.common import (
    call_service,
    export,
    filtered,
    page_of,
    query_string,
    render_form,
    show_errors,
    wants_export,
)

# Region.full_name climbs to the province: town → county → prefecture → province.
WITH_REGION_NAMES = "region__parent__parent__parent"
PERSONAL_FIELDS = ["id_number", "phone"]
RECENT_VISITS = 20


def _filter_regions(user):
    """Counties and towns the user may filter by: everything, or within their scope."""
    regions = Region.objects.filter(
        level__in=[RegionLevel.COUNTY, RegionLevel.TOWN]
    ).select_related("parent__parent__parent")
    if access.sees_everything(user):
        return regions
    return regions.within(user.region_prefixes())


def _audit_link_context(user, obj) -> dict:
    if not user.has_perm("core.view_auditentry"):
        return {}
    return {"audit_query": f"content_type=core.{obj._meta.model_name}&object_pk={obj.pk}"}


# --- enterprises ---------------------------------------------------------------------

ENTERPRISE_COLUMNS = [
    ("企业名称", lambda e: e.name),
    ("统一社会信用代码", lambda e: e.credit_code),
    ("行业代码", lambda e: e.industry_code),
    ("行业门类", lambda e: e.industry_section),
    ("所属区划", lambda e: e.region.full_name),
    ("规模", lambda e: e.scale_label),
    ("从业人数", lambda e: e.employees),
    ("用地面积（亩）", lambda e: e.land_area_mu),
    ("地址", lambda e: e.address),
]


@login_required
@permission_required("core.view_enterprise", raise_exception=True)
def enterprise_list(request):
    user = request.user
    # The same filter as GET /api/v1/enterprises and the export: one set of parameters.
    _filters, enterprises, status = filtered(request, EnterpriseListFilter)
    if wants_export(request) and status == 200:
        return export("企业", ENTERPRISE_COLUMNS, enterprises.iterator())
    context = {
        "page": page_of(request, enterprises),
        "query": request.GET.get("q", "").strip(),
        "regions": list(_filter_regions(user)),
        "region_code": request.GET.get("region", ""),
        "scale": request.GET.get("scale", ""),
        "filters": query_string(request),
    }
    return render(request, "core/enterprises/list.html", context, status=status)


@login_required
def enterprise_detail(request, pk):
    user = request.user
    enterprises = Enterprise.objects.select_related(WITH_REGION_NAMES)
    enterprise = access.access_object(user, enterprises, pk)
    visits = (access.visible(Visit, user).filter(enterprise=enterprise).select_related("visitor"))[
        :RECENT_VISITS
    ]
    context = {"enterprise": enterprise, "visits": visits, **_audit_link_context(user, enterprise)}
    return render(request, "core/enterprises/detail.html", context)


def _region_select(form, user) -> None:
    """Only the regions the user may file records in, named in full."""
    services.restrict_region_choices(form, user)
    field = form.fields["region"]
    field.queryset = field.queryset.select_related("parent__parent__parent")
    field.empty_label = "请选择区划"
    form.label_suffix = ""  # labels sit above their fields


def _enterprise_form(user, **kwargs) -> EnterpriseForm:
    form = EnterpriseForm(**kwargs)
    _region_select(form, user)
    form.fields["credit_code"].help_text = "18位，字母不区分大小写"
    form.fields["industry_code"].help_text = "GB/T 4754-2017，2至4位数字，可带门类字母，如 C3011"
    form.fields["above_scale"].label = "规上企业（勾选表示规模以上）"
    return form


@login_required
@permission_required("core.add_enterprise", raise_exception=True)
def enterprise_create(request):
    user = request.user
    if request.method == "POST":
        try:
            enterprise = call_service(services.do_create_enterprise, user, request.POST)
        except services.InvalidInput as error:
            form = show_errors(_enterprise_form(user, data=request.POST), error)
        else:
            messages.success(request, f"已登记企业：{enterprise.name}")
            return redirect("enterprise-detail", enterprise.pk)
    else:
        form = _enterprise_form(user)
    return render_form(request, "core/enterprises/form.html", {"form": form, "enterprise": None})


@login_required
@permission_required("core.change_enterprise", raise_exception=True)
def enterprise_edit(request, pk):
    user = request.user
    enterprise = access.access_object(user, Enterprise, pk)
    if request.method == "POST":
        try:
            call_service(services.do_update_enterprise, user, enterprise, request.POST)
        except services.InvalidInput as error:
            # The failed save may have changed the instance in memory: show the stored one.
            enterprise.refresh_from_db()
            form = show_errors(_enterprise_form(user, data=request.POST), error)
        else:
            messages.success(request, "企业信息已保存")
            return redirect("enterprise-detail", enterprise.pk)
    else:
        form = _enterprise_form(user, instance=enterprise)
    context = {"form": form, "enterprise": enterprise}
    return render_form(request, "core/enterprises/form.html", context)


# --- people --------------------------------------------------------------------------

PERSON_COLUMNS = [
    ("姓名", lambda p: p.name),
    ("性别", lambda p: p.get_gender_display()),
    ("出生日期", lambda p: p.birth_date),
    ("身份证号", lambda p: p.masked_id_number),
    ("手机号", lambda p: p.masked_phone),
    ("所属区划", lambda p: p.region.full_name),
]

PERSON_COLUMNS_IN_FULL = [
    (header, {"身份证号": lambda p: p.id_number, "手机号": lambda p: p.phone}.get(header, value))
    for header, value in PERSON_COLUMNS
]

_NUMBER_LIKE = re.compile(r"^\+?[0-9]{6,}[0-9X]?$")


def _number_condition(raw: str) -> tuple[Q, str]:
    """Exact search by a full ID or mobile number, through its keyed hash.

    Returns the condition and the number masked (to tell the user what was searched).
    """
    value = validators.normalise(raw).upper()
    if len(value) >= 15 and not value.startswith(("+", "0086")):
        number = validators.validate_id_number(value)
        return Q(id_number_hash=crypto.lookup_hash(number)), mask_id_number(number)
    number = validators.validate_mobile(value)
    return Q(phone_hash=crypto.lookup_hash(number)), mask_phone(number)


@login_required
@permission_required("core.view_person", raise_exception=True)
def person_list(request):
    """Name search by GET; a full ID or phone number only by POST, so it never enters a URL."""
    user = request.user
    context = {"query": "", "number_search": None, "search_error": ""}
    if request.method == "POST":
        people = access.visible(Person, user).select_related(WITH_REGION_NAMES)
        raw = request.POST.get("q", "").strip()
        if not _NUMBER_LIKE.match(validators.normalise(raw).upper()):
            return redirect(
                f"{request.path}?{query_string(request, q=raw)}" if raw else "person-list"
            )
        try:
            condition, masked = _number_condition(raw)
        except ValidationError as error:
            context["search_error"] = error.messages[0]
            people = people.none()
        else:
            context["number_search"] = masked
            people = people.filter(condition)
    else:
        _filters, people, status = filtered(request, PersonListFilter)
        if status != 200:
            context.update(page=page_of(request, people), filters=query_string(request))
            return render(request, "core/people/list.html", context, status=status)
        context["query"] = request.GET.get("q", "").strip()
        if wants_export(request) and request.GET.get("numbers") == "full":
            filters = query_string(request)
            call_service(services.reveal_personal_data_in_export, user, people, filters)
            return export("人员（含完整号码）", PERSON_COLUMNS_IN_FULL, people.iterator())
        if wants_export(request):
            return export("人员", PERSON_COLUMNS, people.iterator())
    context.update(page=page_of(request, people), filters=query_string(request))
    return render(request, "core/people/list.html", context)


def _person_context(request, person, revealed=None) -> dict:
    user = request.user
    visits = access.visible(Visit, user).filter(person=person).select_related("visitor")
    return {
        "person": person,
        "visits": visits[:RECENT_VISITS],
        "can_unmask": access.can_unmask(user),
        "revealed": revealed,
        **_audit_link_context(user, person),
    }


@login_required
def person_detail(request, pk):
    person = access.access_object(
        request.user, Person.objects.select_related(WITH_REGION_NAMES), pk
    )
    return render(request, "core/people/detail.html", _person_context(request, person))


@login_required
@require_POST
@never_cache
def person_unmask(request, pk):
    """The full ID and phone numbers, for holders of core.view_personal_data; audited."""
    person = access.access_object(
        request.user, Person.objects.select_related(WITH_REGION_NAMES), pk
    )
    purpose = request.POST.get("purpose", "").strip()[:200]
    revealed = call_service(
        services.reveal_personal_data, request.user, person, PERSONAL_FIELDS, purpose=purpose
    )
    context = _person_context(request, person, revealed)
    if request.htmx:
        return render(request, "core/people/_personal_data.html", context)
    return render(request, "core/people/detail.html", context)


def _person_form(user, person=None, **kwargs) -> PersonForm:
    if person is not None:
        # Never put the stored numbers into the page: empty means "keep as it is".
        kwargs.setdefault("initial", {"id_number": "", "phone": ""})
    form = PersonForm(instance=person, **kwargs)
    _region_select(form, user)
    if person is not None:
        form.fields["id_number"].required = False
        form.fields["id_number"].help_text = f"当前为 {person.masked_id_number}，不修改请留空"
        form.fields["phone"].help_text = (
            f"当前为 {person.masked_phone}，不修改请留空" if person.phone else "当前未登记"
        )
    return form


@login_required
@permission_required("core.add_person", raise_exception=True)
def person_create(request):
    user = request.user
    if request.method == "POST":
        try:
            person = call_service(services.do_create_person, user, request.POST)
        except services.InvalidInput as error:
            form = show_errors(_person_form(user, data=request.POST), error)
        else:
            messages.success(request, f"已登记人员：{person.name}")
            return redirect("person-detail", person.pk)
    else:
        form = _person_form(user)
    return render_form(request, "core/people/form.html", {"form": form, "person": None})


@login_required
@permission_required("core.change_person", raise_exception=True)
def person_edit(request, pk):
    user = request.user
    person = access.access_object(user, Person, pk)
    if request.method == "POST":
        data = request.POST.copy()
        if not data.get("id_number", "").strip():
            data["id_number"] = person.id_number
        if data.get("clear_phone"):
            data["phone"] = ""
        elif not data.get("phone", "").strip():
            data["phone"] = person.phone
        try:
            call_service(services.do_update_person, user, person, data)
        except services.InvalidInput as error:
            person.refresh_from_db()
            # Shown again as typed: the stored numbers stay out of the page.
            form = show_errors(_person_form(user, person, data=request.POST), error)
        else:
            messages.success(request, "人员信息已保存")
            return redirect("person-detail", person.pk)
    else:
        form = _person_form(user, person)
    return render_form(request, "core/people/form.html", {"form": form, "person": person})


# --- departments ---------------------------------------------------------------------

DEPARTMENT_COLUMNS = [
    ("部门", lambda d: d.name),
    ("所属区划", lambda d: d.region.full_name),
    ("负责人", lambda d: d.head.display_name if d.head else ""),
    ("人数", lambda d: d.member_count),
]


@login_required
@permission_required("core.view_department", raise_exception=True)
def department_list(request):
    departments = (
        access.visible(Department, request.user)
        .select_related(WITH_REGION_NAMES, "head")
        .annotate(member_count=Count("members"))
        .order_by("region__code", "name")  # Meta.ordering is dropped in GROUP BY queries
    )
    query = request.GET.get("q", "").strip()
    if query:
        departments = departments.filter(name__icontains=query)
    if wants_export(request):
        return export("部门", DEPARTMENT_COLUMNS, departments)
    context = {"page": page_of(request, departments), "query": query}
    context["filters"] = query_string(request)
    return render(request, "core/departments/list.html", context)


urlpatterns = [
    path("enterprises/", enterprise_list, name="enterprise-list"),
    path("enterprises/new/", enterprise_create, name="enterprise-create"),
    path("enterprises/<int:pk>/", enterprise_detail, name="enterprise-detail"),
    path("enterprises/<int:pk>/edit/", enterprise_edit, name="enterprise-edit"),
    path("people/", person_list, name="person-list"),
    path("people/new/", person_create, name="person-create"),
    path("people/<int:pk>/", person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", person_edit, name="person-edit"),
    path("people/<int:pk>/unmask/", person_unmask, name="person-unmask"),
    path("departments/", department_list, name="department-list"),
]
