"""Importing enterprises and people from .xlsx and .csv files."""

import csv
import datetime
import io
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from qinqing.core import audit, crypto, importing
from qinqing.core.models import (
    ApiToken,
    Department,
    Enterprise,
    ImportJob,
    Notification,
    Person,
    Region,
)
from qinqing.core.models.imports import ImportMode, ImportStatus
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.core.synthetic import make_credit_code, make_id_number
from tests.conftest import client_for

PEOPLE_HEADERS = ["姓名", "身份证号", "手机号", "所属区划代码"]
ENTERPRISE_HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "行业代码",
    "所属区划代码",
    "用地面积（亩）",
    "从业人数",
    "规上企业",
    "地址",
]
ZHUMA, BAIBU = "330702202", "330424102"


def xlsx(headers, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_file(headers, rows, encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def id_number(sequence: int, area: str = "330702") -> str:
    return make_id_number(area, datetime.date(1980, 1, 1) + datetime.timedelta(days=sequence), 11)


def with_wrong_check_digit(number: str) -> tuple[str, str]:
    """The number with a wrong last character, and the right one."""
    right = number[-1]
    wrong = "1" if right != "1" else "2"
    return number[:-1] + wrong, right


def start(user, content, *, kind="people", filename="人员.xlsx", mode=ImportMode.ALL_OR_NOTHING):
    return importing.do_start_import(user, kind=kind, filename=filename, content=content, mode=mode)


def stored_id_column(person: Person) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM core_person WHERE id = %s", [person.pk])
        return cursor.fetchone()[0]


def api_client(user):
    _token, key = ApiToken.issue(user, "导入测试")
    return client_for(user), {"HTTP_AUTHORIZATION": f"Bearer {key}"}


# --- clean imports --------------------------------------------------------------------


def test_a_clean_workbook_of_people_imports_every_row_encrypted_and_findable(users, regions):
    first, second = id_number(1), id_number(2)
    content = xlsx(
        PEOPLE_HEADERS,
        [["张三", first, "13800001111", ZHUMA], ["李四", second, 13900002222, int(ZHUMA)]],
    )

    job = start(users["admin"], content)

    assert job.status == ImportStatus.SUCCEEDED
    assert (job.created_count, job.updated_count, job.errors) == (2, 0, [])
    zhang = Person.objects.get(id_number_hash=crypto.lookup_hash(first))
    assert (zhang.name, zhang.id_number, zhang.phone) == ("张三", first, "13800001111")
    assert zhang.region == regions["zhuma"]
    li = Person.objects.get(id_number_hash=crypto.lookup_hash(second))
    assert (li.name, li.phone) == ("李四", "13900002222")
    raw = stored_id_column(zhang)
    assert first not in raw and raw != first
    assert audit.entries_for(zhang).first().actor == users["admin"]
    notice = Notification.objects.get(recipient=users["admin"], kind="import.finished")
    assert "新增 2 条" in notice.body


def test_a_clean_workbook_of_enterprises_imports_every_value(users, regions):
    code = make_credit_code("330702", 5001)
    content = xlsx(
        # Spaces around a header and half-width brackets are tolerated.
        [" 企业名称 ", *ENTERPRISE_HEADERS[1:4], "用地面积(亩)", *ENTERPRISE_HEADERS[5:]],
        [["竹马新材料有限公司", code, "C3011", ZHUMA, 12.5, 120.0, "是", "竹马乡工业区8号"]],
    )

    job = start(users["admin"], content, kind="enterprises", filename="企业.xlsx")

    assert job.status == ImportStatus.SUCCEEDED, job.errors
    company = Enterprise.objects.get(credit_code=code)
    assert company.name == "竹马新材料有限公司"
    assert company.industry_code == "3011"
    assert company.region == regions["zhuma"]
    assert company.land_area_mu == Decimal("12.50")
    assert company.employees == 120
    assert company.above_scale is True
    assert company.address == "竹马乡工业区8号"


# --- bad rows ----------------------------------------------------------------------------


def test_one_bad_row_in_all_or_nothing_mode_imports_nothing_and_says_where_and_why(users):
    bad, right = with_wrong_check_digit(id_number(2))
    content = xlsx(
        PEOPLE_HEADERS,
        [
            ["张三", id_number(1), "", ZHUMA],
            ["李四", bad, "", ZHUMA],
            ["王五", id_number(3), "", ZHUMA],
        ],
    )

    job = start(users["admin"], content)

    assert job.status == ImportStatus.REJECTED
    assert job.created_count == 0
    assert not Person.objects.filter(name__in=["张三", "李四", "王五"]).exists()
    assert job.errors == [
        {
            "row": 3,
            "column": "身份证号",
            "value": bad[:6] + "********" + bad[-4:],
            "message": f"身份证号校验位错误，应为 {right}",
        }
    ]


def test_valid_only_mode_imports_the_good_rows_and_reports_the_bad_ones(users):
    bad, _right = with_wrong_check_digit(id_number(2))
    content = xlsx(
        PEOPLE_HEADERS,
        [
            ["张三", id_number(1), "", ZHUMA],
            ["李四", bad, "", ZHUMA],
            ["王五", id_number(3), "12345", ZHUMA],
            ["赵六", id_number(4), "", "999999"],
            ["钱七", id_number(5), "", ZHUMA],
        ],
    )

    job = start(users["admin"], content, mode=ImportMode.VALID_ONLY)

    assert job.status == ImportStatus.SUCCEEDED
    assert job.created_count == 2
    assert set(Person.objects.filter(name__in=["张三", "钱七"]).values_list("name", flat=True)) == {
        "张三",
        "钱七",
    }
    assert not Person.objects.filter(name__in=["李四", "王五", "赵六"]).exists()
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "身份证号"),
        (4, "手机号"),
        (5, "所属区划代码"),
    ]
    assert job.errors[1]["message"] == "手机号应为11位，实际为5位"
    assert job.errors[2]["message"] == "区划代码不存在或不是县/乡镇级区划"


