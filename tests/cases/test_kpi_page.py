"""The KPI page leaders act on: figures that open their cases, export, chart; and the API."""

import html
import re
from io import BytesIO

from openpyxl import load_workbook

from qinqing.cases.models import Case
from tests.cases.test_kpis import four_cases  # noqa: F401  (the hand-computed example)
from tests.conftest import client_for

MARCH = "month=2026-03"


def link_to(page: str, text: str, indicator: str = "") -> str:
    """The href of the first link reading ``text`` (to the cases of ``indicator``)."""
    for href, inner in re.findall(r'<a href="([^"]+)"[^>]*>([^<]*)</a>', page):
        href = html.unescape(href)
        if inner == text and f"indicator={indicator}" in href:
            return href
    raise AssertionError(f"no link {text!r}")


def numbers(*titles) -> set[str]:
    return set(Case.objects.filter(title__in=titles).values_list("number", flat=True))


def listed(page: str) -> set[str]:
    return set(re.findall(r'<a href="/cases/\d+/">([^<]+)</a>', page)) & set(
        Case.objects.values_list("number", flat=True)
    )


def test_the_total_response_rate_opens_its_numerator_and_its_denominator(four_cases, office):  # noqa: F811
    client = client_for(office["dispatcher"])
    page = client.get(f"/cases/kpis/?{MARCH}").content.decode()
    total = page.split("<tfoot>")[1]

    # 签收 in time: A and B; due or signed: A, B and D (C was refused at intake).
    numerator = client.get(link_to(total, "66.7%")).content.decode()
    denominator = client.get(link_to(total, "2/3")).content.decode()

    assert listed(numerator) == numbers("A", "B")
    assert listed(denominator) == numbers("A", "B", "D")
    assert "响应率 · 分母" in denominator


def test_a_department_figure_lists_only_that_departments_cases(four_cases, office):  # noqa: F811
    client = client_for(office["dispatcher"])
    page = client.get(f"/cases/kpis/?group=department&{MARCH}").content.decode()
    economy = next(row for row in page.split("<tr>") if "区经商局" in row)
    unassigned = next(row for row in page.split("<tr>") if "（未派单）" in row)

    returned = client.get(link_to(economy, "50.0%", "return_rate")).content.decode()
    overdue = client.get(link_to(unassigned, "1", "overdue")).content.decode()

    assert listed(returned) == numbers("B")
    assert "区经商局 · 退单率 · 分子" in returned
    assert listed(overdue) == numbers("D")


def test_every_indicator_has_a_column_with_its_definition(four_cases, office):  # noqa: F811
    page = client_for(office["dispatcher"]).get("/cases/kpis/").content.decode()

    for label, definition in (
        ("响应率", "承办单位在响应时限内签收的件数"),
        ("未回访", "答复后未在回访期限内回访"),
        ("超期上报", "超期后上报部门负责人的件数"),
    ):
        assert re.search(rf'<abbr title="{definition}[^"]*">{label}</abbr>', page)
        assert re.search(rf"<dt>{label}</dt><dd>{definition}", page)


def test_a_month_without_cases_shows_no_figures(four_cases, office):  # noqa: F811
    page = client_for(office["dispatcher"]).get("/cases/kpis/?month=2026-04").content.decode()
    assert "暂无数据" in page and "66.7%" not in page


def test_the_chart_draws_the_chosen_rate_for_each_group(four_cases, office):  # noqa: F811
    client = client_for(office["dispatcher"])
    page = client.get(f"/cases/kpis/?group=department&chart=return_rate&{MARCH}").content.decode()
    chart = page.split('id="chart-title"')[1].split("</section>")[0]

    assert chart.startswith(">退单率（按部门）</h2>")
    # 区经商局: B returned of A, B; the unassigned C and D were never dispatched: no bar.
    assert 'class="bar-fill" width="50.0"' in chart
    assert chart.count('class="bar-fill"') == 1
    assert '<span class="bar-value">—</span>' in chart


def test_the_table_exports_with_a_sheet_of_definitions(four_cases, office):  # noqa: F811
    response = client_for(office["dispatcher"]).get(
        f"/cases/kpis/?group=department&{MARCH}&export=xlsx"
    )
    book = load_workbook(BytesIO(response.content))
    table, definitions = book.worksheets

    rows = list(table.values)
    assert rows[0][:4] == ("部门", "事项数", "响应率（%）", "按时办结率（%）")
    assert rows[-1][:3] == ("合计", 4, 66.7)
    assert {row[0] for row in rows[1:-1]} == {"区经商局", "（未派单）"}
    assert definitions.title == "指标定义"
    assert ("解决率", "%", "回访中表示已解决的件数 ÷ 已回访件数") in list(definitions.values)


def test_the_drill_down_keeps_to_the_cases_the_user_may_see(four_cases, office):  # noqa: F811
    url = f"/cases/kpis/cases/?indicator=response_rate&part=denominator&group=total&{MARCH}"
    economy = (
        "/cases/kpis/cases/?indicator=return_rate&group=department"
        f"&key={office['economy'].pk}&{MARCH}"
    )

    outsider = client_for(office["outsider"])
    assert listed(outsider.get(url).content.decode()) == set()
    page = outsider.get(economy).content.decode()
    assert listed(page) == set() and "区经商局" not in page
    assert client_for(office["economy_handler"]).get(url).status_code == 403


def test_a_bad_drill_down_parameter_is_named_in_chinese(office):
    client = client_for(office["dispatcher"])

    response = client.get("/cases/kpis/cases/?indicator=overdue&part=denominator")
    assert response.status_code == 422
    assert "分子或分母：“超期”是件数，没有分母" in response.content.decode()
    response = client.get("/cases/kpis/cases/?indicator=response_rate&month=2026-13")
    assert "登记月份：月份格式应为 2026-03" in response.content.decode()


def test_the_api_lists_the_cases_behind_a_figure(four_cases, office):  # noqa: F811
    client = client_for(office["dispatcher"])
    rows = client.get(f"/api/v1/cases/kpis?group_by=department&{MARCH}").json()
    economy = next(row for row in rows if row["label"] == "区经商局")
    [returned] = [f for f in economy["figures"] if f["code"] == "return_rate"]

    response = client.get(
        "/api/v1/cases/kpis/cases?indicator=return_rate&part=denominator"
        f"&group_by=department&key={economy['key']}&{MARCH}"
    )

    assert returned["denominator"] == response.json()["count"] == 2
    assert {c["number"] for c in response.json()["items"]} == numbers("A", "B")


def test_the_api_names_a_bad_drill_down_parameter(office):
    response = client_for(office["dispatcher"]).get(
        "/api/v1/cases/kpis/cases?indicator=response_rate&part=half"
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {"part": ["取值无效，可选：numerator、denominator"]}
    forbidden = client_for(office["economy_handler"]).get(
        "/api/v1/cases/kpis/cases?indicator=response_rate"
    )
    assert forbidden.status_code == 403
