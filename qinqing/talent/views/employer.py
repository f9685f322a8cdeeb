"""The employer's side: postings (draft, submit, withdraw) and applicants."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from qinqing.core import access
from qinqing.core.services import InvalidInput
from qinqing.core.views.common import (
    call_service,
    export,
    filtered,
    query_string,
    render_form,
    show_errors,
    wants_export,
)
from qinqing.talent import services
from qinqing.talent.filters import ApplicationFilter, PostingFilter
from qinqing.talent.forms import MoveApplicationForm, PostingForm
from qinqing.talent.models import APPLICATION_MOVES, Application, Posting, SeekerProfile
from qinqing.talent.views.seeker import APPLICATION_COLUMNS, POSTING_COLUMNS

PAGE = 20


@login_required
@permission_required("talent.view_posting", raise_exception=True)
def postings(request):
    _filters, rows, status = filtered(request, PostingFilter)
    if wants_export(request) and status == 200:
        return export("招聘岗位", POSTING_COLUMNS, rows.iterator(chunk_size=2000))
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "talent/postings.html",
        {"page": page, "query": query_string(request)},
        status=status,
    )


@login_required
@permission_required("talent.add_posting", raise_exception=True)
def posting_edit(request, pk=None):
    posting = None
    if pk is not None:
        posting = access.access_object(request.user, Posting, pk, "talent.change_posting")
    form = PostingForm(request.POST or None, instance=posting)
    if request.method == "POST":
        try:
            # Saved and submitted together, or not at all.
            with transaction.atomic():
                saved = call_service(services.do_save_posting, request.user, request.POST, posting)
                if request.POST.get("submit"):
                    saved = call_service(services.do_submit_posting, request.user, saved)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            if saved.status == "submitted":
                messages.success(request, f"“{saved.title}”已提交审核，审核期限 2 个工作日")
            else:
                messages.success(request, f"草稿“{saved.title}”已保存")
            return redirect("talent-postings")
    return render_form(request, "talent/posting_form.html", {"form": form, "posting": posting})


@login_required
@require_POST
def posting_withdraw(request, pk):
    posting = access.access_object(request.user, Posting, pk, "talent.change_posting")
    try:
        call_service(services.do_withdraw_posting, request.user, posting)
    except InvalidInput as error:
        messages.error(request, error.summary)
    else:
        messages.success(request, f"“{posting.title}”已撤回，不再出现在搜索和推荐中")
    return redirect("talent-postings")


@login_required
@permission_required("talent.view_application", raise_exception=True)
def applicants(request):
    _filters, rows, status = filtered(request, ApplicationFilter)
    if wants_export(request) and status == 200:
        return export("应聘人员", APPLICATION_COLUMNS, rows.iterator(chunk_size=2000))
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "talent/applicants.html",
        {"page": page, "query": query_string(request)},
        status=status,
    )


@login_required
@permission_required("talent.view_application", raise_exception=True)
def applicant(request, pk):
    application = access.access_object(
        request.user,
        Application.objects.select_related("posting", "profile__person", "employer"),
        pk,
    )
    # The profile is shown through its own rule: applying opened it to this employer.
    profile = access.access_object(request.user, SeekerProfile, application.profile_id)
    form = MoveApplicationForm(request.POST or None)
    if request.method == "POST":
        try:
            call_service(
                services.do_move_application,
                request.user,
                application,
                request.POST.get("status", ""),
                request.POST.get("note", ""),
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            messages.success(request, "已更新，求职者会收到通知")
            return redirect("talent-applicant", pk=application.pk)
    return render_form(
        request,
        "talent/applicant.html",
        {
            "application": application,
            "profile": profile,
            "explanation": services.explain_pair(profile, application.posting),
            "form": form,
            "moves": [
                (status, label)
                for status, label in MoveApplicationForm.base_fields["status"].choices
                if status in APPLICATION_MOVES.get(application.status, set())
            ],
        },
    )
