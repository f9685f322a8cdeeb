"""Clean medical insurance services: rules as data, claim imports, audit runs,
the single-claim check and the review of findings.

Claims are stored twice, both written by the one import from the same
validated DuckDB tables and neither row by row in Python: in the database
(``Settlement``/``FeeLine``, by COPY on PostgreSQL and by ``executemany`` in
batches on SQLite) for pages, the API and the patient history of the
single-claim check; and as parquet files under ``QINQING_VAR_DIR/medinsure/``
for the set-based audit, which DuckDB reads directly (reading millions of rows
back out of the database would go through Python tuples).
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow as pa
from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, NullIf
from django.utils import timezone
from django_tasks import task

from qinqing.core import access
from qinqing.core.audit import record_event
from qinqing.core.models import Department, Region, User
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.medinsure.audit import (
    DEFAULT_RULES,
    RULE_KEYS,
    AuditEngine,
    AuditInputError,
    Rule,
    single,
)
from qinqing.medinsure.audit.schema import CATALOG, LINES, SETTLEMENTS
from qinqing.medinsure.models import (
    AuditRule,
    AuditRun,
    CatalogEntry,
    ClaimBatch,
    Clue,
    FeeLine,
    Finding,
    Inspection,
    InspectionKind,
    JobStatus,
    ReviewStatus,
)

log = logging.getLogger(__name__)

WRITE_BATCH = 50_000
HISTORY_DAYS = 365


def _require(actor: User, perm: str) -> None:
    if not actor.has_perm(perm):
        raise Forbidden(perm)


def store_dir() -> Path:
    path = Path(settings.VAR_DIR) / "medinsure"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- 集采 (volume-based procurement): one rule for the module page and the cockpit ---------


PROCUREMENT_CUT_TARGET = 45  # 诸暨: 口腔种植体系统集采中选产品价格平均降幅达45%以上


MONEY = DecimalField(max_digits=12, decimal_places=2)


def procurement_entries(on: dt.date | None = None) -> QuerySet:
    """The catalog versions with a 集采 price in force on ``on`` (today by default).

    Each carries ``old_price``, the price cap of the item's previous version, and
    ``cut``, the 集采 price's cut against it in percent (None without a previous
    version) — computed in the database, one query for all items.
    """
    on = on or timezone.localdate()
    previous = (
        CatalogEntry.objects.filter(
            item_code=OuterRef("item_code"), valid_from__lt=OuterRef("valid_from")
        )
        .order_by("-valid_from")
        .values("price_cap")[:1]
    )
    hundred = Value(100.0, output_field=FloatField())
    return (
        CatalogEntry.objects.filter(procurement_price__isnull=False, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .annotate(old_price=Subquery(previous))
        .annotate(
            cut=hundred
            - hundred
            * Cast("procurement_price", FloatField())
            / NullIf(Cast("old_price", FloatField()), Value(0.0, output_field=FloatField()))
        )
        .order_by("item_code")
    )


def procurement_lines(lines: QuerySet | None = None) -> QuerySet:
    """Fee lines of 集采 items billed while a 集采 price was in force on their service date,
    each with that price (``procurement_price``); ``WITHIN_PROCUREMENT`` picks those
    billed at or below it.

    The 集采 catalog versions are few, so each becomes a CASE branch over the
    lines (newest first, as a later version supersedes an earlier one): a scan of
    the lines, not a catalog lookup per line.
    """
    lines = FeeLine.objects.all() if lines is None else lines
    versions = CatalogEntry.objects.filter(procurement_price__isnull=False).order_by(
        "-valid_from", "pk"
    )
    branches, any_in_force = [], Q(pk__in=[])
    for code, start, end, price in versions.values_list(
        "item_code", "valid_from", "valid_to", "procurement_price"
    ):
        in_force = Q(item_code=code, service_date__gte=start)
        if end is not None:
            in_force &= Q(service_date__lte=end)
        branches.append(When(in_force, then=Value(price)))
        any_in_force |= in_force
    if not branches:
        return lines.none().annotate(procurement_price=Value(None, output_field=MONEY))
    return lines.filter(any_in_force).annotate(
        procurement_price=Case(*branches, output_field=MONEY)
    )


WITHIN_PROCUREMENT = Q(unit_price__lte=F("procurement_price"))


def procurement_compliance(lines: QuerySet | None = None) -> tuple[int, int]:
    """(lines billed at or below the 集采 price, all lines of 集采 items under it): one query."""
    counts = procurement_lines(lines).aggregate(
        total=Count("pk"), within=Count("pk", filter=WITHIN_PROCUREMENT)
    )
    return counts["within"], counts["total"]


def procurement_by_item(lines: QuerySet | None = None) -> dict[str, dict]:
    """The same counts per item code: {item_code: {"total": n, "within": n}} (one query)."""
    rows = (
        procurement_lines(lines)
        .values("item_code")
        .annotate(total=Count("pk"), within=Count("pk", filter=WITHIN_PROCUREMENT))
        .order_by("item_code")
    )
    return {row["item_code"]: row for row in rows}


# --- rules ---------------------------------------------------------------------------


def rules_in_force() -> tuple[Rule, ...]:
    """The newest version of each rule key in the database (built-in where none is stored)."""
    newest = {}
    for row in AuditRule.objects.order_by("key", "-version"):
        newest.setdefault(row.key, row)
    rules = []
    for default in DEFAULT_RULES:
        row = newest.get(default.key)
        if row is None:
            rules.append(default)
        else:
            rules.append(
                Rule(
                    key=row.key,
                    name=row.name,
                    legal_basis=row.legal_basis,
                    severity=row.severity,
                    params={**default.params, **(row.params or {})},
                    enabled=row.enabled,
                    version=row.version,
                )
            )
    return tuple(rules)


def do_save_rule(actor: User, key: str, **changes) -> AuditRule:
    """Save a rule's new version (name, legal_basis, params, severity, enabled)."""
    _require(actor, "medinsure.add_auditrule")
    if key not in RULE_KEYS:
        raise InvalidInput({"key": [f"没有规则“{key}”"]}, {"key": "规则键"})
    current = {r.key: r for r in rules_in_force()}[key]
    unknown = set(changes) - {"name", "legal_basis", "params", "severity", "enabled"}
    if unknown:
        raise InvalidInput({f: ["不能修改"] for f in unknown})
    data = {**asdict(current), **changes}
    with transaction.atomic():
        latest = (
            AuditRule.objects.select_for_update().filter(key=key).aggregate(v=Max("version"))["v"]
        )
        rule = AuditRule.objects.create(
            key=key,
            version=max(latest or 0, current.version) + 1,
            name=data["name"],
            legal_basis=data["legal_basis"],
            params=data["params"],
            severity=data["severity"],
            enabled=data["enabled"],
            created_by=actor,
        )
    return rule


