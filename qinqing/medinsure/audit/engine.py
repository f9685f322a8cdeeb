# ruff: noqa: E501
"""The audit engine: files (or Arrow tables) in, findings out, over DuckDB.

    engine = AuditEngine(memory_limit="1GB", temp_directory="/var/tmp/x")
    engine.load_files(catalog=..., settlements=..., lines=...)
    engine.validate()
    engine.run(rules)                 # DEFAULT_RULES unless given
    engine.write_findings("findings.parquet")
    engine.problems()                 # malformed rows: file, row, column, value, message

It knows nothing of Django or of the application's database, so the
management command, the background task, the single-claim check and the
benchmark run the very same SQL. Findings are ordered by rule (in the order
of ``DEFAULT_RULES``), settlement and line id, so the same inputs and rule
versions give the same file byte for byte.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb
import pyarrow as pa

from qinqing.medinsure.audit import readers
from qinqing.medinsure.audit.rules import DEFAULT_RULES, RULE_KEYS, Rule, sql_for
from qinqing.medinsure.audit.schema import FINDING_COLUMNS, TABLES

Progress = Callable[[str], None]

CLAIMS_SQL = """
CREATE OR REPLACE TABLE claims AS
SELECT l.line_id, l.settlement_id, l.item_code, l.service_date, l.quantity, l.unit_price, l.amount,
       s.patient_id, s.gender, s.birth_date, s.institution_code, s.visit_type,
       s.admission_date, s.discharge_date, s.diagnosis,
       c.item_name, c.kind, c.price_cap, c.procurement_price, c.gender_limit, c.min_age,
       c.max_age, c.care_limit, c.max_qty_per_day, c.included_in, c.days_supply_per_unit
FROM lines l
JOIN settlements s USING (settlement_id)
JOIN catalog c ON c.item_code = l.item_code AND l.service_date >= c.valid_from
 AND l.service_date <= coalesce(c.valid_to, DATE '9999-12-31')
