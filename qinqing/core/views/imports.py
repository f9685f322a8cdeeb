"""Import pages: upload, a job's progress and errors, templates and error reports."""

from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from qinqing.core import access, importing
from qinqing.core.exporting import XLSX_TYPE, xlsx_response
from qinqing.core.forms import Form
from qinqing.core.models import ImportJob
from qinqing.core.models.imports import ImportMode
from qinqing.core.services import Forbidden, InvalidInput

MODE_CHOICES = [
    (
        ImportMode.ALL_OR_NOTHING,
        "全部正确才导入：只要有一行有错，整个文件都不导入；按错误报告改好后重新上传整个文件",
    ),
    (
        ImportMode.VALID_ONLY,
        "只导入正确的行：正确的行先导入，有错的行列在错误报告里；改好后只需重新上传这些行",
    ),
]


class UploadForm(Form):
    kind = forms.ChoiceField(
        label="导入内容",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择导入内容", "invalid_choice": "请选择导入内容"},
    )
    mode = forms.ChoiceField(
        label="导入方式",
        choices=MODE_CHOICES,
        initial=ImportMode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择导入方式", "invalid_choice": "请选择导入方式"},
    )
    file = forms.FileField(
        label="文件（.xlsx 或 .csv）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": "请选择要上传的文件", "empty": "文件是空的"},
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(spec.kind, spec.label) for spec in kinds]
        self.fields["kind"].initial = kinds[0].kind if kinds else None


def uploadable_kinds(user) -> list[importing.ImportSpec]:
    """Kinds this page uploads: those the user may import that need nothing but a file
    (a kind with parameters, such as a year, is uploaded from its own module's page)."""
    return [s for s in importing.import_kinds() if s.params_form is None and s.allows(user)]


def _jobs(user):
    # The list needs neither the file nor the error report.
    return access.visible(ImportJob, user).select_related("created_by").defer("content", "errors")


@login_required
@permission_required("core.add_importjob", raise_exception=True)
def import_list(request):
    kinds = uploadable_kinds(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = importing.do_start_import(
                request.user,
                kind=form.cleaned_data["kind"],
                mode=form.cleaned_data["mode"],
                filename=upload.name,
                content=upload,
            )
        except Forbidden:
            raise PermissionDenied from None
        except InvalidInput as exc:
            for name, messages in exc.errors.items():
                form.add_error(name if name in form.fields else None, messages)
        else:
            return redirect("import-detail", job.pk)
    context = {"form": form, "jobs": _jobs(request.user)[:20], "kinds": kinds}
    return render(request, "core/imports/list.html", context, status=422 if form.errors else 200)


@login_required
def import_detail(request, pk):
    jobs = ImportJob.objects.select_related("created_by").defer("content")
    job = access.access_object(request.user, jobs, pk)
    context = {
        "job": job,
        "shown_errors": job.errors[: importing.SHOWN_ERRORS],
        "error_rows": len({e["row"] for e in job.errors if e.get("row")}),
        "result_url": importing.result_url(job),
    }
    if job.is_finished:
        context["ignored_columns"] = importing.ignored_columns(job)
    if request.htmx:
        return render(request, "core/imports/_status.html", context)
    return render(request, "core/imports/detail.html", context)


@login_required
def import_error_report(request, pk):
    job = access.access_object(request.user, ImportJob.objects.defer("content"), pk)
    return xlsx_response(
        f"导入错误报告-{job.pk}", importing.ERROR_REPORT_HEADERS, importing.error_report_rows(job)
    )


@login_required
@permission_required("core.add_importjob", raise_exception=True)
def import_template(request, kind):
    spec = importing.import_kind(kind)
    if spec is None:
        raise Http404("没有这种导入模板")
    if not spec.allows(request.user):
        raise PermissionDenied
    name = f"{spec.label}导入模板.xlsx"
    response = HttpResponse(importing.template_bytes(spec), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


urlpatterns = [
    path("imports/", import_list, name="import-list"),
    path("imports/template/<str:kind>/", import_template, name="import-template"),
    path("imports/<int:pk>/", import_detail, name="import-detail"),
    path("imports/<int:pk>/errors.xlsx", import_error_report, name="import-errors"),
]
