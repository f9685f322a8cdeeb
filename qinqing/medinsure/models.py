"""Clean medical insurance (清廉医保): designated institutions, the catalog with
versioned restrictions, audit rules as data, imported claims, audit runs and
their findings."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from qinqing.medinsure.audit.rules import CLEAR, SUSPECT


class InstitutionKind(models.TextChoices):
    HOSPITAL = "hospital", "医院"
    CLINIC = "clinic", "基层医疗机构"
    PHARMACY = "pharmacy", "定点零售药店"
    DENTAL = "dental", "口腔医疗机构"


class AgreementStatus(models.TextChoices):
    ACTIVE = "active", "协议有效"
    SUSPENDED = "suspended", "暂停协议"
    TERMINATED = "terminated", "解除协议"


class Institution(models.Model):
    """定点医药机构: a designated medical institution or pharmacy."""

    code = models.CharField("机构编码", max_length=32, unique=True)
    name = models.CharField("机构名称", max_length=100)
    kind = models.CharField("机构类型", max_length=12, choices=InstitutionKind.choices)
    level = models.CharField("等级", max_length=20, blank=True)
    region = models.ForeignKey(
        "core.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+"
    )
    agreement_status = models.CharField(
        "协议状态", max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE
    )
    department = models.ForeignKey(
        "core.Department",
        verbose_name="主管部门",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "定点医药机构"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class ItemKind(models.TextChoices):
    DRUG = "drug", "药品"
    SERVICE = "service", "诊疗项目"
    CONSUMABLE = "consumable", "医用耗材"
    BED = "bed", "床位"


class CatalogEntry(models.Model):
    """One version of a catalog item (医保目录): price and restrictions valid for a period.

    A change of price or restriction is a new row with a new ``valid_from``
    (the previous row gets its ``valid_to``), so a claim is always judged by
    the version in force on its service date."""

    item_code = models.CharField("项目编码", max_length=32)
    item_name = models.CharField("项目名称", max_length=100)
    kind = models.CharField("项目类别", max_length=12, choices=ItemKind.choices)
    price_cap = models.DecimalField("限价（元）", max_digits=12, decimal_places=2)
    procurement_price = models.DecimalField(
        "集采中选价（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    gender_limit = models.CharField(
        "限性别", max_length=1, blank=True, choices=[("M", "男"), ("F", "女")]
    )
    min_age = models.PositiveSmallIntegerField("最小年龄", null=True, blank=True)
    max_age = models.PositiveSmallIntegerField("最大年龄", null=True, blank=True)
    care_limit = models.CharField(
        "限就医类型",
        max_length=12,
        blank=True,
        choices=[("inpatient", "限住院"), ("outpatient", "限门诊")],
    )
    max_qty_per_day = models.DecimalField(
        "每日最大数量", max_digits=12, decimal_places=4, null=True, blank=True
    )
    included_in = models.CharField("所属打包项目编码", max_length=32, blank=True)
    days_supply_per_unit = models.DecimalField(
        "每单位用药天数", max_digits=12, decimal_places=4, null=True, blank=True
    )
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期", null=True, blank=True)
    # the single-claim check's cached catalog is renewed when this moves
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "医保目录（版本）"
        ordering = ["item_code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["item_code", "valid_from"], name="catalog_one_version_a_day"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="catalog_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_code} {self.item_name}（{self.valid_from} 起）"


class Severity(models.TextChoices):
    CLEAR = CLEAR, CLEAR
    SUSPECT = SUSPECT, SUSPECT


class AuditRule(models.Model):
    """One version of an audit rule (智能审核规则). Editing a rule saves a new version."""

    key = models.CharField("规则键", max_length=40)
    version = models.PositiveIntegerField("版本")
    name = models.CharField("规则名称", max_length=50)
    legal_basis = models.TextField("依据")
    params = models.JSONField("参数", default=dict, blank=True)
    severity = models.CharField("违规程度", max_length=4, choices=Severity.choices)
    enabled = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("保存时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="保存人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "审核规则（版本）"
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="audit_rule_one_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ClaimBatch(models.Model):
    """One import of settlement and fee-line files (结算清单导入)."""

    name = models.CharField("批次名称", max_length=100)
    settlements_file = models.CharField("结算文件", max_length=255)
    lines_file = models.CharField("明细文件", max_length=255)
    status = models.CharField(
        "状态", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    step = models.CharField("当前步骤", max_length=50, blank=True)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    settlements = models.PositiveIntegerField("结算数", default=0)
    lines = models.PositiveIntegerField("明细数", default=0)
    problems = models.PositiveIntegerField("数据问题数", default=0)
    problem_sample = models.JSONField("数据问题（前100条）", default=list, blank=True)
    error = models.TextField("错误", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("导入时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "结算清单导入批次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Settlement(models.Model):
    """An imported settlement (结算). Written in bulk by the import, never one by one."""

    batch = models.ForeignKey(ClaimBatch, on_delete=models.CASCADE, related_name="+")
    settlement_id = models.CharField("结算号", max_length=40, unique=True)
    patient_id = models.CharField("参保人标识", max_length=64, db_index=True)
    gender = models.CharField("性别", max_length=1)
    birth_date = models.DateField("出生日期")
    institution_code = models.CharField("定点机构编码", max_length=32, db_index=True)
    visit_type = models.CharField("就医类型", max_length=12)
    admission_date = models.DateField("入院（就诊）日期")
    discharge_date = models.DateField("出院日期", null=True)
    diagnosis = models.CharField("诊断", max_length=16)
    total_amount = models.DecimalField("医疗费总额", max_digits=14, decimal_places=2)
    fund_paid = models.DecimalField("基金支付", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "结算"

    def __str__(self) -> str:
        return self.settlement_id


class FeeLine(models.Model):
    """An imported fee line (费用明细). Written in bulk by the import."""

    batch = models.ForeignKey(ClaimBatch, on_delete=models.CASCADE, related_name="+")
    line_id = models.CharField("明细号", max_length=40, unique=True)
    settlement_id = models.CharField("结算号", max_length=40, db_index=True)
    item_code = models.CharField("项目编码", max_length=32)
    service_date = models.DateField("费用发生日期")
    quantity = models.DecimalField("数量", max_digits=14, decimal_places=4)
    unit_price = models.DecimalField("单价", max_digits=12, decimal_places=2)
    amount = models.DecimalField("金额", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "费用明细"

    def __str__(self) -> str:
        return self.line_id


class AuditRun(models.Model):
    """One run of the rule set over every imported claim (in the task worker)."""

    status = models.CharField(
        "状态", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    step = models.CharField("当前步骤", max_length=50, blank=True)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    rules = models.JSONField("规则版本", default=list)
    findings = models.PositiveIntegerField("疑点数", default=0)
    new_findings = models.PositiveIntegerField("新增疑点数", default=0)
    error = models.TextField("错误", blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审核运行"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"审核运行 #{self.pk}"


class Clue(models.Model):
    """线索: confirmed findings of one institution, referred as a case to its department."""

    case = models.OneToOneField(
        "cases.Case", verbose_name="办件", on_delete=models.PROTECT, related_name="medinsure_clue"
    )
    institution = models.ForeignKey(
        Institution, verbose_name="定点医药机构", on_delete=models.PROTECT, related_name="clues"
    )
    amount = models.DecimalField("涉及金额（元）", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "医保线索"

    def __str__(self) -> str:
        return f"{self.case} {self.institution}"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "待复核"
    CONFIRMED = "confirmed", "确认违规"
    DISMISSED = "dismissed", "排除"


class Finding(models.Model):
    """A finding (疑点): one offending line (or settlement) under one rule version.

    The fields of the national pre/during-settlement check: rule_id,
    settlement_id, line_id, vola_cont, vola_evid, vola_amt, sev_deg. The same
    finding found again by a later run is the same row (unique key)."""

    run = models.ForeignKey(AuditRun, on_delete=models.PROTECT, related_name="+")
    rule_id = models.CharField("规则", max_length=40)
    rule_version = models.PositiveIntegerField("规则版本")
    settlement_id = models.CharField("结算号", max_length=40)
    line_id = models.CharField("明细号", max_length=40, blank=True)
    institution_code = models.CharField("定点机构编码", max_length=32, db_index=True)
    service_month = models.CharField("月份", max_length=7, db_index=True)
    vola_cont = models.TextField("违规内容")
    vola_evid = models.TextField("违规依据明细")
    vola_amt = models.DecimalField("涉及金额", max_digits=14, decimal_places=2)
    sev_deg = models.CharField("违规程度", max_length=4, choices=Severity.choices)
    status = models.CharField(
        "复核状态", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reason = models.TextField("复核意见", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("复核时间", null=True, blank=True)
    clue = models.ForeignKey(
        Clue,
        verbose_name="线索",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )

    class Meta:
        verbose_name = verbose_name_plural = "审核疑点"
        ordering = ["rule_id", "settlement_id", "line_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_id", "rule_version", "settlement_id", "line_id"],
                name="finding_once_per_rule_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.settlement_id} {self.line_id}"


class InspectionKind(models.TextChoices):
    INSPECTION = "inspection", "检查"
    INTERVIEW = "interview", "约谈"


class Inspection(models.Model):
    """检查 or 约谈 of an institution: planned, recorded, with a rectification task (整改)."""

    institution = models.ForeignKey(
        Institution,
        verbose_name="定点医药机构",
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    kind = models.CharField("类型", max_length=12, choices=InspectionKind.choices)
    planned_on = models.DateField("计划日期")
    done_on = models.DateField("实施日期", null=True, blank=True)
    notes = models.TextField("检查（约谈）情况", blank=True)
    rectification = models.OneToOneField(
        "cases.Case",
        verbose_name="整改任务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="medinsure_inspection",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "检查与约谈"
        ordering = ["-planned_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution.name} {self.get_kind_display()} {self.planned_on}"
