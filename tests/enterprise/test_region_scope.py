"""The station files parcels, sessions and liaisons only where the actor is responsible."""

import datetime

from qinqing.core.models import Region, Role
from qinqing.enterprise.models import LandParcel, Liaison, ServiceSession
from tests.cases.test_region_scope import options_of, selected_of
from tests.conftest import client_for, make_user


def parcel_form(region_code, enterprise=None, **overrides):
    return {
        "name": "百步镇闲置厂房",
        "region": region_code,
        "enterprise": enterprise.pk if enterprise else "",
        "area_mu": "8.5",
        "kind": "idle",
        "status": "surveyed",
        "surveyed_on": "2026-03-01",
        **overrides,
    }


def session_form(region_code):
    return {
        "title": "金融政策解读会",
        "topic": "finance",
        "starts_at": "2026-12-20T09:30",
        "venue": "服务站会议室",
        "capacity": "20",
        "region": region_code,
    }


def test_a_wucheng_staff_member_cannot_register_a_parcel_in_another_county(users, regions):
    response = client_for(users["staff"]).post("/station/land/", parcel_form(regions["baibu"].code))
    assert response.status_code == 422
    assert "不在您负责的区划内" in response.content.decode()
    assert not LandParcel.objects.exists()


def test_the_land_form_offers_the_staff_members_regions_with_their_own_preselected(users, regions):
    page = client_for(users["staff"]).get("/station/land/").content.decode()
    assert set(options_of(page)) == {regions["wucheng"].code, regions["zhuma"].code}
    assert selected_of(page) == [regions["wucheng"].code]


def test_a_zhuma_cadre_cannot_publish_a_session_to_hangzhou(regions):
    cadre = make_user(Role.STAFF, "zhuma-cadre", regions=[regions["zhuma"]])
    client = client_for(cadre)
    page = client.get("/station/sessions/").content.decode()
    assert options_of(page) == [regions["zhuma"].code]

    refused = client.post("/station/sessions/", session_form("330102"))
    assert refused.status_code == 422
    assert "不在您负责的区划内" in refused.content.decode()
    assert not ServiceSession.objects.exists()

    published = client.post("/station/sessions/", session_form(regions["zhuma"].code))
    assert published.status_code == 302
    session = ServiceSession.objects.get()
    assert (session.region, session.created_by) == (regions["zhuma"], cadre)


def test_a_zhuma_cadre_cannot_make_a_zhuji_officer_an_enterprises_liaison(
    users, regions, enterprise
):
    zhuji = Region.objects.get(code="330681")
    cadre = make_user(Role.STAFF, "zhuma-cadre", regions=[regions["zhuma"]])
    officer = make_user(Role.STAFF, "zhuji-officer", regions=[zhuji])
    client = client_for(cadre)
    assert f'value="{officer.pk}"' not in client.get("/station/liaisons/").content.decode()

    response = client.post(
        f"/station/liaisons/{enterprise.pk}/assign/", {"officer": officer.pk}, follow=True
    )
    assert "不负责企业所在区划" in response.content.decode()
    assert not Liaison.objects.filter(enterprise=enterprise).exists()


def test_changing_a_parcels_status_is_audited_and_dated_today(users, regions):
    from django.utils import timezone

    from qinqing.core.audit import entries_for

    parcel = LandParcel.objects.create(
        name="竹马乡2号地块",
        region=regions["zhuma"],
        area_mu=5,
        kind="idle",
        surveyed_on=datetime.date(2026, 1, 5),
    )
    client = client_for(users["staff"])
    client.post(f"/station/land/{parcel.pk}/status/", {"status": "recovered"})
    parcel.refresh_from_db()
    assert parcel.status == "recovered"
    assert parcel.status_changed_on == timezone.localdate()
    assert entries_for(parcel).filter(actor=users["staff"]).exists()
