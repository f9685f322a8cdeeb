"""亩均效益 grading."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from qinqing.core import access, importing
from qinqing.core.exporting import xlsx_response
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.core.views.common import query_string
from qinqing.enterprise import indicators
from qinqing.enterprise.filters import GradeFilter, default_year, graded_years
from qinqing.enterprise.forms import (
    IndicatorUploadForm,
)
from qinqing.enterprise.models import (
    GradeResult,
)
from qinqing.enterprise.views import filtered


@login_required
@permission_required("enterprise.view_graderesult", raise_exception=True)
def grading_page(request):
    filters, results, status = filtered(request, GradeFilter)
    year = filters.cleaned_data.get("year") or default_year()
    if request.GET.get("export") == "xlsx" and status == 200:
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
    # The year's figures, whatever grade the list shows.
    of_year = filters.base(request.user).filter(year=year)
    summary = dict(of_year.values_list("grade").annotate(n=Count("pk")).order_by())
    upload = IndicatorUploadForm(initial={"year": year})
    return render(
        request,
        "enterprise/grading.html",
        {
            "year": year,
            "years": graded_years(),
            "results": results[:500],
            "summary": summary,
            "upload": upload,
            "low_count": of_year.filter(low_efficiency=True).count(),
            "filters": query_string(request),
        },
        status=status,
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
