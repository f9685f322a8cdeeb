"""Talent service center API: postings, search, recommendations, applications,
lodging and apartments. The same filters and services as the pages."""

import datetime

from django.db import transaction
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from qinqing.cases.schemas import CaseFieldsOut
from qinqing.core import access, letting
from qinqing.core.api.schemas import RecordId, errors
from qinqing.core.models import Person
from qinqing.core.services import Forbidden
from qinqing.talent import services
from qinqing.talent.filters import (
    ApartmentFilter,
    ApplicationFilter,
    PostingFilter,
    SearchFilter,
    StayFilter,
)
from qinqing.talent.models import Application, Invitation, Posting, Recommendation, SeekerProfile

router = Router(tags=["人才服务中心"])


class PostingOut(Schema):
    id: int
    employer: str
    title: str
    duties: str
    headcount: int | None
    education_min: str
    majors: list[str]
    skills: list[str]
    skills_text: str
    experience_years_min: int | None
    occupation: str
    industry: str
    location: str | None = Field(description="工作地点区划代码")
    salary_min: int | None = Field(description="月薪下限（元）")
    salary_max: int | None = Field(description="月薪上限（元）")
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    status: str
    refusal_reason: str

    @staticmethod
    def resolve_employer(p):
        return p.employer.name

    @staticmethod
    def resolve_location(p):
        return p.location.code if p.location_id else None


class HitOut(PostingOut):
    score: float = Field(description="相关度（BM25），无关键词时为 0")


class PostingIn(Schema):
    title: str = Field("", max_length=100, description="岗位名称")
    duties: str = Field("", max_length=5000, description="岗位职责")
    headcount: int | None = Field(None, ge=0, le=100000, description="招聘人数")
    education_min: str = Field("", description="最低学历：初中、高中/中专、大专、本科、硕士、博士")
    majors: list[str] = Field(default_factory=list, max_length=30, description="专业要求")
    skills: list[str] = Field(default_factory=list, max_length=30, description="技能标签")
    skills_text: str = Field("", max_length=2000, description="其他技能要求")
    experience_years_min: int | None = Field(None, ge=0, le=50, description="工作年限要求")
    occupation: str = Field("", description="职业分类大典中类代码，如 2-02")
    industry: str = Field("", description="GB/T 4754 大类代码，如 39")
    location: str = Field("", max_length=12, description="工作地点区划代码")
    salary_min: int | None = Field(None, ge=0, le=1000000, description="月薪下限（元）")
    salary_max: int | None = Field(None, ge=0, le=1000000, description="月薪上限（元）")
    valid_from: datetime.date | None = Field(None, description="有效期起")
    valid_until: datetime.date | None = Field(None, description="有效期止")
    submit: bool = Field(False, description="保存后立即提交审核")


class PostingReviewIn(Schema):
    decision: str = Field(..., description="approve 通过 / refuse 退回（须填 reason）")
    reason: str = Field("", max_length=500)


class RecommendationOut(Schema):
    posting: PostingOut
    score: float | None
    reasons: list[str] = Field(description="推荐理由（中文）")
    flags: list[str] = Field(description="提示，如 学历低于要求")


class JobApplicationOut(Schema):
    id: int
    posting_id: int
    posting: str
    employer: str
    seeker: str
    status: str
    status_label: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    hired_on: datetime.date | None

    @staticmethod
    def resolve_posting(a):
        return a.posting.title

    @staticmethod
    def resolve_employer(a):
        return a.employer.name

    @staticmethod
    def resolve_seeker(a):
        return a.profile.person.name

    @staticmethod
    def resolve_status_label(a):
        return a.get_status_display()


class MoveIn(Schema):
    status: str = Field(..., description="viewed / interview / offer / hired / rejected")
    note: str = Field("", max_length=200)


class FeedbackIn(Schema):
    kind: str = Field(..., description="interested 感兴趣 / unsuitable 不合适 / applied 已投递")


class StayIn(Schema):
    start: datetime.date = Field(..., description="入住日期（第一晚）")
    end: datetime.date = Field(..., description="离开日期（当晚不住）")


