"""Import jobs: an uploaded .xlsx/.csv, its row-level error report and progress."""

from django.core.exceptions import ValidationError
from django.db import models


def validate_import_kind(value: str) -> None:
    """The kinds are whatever modules registered (``importing.register_import_kind``)."""
    from qinqing.core.importing import import_kind

    if import_kind(value) is None:
        raise ValidationError("没有这种导入内容：%(value)s", params={"value": value})


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
    kind = models.CharField("导入内容", max_length=40, validators=[validate_import_kind])
    mode = models.CharField(
        "导入方式", max_length=10, choices=ImportMode.choices, default=ImportMode.ALL_OR_NOTHING
    )
    # What the kind needs besides the file, e.g. the year of 亩均 indicators.
    params = models.JSONField("导入参数", default=dict, blank=True)
    filename = models.CharField("文件名", max_length=200)
    # The file, encrypted (it holds ID and phone numbers); emptied once the job has ended.
    content = models.BinaryField("文件内容（加密）")
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
    # The running worker's lease: renewed with progress; a stale one is swept.
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "导入任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind_label}导入 {self.filename}"

    @property
    def kind_label(self) -> str:
        from qinqing.core.importing import import_kind

        spec = import_kind(self.kind)
        return spec.label if spec else self.kind

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status not in {ImportStatus.QUEUED, ImportStatus.RUNNING} else 0
        return min(100, round(self.processed_rows * 100 / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.status not in {ImportStatus.QUEUED, ImportStatus.RUNNING}
