"""One rule for where a user may file records: pickers, pages, API and services agree."""

import json
import re

import pytest

from qinqing.cases.models import Case
from qinqing.core import access
from qinqing.core.services import InvalidInput
from tests.conftest import client_for


def options_of(html: str, name: str = "region") -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="(\d+)"', select)


def selected_of(html: str, name: str = "region") -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="(\d+)"[^>]*selected', select)


def test_a_wucheng_staff_member_cannot_open_a_case_in_baibu_on_the_page_nor_through_the_api(
    users, regions
):
    client = client_for(users["staff"])
    page = client.post(
        "/cases/new/",
        {"case_type": "general", "title": "百步路灯", "priority": "normal", "region": "330424"},
    )
    api = client.post(
        "/api/v1/cases",
        json.dumps({"title": "百步路灯", "region": "330424"}),
        content_type="application/json",
    )
    assert page.status_code == 422
    assert "不在您负责的区划内" in page.content.decode()
    assert api.status_code == 422
    assert api.json()["errors"]["region"] == ["不在您负责的区划内"]
    assert "所属区划" in api.json()["detail"]
    assert not Case.objects.filter(title="百步路灯").exists()


def test_a_resident_of_baibu_picks_only_his_town_or_county_with_his_town_preselected(
    users, regions
):
    page = client_for(users["resident"]).get("/cases/new/").content.decode()
    assert sorted(options_of(page)) == sorted([regions["haiyan"].code, regions["baibu"].code])
    assert selected_of(page) == [regions["baibu"].code]


def test_a_zhuma_cadre_is_offered_only_zhuma_with_it_preselected(regions):
    from qinqing.core.models import Role
    from tests.conftest import make_user

    cadre = make_user(Role.STAFF, "zhuma-cadre", regions=[regions["zhuma"]])
    page = client_for(cadre).get("/cases/new/").content.decode()
    assert options_of(page) == [regions["zhuma"].code]
    assert selected_of(page) == [regions["zhuma"].code]


def test_the_regions_each_role_may_act_in(users, regions, enterprise):
    def codes(user):
        return set(access.actable_regions(user).values_list("code", flat=True))

    assert {"330702", "330702202", "330424"} <= codes(users["admin"])
    assert {"330702", "330702202", "330424"} <= codes(users["leader"])
    assert "330702202" in codes(users["staff"])
    assert not {"330424", "330424101"} & codes(users["staff"])
    assert codes(users["enterprise"]) == {enterprise.region.code}
    assert codes(users["resident"]) == {regions["baibu"].code, regions["haiyan"].code}


def test_require_region_names_the_field_and_the_problem(users, regions):
    access.require_region(users["staff"], regions["zhuma"])
    with pytest.raises(InvalidInput) as refused:
        access.require_region(users["staff"], regions["baibu"])
    assert refused.value.summary == "所属区划：不在您负责的区划内"
