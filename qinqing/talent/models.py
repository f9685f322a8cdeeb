"""Talent service center (人才服务中心): postings, seekers, push, applications,
lodging, talent apartments, cooperation agreements and talent events."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from qinqing.core.models import BookableResource, DateBooking, EventWithSeats, Seat

# 学历: in rising order; the same labels the matching package compares.
EDUCATION_LEVELS = ["初中", "高中/中专", "大专", "本科", "硕士", "博士"]
EDUCATION_CHOICES = [(level, level) for level in EDUCATION_LEVELS]


def education_rank(level: str) -> int:
    return EDUCATION_LEVELS.index(level) if level in EDUCATION_LEVELS else -1


class PostingStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "审核中"
    PUBLISHED = "published", "已发布"
    REFUSED = "refused", "未通过"
    EXPIRED = "expired", "已过期"
    WITHDRAWN = "withdrawn", "已撤回"


class PostingQuerySet(models.QuerySet):
    def open_on(self, day):
        """Published and valid on ``day``: what search and matching may show."""
        return self.filter(
            status=PostingStatus.PUBLISHED, valid_from__lte=day, valid_until__gte=day
        )


class Posting(models.Model):
    """招聘岗位: drafted by an enterprise, reviewed by the center (a case), then published."""

    employer = models.ForeignKey(
        "core.Enterprise",
        on_delete=models.PROTECT,
        related_name="postings",
        verbose_name="招聘单位",
    )
    title = models.CharField("岗位名称", max_length=100, blank=True)
    duties = models.TextField("岗位职责", blank=True)
    headcount = models.PositiveIntegerField("招聘人数", null=True, blank=True)
    education_min = models.CharField(
        "最低学历", max_length=8, choices=EDUCATION_CHOICES, blank=True
    )
    majors = models.JSONField("专业要求", default=list, blank=True)
    skills = models.JSONField("技能标签", default=list, blank=True)
    skills_text = models.TextField("其他技能要求", blank=True)
    experience_years_min = models.PositiveSmallIntegerField(
        "工作年限要求（年）", null=True, blank=True
    )
    occupation = models.CharField("职业类别", max_length=100, blank=True)
    industry = models.CharField("行业", max_length=100, blank=True)
    location = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="工作地点",
    )
    salary_min = models.PositiveIntegerField("月薪下限（元）", null=True, blank=True)
    salary_max = models.PositiveIntegerField("月薪上限（元）", null=True, blank=True)
    valid_from = models.DateField("有效期起", null=True, blank=True)
    valid_until = models.DateField("有效期止", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=PostingStatus.choices, default=PostingStatus.DRAFT
    )
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="posting"
    )
    refusal_reason = models.TextField("未通过理由", blank=True)
    features = models.JSONField("文本特征", default=dict, blank=True, editable=False)
    search_text = models.TextField("检索文本", blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="填报人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "招聘岗位"
        permissions = [("review_posting", "审核招聘岗位、人才公寓申请")]
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "valid_until"], name="talent_posting_open"),
            models.Index(fields=["status", "-published_at"], name="talent_posting_newest"),
            models.Index(fields=["updated_at"], name="talent_posting_changed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_max__gte=models.F("salary_min")),
                name="talent_posting_salary_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} · {self.title}"

    @property
    def salary_label(self) -> str:
        if self.salary_min and self.salary_max:
            return f"{self.salary_min}–{self.salary_max}元/月"
        return ""


class SeekerProfile(models.Model):
    """求职者档案: personal data — the seeker, center staff, and enterprises they applied to."""

    person = models.OneToOneField(
        "core.Person", on_delete=models.PROTECT, related_name="seeker_profile", verbose_name="人员"
    )
    education = models.CharField("学历", max_length=8, choices=EDUCATION_CHOICES, blank=True)
    school = models.CharField("毕业院校", max_length=100, blank=True)
    major = models.CharField("专业", max_length=100, blank=True)
    graduation_year = models.PositiveSmallIntegerField("毕业年份", null=True, blank=True)
    skills = models.JSONField("技能", default=list, blank=True)
    experience_years = models.PositiveSmallIntegerField("工作年限（年）", default=0)
    expected_salary = models.PositiveIntegerField("期望月薪（元）", null=True, blank=True)
    desired_occupations = models.JSONField("期望职业", default=list, blank=True)
    desired_locations = models.ManyToManyField(
        "core.Region", blank=True, related_name="+", verbose_name="期望工作地点"
    )
    resume = models.TextField("简历", blank=True)
    needs_lodging = models.BooleanField("需要临时住宿", default=False)
    overseas_returnee = models.BooleanField("留学回国人员", default=False)
    features = models.JSONField("文本特征", default=dict, blank=True, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "求职者档案"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.person}（求职者）"


class PushMode(models.TextChoices):
    PERSONALISED = "personalised", "个性化推荐"
    PLAIN = "plain", "不使用个性化（按我的筛选条件推送最新岗位）"


class PushSettings(models.Model):
    """岗位推送设置: nothing is pushed without consent; one tap turns it off."""

    profile = models.OneToOneField(
        SeekerProfile, on_delete=models.CASCADE, related_name="push", verbose_name="求职者"
    )
    consent = models.BooleanField("同意接收岗位推送", default=False)
    consented_at = models.DateTimeField("同意时间", null=True, blank=True)
    opted_out_at = models.DateTimeField("关闭时间", null=True, blank=True)
    mode = models.CharField(
        "推送方式", max_length=12, choices=PushMode.choices, default=PushMode.PERSONALISED
    )
    quiet_start = models.TimeField("免打扰开始", default="21:00")
    quiet_end = models.TimeField("免打扰结束", default="08:00")
    # The seeker's own filters for the non-personalised mode.
    filter_occupation = models.CharField("职业类别", max_length=100, blank=True)
    filter_location = models.ForeignKey(
        "core.Region",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="工作地点",
    )
    filter_salary_min = models.PositiveIntegerField("月薪不低于（元）", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "岗位推送设置"

    def __str__(self) -> str:
        return f"{self.profile} 推送{'开' if self.consent else '关'}"


class FeedbackKind(models.TextChoices):
    INTERESTED = "interested", "感兴趣"
    UNSUITABLE = "unsuitable", "不合适"
    APPLIED = "applied", "已投递"


class Recommendation(models.Model):
    """A posting recommended (and perhaps pushed) to a seeker; never the same one twice."""

    profile = models.ForeignKey(
        SeekerProfile, on_delete=models.CASCADE, related_name="recommendations"
    )
    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="recommendations")
    score = models.FloatField("匹配度", default=0)
    reasons = models.JSONField("推荐理由", default=list, blank=True)
    flags = models.JSONField("提示", default=list, blank=True)
    personalised = models.BooleanField("个性化", default=True)
    created_at = models.DateTimeField("推荐时间")
    pushed_at = models.DateTimeField("推送时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "岗位推荐"
        ordering = ["-created_at", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "posting"], name="talent_recommend_once"),
        ]

    def __str__(self) -> str:
        return f"{self.profile} ← {self.posting}"


class PushLog(models.Model):
    """One row per seeker per day a push message went out: the database allows one."""

    profile = models.ForeignKey(SeekerProfile, on_delete=models.CASCADE, related_name="pushes")
    day = models.DateField("推送日期")
    sent_at = models.DateTimeField("推送时间")
    postings = models.JSONField("推送岗位", default=list)

    class Meta:
        verbose_name = verbose_name_plural = "推送记录"
        constraints = [
            models.UniqueConstraint(fields=["profile", "day"], name="talent_one_push_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.profile} {self.day}"


class Feedback(models.Model):
    """感兴趣 / 不合适 / 已投递: the seeker's last word on a posting; ranking reads it."""

    profile = models.ForeignKey(SeekerProfile, on_delete=models.CASCADE, related_name="feedback")
    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="feedback")
    kind = models.CharField("反馈", max_length=12, choices=FeedbackKind.choices)
    created_at = models.DateTimeField("反馈时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "推荐反馈"
        constraints = [
            models.UniqueConstraint(fields=["profile", "posting"], name="talent_one_feedback"),
        ]

    def __str__(self) -> str:
        return f"{self.profile} {self.get_kind_display()} {self.posting}"


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", "已投递"
    VIEWED = "viewed", "已查看"
    INTERVIEW = "interview", "邀请面试"
    OFFER = "offer", "已发录用意向"
    HIRED = "hired", "已录用"
    REJECTED = "rejected", "不合适"


# status → the statuses it may move to
APPLICATION_MOVES = {
    ApplicationStatus.APPLIED: {ApplicationStatus.VIEWED, ApplicationStatus.REJECTED},
    ApplicationStatus.VIEWED: {ApplicationStatus.INTERVIEW, ApplicationStatus.REJECTED},
    ApplicationStatus.INTERVIEW: {ApplicationStatus.OFFER, ApplicationStatus.REJECTED},
    ApplicationStatus.OFFER: {ApplicationStatus.HIRED, ApplicationStatus.REJECTED},
    ApplicationStatus.HIRED: set(),
    ApplicationStatus.REJECTED: set(),
}


class Application(models.Model):
    """投递: a seeker applies to a posting; the employer moves it step by step."""

    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="applications")
    profile = models.ForeignKey(
        SeekerProfile, on_delete=models.PROTECT, related_name="applications"
    )
    # The employer, denormalised so visibility is one join.
    employer = models.ForeignKey(
        "core.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name="招聘单位"
    )
    status = models.CharField(
        "状态", max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.APPLIED
    )
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("投递时间")
    updated_at = models.DateTimeField("更新时间")
    hired_on = models.DateField("录用日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "求职投递"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "profile"], name="talent_apply_once"),
        ]

    def __str__(self) -> str:
        return f"{self.profile} → {self.posting}"


