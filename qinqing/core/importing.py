"""Importing enterprises and people from .xlsx and .csv, with a row-level error report.

``do_start_import`` stores the upload as an ``ImportJob`` and runs it at once when
it is small, else in the task worker. ``run_import`` validates every row with the
forms the pages and the API use, then writes all good rows in one transaction.
Errors name the row as the user sees it in Excel (the header is row 1), the
column by its Chinese header, and show personal values masked.
"""

import csv
import datetime
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from qinqing.core import access, audit, validators
from qinqing.core.crypto import lookup_hash
from qinqing.core.forms import EnterpriseForm, PersonForm, RegionChoiceField
from qinqing.core.masking import mask_id_number, mask_phone, mask_text
from qinqing.core.models import Enterprise, ImportJob, Person, Region, User
from qinqing.core.models.imports import ImportKind, ImportMode, ImportStatus
from qinqing.core.notifications.services import do_notify
from qinqing.core.services import Forbidden, InvalidInput, restrict_region_choices

logger = logging.getLogger(__name__)

SUFFIXES = (".xlsx", ".csv")
MAX_FILE_BYTES = 20 * 1024 * 1024
PROGRESS_EVERY = 100
LOOKUP_CHUNK = 500  # keeps IN (...) lists well under every database's parameter limit
SHOWN_ERRORS = 200


# --- columns -------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False
    help: str = ""
    # Codes are kept as text in the template so Excel keeps leading zeros.
    text: bool = False
    # Long numbers lose digits once Excel stores them as numbers (15 significant digits).
    refuse_numbers: bool = False
    mask: Callable[[str], str] | None = None

    def shown(self, value: str) -> str:
        return self.mask(value) if self.mask and value else value


@dataclass(frozen=True)
class ImportSpec:
    kind: str
    columns: tuple[Column, ...]
    form_class: type
    model: type
    key_field: str
    add_perm: str
    change_perm: str

    @property
    def label(self) -> str:
        return ImportKind(self.kind).label

    @property
    def key_column(self) -> Column:
        return next(c for c in self.columns if c.field == self.key_field)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


class PrefetchedLookups:
    """Lets an import form skip the per-row queries its checks would make; the
    import settles them once per file against records loaded up front."""

    def _get_validation_exclusions(self):
        # The region field already resolved the code among the loaded regions;
        # the model's foreign-key check would look the same region up again.
        return super()._get_validation_exclusions() | {"region"}


class EnterpriseImportForm(PrefetchedLookups, EnterpriseForm):
    """``EnterpriseForm``; an existing credit code is an update of that enterprise."""

    def validate_unique(self):
        pass


class PersonImportForm(PrefetchedLookups, PersonForm):
    """``PersonForm``; an ID number already registered is an update of that person."""

    def clean_id_number(self):
        return validators.validate_id_number(self.cleaned_data["id_number"])


REGION_HELP = "必填。县（市、区）或乡镇（街道）的区划代码，如 330702 或 330702202"

ENTERPRISES = ImportSpec(
    kind=ImportKind.ENTERPRISES,
    columns=(
        Column("企业名称", "name", required=True, help="必填"),
        Column(
            "统一社会信用代码",
            "credit_code",
            required=True,
            text=True,
            refuse_numbers=True,
            help="必填，18位。已登记的企业按本表内容更新",
        ),
        Column(
            "行业代码",
            "industry_code",
            required=True,
            text=True,
            help="必填。国民经济行业分类（GB/T 4754-2017）代码，2至4位数字，如 3011",
        ),
        Column("所属区划代码", "region", required=True, text=True, help=REGION_HELP),
        Column("用地面积（亩）", "land_area_mu", help="选填。数字，最多两位小数"),
        Column("从业人数", "employees", help="选填。整数"),
        Column("规上企业", "above_scale", help="选填。填“是”或“否”，空白视为“否”"),
        Column("地址", "address", help="选填"),
    ),
    form_class=EnterpriseImportForm,
    model=Enterprise,
    key_field="credit_code",
    add_perm="core.add_enterprise",
    change_perm="core.change_enterprise",
)