def test_an_id_number_stored_by_excel_as_a_number_is_reported_as_lost_digits(users):
    number = id_number(1)
    content = xlsx(PEOPLE_HEADERS, [["张三", int(number), "", ZHUMA]])

    job = start(users["admin"], content)

    assert job.status == ImportStatus.REJECTED
    (error,) = job.errors
    assert (error["row"], error["column"]) == (2, "身份证号")
    assert "被存成了数字" in error["message"] and "文本" in error["message"]
    assert number not in error["value"]


def test_a_file_missing_required_columns_imports_nothing_and_names_the_columns(users):
    content = xlsx(["姓名", "手机号"], [["张三", "13800001111"]])

    job = start(users["admin"], content)

    assert job.status == ImportStatus.REJECTED
    assert job.errors == [
        {
            "row": 1,
            "column": "身份证号、所属区划代码",
            "value": "",
            "message": "缺少必需的列：身份证号、所属区划代码；请使用下载的导入模板，第1行为表头",
        }
    ]
    assert not Person.objects.filter(name="张三").exists()


def test_unknown_columns_are_ignored_and_mentioned_on_the_result_page(users):
    content = xlsx([*PEOPLE_HEADERS, "备注"], [["张三", id_number(1), "", ZHUMA, "老党员"]])

    job = start(users["admin"], content)

    assert job.status == ImportStatus.SUCCEEDED
    page = client_for(users["admin"]).get(reverse("import-detail", args=[job.pk]))
    assert "已忽略：备注" in page.content.decode()


def test_the_same_credit_code_twice_in_a_file_is_an_error_on_the_later_row(users):
    code = make_credit_code("330702", 5002)
    row = ["企业甲", code, "3011", ZHUMA, "", "", "否", ""]
    content = xlsx(ENTERPRISE_HEADERS, [row, ["企业乙", "3011"], [*row[:1], "", *row[2:]], row])

    job = start(users["admin"], content, kind="enterprises", filename="企业.xlsx")

    assert job.status == ImportStatus.REJECTED
    duplicate = [e for e in job.errors if e["row"] == 5]
    assert duplicate == [
        {
            "row": 5,
            "column": "统一社会信用代码",
            "value": code,
            "message": "与第2行的统一社会信用代码重复，同一统一社会信用代码只能出现一次",
        }
    ]


def test_the_same_id_number_twice_in_a_file_is_an_error_on_the_later_row(users):
    number = id_number(1)
    content = xlsx(PEOPLE_HEADERS, [["张三", number, "", ZHUMA], ["张三", number, "", ZHUMA]])

    job = start(users["admin"], content, mode=ImportMode.VALID_ONLY)

    assert job.created_count == 1
    (error,) = job.errors
    assert (error["row"], error["column"]) == (3, "身份证号")
    assert error["message"].startswith("与第2行的身份证号重复")


