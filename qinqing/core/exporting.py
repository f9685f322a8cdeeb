"""Excel export. Personal data is exported masked unless the caller unmasked it.

Text is always written as text: a cell whose text starts like a formula
(``=``, ``+``, ``-``, ``@``, tab, CR) is stored as a string cell with Excel's
quote prefix, so neither Excel nor LibreOffice evaluates it — not on opening,
and not when someone edits the cell later (formula injection, CWE-1236).
"""

import datetime
import itertools
import unicodedata
from collections.abc import Iterable
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Column widths are measured on the first rows (a write-only sheet takes its
# widths before its rows) and kept between these bounds, in characters.
WIDTH_SAMPLE_ROWS = 500
MIN_WIDTH, MAX_WIDTH = 8, 60
DATETIME_WIDTH = 17


def workbook_bytes(headers: list[str], rows: Iterable[Iterable], title: str = "Sheet1") -> bytes:
    """A one-sheet .xlsx: a bold, frozen header row, then the rows as given."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    rows = iter(rows)
    sample = [[_value(value) for value in row] for row in itertools.islice(rows, WIDTH_SAMPLE_ROWS)]
    for index, width in enumerate(_widths(headers, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    sheet.append([_cell(sheet, header, font=bold) for header in headers])
    for row in sample:
        sheet.append([_cell(sheet, value) for value in row])
    for row in rows:
        sheet.append([_cell(sheet, _value(value)) for value in row])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, headers: list[str], rows: Iterable[Iterable]) -> HttpResponse:
    """Download response; ``filename`` without extension, a date is appended."""
    stamp = timezone.localdate().strftime("%Y%m%d")
    name = f"{filename}-{stamp}.xlsx"
    response = HttpResponse(workbook_bytes(headers, rows, title=filename), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _value(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return ""
    return value


def _cell(sheet, value, font=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # openpyxl makes any text starting with "=" a formula; text is text.
        cell.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell


def _display_width(value) -> int:
    if isinstance(value, datetime.datetime):
        return DATETIME_WIDTH
    text = str(value)
    # CJK characters take two columns.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _widths(headers: list[str], sample: list[list]) -> list[int]:
    widths = []
    for index, header in enumerate(headers):
        widest = max(
            [_display_width(header)]
            + [_display_width(row[index]) for row in sample if index < len(row)]
        )
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, widest + 2)))
    return widths
