"""Importing a year's 亩均 indicators through the import framework: all or nothing,
errors by row and column, graded in the same step."""

from io import BytesIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from qinqing.core import importing
from qinqing.core.models import ImportJob
from qinqing.core.models.imports import ImportMode, ImportStatus
from qinqing.core.services import InvalidInput
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


def import_year(user, content, year=2025, mode=ImportMode.ALL_OR_NOTHING) -> ImportJob:
    return importing.do_start_import(
        user,
        kind="indicators",
        filename=f"{year}.xlsx",
        content=content,
        mode=mode,
        params={"year": year},
    )


def errors_of(job) -> set[tuple]:
    return {(e["row"], e["column"], e["message"]) for e in job.errors}


@pytest.fixture
def good_rows(enterprise, other_enterprise):
    return [
        [enterprise.credit_code, "是", 42.5, 600, 3000, 12000, 900, None, 300, 120, None],
        [other_enterprise.credit_code, "否", 10, 50, None, None, None, None, None, None, 40],
    ]


def test_a_clean_file_imports_every_row_and_grades_the_year(users, good_rows, enterprise):
    job = import_year(users["admin"], xlsx(good_rows))

    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert (job.created_count, job.updated_count) == (2, 0)
    row = IndicatorYear.objects.get(enterprise=enterprise, year=2025)
    assert row.above_scale and row.tax == 600 and row.emissions is None
    assert GradeResult.objects.filter(year=2025).count() == 2


def test_one_bad_row_imports_nothing_and_names_row_column_and_reason(users, good_rows):
    good_rows[1][2] = -3  # negative land area
    good_rows[0][3] = "六百"  # text in a number column

    job = import_year(users["admin"], xlsx(good_rows))

    assert job.status == ImportStatus.REJECTED
    assert errors_of(job) == {
        (2, "税收（万元）", "应为数字，实际为“六百”"),
        (3, "用地面积（亩）", "不能为负数"),
    }
    assert not IndicatorYear.objects.exists()
    assert not GradeResult.objects.exists()


def test_a_missing_required_column_is_reported_before_any_row(users, good_rows):
    headers = [h for h in HEADERS if h != "用地面积（亩）"]
    rows = [r[:2] + r[3:] for r in good_rows]

    job = import_year(users["admin"], xlsx(rows, headers))

    assert job.status == ImportStatus.REJECTED
    assert errors_of(job) == {
        (1, "用地面积（亩）", "缺少必需的列：用地面积（亩）；请使用下载的导入模板，第1行为表头")
    }


def test_above_scale_rows_need_their_extra_indicators(users, good_rows):
    good_rows[0][4] = None  # 工业增加值

    job = import_year(users["admin"], xlsx(good_rows))

    assert errors_of(job) == {(2, "工业增加值（万元）", "必填")}


def test_a_row_without_scale_or_credit_code_is_an_error_not_a_crash(users, good_rows):
    good_rows[0][1] = None
    good_rows[1][0] = None

    job = import_year(users["admin"], xlsx(good_rows))

    assert job.status == ImportStatus.REJECTED
    assert errors_of(job) == {(2, "规上企业", "必填"), (3, "统一社会信用代码", "必填")}


def test_an_unregistered_or_repeated_enterprise_is_named(users, good_rows):
    good_rows[0][0] = "91110000600037341L"
    good_rows.append(list(good_rows[1]))

    job = import_year(users["admin"], xlsx(good_rows))

    assert errors_of(job) == {
        (2, "统一社会信用代码", "企业未登记，请先在企业库中登记"),
        (4, "统一社会信用代码", "与第3行重复"),
    }


def test_importing_a_year_again_replaces_it(users, good_rows, enterprise):
    import_year(users["admin"], xlsx(good_rows))
    good_rows[0][3] = 800

    again = import_year(users["admin"], xlsx(good_rows[:1]))

    assert (again.created_count, again.updated_count) == (0, 1)
    assert list(IndicatorYear.objects.filter(year=2025).values_list("tax", flat=True)) == [800]
    assert GradeResult.objects.filter(year=2025).count() == 1


def test_indicators_cannot_be_imported_row_by_row(users, good_rows):
    with pytest.raises(InvalidInput) as refused:
        import_year(users["admin"], xlsx(good_rows), mode=ImportMode.VALID_ONLY)

    assert "全部正确才导入" in refused.value.summary
    assert not ImportJob.objects.exists()


def test_the_year_is_required(users, good_rows):
    with pytest.raises(InvalidInput) as refused:
        importing.do_start_import(
            users["admin"], kind="indicators", filename="指标.xlsx", content=xlsx(good_rows)
        )

    assert refused.value.summary == "年度：必填"


def test_the_template_download_holds_the_indicator_columns(users):
    response = client_for(users["staff"]).get(reverse("import-template", args=["indicators"]))

    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADERS


def test_the_grading_page_imports_grades_and_shows_errors_instead_of_grading(users, good_rows):
    client = client_for(users["staff"])
    bad = [list(good_rows[0]), list(good_rows[1])]
    bad[1][2] = "abc"
    upload = BytesIO(xlsx(bad))
    upload.name = "2025.xlsx"
    response = client.post("/station/grading/import/", {"year": 2025, "file": upload}, follow=True)
    page = response.content.decode()
    assert "第3行" in page and "应为数字，实际为“abc”" in page
    assert "下载错误报告" in page
    assert not GradeResult.objects.exists()

    upload = BytesIO(xlsx(good_rows))
    upload.name = "2025.xlsx"
    response = client.post("/station/grading/import/", {"year": 2025, "file": upload}, follow=True)
    page = response.content.decode()
    assert "全部导入成功" in page
    assert 'href="/station/grading/?year=2025"' in page
    assert GradeResult.objects.filter(year=2025).count() == 2
    page = client.get("/station/grading/?year=2025").content.decode()
    assert "竹马水泥建材有限公司" in page


def test_an_unreadable_file_on_the_grading_page_is_named_without_a_job(users):
    upload = BytesIO(b"not a workbook")
    upload.name = "2025.xlsx"

    response = client_for(users["staff"]).post(
        "/station/grading/import/", {"year": 2025, "file": upload}, follow=True
    )

    assert "无法读取该 .xlsx 文件" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_large_indicator_file_is_graded_in_the_task_worker(users, good_rows, settings):
    settings.QINQING_IMPORT_BACKGROUND_ROWS = 1

    job = import_year(users["staff"], xlsx(good_rows))

    assert job.status == ImportStatus.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay")
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert GradeResult.objects.filter(year=2025).count() == 2
