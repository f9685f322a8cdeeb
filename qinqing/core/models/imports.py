"""Import jobs: an uploaded .xlsx/.csv, its row-level error report and progress."""

from django.db import models


class ImportKind(models.TextChoices):
    ENTERPRISES = "enterprises", "企业"
    PEOPLE = "people", "人员"


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all", "全部正确才导入"
    VALID_ONLY = "valid", "只导入正确的行"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "处理中"
    SUCCEEDED = "succeeded", "已完成"
    REJECTED = "rejected", "有错误，未导入"
    FAILED = "failed", "处理失败"


class ImportJob(models.Model):
    kind = models.CharField("导入内容", max_length=20, choices=ImportKind.choices)
    mode = models.CharField(
        "导入方式", max_length=10, choices=ImportMode.choices, default=ImportMode.ALL_OR_NOTHING
    )
    filename = models.CharField("文件名", max_length=200)
    # Holds ID and phone numbers in plain text: emptied once the job has finished.
    content = models.BinaryField("文件内容")
    status = models.CharField(
        "状态", max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField("总行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    errors = models.JSONField("错误报告", default=list, blank=True)
    ignored_columns = models.JSONField("已忽略的列", default=list, blank=True)
    created_by = models.ForeignKey(
        "core.User", verbose_name="导入人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "导入任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}导入 {self.filename}"

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status not in {ImportStatus.QUEUED, ImportStatus.RUNNING} else 0
        return min(100, round(self.processed_rows * 100 / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.status not in {ImportStatus.QUEUED, ImportStatus.RUNNING}