PEOPLE = ImportSpec(
    kind=ImportKind.PEOPLE,
    columns=(
        Column("姓名", "name", required=True, help="必填"),
        Column(
            "身份证号",
            "id_number",
            required=True,
            text=True,
            refuse_numbers=True,
            mask=mask_id_number,
            help="必填，18位。该列须为“文本”格式，否则 Excel 会丢掉后几位。已登记的人员按本表更新",
        ),
        Column("手机号", "phone", text=True, mask=mask_phone, help="选填。11位手机号"),
        Column("所属区划代码", "region", required=True, text=True, help=REGION_HELP),
    ),
    form_class=PersonImportForm,
    model=Person,
    key_field="id_number",
    add_perm="core.add_person",
    change_perm="core.change_person",
)

SPECS = {spec.kind: spec for spec in (ENTERPRISES, PEOPLE)}


def spec_for(kind: str) -> ImportSpec:
    return SPECS[kind]


def header_key(text) -> str:
    """Headers match whatever the spaces and bracket widths: 用地面积(亩) = 用地面积（亩）."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


def _normalised_key(text: str) -> str:
    """A credit code or ID number as the validators return it, for lookups before validation."""
    return validators.normalise(text).upper()


# --- reading files -----------------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]]  # (row number as Excel shows it, cell values)


def read_table(filename: str, content: bytes, *, header_only: bool = False) -> Table:
    """The header row and the non-blank data rows of an .xlsx or .csv file."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise _bad_file(
            f"不支持“{suffix or '无扩展名'}”文件，只能导入 .xlsx 或 .csv 文件"
            "（旧版 .xls 请在 Excel 中另存为 .xlsx）"
        )
    if not content:
        raise _bad_file("文件是空的")
    lines = _xlsx_lines(content, header_only) if suffix == ".xlsx" else _csv_lines(content)
    headers: list[str] | None = None
    rows = []
    for number, cells in enumerate(lines, start=1):
        if number == 1:
            headers = [_cell_text(cell) for cell in cells]
            if header_only:
                break
            continue
        if any(_cell_text(cell) for cell in cells):
            rows.append((number, list(cells)))
    if not headers or not any(headers):
        raise _bad_file("第1行应为表头（列名），但它是空的。请使用下载的导入模板")
    if not rows and not header_only:
        raise _bad_file("文件中没有数据：第1行是表头，数据应从第2行开始")
    return Table(headers=headers, rows=rows)


def _bad_file(message: str) -> InvalidInput:
    return InvalidInput({"file": [message]}, {"file": "文件"})


def _xlsx_lines(content: bytes, header_only: bool) -> list[tuple]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise _bad_file(
            "无法读取该 .xlsx 文件：文件已损坏，或不是 Excel 文件（旧版 .xls 请另存为 .xlsx）"
        ) from exc
    try:
        sheet = book.worksheets[0]
        return list(sheet.iter_rows(values_only=True, max_row=1 if header_only else None))
    finally:
        book.close()


def _csv_lines(content: bytes) -> list[list[str]]:
    # Excel on Chinese Windows saves CSV as GBK (a subset of GB18030); elsewhere UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _bad_file("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GBK 编码")
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise _bad_file(f"CSV 文件格式有误：{exc}") from exc


