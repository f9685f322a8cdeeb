"""Imports (core framework): the year's eligible list, and the bank's payment result file.

Both are keyed by ID number (found by its keyed hash, never decrypted in bulk) and
registered as kinds of the core import framework, which brings the template, row
and column errors (ID numbers masked), the error report and background running.
"""

import datetime
import unicodedata
from decimal import Decimal, InvalidOperation

from django.urls import reverse

from qinqing.core import audit, importing
from qinqing.core.crypto import lookup_hash
from qinqing.core.importing import Column, ImportContext, ImportSpec, Row
from qinqing.core.masking import mask_id_number
from qinqing.core.models import Person
from qinqing.core.models.imports import ImportMode
from qinqing.core.validators import normalise
from qinqing.veterans.forms import YearForm
from qinqing.veterans.models import (
    AllowanceStandard,
    Category,
    Eligibility,
    Payment,
    ServiceRecord,
    Station,
    StationLevel,
)

CATEGORY_BY_LABEL = {label: value for value, label in Category.choices}


def _id(text: str) -> str | None:
    return normalise(text).upper() or None


def _money(text: str):
    if not text.strip():
        return None
    try:
        value = Decimal(unicodedata.normalize("NFKC", text).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"应为金额，实际为“{text}”") from None
    if not value.is_finite() or value <= 0:
        raise ValueError("应为大于0的金额")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("最多两位小数")
    return value


def _date(text: str):
    text = unicodedata.normalize("NFKC", text).strip().replace("/", "-").replace(".", "-")
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"日期格式应为 2026-01-31，实际为“{text}”") from None


def _category(text: str):
    word = unicodedata.normalize("NFKC", text).strip()
    if not word:
        return None
    if word in CATEGORY_BY_LABEL:
        return CATEGORY_BY_LABEL[word]
    raise ValueError(f"优抚类别应为 {'、'.join(CATEGORY_BY_LABEL)} 之一")


ID_COLUMN = Column(
    "身份证号",
    "id_number",
    required=True,
    text=True,
    refuse_numbers=True,
    mask=mask_id_number,
    convert=_id,
    help="必填，18位，须为已登记的人员。该列须为“文本”格式",
)


class _KeyedRows:
    """Finds each row's person by ID number; a person appears once per file."""

    def __init__(self, context: ImportContext):
        self.context = context
        self.year = context.params["year"]
        self.first_row_of: dict[str, int] = {}

    def _people(self, rows: list[Row]) -> dict[str, tuple[int, int | None]]:
        numbers = {row.values.get("id_number") for row in rows} - {None}
        hashes = {lookup_hash(n): n for n in numbers}
        found = Person.objects.filter(id_number_hash__in=list(hashes)).values_list(
            "id_number_hash", "pk", "service_record__station_id", "service_record__category"
        )
        return {hashes[h]: (pk, station, category) for h, pk, station, category in found}

    def _person(self, row: Row, people, problems) -> tuple | None:
        number = row.values.get("id_number")
        if number is None:
            if "id_number" not in row.failed:
                problems["id_number"] = ["必填"]
            return None
        if number not in people:
            problems["id_number"] = ["人员未登记，请先在人员库中登记"]
            return None
        first = self.first_row_of.setdefault(number, row.number)
        if first != row.number:
            problems["id_number"] = [f"与第{first}行重复"]
            return None
        return people[number]


