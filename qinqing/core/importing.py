"""One import framework: .xlsx/.csv files checked row by row, written all at once.

A module declares what it imports as an ``ImportSpec`` (its columns and hooks)
and registers it from its ``AppConfig.ready`` with ``register_import_kind``; the
framework does the rest for every kind alike: the template download, limits on
rows and bytes, reading the file as a stream, header and column errors, row
errors with personal values masked, the error report, progress, running big
files in the task worker, retrying a job whose worker died, and telling the
uploader.

``do_start_import`` refuses a file over its kind's limits before anything is
queued, stores it encrypted as an ``ImportJob``, and runs it at once when small,
else in the task worker. ``run_import`` claims the job with a conditional UPDATE
(a lease, renewed by a heartbeat as rows are checked), streams the rows through
the kind's row handler, then writes the good rows in one transaction. The file
is deleted once the job ends, however it ends. ``sweep_stale_imports`` re-queues
a job whose heartbeat stopped, or gives it up after the configured retries.
"""

import base64
import codecs
import contextlib
import csv
import datetime
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol
from xml.etree.ElementTree import ParseError

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from qinqing.core import access, audit, crypto, validators
from qinqing.core.forms import RegionChoiceField
from qinqing.core.masking import mask_text
from qinqing.core.models import ImportJob, Region, User
from qinqing.core.models.imports import ImportMode, ImportStatus
from qinqing.core.notifications.services import do_notify
from qinqing.core.services import Forbidden, InvalidInput, restrict_region_choices

logger = logging.getLogger(__name__)

SUFFIXES = (".xlsx", ".csv")
PROGRESS_EVERY = 100
BATCH_ROWS = 500  # rows checked together; keeps IN (...) lookups under every parameter limit
SHOWN_ERRORS = 200
READ_CHUNK = 64 * 1024


# --- what a module declares ------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False  # the column must be in the file (a cell may still be blank)
    help: str = ""
    # Codes are kept as text in the template so Excel keeps leading zeros.
    text: bool = False
    # Long numbers lose digits once Excel stores them as numbers (15 significant digits).
    refuse_numbers: bool = False
    # Personal values (ID, phone) are shown masked in every error.
    mask: Callable[[str], str] | None = None
    # Turns the cell's text into the value the row handler gets; a ValueError's
    # message becomes that cell's error.
    convert: Callable[[str], Any] | None = None

    def shown(self, value: str) -> str:
        return self.mask(value) if self.mask and value else value


@dataclass
class Row:
    number: int  # as Excel shows it: the header is row 1
    values: dict[str, Any]  # field → converted value, for the columns in the file
    failed: set[str]  # fields whose cell could not be converted (already reported)
    problems: dict[str, str] = field(default_factory=dict)  # the conversion errors
    shown: dict[str, str] = field(default_factory=dict)  # cell texts as errors show them


@dataclass
class ImportContext:
    actor: User
    params: dict
    fields: set[str]  # the columns present in the file


class RowHandler(Protocol):
    """A kind's rows: checked in batches (in file order), then written at once."""

    def check(self, rows: list[Row]) -> list[tuple[Any, dict[str, list[str]]]]:
        """For each row, what to write and the problems by field ("" for the row)."""

    def write(self, items: list) -> tuple[int, int]:
        """Write the good rows (inside the job's transaction); (created, updated)."""


@dataclass(frozen=True)
class ImportSpec:
    kind: str  # slug stored on the job and used in URLs
    label: str  # what is imported, e.g. "企业"
    columns: tuple[Column, ...]
    handler: Callable[[ImportContext], RowHandler]
    permissions: tuple[str, ...]  # needed besides core.add_importjob
    modes: tuple[str, ...] = (ImportMode.ALL_OR_NOTHING, ImportMode.VALID_ONLY)
    # Values the upload needs besides the file (e.g. the year), stored on the job.
    params_form: type[forms.Form] | None = None
    # Where to see what a successful import changed.
    result_url: Callable[[ImportJob], str] | None = None
    guide: str = ""  # one more line for the template's guide sheet

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def column(self, field_name: str) -> Column | None:
        return next((c for c in self.columns if c.field == field_name), None)

    def allows(self, user: User) -> bool:
        return user.has_perm("core.add_importjob") and all(
            user.has_perm(p) for p in self.permissions
        )