def _cell_text(value) -> str:
    """A cell as the text a user typed: 120.0 → "120", a date → "2026-01-31"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


@dataclass
class HeaderMap:
    positions: dict[str, int]  # field → column index
    missing: list[str]
    duplicated: list[str]
    ignored: list[str]

    @property
    def problem(self) -> str:
        parts = []
        if self.missing:
            parts.append(f"缺少必需的列：{'、'.join(self.missing)}")
        if self.duplicated:
            parts.append(f"这些列出现了不止一次：{'、'.join(self.duplicated)}")
        if parts:
            parts.append("请使用下载的导入模板，第1行为表头")
        return "；".join(parts)


def map_headers(spec: ImportSpec, headers: list[str]) -> HeaderMap:
    by_key = {header_key(c.header): c for c in spec.columns}
    positions: dict[str, int] = {}
    duplicated, ignored = [], []
    for index, header in enumerate(headers):
        column = by_key.get(header_key(header))
        if column is None:
            if header:
                ignored.append(header)
        elif column.field in positions:
            duplicated.append(column.header)
        else:
            positions[column.field] = index
    missing = [c.header for c in spec.columns if c.required and c.field not in positions]
    return HeaderMap(positions, missing, duplicated, ignored)


def ignored_columns(job: ImportJob) -> list[str]:
    """Headers in the file that are not ours: ignored, and said so in the report."""
    return job.ignored_columns


def do_start_import(
    actor: User, *, kind: str, filename: str, content: bytes, mode: str = ImportMode.ALL_OR_NOTHING
) -> ImportJob:
    """Store the upload as a job; run it now if small, else in the task worker."""
    if not actor.has_perm("core.add_importjob"):
        raise Forbidden("core.add_importjob")
    if kind not in SPECS:
        raise InvalidInput({"kind": ["请选择导入内容：企业或人员"]}, {"kind": "导入内容"})
    if mode not in ImportMode.values:
        raise InvalidInput(
            {"mode": ["请选择导入方式：全部正确才导入，或只导入正确的行"]}, {"mode": "导入方式"}
        )
    spec = spec_for(kind)
    for perm in (spec.add_perm, spec.change_perm):
        if not actor.has_perm(perm):
            raise Forbidden(perm)
    if len(content) > MAX_FILE_BYTES:
        raise _bad_file(f"文件过大，最大 {MAX_FILE_BYTES // (1024 * 1024)} MB，请拆分后分批导入")
    table = read_table(filename, content)
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            mode=mode,
            filename=_short_name(filename),
            content=content,
            total_rows=len(table.rows),
            created_by=actor,
        )
        in_background = job.total_rows > settings.QINQING_IMPORT_BACKGROUND_ROWS
        if in_background:
            transaction.on_commit(lambda: run_import_in_background.enqueue(job.pk))
    if not in_background:
        run_import(job.pk)
        job.refresh_from_db()
    return job


def _short_name(filename: str) -> str:
    name = Path(filename).name or filename
    if len(name) <= 200:
        return name
    suffix = Path(name).suffix
    return name[: 200 - len(suffix)] + suffix


@task()
def run_import_in_background(job_id: int) -> str:
    return run_import(job_id)


# --- running an import ----------------------------------------------------------------


@dataclass
class RowError:
    row: int | None
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        # Messages may quote what was typed; personal numbers never reach the report whole.
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": mask_text(self.message),
        }


@dataclass
class Outcome:
    forms: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def run_import(job_id: int) -> str:
    """Validate and write one queued job; returns its final status.

    A job already claimed (a task retried, say) is left alone. Anything unexpected
    marks the job failed, with nothing written.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, processed_rows=0
    )
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if not claimed:
        return job.status
    try:
        _run(job)
    except Exception:
        logger.exception("import job %s failed", job_id)
        error = RowError(
            None, "", "", "处理时发生系统错误，没有导入任何数据。请稍后重试或联系管理员"
        )
        with transaction.atomic():
            _finish(job, ImportStatus.FAILED, [error], created=0, updated=0)
    return job.status


def _run(job: ImportJob) -> None:
    spec = spec_for(job.kind)
    actor = job.created_by
    try:
        table = read_table(job.filename, bytes(job.content))
    except InvalidInput as exc:
        with transaction.atomic():
            _finish(job, ImportStatus.REJECTED, [RowError(None, "", "", exc.summary)], 0, 0)
        return
    headers = map_headers(spec, table.headers)
    job.ignored_columns = headers.ignored
    if headers.problem:
        columns = "、".join(headers.missing + headers.duplicated)
        with transaction.atomic():
            _finish(job, ImportStatus.REJECTED, [RowError(1, columns, "", headers.problem)], 0, 0)
        return

    checker = RowChecker(spec, actor, headers.positions, table.rows)
    outcome = Outcome()
    for done, (number, cells) in enumerate(table.rows, start=1):
        form, errors = checker.check(number, cells)
        if errors:
            outcome.errors.extend(errors)
        else:
            outcome.forms.append(form)
        if done % PROGRESS_EVERY == 0:
            # A queryset update, committed at once: the progress bar polls for it.
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)

    if outcome.errors and (job.mode == ImportMode.ALL_OR_NOTHING or not outcome.forms):
        with transaction.atomic():
            _finish(job, ImportStatus.REJECTED, outcome.errors, 0, 0)
        return
    created = updated = 0
    with transaction.atomic(), audit.acting_as(actor):
        for form in outcome.forms:
            is_new = form.instance.pk is None
            form.save()
            created += is_new
            updated += not is_new
        _finish(job, ImportStatus.SUCCEEDED, outcome.errors, created, updated)


