"""The station page counts the station's enterprises: those in its liaisons' regions."""

import pytest

from qinqing.core.models import Department, Enterprise, Region, Role
from qinqing.core.synthetic import make_credit_code
from tests.conftest import client_for, make_user


@pytest.fixture
def zhuji(regions):
    county = Region.objects.get(code="330681")
    bureau = Department.objects.create(name="市卫健局", region=county)
    Enterprise.objects.create(
        name="诸暨康华医院有限公司",
        credit_code=make_credit_code("330681", 4001),
        industry_code="8411",
        region=county,
    )
    return make_user(Role.HANDLER, "weijian", regions=[county], department=bureau)


def coverage_on(user) -> str:
    page = client_for(user).get("/station/").content.decode()
    return page.split("<b>", 1)[1].split("</b>", 1)[0]


def test_admin_leader_and_the_zhuma_office_see_the_same_coverage_of_zhuma(
    users, station, uncovered, zhuji
):
    assert coverage_on(users["admin"]) == "1/2"
    assert coverage_on(users["leader"]) == "1/2"
    assert coverage_on(station["liaison"]) == "1/2"
    api = client_for(users["leader"]).get("/api/v1/station/coverage").json()
    assert api == {"covered": 1, "total": 2}


def test_an_unrelated_bureau_is_told_it_runs_no_station_rather_than_shown_zeros(
    users, station, zhuji
):
    response = client_for(zhuji).get("/station/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "本单位不负责企业服务站" in page
    assert "联企服务员覆盖" not in page
