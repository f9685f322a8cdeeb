"""Excel export. Personal data is exported masked unless the caller unmasked it."""

import datetime
from collections.abc import Iterable
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(headers: list[str], rows: Iterable[Iterable], title: str = "Sheet1") -> bytes:
    """A one-sheet .xlsx: a bold header row, then the rows as given."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    widths = [max(8, len(h) * 2 + 2) for h in headers]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append(headers)
    for row in rows:
        sheet.append([_cell(value) for value in row])
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


def _cell(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return ""
    return value
