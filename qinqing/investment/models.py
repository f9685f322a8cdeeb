"""Investment project agency (招商项目代办, 黄宅镇 "拿地即开工"): projects and their
milestones, agency matters, problems raised on visits, and 揭榜挂帅 key tasks."""

from django.conf import settings
from django.db import models


class ProjectStatus(models.TextChoices):
    SIGNED = "signed", "已签约"
    PREPARING = "preparing", "前期办理"
    BUILDING = "building", "在建"
    COMPLETED = "completed", "已竣工"
    PRODUCING = "producing", "已投产"


class Project(models.Model):
    """An investment project (招商项目) of one investor in one town."""

    name = models.CharField("项目名称", max_length=200)
    investor = models.ForeignKey(
        "core.Enterprise",
        on_delete=models.PROTECT,
        related_name="investment_projects",
        verbose_name="投资企业",
    )
    total_investment = models.DecimalField("总投资（万元）", max_digits=14, decimal_places=2)
    industry_code = models.CharField(
        "行业代码", max_length=4, help_text="GB/T 4754-2017 行业代码，2至4位数字"
    )
    town = models.ForeignKey("core.Region", on_delete=models.PROTECT, verbose_name="所在乡镇")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="agency_projects",
        verbose_name="代办员",
    )
    status = models.CharField(
        "状态",
        max_length=12,
        choices=ProjectStatus.choices,
        default=ProjectStatus.SIGNED,
        editable=False,
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "招商项目"
        ordering = ["-total_investment", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_investment__gt=0), name="project_investment_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectParcel(models.Model):
    """A land parcel the project acquired (出让地块)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="parcels", verbose_name="项目"
    )
    name = models.CharField("地块名称", max_length=200)
    area_mu = models.DecimalField("面积（亩）", max_digits=10, decimal_places=2)
    delisted_on = models.DateField("摘牌（出让）日期")
    price = models.DecimalField("成交价（万元）", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "项目地块"
        ordering = ["delisted_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(area_mu__gt=0), name="project_parcel_area_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MilestoneKind(models.TextChoices):
    SIGNING = "signing", "签约"
    DELISTING = "delisting", "土地摘牌"
    PROPERTY = "property", "不动产权证"
    LAND_PLANNING = "land_planning", "用地规划许可证"
    WORKS_PLANNING = "works_planning", "工程规划许可证"
    CONSTRUCTION = "construction", "施工许可证"
    START = "start", "开工"
    COMPLETION = "completion", "竣工/结项"
    PRODUCTION = "production", "投产"


class Milestone(models.Model):
    """One step of a project: planned and actual dates, what it waits for, its evidence."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="milestones", verbose_name="项目"
    )
    kind = models.CharField("节点", max_length=16, choices=MilestoneKind.choices)
    sequence = models.PositiveSmallIntegerField("顺序")
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="unblocks", verbose_name="前置节点"
    )
    planned_on = models.DateField("计划日期", null=True, blank=True)
    done_on = models.DateField("实际日期", null=True, blank=True)
    certificate_no = models.CharField("证书编号", max_length=100, blank=True)
    scan = models.FileField("扫描件", upload_to="investment/evidence/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="登记人",
    )

    class Meta:
        verbose_name = verbose_name_plural = "项目节点"
        ordering = ["project", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="one_milestone_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()}"


class AgencyMatter(models.Model):
    """代办事项: an approval the agency team handles for the investor; a case routed to
    the owning department under its legal time limit."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="agency_matter"
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="matters", verbose_name="项目"
    )
    milestone = models.ForeignKey(
        Milestone,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="matters",
        verbose_name="对应节点",
    )
    department = models.ForeignKey(
        "core.Department", on_delete=models.PROTECT, related_name="+", verbose_name="审批部门"
    )
    legal_days = models.PositiveSmallIntegerField("法定时限（工作日）")

    class Meta:
        verbose_name = verbose_name_plural = "代办事项"
        ordering = ["-case__created_at", "-pk"]

    def __str__(self) -> str:
        return self.case.title


class MatterMaterial(models.Model):
    """One item of a matter's materials checklist (材料清单): needed, and whether it is in."""

    matter = models.ForeignKey(
        AgencyMatter, on_delete=models.CASCADE, related_name="materials", verbose_name="代办事项"
    )
    name = models.CharField("材料名称", max_length=200)
    received_on = models.DateField("收到日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "代办材料"
        ordering = ["matter", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "name"], name="one_material_per_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectProblem(models.Model):
    """A problem the agency team found (on a visit, usually); its handling is a case."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="project_problem"
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="problems", verbose_name="项目"
    )

    class Meta:
        verbose_name = verbose_name_plural = "项目问题"
        ordering = ["-case__created_at", "-pk"]

    def __str__(self) -> str:
        return self.case.title


class Team(models.Model):
    """攻坚小组: cadres who claim key tasks together."""

    name = models.CharField("小组名称", max_length=100, unique=True)
    town = models.ForeignKey("core.Region", on_delete=models.PROTECT, verbose_name="所在乡镇")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_teams",
        verbose_name="组长",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="investment_teams", verbose_name="组员"
    )

    class Meta:
        verbose_name = verbose_name_plural = "攻坚小组"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class KeyTask(models.Model):
    """揭榜挂帅: a key task posted for a team to claim; its claim runs as a case."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="key_task")
    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="key_tasks",
        verbose_name="所保障项目",
    )
    goals = models.TextField("目标")
    deadline = models.DateField("完成期限")

    class Meta:
        verbose_name = verbose_name_plural = "揭榜任务"
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.case.title


class SubGoal(models.Model):
    task = models.ForeignKey(
        KeyTask, on_delete=models.CASCADE, related_name="sub_goals", verbose_name="揭榜任务"
    )
    title = models.CharField("分解目标", max_length=200)
    due_on = models.DateField("计划完成")
    done_on = models.DateField("实际完成", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "分解目标"
        ordering = ["task", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    task = models.ForeignKey(
        KeyTask, on_delete=models.CASCADE, related_name="reports", verbose_name="揭榜任务"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="汇报人"
    )
    text = models.TextField("进展情况")
    created_at = models.DateTimeField("汇报时间")

    class Meta:
        verbose_name = verbose_name_plural = "进展汇报"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:30]