class EligibilityRows(_KeyedRows):
    def check(self, rows):
        people = self._people(rows)
        standards = {s.category: s for s in AllowanceStandard.objects.filter(year=self.year)}
        return [self._check(row, people, standards) for row in rows]

    def _check(self, row, people, standards):
        problems: dict[str, list[str]] = {}
        found = self._person(row, people, problems)
        category = row.values.get("category") or (found[2] if found else None)
        if found and found[1] is None:
            problems["id_number"] = ["该人员没有优抚对象档案（服务站）"]
        if found and category is None and "category" not in row.failed:
            problems["category"] = ["必填"]
        standard = standards.get(category)
        amount = row.values.get("amount_due") or (standard.amount if standard else None)
        if category and standard is None and "category" not in row.failed:
            problems["category"] = [f"{self.year}年该类别未设置优待金标准"]
        # A cell that could not be read is reported by the framework already.
        if problems or found is None or row.failed:
            return None, problems
        return (
            Eligibility(
                year=self.year,
                person_id=found[0],
                station_id=found[1],
                category=category,
                amount_due=amount,
                due_on=standard.due_on,
            ),
            {},
        )

    def write(self, items):
        year = Eligibility.objects.filter(year=self.year)
        had = set(year.values_list("person_id", flat=True))
        year.delete()
        Eligibility.objects.bulk_create(items)
        audit.record_event(
            self.context.actor,
            self.context.actor,
            "import_eligibility",
            year=self.year,
            rows=len(items),
        )
        updated = sum(item.person_id in had for item in items)
        return len(items) - updated, updated


class PaymentRows(_KeyedRows):
    def check(self, rows):
        people = self._people(rows)
        county = Station.objects.filter(level=StationLevel.COUNTY).values_list("pk", flat=True)
        self.county = county.first()
        return [self._check(row, people) for row in rows]

    def _check(self, row, people):
        problems: dict[str, list[str]] = {}
        found = self._person(row, people, problems)
        for name in ("amount", "paid_on"):
            if row.values.get(name) is None and name not in row.failed:
                problems[name] = ["必填"]
        if problems or found is None or row.failed:
            return None, problems
        return (
            Payment(
                year=self.year,
                person_id=found[0],
                # A payment to someone without a record shows at the county centre.
                station_id=found[1] or self.county,
                amount=row.values["amount"],
                paid_on=row.values["paid_on"],
                bank_reference=row.values.get("bank_reference") or "",
            ),
            {},
        )

    def write(self, items):
        people = [item.person_id for item in items]
        existing = Payment.objects.filter(year=self.year, person_id__in=people)
        updated = existing.count()
        existing.delete()
        Payment.objects.bulk_create(items)
        audit.record_event(
            self.context.actor,
            self.context.actor,
            "import_payments",
            year=self.year,
            rows=len(items),
        )
        return len(items) - updated, updated


def _payments_url(job) -> str:
    return f"{reverse('veterans-payments')}?year={job.params['year']}"


ELIGIBILITY = ImportSpec(
    kind="veteran-eligibility",
    label="优待金名单",
    columns=(
        ID_COLUMN,
        Column("姓名", "name", help="选填，仅供核对"),
        Column(
            "优抚类别",
            "category",
            convert=_category,
            help="选填，空白按人员档案的类别。" + "、".join(CATEGORY_BY_LABEL),
        ),
        Column("应发金额（元）", "amount_due", convert=_money, help="选填，空白按当年标准"),
    ),
    handler=EligibilityRows,
    permissions=("veterans.add_eligibility",),
    modes=(ImportMode.ALL_OR_NOTHING,),
    params_form=YearForm,
    result_url=_payments_url,
    guide="导入某一年度的名单会替换该年度的全部名单；有任何一行错误则不导入。",
)

PAYMENTS = ImportSpec(
    kind="veteran-payments",
    label="优待金发放结果（银行回盘）",
    columns=(
        ID_COLUMN,
        Column("姓名", "name", help="选填，仅供核对"),
        Column("发放金额（元）", "amount", required=True, convert=_money, help="必填"),
        Column("发放日期", "paid_on", required=True, convert=_date, help="必填，如 2026-01-31"),
        Column("银行流水号", "bank_reference", text=True, help="选填"),
    ),
    handler=PaymentRows,
    permissions=("veterans.add_payment",),
    params_form=YearForm,
    result_url=_payments_url,
    guide="同一人员同一年度再次导入的，以新文件为准。",
)


def register() -> None:
    importing.register_import_kind(ELIGIBILITY)
    importing.register_import_kind(PAYMENTS)


__all__ = ["ServiceRecord", "register"]