# --- catalog ---------------------------------------------------------------------------


CATALOG_FIELDS = [c.name for c in CATALOG]


def catalog_arrow() -> pa.Table:
    """Every catalog version as an Arrow table with the interchange columns (small)."""
    rows = list(
        CatalogEntry.objects.order_by("item_code", "valid_from").values_list(*CATALOG_FIELDS)
    )
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in CATALOG_FIELDS]
    return pa.table(
        {
            name: pa.array(["" if v is None else str(v) for v in values], type=pa.string())
            for name, values in zip(CATALOG_FIELDS, columns, strict=True)
        }
    )


def do_import_catalog(actor: User, path: Path) -> tuple[int, list[dict]]:
    """Load catalog versions from a file (interchange columns); returns (rows saved, problems).

    A row whose (item_code, valid_from) exists replaces that version; nothing is
    saved when any row is malformed."""
    _require(actor, "medinsure.add_catalogentry")
    from qinqing.medinsure.audit import readers

    engine = AuditEngine()
    try:
        readers.load_source(engine.con, "catalog", Path(path))
        readers.validate_catalog(engine.con)
        problems = engine.problems()
        if problems:
            return 0, problems
        rows = engine.con.execute(f"SELECT {', '.join(CATALOG_FIELDS)} FROM catalog").fetchall()
    except AuditInputError as error:
        raise InvalidInput({"file": [str(error)]}, {"file": "目录文件"}) from error
    finally:
        engine.close()
    entries = [
        CatalogEntry(
            **{
                k: ("" if v is None and k in BLANK_TEXT else v)
                for k, v in zip(CATALOG_FIELDS, row, strict=True)
            }
        )
        for row in rows
    ]
    with transaction.atomic():
        CatalogEntry.objects.bulk_create(
            entries,
            update_conflicts=True,
            unique_fields=["item_code", "valid_from"],
            update_fields=[f for f in CATALOG_FIELDS if f not in ("item_code", "valid_from")]
            + ["updated_at"],
        )
        record_event(
            actor, CatalogEntry(pk=0), "import_catalog", rows=len(entries), file=Path(path).name
        )
    return len(entries), []