_KINDS: dict[str, ImportSpec] = {}
KIND_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


def register_import_kind(spec: ImportSpec) -> ImportSpec:
    """Make a kind importable; call from the owning app's ``ready()``."""
    if not KIND_PATTERN.match(spec.kind):
        raise ValueError(f"import kind {spec.kind!r} is not a lower-case slug")
    if spec.kind in _KINDS and _KINDS[spec.kind] != spec:
        raise ValueError(f"import kind {spec.kind!r} is already registered")
    _KINDS[spec.kind] = spec
    return spec


def import_kind(kind: str) -> ImportSpec | None:
    return _KINDS.get(kind)


def import_kinds() -> list[ImportSpec]:
    return list(_KINDS.values())


@dataclass(frozen=True)
class Limits:
    rows: int
    bytes: int

    @property
    def size_text(self) -> str:
        if self.bytes >= 1024 * 1024:
            return f"{self.bytes / (1024 * 1024):g} MB"
        return f"{self.bytes / 1024:g} KB"


def limits_for(kind: str) -> Limits:
    configured = settings.QINQING_IMPORT_LIMITS
    merged = {**configured["default"], **configured.get(kind, {})}
    return Limits(rows=int(merged["rows"]), bytes=int(merged["bytes"]))


def header_key(text) -> str:
    """Headers match whatever the spaces and bracket widths: 用地面积(亩) = 用地面积（亩）."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


# --- reading files as streams ------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list]]  # non-blank rows: (row number as Excel shows it, cells)


def _bad_file(message: str) -> InvalidInput:
    return InvalidInput({"file": [message]}, {"file": "文件"})


@contextlib.contextmanager
def open_table(filename: str, data: bytes) -> Iterator[Table]:
    """The header row and a lazy iterator over the non-blank data rows."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise _bad_file(
            f"不支持“{suffix or '无扩展名'}”文件，只能导入 .xlsx 或 .csv 文件"
            "（旧版 .xls 请在 Excel 中另存为 .xlsx）"
        )
    if not data:
        raise _bad_file("文件是空的")
    opener = _open_xlsx if suffix == ".xlsx" else _open_csv
    with opener(data) as (headers, lines):
        headers = [_cell_text(cell) for cell in headers]
        if not any(headers):
            raise _bad_file("第1行应为表头（列名），但它是空的。请使用下载的导入模板")
        yield Table(headers, (row for row in lines if any(_cell_text(c) for c in row[1])))


XLSX_UNREADABLE = "无法读取该 .xlsx 文件：文件已损坏，或不是 Excel 文件（旧版 .xls 请另存为 .xlsx）"
XLSX_ERRORS = (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, ParseError)


@contextlib.contextmanager
def _open_xlsx(data: bytes):
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except XLSX_ERRORS as exc:
        raise _bad_file(XLSX_UNREADABLE) from exc
    try:
        sheet = book.worksheets[0]
        # The stored dimension may claim thousands of columns; rows are then padded to it.
        sheet.reset_dimensions()
        try:
            headers = list(next(sheet.iter_rows(max_row=1, values_only=True), ()))
        except XLSX_ERRORS as exc:
            raise _bad_file(XLSX_UNREADABLE) from exc
        while headers and headers[-1] in (None, ""):
            headers.pop()
        width = max(len(headers), 1)

        def lines():
            try:
                rows = sheet.iter_rows(min_row=2, max_col=width, values_only=True)
                yield from enumerate(rows, start=2)
            except XLSX_ERRORS as exc:
                raise _bad_file(XLSX_UNREADABLE) from exc

        yield headers, lines()
    finally:
        book.close()