"""

PROBLEM_COLUMNS = ("file", "row", "column", "value", "message")


class AuditEngine:
    def __init__(
        self,
        memory_limit: str | None = None,
        temp_directory: str | os.PathLike | None = None,
        threads: int | None = None,
        progress: Progress | None = None,
    ):
        self.con = duckdb.connect(":memory:")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        if temp_directory:
            Path(temp_directory).mkdir(parents=True, exist_ok=True)
            self.con.execute(f"SET temp_directory = '{Path(temp_directory)}'")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self.con.execute("SET preserve_insertion_order = true")
        self.progress = progress or (lambda step: None)
        readers.init(self.con)
        self.rules: tuple[Rule, ...] = ()

    def close(self) -> None:
        self.con.close()

    # -- input ---------------------------------------------------------
    def load_files(self, catalog, settlements, lines) -> None:
        for table, path in (("catalog", catalog), ("settlements", settlements), ("lines", lines)):
            readers.load_source(self.con, table, Path(path))
            self.progress(f"读取{readers.TABLE_LABELS[table]}")

    def load_arrow(self, table: str, data: pa.Table, name: str | None = None) -> None:
        """Load an Arrow table (e.g. from the database) as if it were a file."""
        columns = [c.name for c in TABLES[table]]
        casts = ", ".join(
            f'CAST("{c}" AS VARCHAR) AS "{c}"'
            if c in data.column_names
            else f'NULL::VARCHAR AS "{c}"'
            for c in columns
        )
        self.con.register("arrow_in", data)
        self.con.execute(f"CREATE OR REPLACE TABLE src_{table} AS SELECT {casts} FROM arrow_in")
        self.con.unregister("arrow_in")
        selected = ", ".join(f"NULLIF(trim(\"{c}\"), '') AS {c}" for c in columns)
        self.con.execute(
            f"CREATE OR REPLACE VIEW raw_{table} AS SELECT rowid AS _rid, rowid + 1 AS _line, "
            f"{selected} FROM src_{table}"
        )
        self.con.execute("INSERT INTO files VALUES (?, ?)", [table, name or table])

    def use_stored(self, catalog: pa.Table, settlements: list[str], lines: list[str]) -> None:
        """Audit claims already validated and stored as parquet (typed, by an earlier import)."""
        self.load_arrow("catalog", catalog, "目录")
        readers.validate_catalog(self.con)
        for table, paths in (("settlements", settlements), ("lines", lines)):
            columns = ", ".join(c.name for c in TABLES[table])
            if paths:
                listed = "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"
                source = f"read_parquet({listed})"
            else:
                source = f"(SELECT * FROM {table}_empty)"
                types = ", ".join(
                    f"NULL::{readers.SQL_TYPES[c.kind]} AS {c.name}" for c in TABLES[table]
                )
                self.con.execute(
                    f"CREATE OR REPLACE TEMP VIEW {table}_empty AS SELECT {types} LIMIT 0"
                )
            self.con.execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT row_number() OVER () AS _rid, {columns} "
                f"FROM {source}"
            )
        self.con.execute(CLAIMS_SQL)
        self.progress("读取")

    def export_typed(self, table: str, path) -> None:
        """Write a validated typed table (settlements or lines) as parquet."""
        columns = ", ".join(c.name for c in TABLES[table])
        target = "'" + str(path).replace("'", "''") + "'"
        self.con.execute(f"COPY (SELECT {columns} FROM {table}) TO {target} (FORMAT parquet)")

    def use_catalog(self, typed: pa.Table) -> None:
        """A catalog validated before (``typed_catalog()`` of an earlier engine)."""
        self.con.register("catalog_in", typed)
        self.con.execute(
            "CREATE OR REPLACE TABLE catalog AS SELECT row_number() OVER () AS _rid, * FROM catalog_in"
        )
        self.con.unregister("catalog_in")

    def typed_catalog(self) -> pa.Table:
        columns = ", ".join(c.name for c in TABLES["catalog"])
        return self.con.sql(f"SELECT {columns} FROM catalog ORDER BY _rid").to_arrow_table()

    def validate_claims(self) -> int:
        """Check the settlements and lines against a catalog already in place."""
        readers.validate_claims(self.con)
        self.con.execute(CLAIMS_SQL)
        return self.con.execute("SELECT count(*) FROM problems").fetchall()[0][0]

    def validate(self) -> int:
        """Check every row; returns the number of complaints."""
        readers.validate(self.con)
        self.con.execute(CLAIMS_SQL)
        self.progress("校验")
        return self.con.execute("SELECT count(*) FROM problems").fetchall()[0][0]

    # -- rules -----------------------------------------------------------
    def run(self, rules: Iterable[Rule] = DEFAULT_RULES, combined: bool = False) -> int:
        """Run the enabled rules; returns the number of findings."""
        self.rules = tuple(rules)
        self.con.execute(
            "CREATE OR REPLACE TABLE findings (rule_order INTEGER, rule_id VARCHAR, "
            "rule_version INTEGER, settlement_id VARCHAR, line_id VARCHAR, vola_cont VARCHAR, "
            "vola_evid VARCHAR, vola_amt DECIMAL(18,2), sev_deg VARCHAR)"
        )
        selects = [
            f"SELECT {RULE_KEYS.index(rule.key)}, '{rule.key}', {int(rule.version)}, "
            "settlement_id, line_id, vola_cont, vola_evid, CAST(vola_amt AS DECIMAL(18,2)), "
            f"'{rule.severity}' FROM ({sql_for(rule)})"
            for rule in self.rules
            if rule.enabled
        ]
        if combined:  # one statement: fewer round trips for a small claim
            if selects:
                self.con.execute("INSERT INTO findings " + " UNION ALL ".join(selects))
        else:
            for rule, select in zip([r for r in self.rules if r.enabled], selects, strict=True):
                self.con.execute(f"INSERT INTO findings {select}")
                self.progress(rule.name)
        return self.con.execute("SELECT count(*) FROM findings").fetchall()[0][0]

    # -- output ----------------------------------------------------------
    FINDINGS_SQL = (
        f"SELECT {', '.join(FINDING_COLUMNS)} FROM findings "
        "ORDER BY rule_order, settlement_id, line_id NULLS FIRST, vola_cont"
    )
    PROBLEMS_SQL = (
        'SELECT file, line AS "row", col AS "column", value, message FROM problems '
        "ORDER BY file, line, col, message"
    )

    def findings(self) -> pa.Table:
        return self.con.sql(self.FINDINGS_SQL).to_arrow_table()

    def problems(self) -> list[dict]:
        rows = self.con.execute(self.PROBLEMS_SQL).fetchall()
        return [dict(zip(PROBLEM_COLUMNS, r, strict=True)) for r in rows]

    def write_findings(self, path) -> None:
        write(self.con, self.FINDINGS_SQL, Path(path), sheet="审核结果")

    def write_problems(self, path) -> None:
        write(self.con, self.PROBLEMS_SQL, Path(path), sheet="数据问题")


def write(con: duckdb.DuckDBPyConnection, sql: str, path: Path, sheet: str) -> None:
    """Write a query's rows as .csv, .parquet or .xlsx, chosen by the extension."""
    suffix = path.suffix.lower()
    target = "'" + str(path).replace("'", "''") + "'"
    if suffix == ".csv":
        con.execute(f"COPY ({sql}) TO {target} (HEADER, DELIMITER ',')")
    elif suffix == ".parquet":
        con.execute(f"COPY ({sql}) TO {target} (FORMAT parquet)")
    elif suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        out = book.create_sheet(sheet)
        result = con.execute(sql)
        out.append([d[0] for d in result.description])
        reader = result.to_arrow_reader(batch_size=50_000)
        for batch in reader:
            columns = [
                col.cast(pa.float64()).to_pylist()
                if pa.types.is_decimal(col.type)
                else col.to_pylist()
                for col in batch.columns
            ]
            for row in zip(*columns, strict=True):
                out.append(row)
        book.save(path)
    else:
        raise readers.AuditInputError(f"{path.name}：输出文件只支持 .csv、.xlsx、.parquet")


def audit_files(
    catalog,
    settlements,
    lines,
    out=None,
    rules: Iterable[Rule] = DEFAULT_RULES,
    progress: Progress | None = None,
    **options,
) -> AuditEngine:
    """Read, validate, audit and (when ``out`` is given) write; returns the engine."""
    engine = AuditEngine(progress=progress, **options)
    engine.load_files(catalog, settlements, lines)
    engine.validate()
    engine.run(rules)
    if out is not None:
        engine.write_findings(out)
        engine.progress("写出")
    return engine