class StayOut(Schema):
    id: int
    bed: str
    guest: str
    start: datetime.date
    end: datetime.date
    checked_in_at: datetime.datetime | None
    checked_out_at: datetime.datetime | None

    @staticmethod
    def resolve_bed(s):
        return str(s.resource)

    @staticmethod
    def resolve_guest(s):
        return s.guest.name


class OccupancyOut(Schema):
    beds: int
    taken: int
    free: int
    rate: float


class ApartmentOut(CaseFieldsOut):
    id: int
    employer: str
    employee: str
    education: str
    application_status: str

    @staticmethod
    def resolve_employer(a):
        return a.employer.name

    @staticmethod
    def resolve_employee(a):
        return a.employee.name

    @staticmethod
    def resolve_application_status(a):
        return a.status


class ApartmentIn(Schema):
    employee_name: str = Field(..., min_length=1, max_length=50, description="员工姓名")
    employee_id_number: str = Field(..., max_length=18, description="员工身份证号")
    education: str = Field(..., description="学历")
    owns_local_home: bool = Field(False, description="本地有自有住房")


class TalentFiguresOut(Schema):
    year: int
    hired: int
    graduates_recruited: int = Field(description="本年录用的高校毕业生（毕业三年内，大专及以上）")
    overseas_hired_this_year: int
    overseas_talents: int = Field(description="累计录用的留学回国人员")


def _need(request, perm):
    if not request.auth.has_perm(perm):
        raise Forbidden(perm)


@router.get(
    "/talent/search", response={200: list[HitOut], **errors(403)}, summary="岗位搜索（自取）"
)
def search(
    request,
    q: str = Query(
        "",
        max_length=100,
        description="关键词：岗位、技能、专业（同义词可互查，如 封测 / 封装测试）",
    ),
    occupation: str | None = None,
    location: str | None = None,
    salary: str | None = None,
    education: str | None = None,
    posted: str | None = None,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0, le=100000),
):
    """在招岗位，按关键词相关度排序（无关键词时最新发布在前）；筛选与页面相同。"""
    _need(request, "talent.view_posting")
    rows = SearchFilter(request.GET, actor=request.auth).rows()
    hits, _total = services.search_postings(rows, q, limit, offset)
    found = Posting.objects.select_related("employer", "location").in_bulk([pk for pk, _ in hits])
    out = []
    for pk, score in hits:
        if pk in found:
            posting = found[pk]
            posting.score = score
            out.append(posting)
    return out


@router.get("/talent/postings", response={200: list[PostingOut], **errors(403)}, summary="招聘岗位")
@paginate
def postings(request, status: str | None = None, q: str | None = None):
    """企业账号：本企业的岗位；中心工作人员：全部岗位。

    status：draft / submitted / published / refused / expired / withdrawn。"""
    _need(request, "talent.view_posting")
    return PostingFilter(request.GET, actor=request.auth).rows()


@router.post(
    "/talent/postings",
    response={201: PostingOut, **errors(403, 422)},
    summary="起草岗位（企业账号）",
)
def create_posting(request, payload: PostingIn):
    """submit=true 时保存后立即提交审核；缺少的要素、歧视性表述逐项列出（422），此时不保存。"""
    data = payload.dict()
    submit = data.pop("submit")
    # Saved and submitted together, or not at all: a refused submission leaves no draft.
    with transaction.atomic():
        posting = services.do_save_posting(request.auth, data)
        if submit:
            posting = services.do_submit_posting(request.auth, posting)
    return Status(201, Posting.objects.select_related("employer", "location").get(pk=posting.pk))


@router.post(
    "/talent/postings/{posting_id}/submit",
    response={200: PostingOut, **errors(403, 404, 422)},
    summary="提交审核",
)
def submit_posting(request, posting_id: RecordId):
    posting = access.access_object(request.auth, Posting, posting_id, "talent.change_posting")
    return services.do_submit_posting(request.auth, posting)


@router.post(
    "/talent/postings/{posting_id}/review",
    response={200: PostingOut, **errors(403, 404, 409, 422)},
    summary="审核岗位（中心工作人员）",
)
def review_posting(request, posting_id: RecordId, payload: PostingReviewIn):
    _need(request, "talent.review_posting")
    posting = access.access_object(request.auth, Posting, posting_id)
    from qinqing.cases.services import TransitionRefused

    try:
        return services.do_review(request.auth, posting, payload.decision, payload.reason)
    except TransitionRefused as refused:
        raise HttpError(409, str(refused)) from None