def _finish(job: ImportJob, status: str, errors: list[RowError], created: int, updated: int):
    """Record the outcome and tell the uploader; call inside the writing transaction."""
    job.status = status
    job.errors = [error.as_dict() for error in errors]
    job.created_count, job.updated_count = created, updated
    job.processed_rows = job.total_rows
    job.finished_at = timezone.now()
    job.content = b""  # the uploaded file carries personal data in plain text
    job.save(
        update_fields=[
            "content",
            "ignored_columns",
            "status",
            "errors",
            "created_count",
            "updated_count",
            "processed_rows",
            "finished_at",
        ]
    )
    do_notify(
        [job.created_by],
        "import.finished",
        f"{job.get_kind_display()}导入{job.get_status_display()}：{job.filename}",
        body=describe_outcome(job),
        link=reverse("import-detail", args=[job.pk]),
    )


def describe_outcome(job: ImportJob) -> str:
    error_rows = len({e["row"] for e in job.errors if e.get("row")})
    parts = [
        f"共 {job.total_rows} 行",
        f"新增 {job.created_count} 条",
        f"更新 {job.updated_count} 条",
    ]
    if error_rows:
        parts.append(f"{error_rows} 行有错误")
    if job.status == ImportStatus.REJECTED:
        parts.append("没有导入任何数据")
    return "，".join(parts)


class PrefetchedRegionField(RegionChoiceField):
    """The form's region field, answered from regions loaded once per import.

    A code that exists but lies outside the actor's regions gets its own message.
    """

    def __init__(self, allowed: dict[str, Region], known: set[str]):
        super().__init__(label="所属区划")
        self.allowed, self.known = allowed, known

    def to_python(self, value):
        if value in self.empty_values:
            return None
        code = validators.normalise(value)
        region = self.allowed.get(code)
        if region is not None:
            return region
        if code in self.known:
            raise ValidationError(f"区划代码 {code} 不在您负责的区划范围内", code="out_of_scope")
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")