# --- updates -------------------------------------------------------------------------------


def test_reimporting_updates_enterprises_and_people_instead_of_duplicating(
    users, enterprise, person, regions
):
    enterprises = xlsx(
        ENTERPRISE_HEADERS,
        [[enterprise.name, enterprise.credit_code, "3011", ZHUMA, 50, 200, "是", "新地址"]],
    )
    people = xlsx(["姓名", "身份证号", "所属区划代码"], [["蔡老先生", person.id_number, BAIBU]])

    first = start(users["admin"], enterprises, kind="enterprises", filename="企业.xlsx")
    again = start(users["admin"], enterprises, kind="enterprises", filename="企业.xlsx")
    people_job = start(users["admin"], people)

    assert (first.created_count, first.updated_count) == (0, 1)
    assert (again.created_count, again.updated_count) == (0, 1)
    assert Enterprise.objects.filter(credit_code=enterprise.credit_code).count() == 1
    enterprise.refresh_from_db()
    assert (enterprise.employees, enterprise.land_area_mu) == (200, Decimal("50"))
    assert enterprise.address == "新地址"
    assert (people_job.created_count, people_job.updated_count) == (0, 1)
    person.refresh_from_db()
    assert person.name == "蔡老先生"
    # The file had no phone column: the stored phone number is kept.
    assert person.phone == "13812345678"
    assert Person.objects.filter(id_number_hash=person.id_number_hash).count() == 1


# --- encodings and typing ------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_csv_files_from_excel_in_gbk_or_utf8_with_bom_import(users, encoding):
    number = id_number(7)
    content = csv_file(PEOPLE_HEADERS, [["欧阳娜娜", number, "13800001111", ZHUMA]], encoding)

    job = start(users["admin"], content, filename="人员.csv")

    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert Person.objects.get(id_number_hash=crypto.lookup_hash(number)).name == "欧阳娜娜"


def test_full_width_digits_and_brackets_are_normalised(users, regions):
    number = id_number(8)
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    content = csv_file(
        ["姓名", "身份证号", "手机号", "所属区划代码"],
        [["张三", full_width, "１３８ ０００１ １１１１", "３３０７０２２０２"]],
        "utf-8",
    )

    job = start(users["admin"], content, filename="人员.csv")

    assert job.status == ImportStatus.SUCCEEDED, job.errors
    person = Person.objects.get(id_number_hash=crypto.lookup_hash(number))
    assert (person.id_number, person.phone) == (number, "13800011111")
    assert person.region == regions["zhuma"]


# --- bad files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("人员.xls", b"\xd0\xcf\x11\xe0", "只能导入 .xlsx 或 .csv 文件"),
        ("人员.xlsx", b"not a workbook", "无法读取该 .xlsx 文件"),
        ("人员.csv", b"", "文件是空的"),
        ("人员.csv", "姓名,身份证号\n".encode(), "文件中没有数据"),
    ],
)
def test_an_unreadable_or_empty_file_is_refused_with_a_chinese_message(
    users, filename, content, message
):
    with pytest.raises(InvalidInput) as refused:
        start(users["admin"], content, filename=filename)

    assert message in refused.value.summary
    assert not ImportJob.objects.exists()


def test_the_api_answers_422_with_a_chinese_message_for_a_bad_file(users):
    client, auth = api_client(users["staff"])

    response = client.post(
        "/api/v1/imports",
        {"kind": "people", "file": SimpleUploadedFile("人员.xlsx", b"garbage")},
        **auth,
    )

    assert response.status_code == 422
    assert "无法读取该 .xlsx 文件" in response.json()["detail"]


