"""参保企业“省心办”: an enterprise account files a request to the 医保局 from its phone,
and follows its own requests (status, deadline, 回访) on the same page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from qinqing.cases import listing
from qinqing.cases.models import Case
from qinqing.core import access
from qinqing.core.services import InvalidInput
from qinqing.medinsure import services
from qinqing.medinsure.case_types import SERVICE_REQUEST
from qinqing.medinsure.forms import ServiceRequestForm

PAGE_ROWS = 20


@login_required
@permission_required("medinsure.request_service", raise_exception=True)
def service_requests(request):
    form = ServiceRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.do_request_service(request.user, **form.cleaned_data)
        except InvalidInput as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            to = f"已派{case.department.name}办理" if case.department_id else "医保局会尽快受理"
            messages.success(request, f"已提交，编号 {case.number}，{to}")
            return redirect("case-detail", pk=case.pk)
    cases = (
        access.visible(Case, request.user)
        .filter(case_type__code=SERVICE_REQUEST)
        .select_related("case_type", "state", "department")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(cases, PAGE_ROWS).get_page(request.GET.get("page"))
    listing.attach_next_steps(request.user, page.object_list)
    return render(
        request,
        "medinsure/requests.html",
        {"form": form, "page": page},
        status=422 if form.is_bound else 200,
    )
