"""Each station list is filtered once: the page, its export and the API show the same rows."""

import datetime
import html
import json
import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from qinqing.core.models import Enterprise
from qinqing.core.synthetic import make_credit_code
from qinqing.enterprise.models import GradeResult, LandParcel
from qinqing.enterprise.services import default_scheme, do_record_problem
from tests.conftest import client_for


def export_link(page: str) -> str:
    href = re.search(r'<a class="button[^"]*" href="([^"]*export=xlsx[^"]*)"', page).group(1)
    return html.unescape(href)


def exported(client, path: str, page: str, column: int) -> list:
    response = client.get(path.split("?")[0] + export_link(page))
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    return [row[column] for row in rows[1:]]


@pytest.fixture
def graded(regions):
    scheme = default_scheme()
    grades = ["A", "B", "B", "C", "D", "D", "D"]
    for i, grade in enumerate(grades):
        enterprise = Enterprise.objects.create(
            name=f"竹马评价企业{i}",
            credit_code=make_credit_code("330702", 3000 + 10 * i),
            industry_code="3011",
            region=regions["zhuma"],
        )
        GradeResult.objects.create(
            enterprise=enterprise,
            year=2025,
            scheme=scheme,
            above_scale=True,
            score=150 - 20 * i,
            grade=grade,
            tax_per_mu=20 - 2 * i,
            low_efficiency=grade == "D",
            details={},
        )


def test_the_grading_export_holds_exactly_the_graded_enterprises_on_screen(users, graded):
    client = client_for(users["staff"])
    path = "/station/grading/?year=2025&grade=D"
    page = client.get(path).content.decode()
    on_screen = re.findall(r'href="/station/grading/\d+/">([^<]+)</a>', page)
    assert len(on_screen) == 3

    assert exported(client, path, page, 0) == on_screen
    api = client.get("/api/v1/station/grades?year=2025&grade=D").json()
    assert [row["enterprise"] for row in api["items"]] == on_screen


def test_the_problem_list_page_export_and_api_agree_under_the_same_filters(
    users, station, enterprise
):
    for title, category in [("员工子女入学", "schooling"), ("厂房租赁", "housing")]:
        do_record_problem(users["staff"], enterprise, title=title, category=category)
    client = client_for(users["staff"])
    path = "/station/problems/?state=active&category=schooling&overdue=0"
    page = client.get(path).content.decode()
    on_screen = re.findall(r'href="/cases/\d+/">([^<]+)</a>', page)
    assert len(on_screen) == 1

    assert exported(client, path, page, 0) == on_screen
    api = client.get("/api/v1/station/problems?state=active&category=schooling&overdue=0").json()
    assert [row["number"] for row in api["items"]] == on_screen


def test_the_land_ledger_page_export_and_api_agree(users, regions):
    for name, status in [("一号地块", "recovered"), ("二号地块", "surveyed")]:
        LandParcel.objects.create(
            name=name,
            region=regions["zhuma"],
            area_mu=10,
            kind="idle",
            status=status,
            surveyed_on=datetime.date(2026, 1, 5),
        )
    client = client_for(users["staff"])
    path = "/station/land/?status=recovered"
    page = client.get(path).content.decode()
    assert "一号地块" in page and "二号地块" not in page

    assert exported(client, path, page, 0) == ["一号地块"]
    api = client.get("/api/v1/station/land?status=recovered").json()
    assert [row["name"] for row in api] == ["一号地块"]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/station/problems/?state=done", "状态：应为"),
        ("/station/problems/?department=abc", "承办部门：应为数字编号"),
        ("/station/problems/?overdue=maybe", "超期：应为 1（是）或 0（否）"),
        ("/station/grading/?year=twenty", "年度：应为年份"),
        ("/station/grading/?grade=E", "等级：应为"),
        ("/station/land/?status=lost", "处置状态：应为"),
        ("/station/liaisons/?uncovered=perhaps", "只看未配备的企业：应为"),
    ],
)
def test_a_bad_filter_value_gets_a_chinese_message_on_the_page(users, path, message):
    response = client_for(users["staff"]).get(path)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    export = client_for(users["staff"]).get(path + "&export=xlsx")
    assert export.status_code == 400


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/station/problems?department=abc", "department"),
        ("/api/v1/station/problems?state=done", "state"),
        ("/api/v1/station/grades?year=twenty", "year"),
        ("/api/v1/station/grades?low_efficiency=perhaps", "low_efficiency"),
        ("/api/v1/station/land?status=lost", "status"),
    ],
)
def test_a_bad_filter_value_gets_a_chinese_message_from_the_api(users, path, field):
    response = client_for(users["staff"]).get(path)
    assert response.status_code == 422
    body = json.loads(response.content)
    assert field in body["errors"]
    assert body["detail"]
