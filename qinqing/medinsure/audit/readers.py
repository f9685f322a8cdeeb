# ruff: noqa: E501
"""Read the claim files into DuckDB and validate them, set-based.

A file (.csv, .xlsx or .parquet) is read into a table of text columns
(``src_<table>``) without becoming Python objects row by row — DuckDB's
``read_csv``/``read_parquet`` stream it; a workbook is read by openpyxl in
read-only mode into Arrow batches. Every check then runs as SQL over the whole
table and writes its complaints into ``problems`` (file, row, column, value,
message in Chinese). Rows with a complaint are kept out of the typed tables
(``catalog``, ``settlements``, ``lines``) that the rules read — and are
reported, never silently dropped.

Row numbers are those a person sees: in a .csv or .xlsx the header is row 1
and the first record row 2; in a .parquet file the first record is row 1.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa

from qinqing.medinsure.audit.schema import SQL_TYPES, TABLE_LABELS, TABLES, Column

XLSX_BATCH = 20_000
FORMATS = (".csv", ".xlsx", ".parquet")


class AuditInputError(Exception):
    """A file the engine cannot read at all (missing, wrong format, missing columns)."""


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _cell(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return str(value)


def _load_xlsx(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> list[str]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a bad file
        raise AuditInputError(f"{path.name}：无法读取 Excel 文件（{error}）") from error
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        names = [*header, "_line"]
        con.execute(
            f"CREATE TABLE src_{table} ("
            + ", ".join(f'"{n}" VARCHAR' for n in header)
            + ", _line BIGINT)"
        )
        batch: list[list] = [[] for _ in names]
        line = 1

        def flush():
            arrow = pa.table(
                {
                    n: pa.array(col, type=pa.int64() if n == "_line" else pa.string())
                    for n, col in zip(names, batch, strict=True)
                }
            )
            con.register("xlsx_batch", arrow)
            con.execute(f"INSERT INTO src_{table} SELECT * FROM xlsx_batch")
            con.unregister("xlsx_batch")
            for col in batch:
                col.clear()

        for values in rows:
            line += 1
            if values is None or all(v is None or v == "" for v in values):
                continue
            cells = list(values[: len(header)]) + [None] * (len(header) - len(values))
            for i, value in enumerate(cells):
                batch[i].append(_cell(value))
            batch[-1].append(line)
            if len(batch[-1]) >= XLSX_BATCH:
                flush()
        if batch[-1]:
            flush()
    finally:
        book.close()
    return header


def load_source(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    """Read one file into ``src_<table>`` (text columns) and a view ``raw_<table>``."""
    path = Path(path)
    columns = TABLES[table]
    if not path.exists():
        raise AuditInputError(f"{path}：文件不存在")
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise AuditInputError(f"{path.name}：只支持 .csv、.xlsx、.parquet 文件")
    con.execute(f"DROP TABLE IF EXISTS src_{table}")
    line_expr = "rowid + 2"
    if suffix == ".csv":
        try:
            con.execute(
                f"CREATE TABLE src_{table} AS SELECT * FROM read_csv({_quote(path)}, "
                "header=true, all_varchar=true, store_rejects=true, "
                f"rejects_table='rejects_{table}', rejects_scan='rejects_scan_{table}', "
                "auto_detect=true, delim=',', quote='\"')"
            )
        except duckdb.Error as error:
            raise AuditInputError(f"{path.name}：无法读取 CSV 文件（{error}）") from error
        header = [r[0] for r in con.execute(f"DESCRIBE src_{table}").fetchall()]
        rejects = con.execute(
            "SELECT DISTINCT ON (line) line, coalesce(column_name, ''), error_type, csv_line "
            f"FROM rejects_{table} ORDER BY line, column_idx"
        ).fetchall()
        for line, column, error_type, csv_line in rejects:
            message = {
                "MISSING COLUMNS": "列数不足",
                "TOO MANY COLUMNS": "列数过多",
                "UNQUOTED VALUE": "引号不成对",
                "INVALID ENCODING": "不是 UTF-8 编码",
            }.get(error_type, "格式错误")
            con.execute(
                "INSERT INTO problems VALUES (?, ?, NULL, ?, ?, ?, ?)",
                [path.name, table, line, column, (csv_line or "")[:200], message],
            )
        if rejects:
            # accepted record k (0-based) sits on the k-th line that was not rejected
            # the accepted record with rowid r sits after every rejected line j
            # (0-based, sorted) with line_j - 2 - j <= r
            bounds = [line - 2 - j for j, line in enumerate(sorted({r[0] for r in rejects}))]
            line_expr = f"rowid + 2 + len(list_filter({bounds}::BIGINT[], lambda b: b <= rowid))"
    elif suffix == ".parquet":
        try:
            described = con.execute(
                f"DESCRIBE SELECT * FROM read_parquet({_quote(path)})"
            ).fetchall()
        except duckdb.Error as error:
            raise AuditInputError(f"{path.name}：无法读取 Parquet 文件（{error}）") from error
        header = [r[0] for r in described]
        casts = []
        for name, sql_type, *_ in described:
            if sql_type.startswith("TIMESTAMP"):
                casts.append(
                    f"CASE WHEN CAST(\"{name}\" AS TIME) = TIME '00:00:00' "
                    f'THEN strftime("{name}", \'%Y-%m-%d\') ELSE CAST("{name}" AS VARCHAR) END '
                    f'AS "{name}"'
                )
            else:
                casts.append(f'CAST("{name}" AS VARCHAR) AS "{name}"')
        con.execute(
            f"CREATE TABLE src_{table} AS SELECT {', '.join(casts)} "
            f"FROM read_parquet({_quote(path)})"
        )
        line_expr = "rowid + 1"
    else:
        header = _load_xlsx(con, table, path)
        line_expr = "_line"
    missing = [c.name for c in columns if c.name not in header]
    if missing:
        raise AuditInputError(
            f"{path.name}：缺少列 {', '.join(missing)}（{TABLE_LABELS[table]}文件应有列："
            f"{', '.join(c.name for c in columns)}）"
        )
    selected = ", ".join(f"NULLIF(trim(\"{c.name}\"), '') AS {c.name}" for c in columns)
    con.execute(
        f"CREATE OR REPLACE VIEW raw_{table} AS "
        f"SELECT rowid AS _rid, {line_expr} AS _line, {selected} FROM src_{table}"
    )
    con.execute("INSERT INTO files VALUES (?, ?)", [table, path.name])


def _bad_value_sql(column: Column) -> list[tuple[str, str]]:
    """(condition, message) pairs for one column; conditions see the text value."""
    name = column.name
    checks = []
    if column.required:
        checks.append((f"{name} IS NULL", "必填，不能为空"))
    if column.kind == "enum":
        allowed = ", ".join(f"'{v}'" for v in column.allowed)
        checks.append(
            (
                f"{name} IS NOT NULL AND {name} NOT IN ({allowed})",
                f"应为 {'/'.join(column.allowed)} 之一",
            )
        )
    elif column.kind == "date":
        checks.append(
            (
                f"{name} IS NOT NULL AND (NOT regexp_full_match({name}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') "
                f"OR try_cast({name} AS DATE) IS NULL)",
                "不是有效日期（应为 YYYY-MM-DD）",
            )
        )
    elif column.kind == "money":
        checks.append(
            (
                f"{name} IS NOT NULL AND NOT regexp_full_match({name}, '\\d{{1,13}}(\\.\\d{{1,2}})?')",
                "应为不超过两位小数的非负金额（元）",
            )
        )
    elif column.kind == "number":
        checks.append(
            (
                f"{name} IS NOT NULL AND NOT regexp_full_match({name}, '\\d{{1,12}}(\\.\\d{{1,4}})?')",
                "应为不超过四位小数的非负数",
            )
        )
    elif column.kind == "int":
        checks.append(
            (f"{name} IS NOT NULL AND NOT regexp_full_match({name}, '\\d{{1,3}}')", "应为非负整数")
        )
    return checks


def _typed_select(table: str) -> str:
    return ", ".join(
        f"try_cast({c.name} AS {SQL_TYPES[c.kind]}) AS {c.name}" for c in TABLES[table]
    )


def _scan(con, table: str) -> None:
    """One pass over the raw rows: the typed table, with every value check of every column."""
    checks = [(c.name, cond, msg) for c in TABLES[table] for cond, msg in _bad_value_sql(c)]
    # a sum, not a chain of ORs: the optimiser's OR rewriting is slow on long chains
    any_bad = (
        "(" + " + ".join(f"CASE WHEN {cond} THEN 1 ELSE 0 END" for _, cond, _ in checks) + ") > 0"
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {table} AS SELECT _rid, {any_bad} AS _bad, "
        f"{_typed_select(table)} FROM raw_{table}"
    )
    bad = con.execute(f"SELECT count(*) FROM {table} WHERE _bad").fetchall()[0][0]
    if bad:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE bad_{table} AS SELECT * FROM raw_{table} "
            f"WHERE _rid IN (SELECT _rid FROM {table} WHERE _bad)"
        )
        for column, cond, message in checks:
            con.execute(
                f"INSERT INTO problems SELECT (SELECT file FROM files WHERE tbl = '{table}'), "
                f"'{table}', _rid, _line, '{column}', {column}, '{message}' "
                f"FROM bad_{table} WHERE {cond}"
            )
        con.execute(f"DELETE FROM {table} WHERE _bad")


def _reject(con, table: str, column: str, message: str, rids_sql: str) -> None:
    """Complain about the typed rows ``rids_sql`` selects (by _rid) and drop them from the table."""
    inserted = con.execute(
        f"INSERT INTO problems SELECT (SELECT file FROM files WHERE tbl = '{table}'), "
        f"'{table}', r._rid, r._line, '{column}', r.{column}, '{message}' "
        f"FROM raw_{table} r WHERE r._rid IN ({rids_sql})"
    ).fetchall()[0][0]
    if inserted:
        con.execute(
            f"DELETE FROM {table} WHERE _rid IN (SELECT rid FROM problems WHERE tbl = '{table}' "
            f"AND col = '{column}' AND message = '{message}')"
        )


def validate(con: duckdb.DuckDBPyConnection) -> None:
    """Check the three raw tables and build the typed ones from the rows that pass."""
    validate_catalog(con)
    validate_claims(con)


def validate_catalog(con: duckdb.DuckDBPyConnection) -> None:
    _scan(con, "catalog")
    _reject(
        con,
        "catalog",
        "valid_to",
        "失效日期早于生效日期",
        "SELECT _rid FROM catalog WHERE valid_to < valid_from",
    )
    _reject(
        con,
        "catalog",
        "max_age",
        "最大年龄小于最小年龄",
        "SELECT _rid FROM catalog WHERE max_age < min_age",
    )
    _reject(
        con,
        "catalog",
        "valid_from",
        "与同一项目的上一版本有效期重叠（每个项目每天只能有一个有效版本）",
        "SELECT _rid FROM (SELECT _rid, valid_from, lag(coalesce(valid_to, DATE '9999-12-31')) "
        "OVER (PARTITION BY item_code ORDER BY valid_from, _rid) AS prev_to FROM catalog) "
        "WHERE prev_to >= valid_from",
    )


def validate_claims(con: duckdb.DuckDBPyConnection) -> None:
    _scan(con, "settlements")
    _reject(
        con,
        "settlements",
        "discharge_date",
        "住院结算必须填写出院日期",
        "SELECT _rid FROM settlements WHERE visit_type = 'inpatient' AND discharge_date IS NULL",
    )
    _reject(
        con,
        "settlements",
        "discharge_date",
        "出院日期早于入院日期",
        "SELECT _rid FROM settlements WHERE discharge_date < admission_date",
    )
    _reject(
        con,
        "settlements",
        "birth_date",
        "出生日期晚于入院（就诊）日期",
        "SELECT _rid FROM settlements WHERE birth_date > admission_date",
    )
    _reject(
        con,
        "settlements",
        "settlement_id",
        "结算号重复（同一结算号只能出现一次）",
        "SELECT _rid FROM (SELECT _rid, row_number() OVER (PARTITION BY settlement_id ORDER BY _rid) "
        "AS n FROM settlements WHERE settlement_id IN (SELECT settlement_id FROM settlements "
        "GROUP BY 1 HAVING count(*) > 1)) WHERE n > 1",
    )

    _scan(con, "lines")
    _reject(
        con,
        "lines",
        "amount",
        "金额不等于数量×单价",
        "SELECT _rid FROM lines WHERE abs(amount - round(quantity * unit_price, 2)) > 0.01",
    )
    _reject(
        con,
        "lines",
        "line_id",
        "明细号重复（同一明细号只能出现一次）",
        "SELECT _rid FROM (SELECT _rid, row_number() OVER (PARTITION BY line_id ORDER BY _rid) "
        "AS n FROM lines WHERE line_id IN (SELECT line_id FROM lines GROUP BY 1 "
        "HAVING count(*) > 1)) WHERE n > 1",
    )
    _reject(
        con,
        "lines",
        "settlement_id",
        "结算号在结算文件中不存在或该结算记录有误",
        "SELECT _rid FROM lines ANTI JOIN settlements USING (settlement_id)",
    )
    _reject(
        con,
        "lines",
        "item_code",
        "项目编码在费用发生日期没有有效的目录条目",
        "SELECT l._rid FROM lines l ANTI JOIN catalog c ON c.item_code = l.item_code "
        "AND l.service_date >= c.valid_from AND l.service_date <= coalesce(c.valid_to, DATE '9999-12-31')",
    )


def init(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE OR REPLACE TABLE problems (file VARCHAR, tbl VARCHAR, rid BIGINT, line BIGINT, "
        "col VARCHAR, value VARCHAR, message VARCHAR)"
    )
    con.execute("CREATE OR REPLACE TABLE files (tbl VARCHAR, file VARCHAR)")
