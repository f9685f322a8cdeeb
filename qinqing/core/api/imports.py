"""Import API: upload an .xlsx/.csv of enterprises or people, then follow the job."""

import datetime
from typing import Annotated

from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from qinqing.core import access, importing
from qinqing.core.api.schemas import RecordId, errors
from qinqing.core.models import ImportJob
from qinqing.core.models.imports import ImportMode

router = Router(tags=["导入"])


class ImportErrorOut(Schema):
    row: int | None = Field(title="行号", description="Excel 中看到的行号，表头为第1行")
    column: str = Field(title="列", description="模板中的中文列名")
    value: str = Field(title="内容", description="单元格内容；身份证号、手机号已脱敏")
    message: str = Field(title="问题")


class ImportJobOut(Schema):
    id: int
    kind: str = Field(title="导入内容", description="enterprises 企业 / people 人员")
    kind_label: str
    mode: str = Field(title="导入方式", description="all 全部正确才导入 / valid 只导入正确的行")
    mode_label: str
    filename: str = Field(title="文件名")
    status: str = Field(
        title="状态",
        description="queued / running / succeeded / rejected（有错误，未导入）/ failed",
    )
    status_label: str
    total_rows: int = Field(title="数据行数")
    processed_rows: int = Field(title="已处理行数")
    progress_percent: int = Field(title="进度（%）")
    created_count: int = Field(title="新增")
    updated_count: int = Field(title="更新")
    error_count: int = Field(title="错误条数")
    errors: list[ImportErrorOut] = Field(title="错误报告")
    ignored_columns: list[str] = Field(title="已忽略的列", description="文件中模板以外的列")
    created_at: datetime.datetime
    finished_at: datetime.datetime | None

    @staticmethod
    def resolve_kind_label(job):
        return job.kind_label

    @staticmethod
    def resolve_mode_label(job):
        return job.get_mode_display()

    @staticmethod
    def resolve_status_label(job):
        return job.get_status_display()

    @staticmethod
    def resolve_error_count(job):
        return len(job.errors)

    @staticmethod
    def resolve_ignored_columns(job):
        return importing.ignored_columns(job) if job.is_finished else []


@router.post("/imports", response={201: ImportJobOut, **errors(403, 422)}, summary="上传导入文件")
def start_import(
    request,
    file: File[UploadedFile],
    kind: Annotated[
        str,
        Form(
            ...,
            title="导入内容",
            pattern=r"^[a-z][a-z0-9_]{0,39}$",
            description="模块登记的导入类型：enterprises 企业 / people 人员 / indicators 亩均指标",
        ),
    ],
    mode: Annotated[
        ImportMode,
        Form(title="导入方式", description="all 全部正确才导入（默认）/ valid 只导入正确的行"),
    ] = ImportMode.ALL_OR_NOTHING,
    year: Annotated[
        int | None, Form(title="年度", ge=2000, le=2100, description="亩均指标导入：指标年度")
    ] = None,
):
    """上传 .xlsx 或 .csv（UTF-8 或 GBK）文件。行数不多时立即处理完毕；
    超过后台阈值的文件排队处理，用 GET /imports/{id} 查看进度。文件无法读取、
    导入类型不存在或缺少该类型需要的参数（如亩均指标的年度）时返回 422。"""
    job = importing.do_start_import(
        request.auth,
        kind=kind,
        mode=mode,
        filename=file.name,
        content=file,
        params={"year": year} if year is not None else None,
    )
    return Status(201, job)


@router.get(
    "/imports/{job_id}",
    response={200: ImportJobOut, **errors(404)},
    summary="导入任务的状态和错误报告",
)
def get_import(request, job_id: RecordId):
    return access.access_object(request.auth, ImportJob, job_id)