def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, checked chunk by chunk without a copy."""
    # Excel on Chinese Windows saves CSV as GBK (a subset of GB18030); elsewhere UTF-8.
    view = memoryview(data)
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(view), READ_CHUNK):
                decoder.decode(view[start : start + READ_CHUNK])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise _bad_file("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GBK 编码")


@contextlib.contextmanager
def _open_csv(data: bytes):
    encoding = detect_encoding(data)
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    reader = csv.reader(text)
    try:
        headers = next(reader, [])
    except csv.Error as exc:
        raise _bad_file(f"CSV 文件格式有误：{exc}") from exc

    def lines():
        try:
            yield from enumerate(reader, start=2)
        except csv.Error as exc:
            raise _bad_file(f"CSV 文件格式有误：第{reader.line_num}行，{exc}") from exc

    try:
        yield headers, lines()
    finally:
        text.close()


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


def _too_many_rows(spec: ImportSpec, limits: Limits) -> str:
    return f"文件行数超过上限：{spec.label}导入每次最多 {limits.rows} 行数据，请拆分后分批导入"


def _count_rows(spec: ImportSpec, filename: str, data: bytes, limits: Limits) -> int:
    """Data rows in the file; stops reading as soon as it passes the row limit."""
    count = 0
    with open_table(filename, data) as table:
        for _row in table.rows:
            count += 1
            if count > limits.rows:
                raise _bad_file(_too_many_rows(spec, limits))
    if not count:
        raise _bad_file("文件中没有数据：第1行是表头，数据应从第2行开始")
    return count


# --- the stored file ----------------------------------------------------------------------


def seal(data: bytes) -> bytes:
    """The file as stored while it waits: encrypted, since it holds personal data."""
    return crypto.encrypt(base64.b64encode(data).decode("ascii")).encode("ascii")


def unseal(stored) -> bytes:
    return base64.b64decode(crypto.decrypt(bytes(stored).decode("ascii")))


def _read_capped(content: bytes | IO[bytes], spec: ImportSpec, limits: Limits) -> bytes:
    # An upload object is read no further than the limit: a huge file never reaches memory.
    data = content if isinstance(content, bytes) else content.read(limits.bytes + 1)
    if len(data) > limits.bytes:
        raise _bad_file(
            f"文件过大：{spec.label}导入的文件最大 {limits.size_text}，请拆分后分批导入"
        )
    return data


# --- starting an import ------------------------------------------------------------------


def do_start_import(
    actor: User,
    *,
    kind: str,
    filename: str,
    content: bytes | IO[bytes],
    mode: str = ImportMode.ALL_OR_NOTHING,
    params: dict | None = None,
) -> ImportJob:
    """Check the upload against its kind's limits, store it encrypted as a job, and
    run it now if small, else in the task worker."""
    if not actor.has_perm("core.add_importjob"):
        raise Forbidden("core.add_importjob")
    spec = import_kind(kind)
    if spec is None:
        names = "、".join(s.label for s in import_kinds())
        raise InvalidInput({"kind": [f"请选择导入内容：{names}"]}, {"kind": "导入内容"})
    for perm in spec.permissions:
        if not actor.has_perm(perm):
            raise Forbidden(perm)
    if mode not in spec.modes:
        choices = "、".join(f"“{ImportMode(m).label}”" for m in spec.modes)
        raise InvalidInput({"mode": [f"{spec.label}导入只能选择{choices}"]}, {"mode": "导入方式"})
    cleaned_params = {}
    if spec.params_form is not None:
        params_form = spec.params_form(params or {})
        if not params_form.is_valid():
            raise InvalidInput.from_form(params_form)
        cleaned_params = params_form.cleaned_data
    limits = limits_for(kind)
    data = _read_capped(content, spec, limits)
    total_rows = _count_rows(spec, filename, data, limits)
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            mode=mode,
            params=cleaned_params,
            filename=_short_name(filename),
            content=seal(data),
            total_rows=total_rows,
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
    # Every worker start is also a chance to recover jobs a dead worker left running.
    sweep_stale_imports()
    return run_import(job_id)


# --- leases ------------------------------------------------------------------------------


class LeaseLost(Exception):
    """The job was given to another attempt (its heartbeat had stopped): stop quietly."""


def claim_import(job_id: int) -> ImportJob | None:
    """Take a queued job for this worker, or None if another worker has it."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING,
        processed_rows=0,
        attempts=F("attempts") + 1,
        heartbeat_at=timezone.now(),
    )
    if not claimed:
        return None
    return ImportJob.objects.select_related("created_by").get(pk=job_id)