BLANK_TEXT = {"gender_limit", "care_limit", "included_in"}


# --- claim import ----------------------------------------------------------------------


def do_start_claim_import(
    actor: User, *, name: str, settlements: Path, lines: Path, background: bool = True
) -> ClaimBatch:
    """Record a batch for two uploaded files (already saved) and import it in the worker."""
    _require(actor, "medinsure.add_claimbatch")
    for label, path in (("settlements", settlements), ("lines", lines)):
        if Path(path).suffix.lower() not in (".csv", ".xlsx", ".parquet"):
            raise InvalidInput({label: ["只支持 .csv、.xlsx、.parquet 文件"]})
    with transaction.atomic():
        batch = ClaimBatch.objects.create(
            name=name[:100] or "结算清单",
            settlements_file=str(settlements),
            lines_file=str(lines),
            created_by=actor,
        )
        record_event(actor, batch, "import_claims", name=batch.name)
        if background:
            transaction.on_commit(lambda: import_claims_in_background.enqueue(batch.pk))
    if not background:
        import_claims(batch.pk)
        batch.refresh_from_db()
    return batch


def _claim_job(model, pk: int):
    """Take a queued job: a conditional UPDATE, so two workers never run one job."""
    taken = model.objects.filter(pk=pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, progress=1
    )
    return model.objects.get(pk=pk) if taken else None


def _step(job, step: str, progress: int) -> None:
    type(job).objects.filter(pk=job.pk).update(step=step, progress=progress)


def _finish(job, **fields) -> None:
    type(job).objects.filter(pk=job.pk).update(finished_at=timezone.now(), **fields)


@task()
def import_claims_in_background(batch_id: int) -> str:
    return import_claims(batch_id)


def import_claims(batch_id: int) -> str:
    batch = _claim_job(ClaimBatch, batch_id)
    if batch is None:
        return "not queued"
    engine = AuditEngine(temp_directory=store_dir() / "spill")
    try:
        _step(batch, "读取文件", 5)
        engine.load_arrow("catalog", catalog_arrow(), "目录")
        from qinqing.medinsure.audit import readers

        readers.load_source(engine.con, "settlements", Path(batch.settlements_file))
        readers.load_source(engine.con, "lines", Path(batch.lines_file))
        _step(batch, "校验", 25)
        readers.validate(engine.con)
        _reject_known_settlements(engine)
        problems = engine.problems()
        counts = {
            t: engine.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
            for t in ("settlements", "lines")
        }
        _step(batch, "写入数据库", 40)
        folder = store_dir() / "batches" / str(batch.pk)
        folder.mkdir(parents=True, exist_ok=True)
        with transaction.atomic():
            _write_table(engine, "settlements", batch.pk)
            _step(batch, "写入数据库", 60)
            _write_table(engine, "lines", batch.pk)
            engine.export_typed("settlements", folder / "settlements.parquet")
            engine.export_typed("lines", folder / "lines.parquet")
        _finish(
            batch,
            status=JobStatus.DONE,
            step="完成",
            progress=100,
            settlements=counts["settlements"],
            lines=counts["lines"],
            problems=len(problems),
            problem_sample=_sample(problems),
        )
        return "done"
    except AuditInputError as error:
        _finish(batch, status=JobStatus.FAILED, step="失败", error=str(error))
        return "failed"
    except Exception as error:  # the batch says why; nothing was half-written (one transaction)
        log.exception("claim import %s failed", batch_id)
        message = str(error)
        if "unique" in message.lower() or "duplicate" in message.lower():
            message = "明细号与已导入的明细重复，本批次未导入"
        _finish(batch, status=JobStatus.FAILED, step="失败", error=message[:2000])
        return "failed"
    finally:
        engine.close()


