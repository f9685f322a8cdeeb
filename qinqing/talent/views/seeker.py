"""The seeker's side: search (自取), recommendations (数字配), applications, push settings,
profile and lodging."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinqing.core import access, letting
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
from qinqing.talent.filters import ApplicationFilter, SearchFilter, StayFilter
from qinqing.talent.forms import ProfileForm, PushSettingsForm, StayForm
from qinqing.talent.matching.taxonomy import OCCUPATION_NAMES
from qinqing.talent.models import Application, FeedbackKind, Posting, PushSettings
from qinqing.talent.views.common import RankedHits

PAGE = 20


def _occupation(code: str) -> str:
    return OCCUPATION_NAMES.get(code, code)


@login_required
@permission_required("talent.view_posting", raise_exception=True)
def search(request):
    filters, rows, status = filtered(request, SearchFilter)
    query = filters.cleaned_data.get("q", "") if status == 200 else ""
    if wants_export(request) and status == 200:
        hits = RankedHits(rows, query)[0:2000]
        return export("岗位搜索结果", POSTING_COLUMNS, hits)
    page = Paginator(RankedHits(rows, query), PAGE).get_page(request.GET.get("page"))
    applied = set()
    if request.user.person_id:
        applied = set(
            Application.objects.filter(profile__person_id=request.user.person_id).values_list(
                "posting_id", flat=True
            )
        )
    return render(
        request,
        "talent/search.html",
        {"filters": filters, "page": page, "query": query_string(request), "applied": applied},
        status=status,
    )


POSTING_COLUMNS = [
    ("岗位", lambda p: p.title),
    ("招聘单位", lambda p: p.employer.name),
    ("职业类别", lambda p: _occupation(p.occupation)),
    ("工作地点", lambda p: p.location.name if p.location_id else ""),
    ("学历要求", lambda p: p.education_min),
    ("月薪下限（元）", lambda p: p.salary_min),
    ("月薪上限（元）", lambda p: p.salary_max),
    ("招聘人数", lambda p: p.headcount),
    ("有效期至", lambda p: p.valid_until),
    ("状态", lambda p: p.get_status_display()),
]


@login_required
def posting_detail(request, pk):
    posting = access.access_object(
        request.user, Posting.objects.select_related("employer", "location"), pk
    )
    profile = services.profile_of(request.user)
    explanation, applied = None, False
    if profile is not None:
        applied = Application.objects.filter(profile=profile, posting=posting).exists()
        ranked = services.rank_for(profile, Posting.objects.filter(pk=posting.pk), 1)
        explanation = ranked[0] if ranked else None
    return render(
        request,
        "talent/posting.html",
        {
            "posting": posting,
            "occupation": _occupation(posting.occupation),
            "profile": profile,
            "explanation": explanation,
            "applied": applied,
            "is_open": services.open_postings().filter(pk=posting.pk).exists(),
        },
    )


@login_required
@require_POST
def apply(request, pk):
    posting = access.access_object(request.user, Posting, pk)
    try:
        call_service(services.do_apply, request.user, posting)
    except InvalidInput as error:
        messages.error(request, error.summary)
    else:
        messages.success(request, f"已投递“{posting.title}”，企业处理后会通知您")
    return redirect("talent-posting", pk=posting.pk)


@login_required
@require_POST
def feedback(request, pk):
    posting = access.access_object(request.user, Posting, pk)
    kind = request.POST.get("kind", "")
    try:
        call_service(services.do_feedback, request.user, posting, kind)
    except InvalidInput as error:
        messages.error(request, error.summary)
    else:
        messages.success(request, f"已记录：{FeedbackKind(kind).label}，之后的推荐会参考")
    return redirect(request.POST.get("next") or "talent-recommendations")


@login_required
@permission_required("talent.view_recommendation", raise_exception=True)
def recommendations(request):
    profile = services.profile_of(request.user)
    rows = services.recommendations_for(profile, 20) if profile else []
    if wants_export(request):
        return export(
            "为我推荐",
            [
                ("岗位", lambda r: r["posting"].title),
                ("招聘单位", lambda r: r["posting"].employer.name),
                ("匹配度", lambda r: r["score"]),
                ("推荐理由", lambda r: "；".join(r["reasons"])),
                ("提示", lambda r: "；".join(r["flags"])),
            ],
            rows,
        )
    settings = PushSettings.objects.filter(profile=profile).first() if profile else None
    return render(
        request,
        "talent/recommendations.html",
        {"rows": rows, "profile": profile, "push": settings},
    )


@login_required
@permission_required("talent.view_application", raise_exception=True)
def my_applications(request):
    _filters, rows, status = filtered(request, ApplicationFilter)
    if wants_export(request) and status == 200:
        return export("我的投递", APPLICATION_COLUMNS, rows.iterator(chunk_size=2000))
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "talent/applications.html",
        {"page": page, "query": query_string(request)},
        status=status,
    )


APPLICATION_COLUMNS = [
    ("岗位", lambda a: a.posting.title),
    ("招聘单位", lambda a: a.employer.name),
    ("求职者", lambda a: a.profile.person.name),
    ("状态", lambda a: a.get_status_display()),
    ("投递时间", lambda a: a.created_at),
    ("更新时间", lambda a: a.updated_at),
    ("录用日期", lambda a: a.hired_on),
]


@login_required
@permission_required("talent.change_seekerprofile", raise_exception=True)
def profile(request):
    current = services.profile_of(request.user)
    form = ProfileForm(request.POST or None, instance=current)
    if request.method == "POST":
        try:
            call_service(services.do_save_profile, request.user, request.POST)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            messages.success(request, "求职档案已保存，推荐会按新档案计算")
            return redirect("talent-recommendations")
    return render_form(request, "talent/profile.html", {"form": form})


@login_required
@permission_required("talent.change_pushsettings", raise_exception=True)
def push_settings(request):
    profile = services.profile_of(request.user)
    current = PushSettings.objects.filter(profile=profile).first() if profile else None
    initial = {}
    if current is not None:
        initial = {
            "consent": current.consent,
            "mode": current.mode,
            "quiet_start": current.quiet_start,
            "quiet_end": current.quiet_end,
            "filter_occupation": current.filter_occupation,
            "filter_location": current.filter_location.code if current.filter_location else None,
            "filter_salary_min": current.filter_salary_min,
        }
    form = PushSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        try:
            call_service(services.do_set_push, request.user, request.POST)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            messages.success(request, "推送设置已保存")
            return redirect("talent-push")
    return render_form(request, "talent/push.html", {"form": form, "push": current})


@login_required
@require_POST
def push_off(request):
    call_service(services.do_opt_out, request.user)
    messages.success(request, "已关闭岗位推送，随时可以重新开启")
    return redirect("talent-push")


@login_required
@permission_required("talent.view_bedstay", raise_exception=True)
def lodging(request):
    _filters, rows, status = filtered(request, StayFilter)
    if wants_export(request) and status == 200:
        return export("临时住宿", STAY_COLUMNS, rows.iterator(chunk_size=2000))
    form = StayForm(request.POST or None)
    if request.method == "POST" and request.user.person_id and form.is_valid():
        try:
            stay = call_service(
                services.do_book_bed,
                request.user,
                request.user.person,
                form.cleaned_data["start"],
                form.cleaned_data["end"],
            )
        except InvalidInput as error:
            show_errors(form, error)
        except letting.LettingRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, f"已预订 {stay.resource}")
            return redirect("talent-lodging")
    day = timezone.localdate()
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "talent/lodging.html",
        {
            "page": page,
            "form": form if request.user.person_id else None,
            "occupancy": services.occupancy(day) if request.user.is_back_office else None,
            "query": query_string(request),
        },
        status=422 if form.is_bound and form.errors else status,
    )


STAY_COLUMNS = [
    ("房间床位", lambda s: str(s.resource)),
    ("入住人", lambda s: s.guest.name),
    ("入住日期", lambda s: s.start),
    ("离开日期", lambda s: s.end),
    ("入住时间", lambda s: s.checked_in_at),
    ("退房时间", lambda s: s.checked_out_at),
]
