"""亩均效益 grading."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinqing.core import access, importing
from qinqing.core.exporting import xlsx_response
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.enterprise import indicators, services
from qinqing.enterprise.forms import (
    IndicatorUploadForm,
)
from qinqing.enterprise.models import (
    GradeResult,
)


@login_required
@permission_required("enterprise.view_graderesult", raise_exception=True)
def grading_page(request):
    years = sorted(set(GradeResult.objects.values_list("year", flat=True)), reverse=True)
    default_year = years[0] if years else timezone.localdate().year - 1
    try:
        year = int(request.GET.get("year", default_year))
    except ValueError:
        year = default_year
    results = (
        access.visible(GradeResult, request.user)
        .filter(year=year, scheme=services.default_scheme())
        .select_related("enterprise")
        .order_by("-score")
    )
    if request.GET.get("low"):
        results = results.filter(low_efficiency=True)
    if request.GET.get("grade") in {"A", "B", "C", "D"}:
        results = results.filter(grade=request.GET["grade"])
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"{year}年亩均效益评价",
            [
                "企业",
                "统一社会信用代码",
                "规上",
                "综合得分",
                "等级",
                "亩均税收（万元/亩）",
                "低效企业",
            ],
            (
                [
                    g.enterprise.name,
                    g.enterprise.credit_code,
                    g.above_scale,
                    float(g.score),
                    g.grade,
                    float(g.tax_per_mu),
                    g.low_efficiency,
                ]
                for g in results
            ),
        )
    summary = dict(results.values_list("grade").annotate(n=Count("pk")).order_by())
    upload = IndicatorUploadForm(initial={"year": year})
    return render(
        request,
        "enterprise/grading.html",
        {
            "year": year,
            "years": years,
            "results": results[:500],
            "summary": summary,
            "upload": upload,
            "low_count": results.filter(low_efficiency=True).count(),
        },
    )


@login_required
@permission_required("enterprise.add_indicatoryear", raise_exception=True)
@require_POST
def grading_import(request):
    form = IndicatorUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}：{'；'.join(errors)}")
        return redirect("station-grading")
    try:
        job = importing.do_start_import(
            request.user,
            kind=indicators.INDICATORS.kind,
            filename=form.cleaned_data["file"].name,
            content=form.cleaned_data["file"],
            params={"year": form.cleaned_data["year"]},
        )
    except Forbidden:
        raise PermissionDenied from None
    except InvalidInput as exc:
        messages.error(request, exc.summary)
        return redirect(f"{reverse('station-grading')}?year={form.cleaned_data['year']}")
    # Progress, errors by row and column, and the way on to the grades: the import's page.
    return redirect("import-detail", job.pk)


@login_required
@permission_required("enterprise.view_graderesult", raise_exception=True)
def grade_detail(request, pk):
    result = access.access_object(
        request.user, GradeResult.objects.select_related("enterprise"), pk
    )
    return render(request, "enterprise/grade_detail.html", {"result": result})
