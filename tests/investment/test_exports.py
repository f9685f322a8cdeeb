"""Every list exports to .xlsx with the rows the page shows."""

import io

import openpyxl

from tests.conftest import client_for
from tests.investment.conftest import QUICK, finish
from tests.investment.test_matters import open_matter
from tests.investment.test_tasks import post


def sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return [[cell for cell in row] for row in book.active.iter_rows(values_only=True)]


def test_the_project_board_exports_the_computed_durations(agency, project):
    finish(agency, project, QUICK)
    rows = sheet(client_for(agency["leader"]).get("/investment/?export=xlsx"))
    header, first = rows[0], rows[1]
    assert first[header.index("摘牌至开工（天）")] == 6
    assert first[header.index("拿地即开工")] == "是"


def test_the_matter_and_task_lists_export(agency, project):
    open_matter(agency, project)
    post(agency, project)
    matters = sheet(client_for(agency["officer"]).get("/investment/matters/?export=xlsx"))
    assert matters[1][1] == "建设工程规划许可证" and matters[1][5] == "0/3"
    tasks = sheet(client_for(agency["officer"]).get("/investment/tasks/?export=xlsx"))
    assert tasks[1][1] == "征地政策处理"
