"""Reading postings and seekers from files (JSON Lines, .csv, .xlsx) for batch matching.

Every problem is reported with the file, the line and the field, in Chinese;
nothing is dropped silently.
"""

import csv
import datetime as dt
import json
from pathlib import Path

from qinqing.talent.matching import taxonomy
from qinqing.talent.matching.features import _as_list

POSTING_FIELDS = (
    "id", "employer", "title", "duties", "occupation", "industry", "education_min", "majors",
    "skills", "experience_years_min", "salary_min", "salary_max", "location", "headcount",
    "valid_until",
)  # fmt: skip
SEEKER_FIELDS = (
    "id", "education", "school", "major", "graduation_year", "skills", "experience_years",
    "expected_salary", "desired_occupations", "desired_locations", "resume",
)  # fmt: skip
LIST_FIELDS = {"majors", "skills", "desired_occupations", "desired_locations"}
NUMBER_FIELDS = {
    "experience_years_min", "salary_min", "salary_max", "headcount", "graduation_year",
    "experience_years", "expected_salary",
}  # fmt: skip
REQUIRED = {
    "posting": ("id", "title", "valid_until"),
    "seeker": ("id",),
}


class InputError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def read_records(path, kind: str) -> list[dict]:
    """The records of ``path`` (kind "posting" or "seeker"); raises InputError listing
    every bad line."""
    path = Path(path)
    if not path.exists():
        raise InputError([f"{path}：文件不存在"])
    suffix = path.suffix.lower()
    try:
        if suffix in (".jsonl", ".json", ".ndjson"):
            rows = list(_jsonl(path))
        elif suffix == ".csv":
            rows = list(_csv(path))
        elif suffix == ".xlsx":
            rows = list(_xlsx(path))
        else:
            raise InputError(
                [f"{path}：不支持的文件类型 {suffix or '（无扩展名）'}，请用 .jsonl、.csv 或 .xlsx"]
            )
    except UnicodeDecodeError:
        raise InputError([f"{path}：文件不是 UTF-8 编码"]) from None
    problems, records, seen = [], [], {}
    for line, row in rows:
        if isinstance(row, str):
            problems.append(f"{path} 第{line}行：{row}")
            continue
        record, errors = _clean(row, kind)
        if record is not None and record["id"] in seen:
            errors.append(f"字段 id：编号 {record['id']} 与第{seen[record['id']]}行重复")
        for error in errors:
            problems.append(f"{path} 第{line}行：{error}")
        if not errors:
            seen[record["id"]] = line
            records.append(record)
    if problems:
        raise InputError(problems)
    return records


def _jsonl(path: Path):
    with path.open(encoding="utf-8-sig") as handle:
        for number, text in enumerate(handle, 1):
            if not text.strip():
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as error:
                yield number, f"不是有效的 JSON（第{error.colno}列：{error.msg}）"
                continue
            if not isinstance(value, dict):
                yield number, "每行应是一个 JSON 对象"
                continue
            yield number, value


def _csv(path: Path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for number, row in enumerate(reader, 2):
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue
            if None in row:
                yield number, "列数多于表头"
                continue
            yield number, dict(row)


def _xlsx(path: Path):
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    header = None
    for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
        if header is None:
            header = [str(v).strip() if v is not None else "" for v in values]
            continue
        if all(v in (None, "") for v in values):
            continue
        yield number, {h: v for h, v in zip(header, values, strict=False) if h}
    book.close()


def _clean(row: dict, kind: str) -> tuple[dict | None, list[str]]:
    fields = POSTING_FIELDS if kind == "posting" else SEEKER_FIELDS
    errors = []
    unknown = sorted(set(row) - set(fields) - {"features"})
    if unknown:
        errors.append("未知字段：" + "、".join(unknown))
    record = {}
    for name in fields:
        value = row.get(name)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if name in REQUIRED[kind]:
                errors.append(f"字段 {name}：必填")
            record[name] = [] if name in LIST_FIELDS else None
            continue
        if name in LIST_FIELDS:
            if not isinstance(value, (str, list)):
                errors.append(f"字段 {name}：应为列表或用“、”分隔的文字")
                continue
            record[name] = _as_list(value)
        elif name in NUMBER_FIELDS:
            number = _number(value)
            if number is None:
                errors.append(f"字段 {name}：应为数字，实为“{value}”")
            elif number < 0:
                errors.append(f"字段 {name}：不能为负数")
            record[name] = number
        elif name == "valid_until":
            day = _day(value)
            if day is None:
                errors.append(f"字段 valid_until：应为日期（如 2026-12-31），实为“{value}”")
            record[name] = day
        elif name in ("education", "education_min"):
            if not taxonomy.is_education(value):
                levels = "、".join(v for v, _ in taxonomy.EDUCATION_LEVELS)
                errors.append(f"字段 {name}：学历应为 不限、{levels} 之一，实为“{value}”")
            record[name] = str(value)
        elif name == "id":
            record[name] = str(value).strip() if not isinstance(value, int) else str(value)
        else:
            record[name] = str(value)
    if kind == "posting" and not errors:
        low, high = record.get("salary_min"), record.get("salary_max")
        if low is not None and high is not None and high < low:
            errors.append("字段 salary_max：不能低于 salary_min")
    return (record if not errors else None), errors


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return None


def _day(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None