def _held(job: ImportJob):
    return ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING, attempts=job.attempts)


def _beat(job: ImportJob, processed: int) -> None:
    # A queryset update, committed at once: the progress bar and the sweep read it.
    if not _held(job).update(processed_rows=processed, heartbeat_at=timezone.now()):
        raise LeaseLost


@dataclass
class SweepResult:
    requeued: int = 0
    given_up: int = 0


def sweep_stale_imports() -> SweepResult:
    """Re-queue running jobs whose heartbeat stopped; give up after the retries."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.QINQING_IMPORT_LEASE_SECONDS)
    retries = settings.QINQING_IMPORT_RETRIES
    result = SweepResult()
    stale = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    with transaction.atomic():
        # A job in its writing transaction holds its row lock: skipped, not waited for.
        jobs = (
            ImportJob.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(stale, status=ImportStatus.RUNNING)
            .select_related("created_by")
            .defer("content")
        )
        for job in jobs:
            if job.attempts <= retries:
                ImportJob.objects.filter(pk=job.pk, attempts=job.attempts).update(
                    status=ImportStatus.QUEUED, heartbeat_at=None
                )
                transaction.on_commit(lambda pk=job.pk: run_import_in_background.enqueue(pk))
                result.requeued += 1
                logger.warning("import job %s: worker lost, queued again", job.pk)
            else:
                message = f"导入中断：任务执行超时，已重试{retries}次，请重新上传"
                _finish(job, ImportStatus.FAILED, [RowError(None, "", "", message)], 0, 0)
                result.given_up += 1
                logger.warning("import job %s: given up after %s attempts", job.pk, job.attempts)
    return result


# --- running an import -------------------------------------------------------------------


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


def run_import(job_id: int) -> str:
    """Claim, check and write one queued job; returns its status.

    A job another worker holds is left alone. Anything unexpected marks the job
    failed, with nothing written.
    """
    job = claim_import(job_id)
    if job is None:
        return ImportJob.objects.values_list("status", flat=True).get(pk=job_id)
    return execute_import(job)


def execute_import(job: ImportJob) -> str:
    """Run a job this worker has claimed."""
    try:
        _run(job)
    except LeaseLost:
        logger.warning("import job %s: taken over by a later attempt", job.pk)
        return ImportJob.objects.values_list("status", flat=True).get(pk=job.pk)
    except Exception:
        logger.exception("import job %s failed", job.pk)
        error = RowError(
            None, "", "", "处理时发生系统错误，没有导入任何数据。请稍后重试或联系管理员"
        )
        try:
            with transaction.atomic():
                _finish(job, ImportStatus.FAILED, [error], 0, 0, lease=True)
        except LeaseLost:
            pass
    return job.status


def _run(job: ImportJob) -> None:
    spec = import_kind(job.kind)
    limits = limits_for(job.kind)
    try:
        with open_table(job.filename, unseal(job.content)) as table:
            headers = map_headers(spec, table.headers)
            job.ignored_columns = headers.ignored
            if headers.problem:
                columns = "、".join(headers.missing + headers.duplicated)
                error = RowError(1, columns, "", headers.problem)
                return _reject(job, [error])
            context = ImportContext(job.created_by, job.params, set(headers.positions))
            handler = spec.handler(context)
            items, errors = _check_rows(job, spec, handler, table, headers.positions, limits)
    except InvalidInput as exc:
        return _reject(job, [RowError(None, "", "", exc.summary)])

    if errors and (job.mode == ImportMode.ALL_OR_NOTHING or not items):
        return _reject(job, errors)
    with transaction.atomic(), audit.acting_as(job.created_by):
        # Renewing the lease first locks the job row for the whole write (PostgreSQL),
        # so a sweep cannot hand the job on while its rows are being written.
        _beat(job, job.total_rows)
        created, updated = handler.write(items)
        _finish(job, ImportStatus.SUCCEEDED, errors, created, updated)


def _check_rows(job, spec, handler, table, positions, limits) -> tuple[list, list[RowError]]:
    columns = [c for c in spec.columns if c.field in positions]
    items, errors, batch = [], [], []
    for done, (number, cells) in enumerate(table.rows, start=1):
        if done > limits.rows:
            raise _bad_file(_too_many_rows(spec, limits))
        batch.append(_read_row(number, cells, columns, positions))
        if len(batch) == BATCH_ROWS:
            _check_batch(spec, handler, batch, items, errors)
            batch = []
        if done % PROGRESS_EVERY == 0:
            _beat(job, done)
    _check_batch(spec, handler, batch, items, errors)
    return items, errors


def _read_row(number: int, cells: list, columns: list[Column], positions) -> Row:
    values, failed, problems, shown = {}, set(), {}, {}
    for column in columns:
        index = positions[column.field]
        raw = cells[index] if index < len(cells) else None
        text = _cell_text(raw)
        shown[column.field] = column.shown(text)
        if column.refuse_numbers and isinstance(raw, int | float) and not isinstance(raw, bool):
            problems[column.field] = (
                f"{column.header}在 Excel 中被存成了数字，Excel 只保留15位有效数字，"
                "后几位已经丢失（末位的X也无法保存）。请把该列设为“文本”格式后重新填写"
            )
        elif column.convert is not None:
            try:
                values[column.field] = column.convert(text)
                continue
            except ValueError as exc:
                problems[column.field] = str(exc)
        values[column.field] = text
        if column.field in problems:
            failed.add(column.field)
    return Row(number, values, failed, problems, shown)


def _check_batch(spec: ImportSpec, handler, batch: list[Row], items: list, errors: list) -> None:
    if not batch:
        return
    order = {c.field: i for i, c in enumerate(spec.columns)}
    for row, (item, found) in zip(batch, handler.check(batch), strict=True):
        messages = {name: [message] for name, message in row.problems.items()}
        for name, problems in found.items():
            if name not in row.failed:
                messages.setdefault(name, []).extend(problems)
        if not messages:
            items.append(item)
            continue
        for name in sorted(messages, key=lambda n: order.get(n, len(order))):
            column = spec.column(name)
            header = column.header if column else ""
            for message in messages[name]:
                errors.append(RowError(row.number, header, row.shown.get(name, ""), message))


def _reject(job: ImportJob, errors: list[RowError]) -> None:
    with transaction.atomic():
        _finish(job, ImportStatus.REJECTED, errors, 0, 0, lease=True)


def _finish(job, status: str, errors: list[RowError], created: int, updated: int, lease=False):
    """Record the outcome, delete the file and tell the uploader; call inside the
    writing transaction. With ``lease``, only if this attempt still holds the job."""
    values = {
        "status": status,
        "errors": [error.as_dict() for error in errors],
        "created_count": created,
        "updated_count": updated,
        "processed_rows": job.total_rows,
        "finished_at": timezone.now(),
        "content": b"",  # the uploaded file carries personal data
        "ignored_columns": job.ignored_columns,
    }
    jobs = _held(job) if lease else ImportJob.objects.filter(pk=job.pk)
    if not jobs.update(**values):
        raise LeaseLost
    for name, value in values.items():
        setattr(job, name, value)
    do_notify(
        [job.created_by],
        "import.finished",
        f"{job.kind_label}导入{job.get_status_display()}：{job.filename}",
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
    if job.status in {ImportStatus.REJECTED, ImportStatus.FAILED}:
        parts.append("没有导入任何数据")
    return "，".join(parts)


def result_url(job: ImportJob) -> str:
    spec = import_kind(job.kind)
    if spec is None or spec.result_url is None or job.status != ImportStatus.SUCCEEDED:
        return ""
    return spec.result_url(job)


# --- a ready-made handler: rows checked by a model form ----------------------------------


class PrefetchedLookups:
    """Lets an import form skip the per-row queries its checks would make; the
    import settles them once per batch against records loaded up front."""

    def _get_validation_exclusions(self):
        # The region field already resolved the code among the loaded regions;
        # the model's foreign-key check would look the same region up again.
        return super()._get_validation_exclusions() | {"region"}


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


def normalised_key(text) -> str:
    """A credit code or ID number as the validators return it, for lookups before validation."""
    return validators.normalise(str(text or "")).upper()


class FormRows:
    """Rows validated by a model form and saved as records of the actor's regions.

    A key already registered (``find_existing``) updates that record, if the actor
    may change it; a key twice in one file is an error on the later row. A column
    left out of the file keeps what is stored. Build one per job with
    ``functools.partial(FormRows, form_class=…, key_field=…, …)`` as a spec's handler.
    """

    def __init__(
        self,
        context: ImportContext,
        *,
        form_class: type[forms.ModelForm],
        key_field: str,
        key_label: str,
        find_existing: Callable[[list[str]], Iterable],
        change_perm: str,
    ):
        self.context, self.form_class = context, form_class
        self.key_field, self.key_label = key_field, key_label
        self.find_existing, self.change_perm = find_existing, change_perm
        self.region_field = self._region_field() if "region" in form_class.base_fields else None
        self.first_row_of: dict[str, int] = {}

    def _region_field(self) -> PrefetchedRegionField:
        # The same rule as the pages: services.restrict_region_choices on the form.
        probe = self.form_class()
        restrict_region_choices(probe, self.context.actor)
        allowed = {region.code: region for region in probe.fields["region"].queryset}
        known = set(RegionChoiceField().queryset.values_list("code", flat=True))
        return PrefetchedRegionField(allowed, known)

    def check(self, rows: list[Row]) -> list[tuple[Any, dict[str, list[str]]]]:
        keys = sorted({normalised_key(r.values.get(self.key_field)) for r in rows} - {""})
        records = self.find_existing(keys)
        existing = {getattr(r, self.key_field): r for r in records}
        changeable = set(
            access.restrict(records, self.context.actor, self.change_perm).values_list(
                "pk", flat=True
            )
        )
        return [self._check(row, existing, changeable) for row in rows]

    def _check(self, row: Row, existing: dict, changeable: set[int]):
        instance = existing.get(normalised_key(row.values.get(self.key_field)))
        form = self.form_class(row.values, instance=instance)
        if self.region_field is not None:
            form.fields["region"] = self.region_field
        for name in list(form.fields):
            if name not in self.context.fields:
                # A column left out of the file keeps what is stored (or the default).
                del form.fields[name]
        form.is_valid()
        problems = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        if self.key_field not in problems and self.key_field not in row.failed:
            problems.update(self._key_problems(row.number, form, instance, changeable))
        return form, problems

    def _key_problems(self, number: int, form, instance, changeable) -> dict[str, list[str]]:
        key = form.cleaned_data.get(self.key_field)
        if not key:
            return {}
        label = self.key_label
        first = self.first_row_of.setdefault(key, number)
        if first != number:
            return {self.key_field: [f"与第{first}行的{label}重复，同一{label}只能出现一次"]}
        if instance is not None and instance.pk not in changeable:
            return {self.key_field: [f"该{label}已在您负责的区划以外登记，您无权修改这条记录"]}
        return {}

    def write(self, forms_: list) -> tuple[int, int]:
        created = updated = 0
        for form in forms_:
            is_new = form.instance.pk is None
            form.save()
            created += is_new
            updated += not is_new
        return created, updated


# --- files for download --------------------------------------------------------------------


def template_bytes(spec: ImportSpec) -> bytes:
    """The blank template: a data sheet with the kind's headers (codes as text), and a guide."""
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
    limits = limits_for(spec.kind)
    guide.append(
        [
            "",
            "第1行为表头，请勿修改；数据从第2行开始填写。也可另存为 CSV（UTF-8 或 GBK）后导入。"
            f"每个文件最多 {limits.rows} 行数据、{limits.size_text}。",
        ]
    )
    if spec.guide:
        guide.append(["", spec.guide])
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
