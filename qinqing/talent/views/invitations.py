"""Invitations: the enterprise invites a seeker the matching found for one of its
postings; the seeker accepts or declines on the phone. The profile opens to the
enterprise only once the seeker has accepted (``access_rules.profiles``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from qinqing.core import access
from qinqing.core.services import InvalidInput
from qinqing.core.views.common import call_service, export, wants_export
from qinqing.talent import services
from qinqing.talent.models import Invitation, Posting, Recommendation, SeekerProfile

PAGE = 20


def _seeker_label(invitation: Invitation, visible: set[int]) -> str:
    if invitation.profile_id in visible:
        return invitation.profile.person.name
    return f"求职者 #{invitation.profile_id}"


INVITATION_COLUMNS = [
    ("招聘单位", lambda i: i.employer.name),
    ("岗位", lambda i: i.posting.title if i.posting_id else ""),
    ("状态", lambda i: i.status_label),
    ("邀请时间", lambda i: i.created_at),
    ("接受时间", lambda i: i.accepted_at),
    ("谢绝时间", lambda i: i.declined_at),
]


@login_required
@permission_required("talent.view_invitation", raise_exception=True)
def invitations(request):
    """The seeker's invitations (answer them here) or the enterprise's (see who accepted)."""
    rows = (
        access.visible(Invitation, request.user)
        .select_related("employer", "posting", "profile__person")
        .order_by("-created_at", "-pk")
    )
    visible = set(access.visible(SeekerProfile, request.user).values_list("pk", flat=True))
    if wants_export(request):
        columns = [
            *INVITATION_COLUMNS[:2],
            ("求职者", lambda i: _seeker_label(i, visible)),
            *INVITATION_COLUMNS[2:],
        ]
        return export("求职邀请", columns, rows.iterator(chunk_size=2000))
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    for invitation in page:
        invitation.seeker_label = _seeker_label(invitation, visible)
        invitation.profile_open = invitation.profile_id in visible
    return render(request, "talent/invitations.html", {"page": page, "query": ""})


@login_required
@require_POST
def answer(request, pk, answer):
    invitation = access.access_object(request.user, Invitation, pk)
    service = {"accept": services.do_accept_invitation, "decline": services.do_decline_invitation}
    if answer not in service:
        raise Http404("未找到该记录")
    try:
        call_service(service[answer], request.user, invitation)
    except InvalidInput as error:
        messages.error(request, error.summary)
    else:
        messages.success(
            request, "已接受，对方可以查看您的求职档案" if answer == "accept" else "已谢绝"
        )
    return redirect("talent-invitations")


def _own_posting(request, pk) -> Posting:
    return access.access_object(
        request.user, Posting.objects.filter(employer_id=request.user.enterprise_id), pk
    )


@login_required
@permission_required("talent.add_invitation", raise_exception=True)
def matched_seekers(request, pk):
    """The seekers the matching found for one of the enterprise's postings, without
    names or contacts: education, major, experience and the fit — and an invite button."""
    posting = _own_posting(request, pk)
    rows = (
        Recommendation.objects.filter(posting=posting)
        .select_related("profile")
        .order_by("-score", "profile_id")
    )
    answers = {
        i.profile_id: i.status_label
        for i in Invitation.objects.filter(employer_id=request.user.enterprise_id)
    }
    if wants_export(request):
        return export(
            "匹配的求职者",
            [
                ("求职者", lambda r: f"求职者 #{r.profile_id}"),
                ("学历", lambda r: r.profile.education),
                ("专业", lambda r: r.profile.major),
                ("工作年限", lambda r: r.profile.experience_years),
                ("匹配度", lambda r: round(float(r.score), 2)),
                ("邀请", lambda r: answers.get(r.profile_id, "")),
            ],
            rows.iterator(chunk_size=2000),
        )
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    for row in page:
        row.invited = row.profile_id in answers
        row.answer = answers.get(row.profile_id, "")
    return render(
        request, "talent/matched_seekers.html", {"posting": posting, "page": page, "query": ""}
    )


@login_required
@permission_required("talent.add_invitation", raise_exception=True)
@require_POST
def invite(request, pk, profile_pk):
    posting = _own_posting(request, pk)
    match = get_object_or_404(Recommendation, posting=posting, profile_id=profile_pk)
    try:
        call_service(services.do_invite, request.user, match.profile, posting)
    except InvalidInput as error:
        messages.error(request, error.summary)
    else:
        messages.success(request, "已发出邀请，求职者接受后可查看其求职档案")
    return redirect("talent-matched-seekers", pk=posting.pk)
