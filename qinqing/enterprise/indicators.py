"""The 亩均 indicator import: one year's indicators, all or nothing, then graded.

Registered with the core import framework (kind ``indicators``), which brings the
template, row and column errors, the error report, progress and background running.
Importing a year replaces that year's indicators and grades it again, in the
same transaction as the rows.
"""

import unicodedata
from decimal import Decimal, InvalidOperation

from django.urls import reverse

from qinqing.core import audit, importing
from qinqing.core.importing import Column, ImportContext, ImportSpec, Row
from qinqing.core.models import Enterprise
from qinqing.core.models.imports import ImportMode
from qinqing.core.validators import normalise
from qinqing.enterprise.forms import IndicatorYearForm
from qinqing.enterprise.models import IndicatorYear
from qinqing.enterprise.services import do_grade_year

TRUE, FALSE = {"是", "规上", "y", "yes", "true", "1"}, {"否", "规下", "n", "no", "false", "0"}


def _code(text: str) -> str | None:
    return normalise(text).upper() or None


def _yes_no(text: str) -> bool | None:
    word = normalise(text).lower()
    if not word:
        return None
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise ValueError("应为“是”或“否”")


def _number(text: str, *, positive: bool = False, whole: bool = False):
    if not text.strip():
        return None
    try:
        # Not normalise(): that drops dashes, and a minus sign must survive.
        value = Decimal(unicodedata.normalize("NFKC", text).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"应为数字，实际为“{text}”") from None
    if not value.is_finite():
        raise ValueError("应为数字")
    if value < 0:
        raise ValueError("不能为负数")
    if positive and value == 0:
        raise ValueError("应大于0")
    if whole:
        if value != value.to_integral_value():
            raise ValueError("应为整数")
        return int(value)
    return value


def number(text):
    return _number(text)


def positive(text):
    return _number(text, positive=True)


def count(text):
    return _number(text, positive=True, whole=True)


# field → (required for 规上, required for 规下)
NEEDED = {
    "land_area_mu": (True, True),
    "tax": (True, True),
    "value_added": (True, False),
    "revenue": (True, False),
    "energy_tce": (True, False),
    "emissions": (False, False),
    "rd_spending": (True, False),
    "employees": (True, False),
    "electricity_kwh": (False, True),
}
ABOVE_ONLY, BELOW_ONLY = "规上企业必填", "规下企业必填"

COLUMNS = (
    Column(
        "统一社会信用代码",
        "credit_code",
        required=True,
        text=True,
        refuse_numbers=True,
        convert=_code,
        help="必填，18位。企业须已在企业库中登记",
    ),
    Column("规上企业", "above_scale", required=True, convert=_yes_no, help="必填。填“是”或“否”"),
    Column("用地面积（亩）", "land_area_mu", required=True, convert=positive, help="必填，大于0"),
    Column("税收（万元）", "tax", required=True, convert=number, help="必填"),
    Column("工业增加值（万元）", "value_added", convert=number, help=ABOVE_ONLY),
    Column("营业收入（万元）", "revenue", convert=positive, help=ABOVE_ONLY + "，大于0"),
    Column("综合能耗（吨标煤）", "energy_tce", convert=positive, help=ABOVE_ONLY + "，大于0"),
    Column("主要污染物排放（吨）", "emissions", convert=number, help="选填"),
    Column("研发经费（万元）", "rd_spending", convert=number, help=ABOVE_ONLY),
    Column("年平均职工人数", "employees", convert=count, help=ABOVE_ONLY + "，整数"),
    Column("用电量（万千瓦时）", "electricity_kwh", convert=positive, help=BELOW_ONLY + "，大于0"),
)


class IndicatorRows:
    """Checks each row's enterprise and the indicators its scale requires."""

    def __init__(self, context: ImportContext):
        self.context = context
        self.year = context.params["year"]
        self.first_row_of: dict[str, int] = {}

    def check(self, rows: list[Row]):
        codes = {row.values.get("credit_code") for row in rows} - {None}
        known = dict(
            Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "pk")
        )
        return [self._check(row, known) for row in rows]

    def _check(self, row: Row, known: dict[str, int]):
        values, problems = row.values, {}
        code = values.get("credit_code")
        if code and code not in known:
            problems["credit_code"] = ["企业未登记，请先在企业库中登记"]
        elif code:
            first = self.first_row_of.setdefault(code, row.number)
            if first != row.number:
                problems["credit_code"] = [f"与第{first}行重复"]
        for name in ("credit_code", "above_scale"):
            if values.get(name) is None and name not in row.failed:
                problems.setdefault(name, []).append("必填")
        if values.get("above_scale") is not None:
            for name, (for_above, for_below) in NEEDED.items():
                needed = for_above if values["above_scale"] else for_below
                if needed and values.get(name) is None and name not in row.failed:
                    problems.setdefault(name, []).append("必填")
        if problems:
            return None, problems
        item = {name: values.get(name) for name in ("above_scale", *NEEDED)}
        return IndicatorYear(year=self.year, enterprise_id=known[code], **item), {}

    def write(self, rows: list[IndicatorYear]) -> tuple[int, int]:
        actor = self.context.actor
        year = IndicatorYear.objects.filter(year=self.year)
        had = set(year.values_list("enterprise_id", flat=True))
        year.delete()
        IndicatorYear.objects.bulk_create(rows)
        audit.record_event(actor, actor, "import_indicators", year=self.year, rows=len(rows))
        # Grades follow the indicators in the same transaction: never one without the other.
        do_grade_year(actor, self.year)
        updated = sum(row.enterprise_id in had for row in rows)
        return len(rows) - updated, updated


INDICATORS = ImportSpec(
    kind="indicators",
    label="亩均指标",
    columns=COLUMNS,
    handler=IndicatorRows,
    permissions=("enterprise.add_indicatoryear", "enterprise.add_graderesult"),
    # A year is replaced whole: importing only the good rows would drop enterprises from it.
    modes=(ImportMode.ALL_OR_NOTHING,),
    params_form=IndicatorYearForm,
    result_url=lambda job: f"{reverse('station-grading')}?year={job.params['year']}",
    guide="导入某一年度的指标会替换该年度已导入的全部指标，并重新评价；有任何一行错误则不导入、不评价。",
)


def register() -> None:
    importing.register_import_kind(INDICATORS)