def _sample(problems: list[dict], per_file: int = 100) -> list[dict]:
    """The first problems of each file (the batch page shows them; the count is exact)."""
    kept: dict[str, int] = {}
    sample = []
    for problem in problems:
        if kept.setdefault(problem["file"], 0) < per_file:
            kept[problem["file"]] += 1
            sample.append(problem)
    return sample


def _reject_known_settlements(engine: AuditEngine) -> None:
    """Settlements imported by an earlier batch are reported, not imported twice."""
    ids = engine.con.execute("SELECT settlement_id FROM settlements").fetchall()
    from qinqing.medinsure.models import Settlement

    known = set()
    flat = [r[0] for r in ids]
    for start in range(0, len(flat), 900):
        known.update(
            Settlement.objects.filter(settlement_id__in=flat[start : start + 900]).values_list(
                "settlement_id", flat=True
            )
        )
    if not known:
        return
    engine.con.execute(
        "CREATE OR REPLACE TEMP TABLE known AS SELECT unnest(?) AS settlement_id", [sorted(known)]
    )
    from qinqing.medinsure.audit.readers import _reject

    _reject(
        engine.con,
        "settlements",
        "settlement_id",
        "结算号已在此前的批次中导入",
        "SELECT _rid FROM settlements WHERE settlement_id IN (SELECT settlement_id FROM known)",
    )
    _reject(
        engine.con,
        "lines",
        "settlement_id",
        "结算号在结算文件中不存在或该结算记录有误",
        "SELECT _rid FROM lines ANTI JOIN settlements USING (settlement_id)",
    )


def _write_table(engine: AuditEngine, table: str, batch_id: int) -> None:
    """Write a validated DuckDB table into the database in bulk."""
    spec = SETTLEMENTS if table == "settlements" else LINES
    columns = [c.name for c in spec]
    db_table = "medinsure_settlement" if table == "settlements" else "medinsure_feeline"
    select = f"SELECT {batch_id} AS batch_id, {', '.join(columns)} FROM {table} ORDER BY _rid"
    names = ", ".join(["batch_id", *columns])
    if connection.vendor == "postgresql":
        with tempfile.TemporaryDirectory(dir=store_dir()) as tmp:
            path = Path(tmp) / f"{table}.csv"
            engine.con.execute(f"COPY ({select}) TO '{path}' (HEADER false)")
            with connection.cursor() as cursor, path.open("rb") as source:
                raw = cursor.cursor
                with raw.copy(f"COPY {db_table} ({names}) FROM STDIN (FORMAT csv)") as copy:
                    while chunk := source.read(1 << 20):
                        copy.write(chunk)
        return
    placeholders = ", ".join(["%s"] * (len(columns) + 1))
    sql = f"INSERT INTO {db_table} ({names}) VALUES ({placeholders})"
    result = engine.con.execute(
        select.replace(
            ", ".join(columns),
            ", ".join(
                f"CAST({c.name} AS VARCHAR)" if c.kind in ("money", "number", "date") else c.name
                for c in spec
            ),
        )
    )
    with connection.cursor() as cursor:
        while rows := result.fetchmany(WRITE_BATCH):
            cursor.executemany(sql, rows)


# --- audit runs ------------------------------------------------------------------------


def do_start_audit(actor: User, background: bool = True) -> AuditRun:
    _require(actor, "medinsure.add_auditrun")
    rules = rules_in_force()
    with transaction.atomic():
        run = AuditRun.objects.create(
            started_by=actor, rules=[{"key": r.key, "version": r.version} for r in rules]
        )
        record_event(actor, run, "start_audit")
        if background:
            transaction.on_commit(lambda: audit_in_background.enqueue(run.pk))
    if not background:
        run_audit(run.pk)
        run.refresh_from_db()
    return run