class RowChecker:
    """Validates rows one by one against records and regions loaded up front."""

    TRUE_WORDS = {"是", "y", "yes", "true", "1", "规上"}
    FALSE_WORDS = {"", "否", "n", "no", "false", "0", "规下"}

    def __init__(self, spec: ImportSpec, actor: User, positions: dict[str, int], rows):
        self.spec, self.actor, self.positions = spec, actor, positions
        self.columns = [c for c in spec.columns if c.field in positions]
        self.absent = [c.field for c in spec.columns if c.field not in positions]
        self.region_field = self._region_field()
        keys = {
            _normalised_key(_cell_text(self._cell(cells, spec.key_field))) for _n, cells in rows
        }
        self.existing, self.changeable = self._existing(keys - {""})
        self.first_row_of: dict[str, int] = {}

    def _region_field(self) -> PrefetchedRegionField:
        # The same rule as the pages: services.restrict_region_choices on the form.
        probe = self.spec.form_class()
        restrict_region_choices(probe, self.actor)
        allowed = {region.code: region for region in probe.fields["region"].queryset}
        known = set(RegionChoiceField().queryset.values_list("code", flat=True))
        return PrefetchedRegionField(allowed, known)

    def _existing(self, keys: set[str]) -> tuple[dict, set[int]]:
        model, existing, changeable = self.spec.model, {}, set()
        keys = sorted(keys)
        for start in range(0, len(keys), LOOKUP_CHUNK):
            chunk = keys[start : start + LOOKUP_CHUNK]
            if model is Person:
                records = model.objects.filter(id_number_hash__in=[lookup_hash(k) for k in chunk])
            else:
                records = model.objects.filter(credit_code__in=chunk)
            for record in records:
                existing[getattr(record, self.spec.key_field)] = record
            changeable |= set(
                access.restrict(records, self.actor, self.spec.change_perm).values_list(
                    "pk", flat=True
                )
            )
        return existing, changeable

    def _cell(self, cells: list, field_name: str):
        index = self.positions.get(field_name)
        return cells[index] if index is not None and index < len(cells) else None

    def check(self, number: int, cells: list) -> tuple[object, list[RowError]]:
        data, shown, problems = {}, {}, {}
        for column in self.columns:
            raw = self._cell(cells, column.field)
            text = _cell_text(raw)
            shown[column.field] = column.shown(text)
            problem = self._conversion_problem(column, raw, text)
            if problem:
                problems[column.field] = problem
            data[column.field] = self._form_value(column, text)

        key = _normalised_key(data.get(self.spec.key_field, ""))
        instance = self.existing.get(key)
        form = self.spec.form_class(data, instance=instance)
        form.fields["region"] = self.region_field
        for name in self.absent:
            # A column left out of the file keeps what is stored (or the default).
            del form.fields[name]
        form.is_valid()

        messages: dict[str, list[str]] = {name: [msg] for name, msg in problems.items()}
        for name, errors in form.errors.items():
            if name not in problems:
                messages.setdefault(name, []).extend(str(e) for e in errors)
        if self.spec.key_field not in messages:
            messages.update(self._key_problems(number, form, instance))

        errors = []
        headers = {c.field: c.header for c in self.spec.columns}
        order = [c.field for c in self.spec.columns]
        for name in sorted(messages, key=lambda n: order.index(n) if n in order else len(order)):
            for message in messages[name]:
                errors.append(RowError(number, headers.get(name, ""), shown.get(name, ""), message))
        return form, errors

    def _key_problems(self, number: int, form, instance) -> dict[str, list[str]]:
        column = self.spec.key_column
        key = form.cleaned_data.get(self.spec.key_field)
        if not key:
            return {}
        first = self.first_row_of.setdefault(key, number)
        if first != number:
            return {
                column.field: [
                    f"与第{first}行的{column.header}重复，同一{column.header}只能出现一次"
                ]
            }
        if instance is not None and instance.pk not in self.changeable:
            return {
                column.field: [f"该{column.header}已在您负责的区划以外登记，您无权修改这条记录"]
            }
        return {}

    @staticmethod
    def _word(text: str) -> str:
        return unicodedata.normalize("NFKC", text).lower()

    def _conversion_problem(self, column: Column, raw, text: str) -> str:
        if column.refuse_numbers and isinstance(raw, int | float) and not isinstance(raw, bool):
            return (
                f"{column.header}在 Excel 中被存成了数字，Excel 只保留15位有效数字，"
                "后几位已经丢失（末位的X也无法保存）。请把该列设为“文本”格式后重新填写"
            )
        words = self.TRUE_WORDS | self.FALSE_WORDS
        if column.field == "above_scale" and self._word(text) not in words:
            return f"规上企业应填“是”或“否”，不能是“{text}”"
        return ""

    def _form_value(self, column: Column, text: str) -> str:
        if column.field == "above_scale":
            return "true" if self._word(text) in self.TRUE_WORDS else "false"
        return text


# --- files for download -------------------------------------------------------------------


def template_bytes(kind: str) -> bytes:
    """The blank template: a data sheet with our headers (codes as text), and a guide."""
    spec = spec_for(kind)
    book = Workbook()
    sheet = book.active
    sheet.title = f"{spec.label}导入"
    sheet.append(spec.headers)
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 6)
        if column.text:
            sheet.column_dimensions[letter].number_format = "@"
        sheet.cell(row=1, column=index).font = Font(bold=True)
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("填写说明")
    guide.append(["列名", "说明"])
    for column in spec.columns:
        guide.append([column.header, column.help])
    guide.append([])
    guide.append(
        ["", "第1行为表头，请勿修改；数据从第2行开始填写。也可另存为 CSV（UTF-8 或 GBK）后导入。"]
    )
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ERROR_REPORT_HEADERS = ["行号", "列", "内容", "问题"]


def error_report_rows(job: ImportJob) -> Iterable[list]:
    """The stored errors, already masked, for the downloadable report."""
    for error in job.errors:
        yield [
            error.get("row") or "",
            error.get("column", ""),
            error.get("value", ""),
            error["message"],
        ]