@router.get(
    "/talent/recommendations",
    response={200: list[RecommendationOut], **errors(403)},
    summary="为我推荐（求职者）",
)
def recommendations(request, limit: int = Query(20, ge=1, le=50)):
    """按档案双向匹配；设置为不使用个性化时，按本人筛选条件列最新岗位。"""
    _need(request, "talent.view_recommendation")
    profile = services.profile_of(request.auth)
    if profile is None:
        return []
    return services.recommendations_for(profile, limit)


@router.post(
    "/talent/postings/{posting_id}/feedback",
    response={201: dict, **errors(403, 404, 422)},
    summary="推荐反馈",
)
def feedback(request, posting_id: RecordId, payload: FeedbackIn):
    posting = access.access_object(request.auth, Posting, posting_id)
    done = services.do_feedback(request.auth, posting, payload.kind)
    return Status(201, {"posting_id": posting.pk, "kind": done.kind})


@router.post(
    "/talent/postings/{posting_id}/apply",
    response={201: JobApplicationOut, **errors(403, 404, 422)},
    summary="投递（求职者）",
)
def apply(request, posting_id: RecordId):
    posting = access.access_object(request.auth, Posting, posting_id)
    application = services.do_apply(request.auth, posting)
    return Status(
        201,
        Application.objects.select_related("posting", "employer", "profile__person").get(
            pk=application.pk
        ),
    )


@router.get(
    "/talent/applications", response={200: list[JobApplicationOut], **errors(403)}, summary="投递"
)
@paginate
def applications(
    request, status: str | None = None, posting: int | None = Query(None, ge=1, le=2**63 - 1)
):
    """求职者：本人的投递；企业：投递本企业的；中心：全部。"""
    _need(request, "talent.view_application")
    return ApplicationFilter(request.GET, actor=request.auth).rows()


@router.post(
    "/talent/applications/{application_id}/move",
    response={200: JobApplicationOut, **errors(403, 404, 422)},
    summary="推进投递（企业账号）",
)
def move_application(request, application_id: RecordId, payload: MoveIn):
    """已投递 → 已查看 → 邀请面试 → 已发录用意向 → 已录用；任一步可改为不合适。每一步通知求职者。"""
    application = access.access_object(
        request.auth,
        Application.objects.select_related("posting", "employer", "profile__person"),
        application_id,
    )
    return services.do_move_application(request.auth, application, payload.status, payload.note)


class InvitationOut(Schema):
    id: int
    employer: str
    posting_id: int | None
    posting: str
    profile_id: int
    seeker: str = Field(description="求职者姓名；企业在对方接受邀请后才看得到")
    status: str = Field(description="pending 待答复 / accepted 已接受 / declined 已谢绝")
    status_label: str
    created_at: datetime.datetime
    accepted_at: datetime.datetime | None
    declined_at: datetime.datetime | None

    @staticmethod
    def resolve_employer(i):
        return i.employer.name

    @staticmethod
    def resolve_posting(i):
        return i.posting.title if i.posting_id else ""

    @staticmethod
    def resolve_seeker(i):
        return i.profile.person.name if getattr(i, "profile_open", False) else ""


class InviteIn(Schema):
    posting_id: int = Field(..., ge=1, le=2**63 - 1, description="本企业已发布的岗位")
    profile_id: int = Field(..., ge=1, le=2**63 - 1, description="该岗位匹配到的求职者")


def _invitations_out(user, rows):
    visible = set(access.visible(SeekerProfile, user).values_list("pk", flat=True))
    rows = list(rows)
    for row in rows:
        row.profile_open = row.profile_id in visible
    return rows


def _one_invitation(user, pk):
    return _invitations_out(user, [_invitations(user).get(pk=pk)])[0]


def _invitations(user):
    return access.visible(Invitation, user).select_related("employer", "posting", "profile__person")


@router.get(
    "/talent/invitations",
    response={200: list[InvitationOut], **errors(403)},
    summary="求职邀请",
)
@paginate
def invitations(request):
    """求职者：收到的邀请；企业：本企业发出的；中心：全部。"""
    _need(request, "talent.view_invitation")
    return _invitations_out(request.auth, _invitations(request.auth).order_by("-created_at", "-pk"))


