"""Visit pages (走访): list with filters and export, a visit, and recording one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from qinqing.core import access, services
from qinqing.core.forms import Form, VisitForm, describe_errors
from qinqing.core.models import Enterprise, Person, Visit
from qinqing.core.views.common import (
    call_service,
    export,
    page_of,
    query_string,
    render_form,
    show_errors,
    wants_export,
)

TARGET_KINDS = [("", "全部对象"), ("enterprise", "企业"), ("person", "人员")]
DATE_ERRORS = {"invalid": "日期格式应为 2026-01-31"}


class VisitFilterForm(Form):
    date_from = forms.DateField(
        label="开始日期",
        required=False,
        error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label="结束日期",
        required=False,
        error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    kind = forms.ChoiceField(
        label="走访对象",
        choices=TARGET_KINDS,
        required=False,
        error_messages={"invalid_choice": "走访对象应为企业或人员"},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("开始日期不能晚于结束日期")
        return cleaned

    def filter(self, visits):
        if not self.is_valid():
            return visits.none()
        data = self.cleaned_data
        if data["date_from"]:
            visits = visits.filter(visited_at__date__gte=data["date_from"])
        if data["date_to"]:
            visits = visits.filter(visited_at__date__lte=data["date_to"])
        if data["kind"] == "enterprise":
            visits = visits.filter(enterprise__isnull=False)
        elif data["kind"] == "person":
            visits = visits.filter(person__isnull=False)
        return visits


def _target_kind(visit: Visit) -> str:
    return "企业" if visit.enterprise_id else "人员"


VISIT_COLUMNS = [
    ("走访时间", lambda v: v.visited_at),
    ("对象类型", _target_kind),
    ("走访对象", lambda v: str(v.target)),
    ("所属区划", lambda v: v.region.full_name),
    ("走访人", lambda v: v.visitor.display_name),
    ("同行人员", lambda v: v.companions),
    ("走访情况", lambda v: v.notes),
    ("后续事项", lambda v: v.follow_ups),
    ("后续事项期限", lambda v: v.follow_up_due),
]


def _visits(user):
    return access.visible(Visit, user).select_related(
        "enterprise", "person", "visitor", "region__parent__parent__parent"
    )


@login_required
@permission_required("core.view_visit", raise_exception=True)
def visit_list(request):
    filters = VisitFilterForm(request.GET)
    visits = filters.filter(_visits(request.user))
    if wants_export(request):
        return export("走访记录", VISIT_COLUMNS, visits.iterator())
    context = {
        "page": page_of(request, visits),
        "filter_form": filters,
        "filter_errors": describe_errors(filters) if filters.errors else "",
        "filters": query_string(request),
    }
    return render(request, "core/visits/list.html", context)


@login_required
def visit_detail(request, pk):
    user = request.user
    visit = access.access_object(user, _visits(user), pk)
    context = {"visit": visit}
    if user.has_perm("core.view_auditentry"):
        context["audit_query"] = f"content_type=core.visit&object_pk={visit.pk}"
    return render(request, "core/visits/detail.html", context)


def _visit_form(user, **kwargs) -> VisitForm:
    """Only the enterprises and people this user sees can be chosen."""
    form = VisitForm(
        enterprises=access.visible(Enterprise, user),
        people=access.visible(Person, user).select_related("region"),
        **kwargs,
    )
    # Namesakes are told apart by the last digits of the (masked) ID number.
    form.fields["person"].label_from_instance = lambda p: f"{p.name}（{p.masked_id_number}）"
    form.fields["enterprise"].empty_label = form.fields["person"].empty_label = "（不选）"
    form.fields["visited_at"].widget.format = "%Y-%m-%dT%H:%M"
    form.fields["person"].label = "走访人员"
    form.fields["notes"].widget.attrs["rows"] = 4
    form.fields["follow_ups"].widget.attrs["rows"] = 3
    form.label_suffix = ""  # labels sit above their fields
    return form


@login_required
@permission_required("core.add_visit", raise_exception=True)
def visit_create(request):
    user = request.user
    if request.method == "POST":
        try:
            visit = call_service(services.do_record_visit, user, request.POST)
        except services.InvalidInput as error:
            form = show_errors(_visit_form(user, data=request.POST), error)
        else:
            messages.success(request, f"已记录走访：{visit.target}")
            return redirect("visit-detail", visit.pk)
    else:
        initial = {"visited_at": timezone.localtime().replace(second=0, microsecond=0)}
        # "记录走访" on an enterprise's or a person's page: that target is chosen already.
        if request.GET.get("enterprise"):
            initial["enterprise"] = access.access_object(
                user, Enterprise, request.GET["enterprise"]
            ).pk
        elif request.GET.get("person"):
            initial["person"] = access.access_object(user, Person, request.GET["person"]).pk
        form = _visit_form(user, initial=initial)
    return render_form(request, "core/visits/form.html", {"form": form})


urlpatterns = [
    path("visits/", visit_list, name="visit-list"),
    path("visits/new/", visit_create, name="visit-create"),
    path("visits/<int:pk>/", visit_detail, name="visit-detail"),
]
