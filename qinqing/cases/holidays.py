"""Entering a year's holiday notice, and the deadlines that move with it.

The State Council publishes each year's arrangement (国务院办公厅关于X年部分节假日
安排的通知) around November. Until it is entered, deadlines that reach into the
year are counted from the statutory holidays alone (see ``calendar``) and are
provisional. Entering the notice — in the admin or from a .xlsx/.json file —
recomputes the deadlines of the open cases it touches.

A file holds the year, the notice's title, number and date, and one line per
day: the date, 放假 or 上班 (a 调休 weekend day worked), and the holiday's name.
"""

import datetime
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from openpyxl import load_workbook

from qinqing.cases import calendar
from qinqing.cases.holiday_models import HolidayDay, HolidayYear, day_problems
from qinqing.cases.models import Case, CaseEvent, StateKind, TimeLimit
from qinqing.core import audit
from qinqing.core.services import Forbidden, InvalidInput

# The deadlines still running: cases answered or closed keep the deadlines they had.
RECOMPUTED_KINDS = (StateKind.OPEN, StateKind.IN_PROGRESS)

DAY_OFF_WORDS = {"放假", "休", "休息", "假", "holiday", "rest", "off"}
WORKING_WORDS = {"上班", "班", "调休上班", "补班", "workday", "work"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")

# The .xlsx layout: notice details above the table, one per line, then the table.
XLSX_DETAILS = {
    "年份": "year",
    "通知标题": "notice_title",
    "文号": "notice_number",
    "发布日期": "notice_date",
}
XLSX_HEADERS = ("日期", "类型", "节日")
NAME_LENGTH = HolidayDay._meta.get_field("name").max_length
LABELS = {
    "year": "年份",
    "notice_title": "通知标题",
    "notice_number": "文号",
    "notice_date": "发布日期",
    "days": "日期",
}


@dataclass
class DayEntry:
    """One line of a notice as given: values are still raw text (or cell values)."""

    date: object
    kind: object  # 放假 / 上班, or a bool "is a working day"
    name: object
    where: str = ""  # how to point at it in a message: 第7行, 第3条


@dataclass
class Notice:
    year: object
    days: list[DayEntry]
    notice_title: str = ""
    notice_number: str = ""
    notice_date: object = None


def do_enter_holiday_notice(
    actor,
    year,
    days: list[DayEntry],
    *,
    notice_title: str = "",
    notice_number: str = "",
    notice_date=None,
    source: str = HolidayYear.Source.FILE,
) -> tuple[HolidayYear, int]:
    """Put a year's notice in force (replacing any earlier entry) and recompute deadlines.

    ``actor`` None is the platform (the management command). All or nothing:
    any bad line refuses the whole notice with every line's problem named.
    Returns the year and how many cases' deadlines moved.
    """
    if actor is not None and not actor.has_perm("cases.change_holidayyear"):
        raise Forbidden("cases.change_holidayyear")
    year, rows, issued_on = _validated(year, days, notice_date, notice_title, notice_number)
    with transaction.atomic(), audit.acting_as(actor):
        holiday_year, _ = HolidayYear.objects.select_for_update().get_or_create(year=year)
        before = sorted(holiday_year.days.values_list("date", "is_working_day", "name"))
        holiday_year.status = HolidayYear.Status.OFFICIAL
        holiday_year.source = source
        holiday_year.notice_title = (
            _text(notice_title) or f"国务院办公厅关于{year}年部分节假日安排的通知"
        )
        holiday_year.notice_number = _text(notice_number)
        holiday_year.notice_date = issued_on
        holiday_year.updated_by = actor
        holiday_year.save()
        holiday_year.days.all().delete()
        HolidayDay.objects.bulk_create(
            HolidayDay(holiday_year=holiday_year, date=d, is_working_day=w, name=n)
            for d, w, n in rows
        )
        audit.record_event(
            actor,
            holiday_year,
            "holiday_notice_entered",
            changes={"days": [_describe(before), _describe(sorted(rows))]},
            notice_title=holiday_year.notice_title,
        )
        moved = notice_changed(actor, year)
    return holiday_year, moved


def load_notice_file(actor, filename: str, content: bytes) -> tuple[HolidayYear, int]:
    """Enter the notice in a .xlsx or .json file (the admin upload and the command)."""
    notice = read_notice_file(filename, content)
    return do_enter_holiday_notice(
        actor,
        notice.year,
        notice.days,
        notice_title=notice.notice_title,
        notice_number=notice.notice_number,
        notice_date=notice.notice_date,
        source=HolidayYear.Source.FILE,
    )


def notice_changed(actor, year: int) -> int:
    """After a year's holidays changed (entered, edited, deleted): recompute its deadlines."""
    calendar.clear_cache()
    transaction.on_commit(calendar.clear_cache)
    return recompute_deadlines(year, actor)


def recompute_deadlines(year: int, actor=None, *, now: datetime.datetime | None = None) -> int:
    """Count again the deadlines of open cases whose window reaches into ``year``.

    Each case's deadlines are counted from its ``created_at`` by its type's time
    limit for its priority. A due date set by an approved extension stays (only
    the response deadline is counted again). Each update is conditional on the
    deadlines read, so a case that moved meanwhile is left alone. Returns how
    many cases changed; each change is audited as "deadline_recomputed".
    """
    now = now or timezone.now()
    begins = _at(datetime.date(year, 1, 1))
    ends = _at(datetime.date(year + 1, 1, 1))
    extended = CaseEvent.objects.filter(case=OuterRef("pk"), transition="approve_extension")
    candidates = (
        Case.objects.filter(kind__in=RECOMPUTED_KINDS, created_at__lt=ends)
        .filter(Q(due_at__gte=begins) | Q(respond_due_at__gte=begins))
        .annotate(extended=Exists(extended))
        .order_by("pk")
    )
    limits = {(t.case_type_id, t.priority): t for t in TimeLimit.objects.all()}
    working = calendar.current()
    moved = 0
    for case in candidates.iterator(chunk_size=500):
        limit = limits.get((case.case_type_id, case.priority))
        if limit is None:
            continue
        new = {"respond_due_at": working.add_working_hours(case.created_at, limit.respond_hours)}
        if not case.extended:
            new["due_at"] = working.add_working_days(case.created_at, limit.resolve_days)
        changes = {
            name: [_iso(getattr(case, name)), _iso(value)]
            for name, value in new.items()
            if getattr(case, name) != value
        }
        if not changes:
            continue
        updates = {name: new[name] for name in changes}
        if "due_at" in changes:
            # A new due date earns a new 催办 and, if it passes, a new escalation.
            updates.update(reminded_at=None, escalated_at=None)
        with transaction.atomic():
            if not Case.objects.filter(
                pk=case.pk,
                kind__in=RECOMPUTED_KINDS,
                due_at=case.due_at,
                respond_due_at=case.respond_due_at,
            ).update(updated_at=now, **updates):
                continue
            audit.record_event(actor, case, "deadline_recomputed", changes=changes, year=year)
        moved += 1
    return moved


def read_notice_file(filename: str, content: bytes) -> Notice:
    """A notice from a .xlsx or .json file; lines are checked when the notice is entered."""
    suffix = Path(filename).suffix.lower()
    if not content:
        raise _bad_file("文件是空的")
    if suffix == ".json":
        return _read_json(content)
    if suffix == ".xlsx":
        return _read_xlsx(content)
    raise _bad_file(f"不支持“{suffix or '无扩展名'}”文件，只能导入 .xlsx 或 .json 文件")


def _read_json(content: bytes) -> Notice:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad_file(f"不是有效的 JSON 文件（{exc}）") from exc
    if not isinstance(data, dict) or not isinstance(data.get("days"), list):
        raise _bad_file('JSON 文件应为一个对象，含 "year" 和 "days"（日期列表）')
    days = []
    for number, item in enumerate(data["days"], start=1):
        if not isinstance(item, dict):
            item = {"date": item}
        kind = item.get("type", item.get("is_working_day"))
        days.append(DayEntry(item.get("date"), kind, item.get("name"), f"第{number}条"))
    return Notice(
        year=data.get("year"),
        days=days,
        notice_title=str(data.get("notice_title") or ""),
        notice_number=str(data.get("notice_number") or ""),
        notice_date=data.get("notice_date"),
    )


def _read_xlsx(content: bytes) -> Notice:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise _bad_file("无法读取该 .xlsx 文件：文件已损坏，或不是 Excel 文件") from exc
    try:
        lines = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    details: dict[str, object] = {}
    days: list[DayEntry] = []
    problems: list[str] = []
    in_table = False
    for number, cells in enumerate(lines, start=1):
        cells = list(cells) + [None] * 3
        if not any(_text(c) for c in cells):
            continue
        first = _text(cells[0])
        if not in_table:
            if first == XLSX_HEADERS[0]:
                in_table = True
            elif first in XLSX_DETAILS:
                details[XLSX_DETAILS[first]] = cells[1]
            else:
                problems.append(
                    f"第{number}行：无法识别“{first}”。表格上方只能写"
                    f"{'、'.join(XLSX_DETAILS)}，日期表以“日期、类型、节日”表头开始"
                )
            continue
        days.append(DayEntry(cells[0], cells[1], cells[2], f"第{number}行"))
    if not in_table:
        problems.append("没有找到日期表：应有一行表头“日期、类型、节日”，日期从其下一行起")
    if problems:
        raise InvalidInput({"file": problems}, {"file": "文件"})
    return Notice(
        year=details.get("year"),
        days=days,
        notice_title=_text(details.get("notice_title")),
        notice_number=_text(details.get("notice_number")),
        notice_date=details.get("notice_date"),
    )


def template_xlsx(year: int) -> bytes:
    """An empty notice sheet in the layout ``read_notice_file`` expects (for the admin)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}年节假日安排"
    sheet.append(["年份", year])
    sheet.append(["通知标题", f"国务院办公厅关于{year}年部分节假日安排的通知"])
    sheet.append(["文号", ""])
    sheet.append(["发布日期", ""])
    sheet.append([])
    sheet.append(list(XLSX_HEADERS))
    sheet.append([f"{year}-01-01", "放假", "元旦"])
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 48
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- validation --------------------------------------------------------------


def _validated(year, days, notice_date, notice_title, notice_number):
    """(year, [(date, is_working_day, name)], notice date) or InvalidInput naming each line."""
    errors: dict[str, list[str]] = {}
    for name, value in (("notice_title", notice_title), ("notice_number", notice_number)):
        limit = HolidayYear._meta.get_field(name).max_length
        if len(_text(value)) > limit:
            errors[name] = [f"最多 {limit} 个字，现有 {len(_text(value))} 个字"]
    parsed_year = _parse_year(year)
    if parsed_year is None:
        errors["year"] = [f"“{_text(year) or '（空）'}”不是有效年份，应为四位数字，如 2027"]
    issued_on = None
    if _text(notice_date):
        issued_on = _parse_date(notice_date)
        if issued_on is None:
            errors["notice_date"] = [f"“{_text(notice_date)}”无法识别，应写成 2026-11-12"]
    rows, problems, seen = [], [], {}
    for number, entry in enumerate(days, start=1):
        where = entry.where or f"第{number}条"
        line = []
        day = _parse_date(entry.date)
        if day is None:
            line.append(
                f"日期“{_text(entry.date) or '（空）'}”无法识别，应写成 {parsed_year or 2027}-01-01"
            )
        is_working = _parse_kind(entry.kind)
        if is_working is None:
            line.append(f"类型“{_text(entry.kind) or '（空）'}”应为“放假”或“上班”")
        name = _text(entry.name)
        if not name:
            line.append("请填写节日名称，如“春节”")
        elif len(name) > NAME_LENGTH:
            line.append(f"节日名称最多 {NAME_LENGTH} 个字")
        if day is not None:
            line.extend(day_problems(day, bool(is_working), parsed_year))
            if day in seen:
                line.append(f"日期 {day:%Y-%m-%d} 重复（{seen[day]}已有）")
            seen.setdefault(day, where)
        if line:
            problems.append(f"{where}：{'；'.join(line)}")
        else:
            rows.append((day, is_working, name))
    if not days:
        problems.append("没有任何日期：请按通知逐日填写放假日期和调休上班日期")
    if problems:
        errors["days"] = problems
    if errors:
        raise InvalidInput(errors, LABELS)
    return parsed_year, rows, issued_on


def _parse_year(value) -> int | None:
    text = _text(value)
    if not (text.isdigit() and len(text) == 4):
        return None
    year = int(text)
    return year if 2000 <= year <= 2099 else None


def _parse_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _parse_kind(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in DAY_OFF_WORDS:
        return False
    if text in WORKING_WORDS:
        return True
    return None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else str(value)
    return str(value).strip()


def _describe(rows) -> list[str]:
    return [f"{day:%Y-%m-%d} {name}{'上班' if working else '放假'}" for day, working, name in rows]


def _iso(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(0)))


def _bad_file(message: str) -> InvalidInput:
    return InvalidInput({"file": [message]}, {"file": "文件"})