@task()
def audit_in_background(run_id: int) -> str:
    return run_audit(run_id)


def _stored(name: str) -> list[str]:
    done = ClaimBatch.objects.filter(status=JobStatus.DONE).values_list("pk", flat=True)
    folder = store_dir() / "batches"
    return [str(folder / str(pk) / name) for pk in done if (folder / str(pk) / name).exists()]


def run_audit(run_id: int) -> str:
    run = _claim_job(AuditRun, run_id)
    if run is None:
        return "not queued"
    rules = rules_in_force()
    steps = 2 + sum(1 for r in rules if r.enabled)
    done = [0]

    def progress(step: str) -> None:
        done[0] += 1
        _step(run, step, min(95, 5 + 90 * done[0] // steps))

    engine = AuditEngine(temp_directory=store_dir() / "spill", progress=progress)
    try:
        engine.use_stored(catalog_arrow(), _stored("settlements.parquet"), _stored("lines.parquet"))
        engine.run(rules)
        before = Finding.objects.count()
        _store_findings(engine, run.pk)
        after = Finding.objects.count()
        total = engine.con.execute("SELECT count(*) FROM findings").fetchall()[0][0]
        _finish(
            run,
            status=JobStatus.DONE,
            step="完成",
            progress=100,
            rules=[{"key": r.key, "version": r.version} for r in rules],
            findings=total,
            new_findings=after - before,
        )
        return "done"
    except Exception as error:
        log.exception("audit run %s failed", run_id)
        _finish(run, status=JobStatus.FAILED, step="失败", error=str(error)[:2000])
        return "failed"
    finally:
        engine.close()


FINDING_SQL = """
SELECT f.rule_id, f.rule_version, f.settlement_id, coalesce(f.line_id, '') AS line_id,
       s.institution_code,
       strftime(coalesce(l.service_date, s.admission_date), '%Y-%m') AS service_month,
       f.vola_cont, f.vola_evid, CAST(f.vola_amt AS VARCHAR) AS vola_amt, f.sev_deg
FROM findings f
JOIN settlements s USING (settlement_id)
LEFT JOIN lines l ON l.line_id = f.line_id
ORDER BY f.rule_order, f.settlement_id, f.line_id NULLS FIRST
"""


def _store_findings(engine: AuditEngine, run_id: int) -> None:
    """New findings are inserted; one found before keeps its row and its review."""
    columns = (
        "run_id, rule_id, rule_version, settlement_id, line_id, institution_code, service_month, "
        "vola_cont, vola_evid, vola_amt, sev_deg, status, reason"
    )
    sql = (
        f"INSERT INTO medinsure_finding ({columns}) VALUES "
        f"({run_id}, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '{ReviewStatus.PENDING}', '') "
        "ON CONFLICT DO NOTHING"
    )
    result = engine.con.execute(FINDING_SQL)
    with transaction.atomic(), connection.cursor() as cursor:
        while rows := result.fetchmany(WRITE_BATCH):
            cursor.executemany(sql, rows)


# --- single-claim check ----------------------------------------------------------------


def check_claim(settlement: dict, lines: list[dict]) -> tuple[list[dict], list[dict]]:
    """Audit one settlement before it is settled, against the patient's recent history.

    Returns (findings of this settlement, problems in the input). Clean input is
    evaluated in memory by ``audit.single`` (the same rules and findings as the
    batch engine, a test holds them together); input with anything the batch
    validation would reject goes through the batch engine, whose complaints
    name the file, row and column."""
    catalog, rules = _check_state()
    history, history_lines = _history(settlement)
    parsed = single.parse(
        settlement, lines, catalog.index, taken_line_ids=[h[0] for h in history_lines]
    )
    if parsed is None:
        return _check_claim_with_engine(settlement, lines, history, history_lines, catalog, rules)
    typed, typed_lines = parsed
    settlement_columns = [c.name for c in SETTLEMENTS]
    line_columns = [c.name for c in LINES]
    findings = single.audit(
        rules,
        [typed, *(dict(zip(settlement_columns, h, strict=True)) for h in history)],
        [*typed_lines, *(dict(zip(line_columns, h, strict=True)) for h in history_lines)],
        catalog.index,
        only=typed["settlement_id"],
    )
    return findings, []


def _history(settlement: dict) -> tuple[list[tuple], list[tuple]]:
    """The patient's settlements of the last year and their lines (two indexed queries)."""
    from qinqing.medinsure.models import FeeLine, Settlement

    try:
        since = dt.date.fromisoformat(str(settlement.get("admission_date"))) - dt.timedelta(
            days=HISTORY_DAYS
        )
    except ValueError:
        return [], []
    if not settlement.get("patient_id"):
        return [], []
    history = list(
        Settlement.objects.filter(patient_id=settlement["patient_id"], admission_date__gte=since)
        .exclude(settlement_id=settlement.get("settlement_id"))
        .values_list(*(c.name for c in SETTLEMENTS))
    )
    ids = [h[0] for h in history]
    history_lines = (
        list(FeeLine.objects.filter(settlement_id__in=ids).values_list(*(c.name for c in LINES)))
        if ids
        else []
    )
    return history, history_lines


def _check_claim_with_engine(settlement, lines, history, history_lines, catalog, rules):
    """The batch engine over one claim: slow (a DuckDB connection, ~30 statements), but
    it names every problem of malformed input."""

    def table(columns, first: list[dict], rest: list[tuple]) -> pa.Table:
        data = {c: [] for c in columns}
        for row in first:
            for c in columns:
                value = row.get(c)
                data[c].append(None if value is None else str(value))
        for row in rest:
            for c, value in zip(columns, row, strict=True):
                data[c].append(None if value is None else str(value))
        return pa.table({c: pa.array(v, type=pa.string()) for c, v in data.items()})

    engine = AuditEngine(threads=1)
    try:
        engine.use_catalog(catalog.table)
        engine.load_arrow(
            "settlements", table([c.name for c in SETTLEMENTS], [settlement], history), "结算"
        )
        engine.load_arrow("lines", table([c.name for c in LINES], lines, history_lines), "明细")
        engine.validate_claims()
        problems = engine.problems()
        engine.run(rules, combined=True)
        findings = [
            f
            for f in engine.findings().to_pylist()
            if f["settlement_id"] == settlement.get("settlement_id")
        ]
    finally:
        engine.close()
    return findings, problems


@dataclass(frozen=True)
class _CheckState:
    table: pa.Table  # the validated, typed catalog
    index: single.Catalog


_check_cache: dict = {}


def _check_state() -> tuple[_CheckState, tuple[Rule, ...]]:
    """The catalog and the rules in force, cached in the process and renewed when either
    changes (a catalog row saved moves ``updated_at``; a rule saved is a new row)."""
    catalog_stamp = CatalogEntry.objects.aggregate(
        n=Count("pk"), last=Max("pk"), changed=Max("updated_at")
    )
    rules_stamp = AuditRule.objects.aggregate(n=Count("pk"), last=Max("pk"))
    stamp = (tuple(catalog_stamp.values()), tuple(rules_stamp.values()))
    cached = _check_cache.get("state")
    if cached is not None and cached[0] == stamp:
        return cached[1], cached[2]
    engine = AuditEngine(threads=1)
    try:
        engine.load_arrow("catalog", catalog_arrow(), "目录")
        from qinqing.medinsure.audit import readers

        readers.validate_catalog(engine.con)
        typed = engine.typed_catalog()
    finally:
        engine.close()
    state = _CheckState(table=typed, index=single.Catalog(typed.to_pylist()))
    rules = rules_in_force()
    _check_cache["state"] = (stamp, state, rules)
    return state, rules


# --- review ----------------------------------------------------------------------------


def do_review_finding(actor: User, finding: Finding, *, decision: str, reason: str) -> Finding:
    """A reviewer confirms (确认违规) or dismisses (排除) a finding, with a reason."""
    _require(actor, "medinsure.change_finding")
    if decision not in (ReviewStatus.CONFIRMED, ReviewStatus.DISMISSED):
        raise InvalidInput({"decision": ["请选择“确认违规”或“排除”"]}, {"decision": "复核结论"})
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": ["请填写复核意见"]}, {"reason": "复核意见"})
    with transaction.atomic():
        taken = Finding.objects.filter(pk=finding.pk, status=ReviewStatus.PENDING).update(
            status=decision, reason=reason[:2000], reviewed_by=actor, reviewed_at=timezone.now()
        )
        if not taken:
            raise InvalidInput({"decision": ["该疑点已复核"]}, {"decision": "复核结论"})
        finding.refresh_from_db()
        record_event(
            actor,
            finding,
            "review",
            changes={"status": [ReviewStatus.PENDING, decision]},
            reason=reason[:200],
        )
    return finding


def do_refer_clue(actor: User, institution, findings, *, region=None) -> Clue:
    """Confirmed findings of one institution become a clue (线索), a case on the engine."""
    from qinqing.cases.services import do_open_case

    _require(actor, "medinsure.add_clue")
    findings = list(findings)
    wrong = [
        f for f in findings
        if f.status != ReviewStatus.CONFIRMED or f.clue_id or f.institution_code != institution.code
    ]  # fmt: skip
    if not findings or wrong:
        raise InvalidInput(
            {"findings": ["只能把本机构已确认、尚未形成线索的疑点形成线索"]}, {"findings": "疑点"}
        )
    amount = sum((f.vola_amt for f in findings), start=0)
    with transaction.atomic():
        case = do_open_case(
            actor,
            case_type="medinsure_clue",
            title=f"{institution.name}：{len(findings)} 条确认违规，涉及 {amount} 元",
            region=region or institution.region,
            description="；".join(f.vola_cont for f in findings[:20]),
        )
        clue = Clue.objects.create(case=case, institution=institution, amount=amount)
        Finding.objects.filter(pk__in=[f.pk for f in findings], clue__isnull=True).update(clue=clue)
    return clue


def do_record_inspection(
    actor: User,
    institution,
    *,
    kind: str,
    planned_on: dt.date,
    done_on: dt.date | None = None,
    notes: str = "",
    rectification: str = "",
    deadline: dt.date | None = None,
) -> Inspection:
    """Plan or record a 检查 / 约谈; ``rectification`` opens a 整改 task (a case of the
    module's ``medinsure_task`` type) due at the end of ``deadline`` (the type's time
    limit when none is given)."""
    _require(actor, "medinsure.add_inspection")
    access.require_region(actor, institution.region, field="institution")
    _check_inspection(kind, planned_on, done_on, rectification, deadline)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            institution=institution,
            kind=kind,
            planned_on=planned_on,
            done_on=done_on,
            notes=notes.strip(),
            recorded_by=actor,
        )
        if rectification.strip():
            _open_rectification(actor, inspection, rectification, deadline)
    return inspection


def do_update_inspection(
    actor: User,
    inspection: Inspection,
    *,
    planned_on: dt.date,
    done_on: dt.date | None = None,
    notes: str = "",
    rectification: str = "",
    deadline: dt.date | None = None,
) -> Inspection:
    """Record what a planned inspection found (or move its date); a rectification task is
    opened once — a second one is refused while the first exists."""
    _require(actor, "medinsure.add_inspection")
    access.require_region(actor, inspection.institution.region, field="institution")
    _check_inspection(inspection.kind, planned_on, done_on, rectification, deadline)
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if rectification.strip() and locked.rectification_id:
            raise InvalidInput(
                {"rectification": ["已下达整改任务，请在事项页面办理"]},
                {"rectification": "整改要求"},
            )
        locked.planned_on, locked.done_on, locked.notes = planned_on, done_on, notes.strip()
        locked.save(update_fields=["planned_on", "done_on", "notes"])
        if rectification.strip():
            _open_rectification(actor, locked, rectification, deadline)
    return locked


def _check_inspection(kind, planned_on, done_on, rectification, deadline) -> None:
    errors = {}
    if kind not in InspectionKind.values:
        errors["kind"] = ["应为 inspection（检查）或 interview（约谈）"]
    if done_on is not None and done_on < planned_on:
        errors["done_on"] = ["实施日期不能早于计划日期"]
    if deadline is not None and not rectification.strip():
        errors["rectification"] = ["填写了整改期限，请写明整改要求"]
    if deadline is not None and deadline < max(planned_on, done_on or planned_on):
        errors["deadline"] = ["整改期限不能早于检查（约谈）日期"]
    if errors:
        raise InvalidInput(
            errors,
            {
                "kind": "类型",
                "done_on": "实施日期",
                "rectification": "整改要求",
                "deadline": "整改期限",
            },
        )


def _open_rectification(actor, inspection: Inspection, rectification: str, deadline) -> None:
    from qinqing.cases.models import Case
    from qinqing.cases.services import do_open_case

    institution = inspection.institution
    case = do_open_case(
        actor,
        case_type="medinsure_task",
        title=f"{institution.name}整改：{rectification.strip()[:80]}",
        region=institution.region,
        description="\n".join(
            part
            for part in (
                f"{inspection.get_kind_display()}（计划 {inspection.planned_on}）整改要求："
                f"{rectification.strip()}",
                inspection.notes,
            )
            if part
        ),
    )
    if deadline is not None:
        # the deadline the inspection set replaces the type's default time limit
        due = timezone.make_aware(dt.datetime.combine(deadline, dt.time(23, 59, 59)))
        Case.objects.filter(pk=case.pk).update(due_at=due)
        case.due_at = due
        record_event(actor, case, "deadline", due_at=due.isoformat())
    inspection.rectification = case
    inspection.save(update_fields=["rectification"])


def remove_store() -> None:
    """Tests: forget the stored parquet copies."""
    shutil.rmtree(store_dir() / "batches", ignore_errors=True)


# --- 参保企业“省心办” -----------------------------------------------------------------


def insurance_bureau(region: Region) -> Department | None:
    """The 医保局 serving ``region``: a department so named in the region or the nearest
    region above it (a town's requests go to its county's bureau)."""
    codes = []
    while region is not None:
        codes.append(region.code)
        region = region.parent
    bureaus = Department.objects.filter(region__code__in=codes).filter(
        Q(name__endswith="医保局") | Q(name__contains="医疗保障局")
    )
    return max(bureaus.select_related("region"), key=lambda d: len(d.region.code), default=None)


def do_request_service(
    actor: User,
    title: str,
    description: str = "",
    topic: str = "other",
    urgent: bool = False,
    now: dt.datetime | None = None,
):
    """参保企业“省心办”: an insured enterprise's request to the 医保局, as a work order.

    Filed in the enterprise's region; when the region (or the county above it) has
    a 医保局, the platform accepts it and dispatches it there at once, as 12345 does
    by rule; otherwise a dispatcher takes it in. ``now`` backdates it (the demo).
    """
    from qinqing.cases.models import Priority
    from qinqing.cases.services import do_open_case, do_transition
    from qinqing.medinsure.case_types import SERVICE_REQUEST
    from qinqing.medinsure.forms import ServiceRequestForm

    if not actor.has_perm("medinsure.request_service") or not actor.enterprise_id:
        raise Forbidden("medinsure.request_service")
    form = ServiceRequestForm(
        {"topic": topic, "title": title, "description": description, "urgent": urgent}
    )
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    data = form.cleaned_data
    enterprise = actor.enterprise
    topic_label = dict(form.fields["topic"].choices)[data["topic"]]
    bureau = insurance_bureau(enterprise.region)
    with transaction.atomic():
        case = do_open_case(
            actor,
            case_type=SERVICE_REQUEST,
            title=f"{topic_label}：{data['title']}",
            description=data["description"],
            region=enterprise.region,
            requester=actor,
            enterprise=enterprise,
            priority=Priority.URGENT if data["urgent"] else Priority.NORMAL,
            routed=bureau is not None,
            now=now,
        )
        if bureau is not None:
            case = do_transition(None, case, "accept", note="省心办自动受理", now=now)
            case = do_transition(
                None, case, "dispatch", department=bureau, note=f"派{bureau.name}办理", now=now
            )
    return case
