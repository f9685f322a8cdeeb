"""Importing a year's 亩均 indicators: all or nothing, errors by row and column."""

from io import BytesIO

import pytest
from openpyxl import Workbook

from qinqing.enterprise.indicators import IndicatorFileRejected, do_import_indicators
from qinqing.enterprise.models import GradeResult, IndicatorYear
from tests.conftest import client_for

HEADERS = [
    "统一社会信用代码",
    "规上企业",
    "用地面积（亩）",
    "税收（万元）",
    "工业增加值（万元）",
    "营业收入（万元）",
    "综合能耗（吨标煤）",
    "主要污染物排放（吨）",
    "研发经费（万元）",
    "年平均职工人数",
    "用电量（万千瓦时）",
]


def xlsx(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def good_rows(enterprise, other_enterprise):
    return [
        [enterprise.credit_code, "是", 42.5, 600, 3000, 12000, 900, None, 300, 120, None],
        [other_enterprise.credit_code, "否", 10, 50, None, None, None, None, None, None, 40],
    ]


def test_a_clean_file_imports_every_row(users, good_rows, enterprise):
    assert do_import_indicators(users["admin"], 2025, xlsx(good_rows)) == 2
    row = IndicatorYear.objects.get(enterprise=enterprise, year=2025)
    assert row.above_scale and row.tax == 600 and row.emissions is None


def test_one_bad_row_imports_nothing_and_names_row_column_and_reason(users, good_rows):
    good_rows[1][2] = -3  # negative land area
    good_rows[0][3] = "六百"  # text in a number column
    with pytest.raises(IndicatorFileRejected) as excinfo:
        do_import_indicators(users["admin"], 2025, xlsx(good_rows))
    assert {(e["row"], e["column"], e["message"]) for e in excinfo.value.errors} == {
        (2, "税收（万元）", "应为数字，实际为“六百”"),
        (3, "用地面积（亩）", "不能为负数"),
    }
    assert not IndicatorYear.objects.exists()


def test_a_missing_required_column_is_reported_before_any_row(users, good_rows):
    headers = [h for h in HEADERS if h != "用地面积（亩）"]
    rows = [r[:2] + r[3:] for r in good_rows]
    with pytest.raises(IndicatorFileRejected) as excinfo:
        do_import_indicators(users["admin"], 2025, xlsx(rows, headers))
    assert excinfo.value.errors == [
        {"row": 1, "column": "用地面积（亩）", "message": "缺少必需的列：用地面积（亩）"}
    ]


def test_above_scale_rows_need_their_extra_indicators(users, good_rows):
    good_rows[0][4] = None  # 工业增加值
    with pytest.raises(IndicatorFileRejected) as excinfo:
        do_import_indicators(users["admin"], 2025, xlsx(good_rows))
    assert excinfo.value.errors == [{"row": 2, "column": "工业增加值（万元）", "message": "必填"}]


def test_an_unregistered_enterprise_is_named(users, good_rows):
    good_rows[0][0] = "91110000600037341L"
    with pytest.raises(IndicatorFileRejected) as excinfo:
        do_import_indicators(users["admin"], 2025, xlsx(good_rows))
    assert excinfo.value.errors[0]["message"] == "企业未登记，请先在企业库中登记"


def test_the_grading_page_imports_grades_and_shows_errors_instead_of_grading(users, good_rows):
    client = client_for(users["staff"])
    bad = [list(good_rows[0]), list(good_rows[1])]
    bad[1][2] = "abc"
    upload = BytesIO(xlsx(bad))
    upload.name = "2025.xlsx"
    response = client.post("/station/grading/import/", {"year": 2025, "file": upload})
    assert response.status_code == 422
    assert "第3行" in response.content.decode()
    assert not GradeResult.objects.exists()

    upload = BytesIO(xlsx(good_rows))
    upload.name = "2025.xlsx"
    response = client.post("/station/grading/import/", {"year": 2025, "file": upload})
    assert response.status_code == 302
    assert GradeResult.objects.filter(year=2025).count() == 2
    page = client.get("/station/grading/?year=2025").content.decode()
    assert "竹马水泥建材有限公司" in page