# --- background imports ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_large_file_runs_in_the_task_worker_with_its_progress_visible(users, settings):
    settings.QINQING_IMPORT_BACKGROUND_ROWS = 150
    rows = [[f"居民{i}", id_number(i), "", ZHUMA] for i in range(250)]
    client, auth = api_client(users["staff"])

    response = client.post(
        "/api/v1/imports",
        {
            "kind": "people",
            "mode": "all",
            "file": SimpleUploadedFile("人员.xlsx", xlsx(PEOPLE_HEADERS, rows)),
        },
        **auth,
    )

    assert response.status_code == 201
    job_id = response.json()["id"]
    assert response.json()["status"] == "queued"
    assert not Person.objects.filter(name__startswith="居民").exists()
    page = client.get(reverse("import-detail", args=[job_id]))
    assert 'hx-trigger="every 1s"' in page.content.decode()
    assert "已处理 0 / 250 行" in page.content.decode()

    with CaptureQueriesContext(connection) as queries:
        call_command("db_worker", "--batch", "--no-startup-delay")

    progress_updates = [
        q["sql"]
        for q in queries
        if "core_importjob" in q["sql"] and '"processed_rows" = 100' in q["sql"]
    ]
    assert progress_updates, "progress was not written while rows were checked"
    status = client.get(f"/api/v1/imports/{job_id}", **auth).json()
    assert status["status"] == "succeeded"
    assert (status["processed_rows"], status["progress_percent"]) == (250, 100)
    assert status["created_count"] == 250
    assert Person.objects.filter(name__startswith="居民").count() == 250
    finished = client.get(reverse("import-detail", args=[job_id]), headers={"HX-Request": "true"})
    assert "hx-trigger" not in finished.content.decode()
    assert "全部导入成功" in finished.content.decode()


def test_a_small_file_is_done_by_the_time_the_upload_answers(users):
    client, auth = api_client(users["staff"])

    response = client.post(
        "/api/v1/imports",
        {
            "kind": "people",
            "file": SimpleUploadedFile(
                "人员.xlsx", xlsx(PEOPLE_HEADERS, [["张三", id_number(1), "", ZHUMA]])
            ),
        },
        **auth,
    )

    assert response.status_code == 201
    assert response.json()["status"] == "succeeded"
    assert response.json()["created_count"] == 1


# --- pages -------------------------------------------------------------------------------------


def test_staff_upload_a_filled_in_template_on_the_page_and_see_the_result(users, regions):
    client = client_for(users["staff"])
    template = client.get(reverse("import-template", args=["enterprises"]))
    book = load_workbook(io.BytesIO(template.content))
    sheet = book.worksheets[0]
    assert [cell.value for cell in sheet[1]] == ENTERPRISE_HEADERS
    code = make_credit_code("330702", 5003)
    sheet.append(["竹马五金厂", code, "3311", ZHUMA, None, 15, "否", None])
    filled = io.BytesIO()
    book.save(filled)

    response = client.post(
        reverse("import-list"),
        {
            "kind": "enterprises",
            "mode": "all",
            "file": SimpleUploadedFile("企业.xlsx", filled.getvalue()),
        },
        follow=True,
    )

    assert "全部导入成功" in response.content.decode()
    assert Enterprise.objects.get(credit_code=code).employees == 15
    listing = client.get(reverse("import-list")).content.decode()
    assert "企业.xlsx" in listing


def test_a_bad_file_on_the_page_shows_the_problem_next_to_the_form(users):
    response = client_for(users["staff"]).post(
        reverse("import-list"),
        {"kind": "people", "mode": "all", "file": SimpleUploadedFile("人员.txt", b"abc")},
    )

    assert response.status_code == 422
    assert "只能导入 .xlsx 或 .csv 文件" in response.content.decode()


