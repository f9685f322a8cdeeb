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
    ``effect`` names what the move does besides changing state (see services).
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
    effect = models.CharField("附加动作", max_length=30, blank=True)
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
    claim_hours = models.PositiveIntegerField(
        "认领有效期（小时）",
        null=True,
        blank=True,
        help_text="认领后超过这么多小时未完成，事项退回待认领；空为不过期",
    )

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


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    UNSATISFIED = "unsatisfied", "不满意"


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
    claim_expires_at = models.DateTimeField("认领到期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "事项"
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("dispatch_case", "受理、派单、回访事项（调度）"),
            ("view_kpi", "查看办理考核指标"),
        ]
        indexes = [
            models.Index(fields=["department", "kind", "due_at"], name="case_department_queue"),
            models.Index(fields=["assignee", "kind", "due_at"], name="case_assignee_queue"),
            models.Index(fields=["kind", "due_at"], name="case_deadline_scan"),
            models.Index(fields=["case_type", "created_at"], name="case_type_period"),
            models.Index(fields=["created_at"], name="case_created"),
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
    def is_overdue(self) -> bool:
        return bool(
            self.due_at
            and self.kind in (StateKind.OPEN, StateKind.IN_PROGRESS)
            and self.due_at < timezone.now()
        )


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