@router.post(
    "/talent/invitations",
    response={201: InvitationOut, **errors(403, 404, 422)},
    summary="邀请求职者（企业账号）",
)
def invite(request, payload: InviteIn):
    """只能以本企业已发布的岗位，邀请该岗位匹配到的求职者；同一求职者只能邀请一次（422）。"""
    _need(request, "talent.add_invitation")
    posting = access.access_object(
        request.auth,
        Posting.objects.filter(employer_id=request.auth.enterprise_id),
        payload.posting_id,
    )
    match = Recommendation.objects.filter(posting=posting, profile_id=payload.profile_id).first()
    if match is None:
        raise HttpError(404, "未找到该岗位匹配到的这位求职者（profile_id）")
    invitation = services.do_invite(request.auth, match.profile, posting)
    return Status(
        201, _invitations_out(request.auth, [_invitations(request.auth).get(pk=invitation.pk)])[0]
    )


@router.post(
    "/talent/invitations/{invitation_id}/{answer}",
    response={200: InvitationOut, **errors(403, 404, 422)},
    summary="答复邀请（求职者）",
)
def answer_invitation(request, invitation_id: RecordId, answer: str):
    """answer 为 accept（接受，企业从此可查看求职档案）或 decline（谢绝）；已答复的再答复 422。"""
    service = {"accept": services.do_accept_invitation, "decline": services.do_decline_invitation}
    if answer not in service:
        raise HttpError(404, "答复应为 accept 或 decline（answer）")
    invitation = access.access_object(request.auth, Invitation, invitation_id)
    invitation = service[answer](request.auth, invitation)
    return _one_invitation(request.auth, invitation.pk)


@router.get("/talent/lodging", response={200: list[StayOut], **errors(403)}, summary="临时住宿")
@paginate
def stays(request, day: str | None = None):
    _need(request, "talent.view_bedstay")
    return StayFilter(request.GET, actor=request.auth).rows()


@router.get(
    "/talent/lodging/occupancy", response={200: OccupancyOut, **errors(403)}, summary="床位占用"
)
def lodging_occupancy(request, day: datetime.date | None = None):
    _need(request, "talent.change_bedstay")
    return services.occupancy(day or datetime.date.today())


@router.post(
    "/talent/lodging",
    response={201: StayOut, **errors(403, 409, 422)},
    summary="预订床位（求职者）",
)
def book_bed(request, payload: StayIn):
    """没有空床位时返回 409。"""
    if not request.auth.person_id:
        raise Forbidden("talent.add_bedstay")
    person = Person.objects.get(pk=request.auth.person_id)
    try:
        stay = services.do_book_bed(request.auth, person, payload.start, payload.end)
    except letting.LettingRefused as refused:
        raise HttpError(409, refused.message) from None
    return Status(201, stay)


@router.get(
    "/talent/apartments",
    response={200: list[ApartmentOut], **errors(403)},
    summary="人才公寓申请",
)
@paginate
def apartments(request, status: str | None = None):
    _need(request, "talent.view_apartmentapplication")
    return ApartmentFilter(request.GET, actor=request.auth).rows()


@router.post(
    "/talent/apartments",
    response={201: ApartmentOut, **errors(403, 422)},
    summary="申请人才公寓（企业账号，为员工申请）",
)
def apply_apartment(request, payload: ApartmentIn):
    """不符合申请条件时返回 422，逐项说明。"""
    employee = services.employee_for(
        request.auth, payload.employee_name, payload.employee_id_number
    )
    return Status(
        201,
        services.do_apply_apartment(
            request.auth, employee, payload.education, payload.owns_local_home
        ),
    )


@router.get("/talent/figures", response={200: TalentFiguresOut, **errors(403)}, summary="人才指标")
def figures(request, year: int | None = Query(None, ge=2000, le=2100)):
    """按录用记录计算：本年招引高校毕业生、海外人才。"""
    _need(request, "talent.view_application")
    if not access.sees_everything(request.auth) and request.auth.role != "staff":
        raise Forbidden("talent.figures")
    from qinqing.talent import indicators

    return indicators.figures(year or datetime.date.today().year)
