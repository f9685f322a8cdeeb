"""The one way pages draw charts: ECharts from the package, numbers also in a table."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def test_echarts_ships_with_the_code_so_an_intranet_page_draws_without_a_cdn():
    path = finders.find("qinqing/vendor/echarts/echarts.min.js")
    assert path, "echarts.min.js is not among the static files"
    with open(path, encoding="utf-8") as f:
        assert "echarts" in f.read(4096).lower()
    scripts = render_to_string("core/charts/scripts.html")
    assert "/static/qinqing/vendor/echarts/echarts.min.js" in scripts
    assert "http://" not in scripts and "https://" not in scripts


def test_a_chart_carries_its_option_and_a_table_of_the_same_numbers():
    html = render_to_string(
        "core/charts/chart.html",
        {
            "chart_id": "chart-visits",
            "caption": "每月走访",
            "option": {"xAxis": {"data": ["1月", "2月"]}, "series": [{"data": [12, 30]}]},
            "columns": ["月份", "走访次数"],
            "rows": [["1月", 12], ["2月", 30]],
        },
    )
    assert 'data-chart="chart-visits"' in html
    assert '<script id="chart-visits" type="application/json">' in html
    assert '"data": [12, 30]' in html
    assert '<th scope="col">走访次数</th>' in html
    assert '<td class="number">30</td>' in html
