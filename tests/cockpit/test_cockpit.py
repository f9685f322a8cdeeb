"""The cockpit: every figure computed from the records, for the viewer's scope, down to the rows."""

import datetime
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from qinqing.core.models import Enterprise, Region, Role
from qinqing.core.models.directory import RegionLevel
from qinqing.core.synthetic import make_credit_code
from qinqing.enterprise.models import LandParcel
from qinqing.enterprise.services import do_instant_call
from tests.conftest import client_for, make_user


@pytest.fixture
def parcels(regions, enterprise):
    """300 亩 recovered in 竹马乡 (婺城区), 50 亩 in 百步镇 (海盐县)."""
    common = {"kind": "idle", "status": "recovered", "surveyed_on": datetime.date(2026, 3, 1)}
    for name, area, region, day in [
        ("原砖厂地块", 120, regions["zhuma"], datetime.date(2026, 5, 1)),
        ("东侧闲置地", 180, regions["zhuma"], datetime.date(2026, 10, 1)),
        ("百步旧仓库", 50, regions["baibu"], datetime.date(2026, 10, 2)),
    ]:
        LandParcel.objects.create(
            name=name, area_mu=area, region=region, status_changed_on=day, **common
        )


def page(user, url="/cockpit/", **params):
    response = client_for(user).get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_leader_sees_each_service_with_its_headline_and_definition(
    users, station, parcels, uncovered
):
    html = page(users["leader"])
    assert "爱企服务站" in html
    assert "收回低效用地" in html and "期间内处置状态变为“已收回”的地块面积之和" in html
    assert "联企服务员覆盖率" in html
    # 竹马水泥 has a liaison (the station fixture); 竹马新开机械 has none yet.
    assert '<span class="tile-parts">1 / 2</span>' in html


def test_residents_and_enterprises_have_no_cockpit(users):
    for role in ("resident", "enterprise"):
        assert client_for(users[role]).get("/cockpit/").status_code == 403


def test_a_county_cadre_counts_their_own_county_and_the_leader_the_whole(users, station, parcels):
    leader = page(users["leader"], "/cockpit/figures/enterprise.land_recovered/")
    staff = page(users["staff"], "/cockpit/figures/enterprise.land_recovered/")
    assert "收回低效用地：350亩" in leader and "百步旧仓库" in leader
    assert "收回低效用地：300亩" in staff and "百步旧仓库" not in staff


def test_a_town_cadres_cockpit_shows_only_the_town(users, station, parcels, regions):
    """竹马乡's cadre: 竹马's parcels and overdue cases; not the next town of the same county."""
    zhuma = regions["zhuma"]
    chengdong = Region.objects.create(
        code="330702001", name="城东街道", level=RegionLevel.TOWN, parent=regions["wucheng"]
    )
    LandParcel.objects.create(
        name="城东老厂房",
        area_mu=70,
        region=chengdong,
        kind="idle",
        status="recovered",
        surveyed_on=datetime.date(2026, 3, 1),
        status_changed_on=datetime.date(2026, 6, 1),
    )
    neighbour = Enterprise.objects.create(
        name="城东印刷有限公司", credit_code=make_credit_code("330702", 3003), region=chengdong
    )
    late = {}
    for key, account in (
        ("zhuma", users["enterprise"]),
        ("chengdong", make_user(Role.ENTERPRISE, "chengdong-ent", enterprise=neighbour)),
    ):
        late[key] = do_instant_call(account, f"{key} 停电三天无人处理")
        late[key].due_at = timezone.now() - datetime.timedelta(days=1)
        late[key].save(update_fields=["due_at"])
    cadre = make_user(Role.STAFF, "zhuma-cadre", regions=[zhuma])

    land = page(cadre, "/cockpit/figures/enterprise.land_recovered/")
    assert "收回低效用地：300亩" in land and "城东老厂房" not in land
    county = page(users["staff"], "/cockpit/figures/enterprise.land_recovered/")
    assert "收回低效用地：370亩" in county and "城东老厂房" in county

    home = page(cadre)
    assert late["zhuma"].number in home and late["chengdong"].number not in home
    assert f'<option value="{zhuma.pk}"' in home
    assert f'<option value="{chengdong.pk}"' not in home
    red_list = page(cadre, "/cockpit/cases/", overdue="1")
    assert late["zhuma"].number in red_list and late["chengdong"].number not in red_list


def test_a_figure_and_the_rows_behind_it_follow_the_same_period(users, station, parcels):
    october = {"start": "2026-10-01", "end": "2026-10-31"}
    rows = page(users["leader"], "/cockpit/figures/enterprise.land_recovered/", **october)
    assert "收回低效用地：230亩" in rows
    assert "东侧闲置地" in rows and "原砖厂地块" not in rows


def test_a_region_narrows_every_figure_to_the_places_within_it(users, station, parcels, regions):
    rows = page(
        users["leader"],
        "/cockpit/figures/enterprise.land_recovered/",
        region=regions["baibu"].pk,
    )
    assert "收回低效用地：50亩" in rows