INVITATION_STATUS = {"pending": "待答复", "accepted": "已接受", "declined": "已谢绝"}


class Invitation(models.Model):
    """An enterprise invites a seeker; once accepted, the enterprise sees the profile."""

    employer = models.ForeignKey("core.Enterprise", on_delete=models.PROTECT, related_name="+")
    profile = models.ForeignKey(SeekerProfile, on_delete=models.CASCADE, related_name="invitations")
    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, null=True, blank=True)
    created_at = models.DateTimeField("邀请时间", auto_now_add=True)
    accepted_at = models.DateTimeField("接受时间", null=True, blank=True)
    declined_at = models.DateTimeField("谢绝时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "求职邀请"
        constraints = [
            models.UniqueConstraint(fields=["employer", "profile"], name="talent_invite_once"),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(declined_at__isnull=True),
                name="talent_invite_one_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} → {self.profile}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        return "declined" if self.declined_at else "pending"

    @property
    def status_label(self) -> str:
        return INVITATION_STATUS[self.status]


# --- temporary lodging (临时住宿) ----------------------------------------------------


class LodgingRoom(models.Model):
    name = models.CharField("房间", max_length=50, unique=True)
    building = models.CharField("楼栋", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "临时住宿房间"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Bed(BookableResource):
    room = models.ForeignKey(LodgingRoom, on_delete=models.CASCADE, related_name="beds")
    number = models.PositiveSmallIntegerField("床位号")

    class Meta:
        verbose_name = verbose_name_plural = "床位"
        ordering = ["room__name", "number"]
        constraints = [
            models.UniqueConstraint(fields=["room", "number"], name="talent_bed_number"),
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.number}号床"


class BedStay(DateBooking):
    """A seeker's nights on one bed: ``start`` the first night, ``end`` the day of leaving."""

    resource = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="stays")
    guest = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    checked_in_at = models.DateTimeField("入住时间", null=True, blank=True)
    checked_out_at = models.DateTimeField("退房时间", null=True, blank=True)

    class Meta(DateBooking.Meta):
        verbose_name = verbose_name_plural = "临时住宿"
        ordering = ["-start", "-pk"]

    def __str__(self) -> str:
        return f"{self.resource} {self.start}–{self.end}"


# --- talent apartments (人才公寓) ----------------------------------------------------


class ApartmentUnit(BookableResource):
    building = models.CharField("楼栋", max_length=50)
    number = models.CharField("房号", max_length=20)
    layout = models.CharField("户型", max_length=20, blank=True)
    area = models.DecimalField("面积（㎡）", max_digits=6, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才公寓房源"
        ordering = ["building", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="talent_unit_number"),
        ]

    def __str__(self) -> str:
        return f"{self.building}{self.number}"


class EligibilityRule(models.Model):
    """人才公寓申请条件, set by the center; the newest row applies."""

    education_min = models.CharField("最低学历", max_length=8, choices=EDUCATION_CHOICES)
    zone = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="用人单位须在区域内",
    )
    require_no_local_home = models.BooleanField("须在本地无自有住房", default=True)
    lease_months = models.PositiveSmallIntegerField("租期（月）", default=12)
    created_at = models.DateTimeField("设定时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才公寓申请条件"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.education_min}及以上"


class ApartmentApplicationStatus(models.TextChoices):
    WAITING = "waiting", "轮候中"
    ALLOCATED = "allocated", "已配租"
    REFUSED = "refused", "不符合条件"
    MOVED_OUT = "moved_out", "已退租"


class ApartmentApplication(models.Model):
    """An enterprise applies for a unit for one employee; handled as a case, waits in order."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="apartment_application"
    )
    employer = models.ForeignKey("core.Enterprise", on_delete=models.PROTECT, related_name="+")
    employee = models.ForeignKey(
        "core.Person", on_delete=models.PROTECT, related_name="+", verbose_name="入住人员"
    )
    education = models.CharField("学历", max_length=8, choices=EDUCATION_CHOICES)
    owns_local_home = models.BooleanField("本地有自有住房", default=False)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=ApartmentApplicationStatus.choices,
        default=ApartmentApplicationStatus.WAITING,
    )
    created_at = models.DateTimeField("申请时间")

    class Meta:
        verbose_name = verbose_name_plural = "人才公寓申请"
        ordering = ["created_at", "pk"]  # the waiting list's order

    def __str__(self) -> str:
        return f"{self.employer} · {self.employee}"


class Lease(DateBooking):
    """A unit let to one tenant for a term; no unit is let twice for overlapping terms."""

    resource = models.ForeignKey(ApartmentUnit, on_delete=models.PROTECT, related_name="leases")
    application = models.ForeignKey(
        ApartmentApplication, on_delete=models.PROTECT, related_name="leases"
    )
    tenant = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    renewal_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moved_out_on = models.DateField("退租日期", null=True, blank=True)

    class Meta(DateBooking.Meta):
        verbose_name = verbose_name_plural = "人才公寓租约"
        ordering = ["-start", "-pk"]

    def __str__(self) -> str:
        return f"{self.resource} {self.start}–{self.end}"


# --- cooperation and events ----------------------------------------------------------


class CooperationAgreement(models.Model):
    """校企合作协议."""

    enterprise = models.ForeignKey("core.Enterprise", on_delete=models.PROTECT, related_name="+")
    school = models.CharField("合作院校", max_length=100)
    subject = models.CharField("合作内容", max_length=200)
    signed_on = models.DateField("签订日期")
    valid_until = models.DateField("有效期至", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "校企合作协议"
        ordering = ["-signed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.enterprise} × {self.school}"


class EventKind(models.TextChoices):
    SALON = "salon", "人才沙龙"
    FORUM = "forum", "座谈会"
    EXPRESS = "express", "招聘直通车"


class TalentEvent(EventWithSeats):
    title = models.CharField("活动名称", max_length=200)
    kind = models.CharField("活动类型", max_length=10, choices=EventKind.choices)
    starts_at = models.DateTimeField("开始时间")
    venue = models.CharField("地点", max_length=200)

    class Meta(EventWithSeats.Meta):
        verbose_name = verbose_name_plural = "人才活动"
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title


class EventRegistration(Seat):
    event_field = "event"
    holder_field = "person"
    actor_field = "registered_by"

    event = models.ForeignKey(TalentEvent, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "活动报名"
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="talent_one_registration"),
        ]
