"""The interchange columns of the three claim files and of the findings file.

Each column is (name, kind, required, Chinese label, allowed values). Kinds:
``text``, ``date`` (ISO ``YYYY-MM-DD``), ``money`` (yuan, at most 2 decimals,
not negative), ``number`` (not negative, at most 4 decimals), ``int`` (not
negative whole number), ``enum`` (one of the allowed values).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool
    label: str
    allowed: tuple[str, ...] = ()


CATALOG = (
    Column("item_code", "text", True, "项目编码"),
    Column("item_name", "text", True, "项目名称"),
    Column("kind", "enum", True, "项目类别", ("drug", "service", "consumable", "bed")),
    Column("price_cap", "money", True, "限价"),
    Column("procurement_price", "money", False, "集采价"),
    Column("gender_limit", "enum", False, "限性别", ("M", "F")),
    Column("min_age", "int", False, "最小年龄"),
    Column("max_age", "int", False, "最大年龄"),
    Column("care_limit", "enum", False, "限就医类型", ("inpatient", "outpatient")),
    Column("max_qty_per_day", "number", False, "每日最大数量"),
    Column("included_in", "text", False, "所属打包项目"),
    Column("days_supply_per_unit", "number", False, "每单位用药天数"),
    Column("valid_from", "date", True, "生效日期"),
    Column("valid_to", "date", False, "失效日期"),
)

SETTLEMENTS = (
    Column("settlement_id", "text", True, "结算号"),
    Column("patient_id", "text", True, "参保人标识"),
    Column("gender", "enum", True, "性别", ("M", "F")),
    Column("birth_date", "date", True, "出生日期"),
    Column("institution_code", "text", True, "定点机构编码"),
    Column("visit_type", "enum", True, "就医类型", ("inpatient", "outpatient")),
    Column("admission_date", "date", True, "入院（就诊）日期"),
    Column("discharge_date", "date", False, "出院日期"),
    Column("diagnosis", "text", True, "诊断编码（ICD-10）"),
    Column("total_amount", "money", True, "医疗费总额"),
    Column("fund_paid", "money", True, "基金支付"),
)

LINES = (
    Column("line_id", "text", True, "明细号"),
    Column("settlement_id", "text", True, "结算号"),
    Column("item_code", "text", True, "项目编码"),
    Column("service_date", "date", True, "费用发生日期"),
    Column("quantity", "number", True, "数量"),
    Column("unit_price", "money", True, "单价"),
    Column("amount", "money", True, "金额"),
)

TABLES = {"catalog": CATALOG, "settlements": SETTLEMENTS, "lines": LINES}
TABLE_LABELS = {"catalog": "目录", "settlements": "结算", "lines": "明细"}

FINDING_COLUMNS = (
    "rule_id",
    "rule_version",
    "settlement_id",
    "line_id",
    "vola_cont",
    "vola_evid",
    "vola_amt",
    "sev_deg",
)

SQL_TYPES = {
    "text": "VARCHAR",
    "enum": "VARCHAR",
    "date": "DATE",
    "money": "DECIMAL(18,2)",
    "number": "DECIMAL(18,4)",
    "int": "INTEGER",
}
