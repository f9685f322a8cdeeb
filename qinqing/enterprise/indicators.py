"""Import one year's 亩均 indicators from .xlsx, all or nothing, with row-level errors."""

import unicodedata
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.db import transaction
from openpyxl import load_workbook

from qinqing.core import audit
from qinqing.core.models import Enterprise
from qinqing.core.services import Forbidden
from qinqing.core.validators import normalise
from qinqing.enterprise.models import IndicatorYear

# header → (field, required for 规上, required for 规下, kind)
COLUMNS = {
    "统一社会信用代码": ("credit_code", True, True, "code"),
    "规上企业": ("above_scale", True, True, "bool"),
    "用地面积（亩）": ("land_area_mu", True, True, "positive"),
    "税收（万元）": ("tax", True, True, "number"),
    "工业增加值（万元）": ("value_added", True, False, "number"),
    "营业收入（万元）": ("revenue", True, False, "positive"),
    "综合能耗（吨标煤）": ("energy_tce", True, False, "positive"),
    "主要污染物排放（吨）": ("emissions", False, False, "number"),
    "研发经费（万元）": ("rd_spending", True, False, "number"),
    "年平均职工人数": ("employees", True, False, "count"),
    "用电量（万千瓦时）": ("electricity_kwh", False, True, "positive"),
}
REQUIRED_HEADERS = ["统一社会信用代码", "规上企业", "用地面积（亩）", "税收（万元）"]
TRUE, FALSE = {"是", "规上", "y", "yes", "true", "1"}, {"否", "规下", "n", "no", "false", "0"}


class IndicatorFileRejected(Exception):
    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__(f"{len(errors)} 处错误")


def _header(value) -> str:
    return normalise(str(value or "")).replace("(", "（").replace(")", "）")


def _canonical(header: str) -> str:
    return header.replace("（", "(").replace("）", ")")


def read_indicator_rows(content: bytes) -> tuple[list[str], list[tuple[int, list]]]:
    try:
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise IndicatorFileRejected(
            [{"row": 0, "column": "", "message": "文件无法读取，请上传 .xlsx 格式的 Excel 文件"}]
        ) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    headers = [_header(h) for h in next(rows, [])]
    body = [
        (number, list(values))
        for number, values in enumerate(rows, start=2)
        if any(v not in (None, "") for v in values)
    ]
    return headers, body


def parse(content: bytes) -> list[dict]:
    """Validated rows, or IndicatorFileRejected listing every problem by row and column."""
    headers, body = read_indicator_rows(content)
    known = {_canonical(h): h for h in COLUMNS}
    positions = {known[_canonical(h)]: i for i, h in enumerate(headers) if _canonical(h) in known}
    missing = [h for h in REQUIRED_HEADERS if h not in positions]
    if missing:
        raise IndicatorFileRejected(
            [
                {
                    "row": 1,
                    "column": "、".join(missing),
                    "message": f"缺少必需的列：{'、'.join(missing)}",
                }
            ]
        )
    if not body:
        raise IndicatorFileRejected([{"row": 2, "column": "", "message": "文件中没有数据行"}])
    codes = {e.credit_code: e.pk for e in Enterprise.objects.only("pk", "credit_code")}
    errors, parsed, seen = [], [], {}
    for number, values in body:
        row, row_errors = {}, []
        for header, (field, _above, _below, kind) in COLUMNS.items():
            raw = (
                values[positions[header]]
                if header in positions and positions[header] < len(values)
                else None
            )
            try:
                row[field] = _convert(raw, kind)
            except ValueError as exc:
                row_errors.append({"row": number, "column": header, "message": str(exc)})
                row[field] = None
        if row.get("credit_code") and row["credit_code"] not in codes:
            row_errors.append(
                {
                    "row": number,
                    "column": "统一社会信用代码",
                    "message": "企业未登记，请先在企业库中登记",
                }
            )
        elif row.get("credit_code") in seen:
            row_errors.append(
                {
                    "row": number,
                    "column": "统一社会信用代码",
                    "message": f"与第{seen[row['credit_code']]}行重复",
                }
            )
        if row.get("above_scale") is not None:
            for header, (field, need_above, need_below, _kind) in COLUMNS.items():
                needed = need_above if row["above_scale"] else need_below
                if (
                    needed
                    and row.get(field) is None
                    and not any(e["column"] == header for e in row_errors)
                ):
                    row_errors.append({"row": number, "column": header, "message": "必填"})
        if row.get("credit_code"):
            seen.setdefault(row["credit_code"], number)
        if row_errors:
            errors.extend(row_errors)
        else:
            row["enterprise_id"] = codes[row.pop("credit_code")]
            parsed.append(row)
    if errors:
        raise IndicatorFileRejected(errors)
    return parsed


def _convert(raw, kind):
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if kind == "code":
        return normalise(str(raw)).upper()
    if kind == "bool":
        text = normalise(str(raw)).lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ValueError("应为“是”或“否”")
    try:
        # Not normalise(): that drops dashes, and a minus sign must survive.
        text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "")
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"应为数字，实际为“{raw}”") from None
    if not value.is_finite():
        raise ValueError("应为数字")
    if value < 0:
        raise ValueError("不能为负数")
    if kind in {"positive", "count"} and value == 0:
        raise ValueError("应大于0")
    if kind == "count":
        if value != value.to_integral_value():
            raise ValueError("应为整数")
        return int(value)
    return value


def do_import_indicators(actor, year: int, content: bytes) -> int:
    """Replace ``year``'s indicators with the file's rows; nothing changes if any row is bad."""
    if not actor.has_perm("enterprise.add_indicatoryear"):
        raise Forbidden("enterprise.add_indicatoryear")
    rows = parse(content)
    with transaction.atomic(), audit.acting_as(actor):
        IndicatorYear.objects.filter(year=year).delete()
        IndicatorYear.objects.bulk_create(
            IndicatorYear(year=year, **{k: v for k, v in row.items()}) for row in rows
        )
        audit.record_event(actor, actor, "import_indicators", year=year, rows=len(rows))
    return len(rows)