def test_the_error_report_download_holds_masked_values_only(users):
    bad, _right = with_wrong_check_digit(id_number(2))
    content = xlsx(PEOPLE_HEADERS, [["李四", bad, "1380000111", ZHUMA]])
    job = start(users["staff"], content)

    page = client_for(users["staff"]).get(reverse("import-detail", args=[job.pk])).content.decode()
    report = client_for(users["staff"]).get(reverse("import-errors", args=[job.pk]))

    cells = [
        str(value)
        for row in load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    assert cells[:4] == ["行号", "列", "内容", "问题"]
    assert bad[:6] + "********" + bad[-4:] in cells
    assert "138***0111" in cells
    assert not any(bad in cell or "1380000111" in cell for cell in cells)
    assert bad not in page and "1380000111" not in page


@pytest.mark.parametrize("role", ["resident", "leader"])
def test_residents_and_leaders_cannot_reach_imports(users, role):
    job = start(users["staff"], xlsx(PEOPLE_HEADERS, [["张三", id_number(1), "", ZHUMA]]))
    client, auth = api_client(users[role])
    upload = {"kind": "people", "file": SimpleUploadedFile("人员.xlsx", b"x")}

    assert client.get(reverse("import-list")).status_code == 403
    assert client.get(reverse("import-detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("import-errors", args=[job.pk])).status_code == 404
    assert client.get(reverse("import-template", args=["people"])).status_code == 403
    assert client.post("/api/v1/imports", upload, **auth).status_code == 403
    assert client.get(f"/api/v1/imports/{job.pk}", **auth).status_code == 404
    with pytest.raises(Forbidden):
        start(users[role], xlsx(PEOPLE_HEADERS, [["张三", id_number(1), "", ZHUMA]]))


def test_staff_see_their_own_jobs_and_the_admin_sees_all(users):
    job = start(users["admin"], xlsx(PEOPLE_HEADERS, [["张三", id_number(1), "", ZHUMA]]))

    assert (
        client_for(users["staff"]).get(reverse("import-detail", args=[job.pk])).status_code == 404
    )
    mine = start(users["staff"], xlsx(PEOPLE_HEADERS, [["李四", id_number(2), "", ZHUMA]]))
    assert (
        client_for(users["admin"]).get(reverse("import-detail", args=[mine.pk])).status_code == 200
    )


# --- region scope ---------------------------------------------------------------------------------


def test_staff_cannot_import_into_a_region_outside_their_scope(users, person):
    content = xlsx(
        PEOPLE_HEADERS,
        [
            ["海盐居民", id_number(1, "330424"), "", BAIBU],
            ["搬来竹马", person.id_number, "", ZHUMA],
            ["竹马居民", id_number(2), "", ZHUMA],
        ],
    )

    job = start(users["staff"], content, mode=ImportMode.VALID_ONLY)

    assert job.created_count == 1 and job.updated_count == 0
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [
        (2, "所属区划代码", f"区划代码 {BAIBU} 不在您负责的区划范围内"),
        (3, "身份证号", "该身份证号已在您负责的区划以外登记，您无权修改这条记录"),
    ]
    assert not Person.objects.filter(name="海盐居民").exists()
    person.refresh_from_db()
    assert person.name == "蔡老"


def test_the_uploaded_file_is_not_kept_once_the_job_has_finished(users):
    content = xlsx(PEOPLE_HEADERS, [["张三", id_number(7), "13800001111", ZHUMA]])

    job = start(users["admin"], content)

    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED
    assert bytes(job.content) == b""  # its ID numbers were in plain text


# --- limits -------------------------------------------------------------------------------------


@pytest.fixture
def low_people_limits(settings):
    settings.QINQING_IMPORT_LIMITS = {
        "default": {"rows": 50_000, "bytes": 10 * 1024 * 1024},
        "people": {"rows": 10, "bytes": 8192},
    }


def test_a_file_over_its_kinds_row_limit_is_refused_before_anything_is_queued(
    users, low_people_limits
):
    rows = [[f"居民{i}", id_number(i), "", ZHUMA] for i in range(11)]

    with pytest.raises(InvalidInput) as refused:
        start(users["admin"], csv_file(PEOPLE_HEADERS, rows, "utf-8"), filename="人员.csv")

    assert refused.value.summary == (
        "文件：文件行数超过上限：人员导入每次最多 10 行数据，请拆分后分批导入"
    )
    assert not ImportJob.objects.exists()
    # Ten rows are within the limit, and other kinds keep the default limit.
    assert start(users["admin"], xlsx(PEOPLE_HEADERS, rows[:10])).created_count == 10
    companies = [
        [f"企业{i}", make_credit_code("330702", 6000 + 2 * i), "3011", ZHUMA, "", "", "否", ""]
        for i in range(11)
    ]
    job = start(users["admin"], xlsx(ENTERPRISE_HEADERS, companies), kind="enterprises")
    assert job.created_count == 11, job.errors


def test_a_file_over_its_kinds_size_limit_is_refused_with_the_limit_named(users, low_people_limits):
    rows = [[f"居民{i}", id_number(i), "13800001111", ZHUMA] for i in range(3)]
    padding = [["", "", "", "", "备注" * 2800]]
    content = csv_file([*PEOPLE_HEADERS, "备注"], rows + padding, "utf-8")
    assert len(content) > 8192
    client, auth = api_client(users["staff"])

    response = client.post(
        "/api/v1/imports",
        {"kind": "people", "file": SimpleUploadedFile("人员.csv", content)},
        **auth,
    )

    assert response.status_code == 422
    assert response.json()["detail"] == "文件过大：人员导入的文件最大 8 KB，请拆分后分批导入"
    assert not ImportJob.objects.exists()


def test_the_template_states_the_limits(users, low_people_limits):
    template = client_for(users["staff"]).get(reverse("import-template", args=["people"]))

    guide = load_workbook(io.BytesIO(template.content))["填写说明"]
    text = " ".join(str(c) for row in guide.iter_rows(values_only=True) for c in row if c)
    assert "每个文件最多 10 行数据、8 KB" in text


# --- the stored file, and workers that die ------------------------------------------------------


def stored_content(job) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM core_importjob WHERE id = %s", [job.pk])
        return bytes(cursor.fetchone()[0])


def queue_people(user, settings, count=2) -> ImportJob:
    settings.QINQING_IMPORT_BACKGROUND_ROWS = 1
    rows = [[f"居民{i}", id_number(i), "13800001111", ZHUMA] for i in range(count)]
    content = csv_file(PEOPLE_HEADERS, rows, "utf-8")
    return start(user, content, filename="人员.csv")


def make_stale(job, *, attempts=None):
    values = {"heartbeat_at": timezone.now() - datetime.timedelta(hours=1)}
    if attempts is not None:
        values["attempts"] = attempts
    ImportJob.objects.filter(pk=job.pk).update(**values)


def test_a_queued_file_is_stored_encrypted_and_deleted_when_the_job_ends(users, settings):
    job = queue_people(users["admin"], settings)

    stored = stored_content(job)
    assert job.status == ImportStatus.QUEUED
    assert stored and id_number(0).encode() not in stored
    assert "居民".encode() not in stored and b"13800001111" not in stored

    assert importing.run_import(job.pk) == ImportStatus.SUCCEEDED
    assert stored_content(job) == b""
    assert Person.objects.filter(name__startswith="居民").count() == 2


def test_two_workers_never_run_the_same_job(users, settings):
    job = queue_people(users["admin"], settings)

    first = importing.claim_import(job.pk)

    assert first is not None and first.attempts == 1
    assert importing.claim_import(job.pk) is None
    assert importing.run_import(job.pk) == ImportStatus.RUNNING
    assert not Person.objects.filter(name__startswith="居民").exists()


def test_a_job_whose_worker_died_is_queued_again_by_the_sweep(users, settings):
    job = queue_people(users["admin"], settings)
    importing.claim_import(job.pk)  # the worker that took it then died
    make_stale(job)

    call_command("sweep_imports")

    job.refresh_from_db()
    assert (job.status, job.attempts, job.heartbeat_at) == (ImportStatus.QUEUED, 1, None)
    assert importing.run_import(job.pk) == ImportStatus.SUCCEEDED
    assert Person.objects.filter(name__startswith="居民").count() == 2


def test_a_running_job_with_a_fresh_heartbeat_is_left_alone(users, settings):
    job = queue_people(users["admin"], settings)
    importing.claim_import(job.pk)

    call_command("sweep_imports")

    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING


def test_a_worker_that_lost_its_job_to_a_retry_writes_nothing(users, settings):
    job = queue_people(users["admin"], settings)
    slow = importing.claim_import(job.pk)
    make_stale(job)
    importing.sweep_stale_imports()
    retry = importing.claim_import(job.pk)

    importing.execute_import(slow)
    assert not Person.objects.filter(name__startswith="居民").exists()
    assert importing.execute_import(retry) == ImportStatus.SUCCEEDED
    assert Person.objects.filter(name__startswith="居民").count() == 2


def test_a_job_that_keeps_dying_is_given_up_with_a_message_and_its_file_deleted(users, settings):
    settings.QINQING_IMPORT_RETRIES = 2
    job = queue_people(users["staff"], settings)
    importing.claim_import(job.pk)
    make_stale(job, attempts=3)

    call_command("sweep_imports")

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert [e["message"] for e in job.errors] == ["导入中断：任务执行超时，已重试2次，请重新上传"]
    assert stored_content(job) == b""
    notice = Notification.objects.get(recipient=users["staff"], kind="import.finished")
    assert "处理失败" in notice.title
    page = client_for(users["staff"]).get(reverse("import-detail", args=[job.pk]))
    assert "已重试2次" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_task_worker_recovers_a_job_a_dead_worker_left_running(users, settings):
    stranded = queue_people(users["admin"], settings)
    ImportJob.objects.filter(pk=stranded.pk).update(
        status=ImportStatus.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    make_stale(stranded)
    rows = [["张三", id_number(100), "", ZHUMA], ["李四", id_number(101), "", ZHUMA]]
    fresh = start(users["admin"], xlsx(PEOPLE_HEADERS, rows))

    call_command("db_worker", "--batch", "--no-startup-delay")

    stranded.refresh_from_db()
    fresh.refresh_from_db()
    assert (stranded.status, stranded.attempts) == (ImportStatus.SUCCEEDED, 2)
    assert fresh.status == ImportStatus.SUCCEEDED
    assert Person.objects.filter(name__startswith="居民").count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_workers_claiming_a_job_at_the_same_instant_yield_exactly_one_runner(users, settings):
    job = queue_people(users["admin"], settings)
    barrier = threading.Barrier(8)
    outcomes = []

    def claim():
        try:
            barrier.wait()
            outcomes.append("claimed" if importing.claim_import(job.pk) else "taken")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["claimed"] + ["taken"] * 7
    assert ImportJob.objects.get(pk=job.pk).attempts == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_sweep_skips_a_job_whose_rows_are_being_written(users, settings):
    job = queue_people(users["admin"], settings)
    writer = importing.claim_import(job.pk)
    make_stale(job)
    writing, done = threading.Event(), threading.Event()

    def write_slowly():
        try:
            with transaction.atomic():
                # What the writing transaction does first: renew the lease, locking the row.
                ImportJob.objects.filter(pk=writer.pk, attempts=writer.attempts).update(
                    processed_rows=2
                )
                writing.set()
                done.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=write_slowly)
    thread.start()
    writing.wait(10)
    try:
        result = importing.sweep_stale_imports()
    finally:
        done.set()
        thread.join()

    assert (result.requeued, result.given_up) == (0, 0)
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.RUNNING


# --- kinds registered by modules -----------------------------------------------------------------


class DepartmentRows:
    """A module's own kind: departments by name and region code."""

    def __init__(self, context):
        self.context = context

    def check(self, rows):
        codes = {row.values.get("region") for row in rows}
        regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
        checked = []
        for row in rows:
            region = regions.get(row.values.get("region"))
            if region is None:
                checked.append((None, {"region": ["区划代码不存在"]}))
            else:
                checked.append((Department(name=row.values["name"], region=region), {}))
        return checked

    def write(self, departments):
        Department.objects.bulk_create(departments)
        return len(departments), 0


@pytest.fixture
def departments_kind():
    spec = importing.ImportSpec(
        kind="departments",
        label="部门",
        columns=(
            importing.Column("部门名称", "name", required=True, help="必填"),
            importing.Column("区划代码", "region", required=True, text=True, help="必填"),
        ),
        handler=DepartmentRows,
        permissions=("core.view_department",),
    )
    importing.register_import_kind(spec)
    yield spec
    importing._KINDS.pop(spec.kind)


def test_a_kind_registered_by_a_module_gets_the_template_page_and_row_errors(
    users, departments_kind
):
    client = client_for(users["staff"])
    assert "部门导入模板" in client.get(reverse("import-list")).content.decode()
    template = client.get(reverse("import-template", args=["departments"]))
    assert [c.value for c in load_workbook(io.BytesIO(template.content)).active[1]] == [
        "部门名称",
        "区划代码",
    ]
    rows = [["竹马乡企业服务办", ZHUMA], ["不存在的办", "999999"]]

    response = client.post(
        reverse("import-list"),
        {
            "kind": "departments",
            "mode": "valid",
            "file": SimpleUploadedFile("部门.xlsx", xlsx(["部门名称", "区划代码"], rows)),
        },
        follow=True,
    )

    page = response.content.decode()
    assert "部门导入" in page and "第3行" in page and "区划代码不存在" in page
    assert Department.objects.filter(name="竹马乡企业服务办").exists()
    assert not Department.objects.filter(name="不存在的办").exists()


def test_a_job_kind_must_be_registered(users, departments_kind):
    job = ImportJob(kind="departments", filename="部门.xlsx", created_by=users["admin"])
    job.full_clean(exclude=["content"])
    job.kind = "warehouses"
    with pytest.raises(ValidationError):
        job.full_clean(exclude=["content"])
    with pytest.raises(InvalidInput) as refused:
        start(users["admin"], b"x", kind="warehouses")
    assert "请选择导入内容" in refused.value.summary