def test_a_bad_date_is_named_in_chinese_and_the_page_still_answers(users, station):
    html = page(users["leader"], start="2026-13-01")
    assert "起始日期：日期格式应为 2026-01-31" in html
    html = page(users["leader"], start="2026-11-02", end="2026-11-01")
    assert "截止日期：截止日期不能早于起始日期" in html


def test_a_region_outside_the_viewers_scope_is_refused(users, station, regions):
    html = page(users["staff"], region=regions["baibu"].pk)
    assert "区划：不在您可查看的区划之内" in html


def test_an_overdue_case_is_on_the_red_list_and_links_to_the_case(users, station):
    case = do_instant_call(users["enterprise"], "停电三天无人处理")
    case.due_at = timezone.now() - datetime.timedelta(days=1)
    case.save(update_fields=["due_at"])
    html = page(users["leader"])
    assert f'href="/cases/{case.pk}/"' in html
    assert "超期事项 <a" in html
    overdue = page(users["leader"], "/cockpit/cases/", overdue="1")
    assert case.number in overdue


def test_a_case_kpi_drills_down_to_the_cases_it_counted(users, station):
    do_instant_call(users["enterprise"], "用电报装")
    html = page(users["leader"], "/cockpit/enterprise/")
    assert "闭环办理指标" in html
    rows = page(
        users["leader"],
        "/cockpit/cases/",
        module="enterprise",
        indicator="overdue",
        part="numerator",
    )
    assert "暂无事项" in rows  # nothing is overdue yet


def test_the_export_carries_every_indicator_with_its_definition(users, station, parcels):
    response = client_for(users["leader"]).get("/cockpit/", {"export": "xlsx"})
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("服务", "指标", "数值", "单位", "目标", "口径")
    land = next(r for r in rows if r[1] == "收回低效用地")
    assert land[2] == 350 and land[5] == "期间内处置状态变为“已收回”的地块面积之和"


def test_the_wall_refreshes_itself_and_shows_no_navigation(users, station):
    html = page(users["leader"], screen="1")
    assert 'class="big-screen" data-refresh="60"' in html
    assert "主导航" not in html


def test_charts_come_with_a_table_of_the_same_numbers(users, station):
    do_instant_call(users["enterprise"], "招工")
    html = page(users["leader"])
    assert 'data-chart="chart-trend"' in html and "查看数据表" in html
    assert "/static/qinqing/vendor/echarts/echarts.min.js" in html


def test_an_unknown_module_or_figure_is_not_found(users):
    client = client_for(users["leader"])
    assert client.get("/cockpit/nothing/").status_code == 404
    assert client.get("/cockpit/figures/nothing.at_all/").status_code == 404
    assert (
        client.get("/cockpit/cases/", {"module": "enterprise", "indicator": "x"}).status_code == 404
    )


def test_a_figure_reads_with_separators_and_at_most_two_decimals():
    from decimal import Decimal

    from qinqing.core.indicators import shown

    assert shown(1234567) == "1,234,567"
    assert shown(Decimal("350.00")) == "350"
    assert shown(Decimal("56.540")) == "56.54"
    assert shown(66.66666) == "66.67"
    assert shown(None) == "—"


def test_every_declared_figure_computes_and_lists_its_rows_for_each_back_office_role(users):
    from qinqing.cockpit.reading import modules
    from qinqing.core.indicators import FIGURES

    installed = {m.code for m in modules()}
    declared = [f for f in FIGURES.values() if f.module in installed]
    assert {f.module for f in declared} == installed  # every service declares its figures
    for role in ("leader", "staff"):
        for module in installed:
            page(users[role], f"/cockpit/{module}/")
        for figure in declared:
            if figure.rows:
                html = page(users[role], f"/cockpit/figures/{figure.code}/")
                assert figure.definition in html


def test_the_trend_counts_a_case_in_the_local_month_it_was_registered_and_the_one_it_closed(
    users, station
):
    from qinqing.cases.models import Case
    from qinqing.cockpit.reading import trend
    from qinqing.core.indicators import Scope

    def local(text):
        return timezone.make_aware(datetime.datetime.fromisoformat(text))

    case = do_instant_call(users["enterprise"], "用电报装")
    # 00:30 on 1 November in 浙江 is still 31 October in UTC: it belongs to November.
    Case.objects.filter(pk=case.pk).update(
        created_at=local("2026-10-31 23:30"), closed_at=local("2026-11-01 00:30")
    )
    months = trend(Scope(users["leader"], end=datetime.date(2026, 11, 30)), ["enterprise"])
    october, november = months.months.index("2026-10"), months.months.index("2026-11")
    assert months.opened["enterprise"][october] == 1 and sum(months.opened["enterprise"]) == 1
    assert months.closed["enterprise"][november] == 1 and sum(months.closed["enterprise"]) == 1
