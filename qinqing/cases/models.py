"""The closed-loop case engine: one model of a case for every module.

Workflows (states and transitions) are data; a module's own record — a problem,
a micro-wish, an agency matter — links to a Case instead of copying its fields.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class StateKind(models.TextChoices):
    OPEN = "open", "待处理"
    IN_PROGRESS = "in_progress", "办理中"
    RESOLVED = "resolved", "已答复"
    CLOSED = "closed", "已办结"
    REJECTED = "rejected", "未受理"


ACTIVE_KINDS = (StateKind.OPEN, StateKind.IN_PROGRESS, StateKind.RESOLVED)
FINAL_KINDS = (StateKind.CLOSED, StateKind.REJECTED)
WORKING_KINDS = (StateKind.OPEN, StateKind.IN_PROGRESS)


def overdue_q(now=None, path: str = "") -> models.Q:
    """超期: still being handled and past the case's deadline or its current step's limit.

    The one rule behind every "超期" — the queues' filter, the KPI, the cockpit's
    red list and ``Case.is_overdue``. ``path`` reaches the case from another
    model, e.g. ``"case__"`` from an enterprise problem.
    """
    now = now or timezone.now()
    return models.Q(**{f"{path}kind__in": WORKING_KINDS}) & (
        models.Q(**{f"{path}due_at__lt": now}) | models.Q(**{f"{path}state_due_at__lt": now})
    )


class Workflow(models.Model):
    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)

    class Meta:
        verbose_name = verbose_name_plural = "流程"

    def __str__(self) -> str:
        return self.name


class State(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="states")
    code = models.SlugField("代码", max_length=40)
    label = models.CharField("名称", max_length=50)
    kind = models.CharField("类型", max_length=12, choices=StateKind.choices)
    is_initial = models.BooleanField("初始状态", default=False)
    timeout_transition = models.SlugField(
        "时限届满时的流转",
        max_length=40,
        blank=True,
        help_text="本状态的时限届满时由系统执行的流转代码（如认领超时退回、未回访办结）",
    )
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "状态"
        ordering = ["workflow", "order"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "code"], name="state_code_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class Transition(models.Model):
    """A move from any of ``sources`` to ``target``, by actors holding one of ``roles``.

    ``roles`` are case roles (dispatcher, handler, supervisor, requester,
    claimant, system), worked out per case by ``qinqing.cases.roles``.
    ``effects`` name what the move does besides changing state (``qinqing.cases.effects``);
    ``fields`` are the extra values the step takes (stored on its event);
    ``notify_roles`` are the case roles told about it; ``not_by_actor_of`` lists
    moves whose actor may not take this one (maker-checker).
    """

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="transitions")
    code = models.SlugField("代码", max_length=40)
    label = models.CharField("名称", max_length=50)
    sources = models.ManyToManyField(State, related_name="outgoing", verbose_name="起始状态")
    target = models.ForeignKey(
        State, on_delete=models.CASCADE, related_name="incoming", verbose_name="目标状态"
    )
    roles = models.JSONField("可操作角色", default=list)
    requires_reason = models.BooleanField("需填写理由", default=False)
    requires_attachment = models.BooleanField("需上传附件", default=False)
    effects = models.JSONField("附加动作", default=list, blank=True)
    fields = models.JSONField("填写项", default=list, blank=True)
    notify_roles = models.JSONField("通知角色", default=list, blank=True)
    notice = models.CharField("通知标题", max_length=50, blank=True)
    notify_kind = models.CharField("通知类别", max_length=40, blank=True)
    not_by_actor_of = models.JSONField(
        "不得由其操作人执行的流转", default=list, blank=True, help_text="审批与申请分离"
    )
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "流转"
        ordering = ["workflow", "order"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "code"], name="transition_code_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class CaseType(models.Model):
    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    module = models.CharField("所属模块", max_length=30)
    workflow = models.ForeignKey(Workflow, on_delete=models.PROTECT, verbose_name="流程")
    number_prefix = models.CharField("编号前缀", max_length=6, default="GD")
    state_labels = models.JSONField(
        "状态名称（按类型）",
        default=dict,
        blank=True,
        help_text='按状态代码覆盖名称，如 {"published": "待认领"}',
    )
    claimant_roles = models.JSONField(
        "可认领的账号角色",
        default=list,
        blank=True,
        help_text='可认领事项：哪些账号角色可以认领，如 ["staff"]',
    )
    dispatch_permission = models.CharField(
        "调度权限",
        max_length=100,
        default="cases.dispatch_case",
        help_text="持有该权限（且能看到事项）的账号是这类事项的调度",
    )
    max_open_claims = models.PositiveSmallIntegerField(
        "每个认领方最多同时认领",
        null=True,
        blank=True,
        help_text="空为不限",
    )
    children_block_close = models.BooleanField("子事项未办结时不得办结", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "事项类型"
        ordering = ["module", "code"]

    def __str__(self) -> str:
        return self.name

    def state_label(self, state: State) -> str:
        return self.state_labels.get(state.code, state.label)


class Priority(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"


class TimeLimit(models.Model):
    """How long a case of a type and priority may take, in working time."""

    case_type = models.ForeignKey(CaseType, on_delete=models.CASCADE, related_name="time_limits")
    priority = models.CharField("紧急程度", max_length=10, choices=Priority.choices)
    respond_hours = models.DecimalField("响应时限（工作小时）", max_digits=6, decimal_places=1)
    resolve_days = models.PositiveSmallIntegerField("办结时限（工作日）")
    remind_hours = models.PositiveSmallIntegerField(
        "到期前催办（小时）", default=24, help_text="距办结期限不足这么多小时时发送催办提醒"
    )

    class Meta:
        verbose_name = verbose_name_plural = "办理时限"
        constraints = [
            models.UniqueConstraint(
                fields=["case_type", "priority"], name="one_limit_per_priority"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_type} {self.get_priority_display()}"


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", "工作日"
    WORKING_HOURS = "working_hours", "工作小时"
    DAYS = "days", "自然日"
    HOURS = "hours", "小时"


class StateLimit(models.Model):
    """How long a case of a type may stay in one state (a legal limit, a claim window)."""

    case_type = models.ForeignKey(CaseType, on_delete=models.CASCADE, related_name="state_limits")
    state = models.ForeignKey(State, on_delete=models.CASCADE, verbose_name="状态")
    amount = models.PositiveSmallIntegerField("时限")
    unit = models.CharField("单位", max_length=16, choices=LimitUnit.choices)
    remind_hours = models.PositiveSmallIntegerField(
        "到期前催办（小时）", default=24, help_text="距本状态时限不足这么多小时时发送催办提醒"
    )

    class Meta:
        verbose_name = verbose_name_plural = "环节时限"
        constraints = [
            models.UniqueConstraint(fields=["case_type", "state"], name="one_limit_per_state"),
        ]

    def __str__(self) -> str:
        return f"{self.case_type} {self.state}：{self.amount}{self.get_unit_display()}"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    UNSATISFIED = "unsatisfied", "不满意"
    NOT_SURVEYED = "not_surveyed", "未回访"


class Case(models.Model):
    number = models.CharField("编号", max_length=32, unique=True, editable=False)
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, verbose_name="事项类型")
    state = models.ForeignKey(State, on_delete=models.PROTECT, verbose_name="状态")
    kind = models.CharField(
        "状态类型",
        max_length=12,
        choices=StateKind.choices,
        editable=False,
        help_text="状态的类型，随状态一起更新，便于按类型查询和统计",
    )
    version = models.PositiveIntegerField(
        "版本", default=0, editable=False, help_text="每次办理加一；并发办理时只有一方生效"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级事项",
    )
    title = models.CharField("标题", max_length=200)
    description = models.TextField("内容", blank=True)
    priority = models.CharField(
        "紧急程度", max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, verbose_name="所属区划")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requested_cases",
        verbose_name="提出人",
    )
    enterprise = models.ForeignKey(
        "core.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name="相关企业",
    )
    person = models.ForeignKey(
        "core.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name="相关人员",
    )
    visit = models.ForeignKey(
        "core.Visit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name="来源走访",
    )
    department = models.ForeignKey(
        "core.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name="承办部门",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        verbose_name="承办人",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    respond_due_at = models.DateTimeField("响应期限", null=True, blank=True)
    responded_at = models.DateTimeField("响应时间", null=True, blank=True)
    due_at = models.DateTimeField("办结期限", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    reminded_at = models.DateTimeField("催办时间", null=True, blank=True)
    escalated_at = models.DateTimeField("超期上报时间", null=True, blank=True)
    satisfaction = models.CharField(
        "回访评价", max_length=12, choices=Satisfaction.choices, blank=True
    )
    solved = models.BooleanField("问题已解决（回访确认）", null=True, blank=True)
    survey_count = models.PositiveSmallIntegerField("回访次数", default=0)
    return_count = models.PositiveSmallIntegerField("退单次数", default=0)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)
    extension_due_at = models.DateTimeField("申请延期至", null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claimed_cases",
        verbose_name="认领人",
    )
    claimed_at = models.DateTimeField("认领时间", null=True, blank=True)
    # Who holds the claim: an account, or an organisation it acts for (an enterprise,
    # a department, a team a module defines) — any model, named by content type.
    claimant_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="认领方类型",
    )
    claimant_id = models.PositiveBigIntegerField("认领方", null=True, blank=True)
    state_entered_at = models.DateTimeField("进入当前环节时间", null=True, blank=True)
    state_due_at = models.DateTimeField("当前环节期限", null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField("催办次数", default=0)
    escalation_count = models.PositiveSmallIntegerField("超期上报次数", default=0)
    supervision_count = models.PositiveSmallIntegerField("督办次数", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "事项"
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("dispatch_case", "受理、派单、回访事项（调度）"),
            ("view_kpi", "查看办理考核指标"),
            ("supervise_case", "督办事项"),
        ]
        indexes = [
            models.Index(fields=["department", "kind", "due_at"], name="case_department_queue"),
            models.Index(fields=["assignee", "kind", "due_at"], name="case_assignee_queue"),
            models.Index(fields=["kind", "due_at"], name="case_deadline_scan"),
            models.Index(fields=["case_type", "created_at"], name="case_type_period"),
            models.Index(fields=["created_at"], name="case_created"),
            models.Index(fields=["kind", "state_due_at"], name="case_state_deadline_scan"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def state_label(self) -> str:
        return self.case_type.state_label(self.state)

    @property
    def is_active(self) -> bool:
        return self.kind in ACTIVE_KINDS

    @property
    def running_due_at(self):
        """The limit that runs now: the current state's own, or the case's, whichever is first."""
        limits = [d for d in (self.due_at, self.state_due_at) if d is not None]
        return min(limits) if limits else None

    @property
    def is_overdue(self) -> bool:
        due = self.running_due_at
        return bool(due and self.kind in WORKING_KINDS and due < timezone.now())

    @property
    def claim_expires_at(self):
        return self.state_due_at if self.claimed_by_id else None


class CaseEvent(models.Model):
    """One step in a case's history: who moved it, from where, to where, and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField("动作", max_length=40)
    label = models.CharField("动作名称", max_length=50)
    from_state = models.ForeignKey(
        State, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="操作人",
    )
    department = models.ForeignKey(
        "core.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="当时承办部门",
    )
    note = models.TextField("说明", blank=True)
    data = models.JSONField("附加信息", default=dict, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "办理记录"
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["case", "created_at"], name="case_event_timeline"),
            models.Index(fields=["transition", "created_at"], name="case_event_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.label}"


class Supervision(models.Model):
    """督办: a superior office flags a case with its own deadline; the handlers must answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervisions")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="督办人"
    )
    note = models.TextField("督办意见")
    due_at = models.DateTimeField("答复期限")
    created_at = models.DateTimeField("督办时间", default=timezone.now)
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="答复人",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "督办"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case.number} 督办"


class ClaimTally(models.Model):
    """Open claims a claimant holds per case type: the row a claim limit is enforced on.

    A claim raises the count with a conditional UPDATE (``open_claims < limit``),
    so concurrent claims by one claimant serialise on this row.
    """

    case_type = models.ForeignKey(CaseType, on_delete=models.CASCADE, related_name="+")
    claimant_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    claimant_id = models.PositiveBigIntegerField()
    open_claims = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "认领计数"
        constraints = [
            models.UniqueConstraint(
                fields=["case_type", "claimant_type", "claimant_id"], name="one_tally_per_claimant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_type} #{self.claimant_id}：{self.open_claims}"


class CaseAttachment(models.Model):
    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("附件", upload_to="cases/%Y/%m/")
    name = models.CharField("文件名", max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.name


# The holiday table lives in its own module; importing it here registers it with the app.
from qinqing.cases.holiday_models import HolidayDay, HolidayYear  # noqa: E402, F401
