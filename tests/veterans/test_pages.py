import pytest

from qinqing.cases.services import do_transition
from qinqing.core import access
from qinqing.veterans import services
from qinqing.veterans.models import ServiceRecord, VisitReach, Wish
from tests.conftest import client_for
from tests.veterans.conftest import publish, record_wish

XLSX = "application/vnd.openxmlformats"


def test_the_public_wall_needs_no_login_and_leaks_no_name_id_phone_or_address(world, client):
    wish = publish(world, record_wish(world))
    person = world["record"].person
    person.name = "蔡金法"  # his full name; the wall shows only the agreed 称呼 “蔡老”
    person.save()
    html = client.get("/veterans/wall/").content.decode()
    assert "助听器" in html
    assert f"蔡老，{person.age}岁，百步镇" in html  # 73 in 2026
    for secret in (
        "蔡金法",
        person.id_number,
        person.id_number[-4:] + "<",
        person.phone,
        person.masked_id_number,
        person.masked_phone,
        "沈阿根",
    ):
        assert secret not in html
    assert wish.case.number not in html


def test_a_wish_whose_veteran_did_not_agree_stays_off_the_wall(world, client):
    ServiceRecord.objects.filter(pk=world["record"].pk).update(wall_consent=False)
    publish(world, record_wish(world))
    html = client.get("/veterans/wall/").content.decode()
    assert "助听器" not in html and "蔡老" not in html


def test_the_wall_shows_only_the_parts_the_veteran_agreed_to(world, client):
    ServiceRecord.objects.filter(pk=world["record"].pk).update(wall_show_age=False)
    publish(world, record_wish(world))
    html = client.get("/veterans/wall/").content.decode()
    assert "蔡老，百步镇" in html and "73岁" not in html


def test_a_claimant_registers_with_a_phone_and_claims_from_the_wall(world, client):
    wish = publish(world, record_wish(world))
    page = client.post(
        "/veterans/register/",
        {
            "kind": "enterprise",
            "name": "百步电子有限公司",
            "phone": "139 1111 0009",
            "username": "baibu-dz",
            "password": "Baibu-dianzi-2026",
        },
    )
    assert page.status_code == 302
    claimed = client.post(f"/veterans/wishes/{wish.pk}/claim/", follow=True)
    assert "已认领“助听器”" in claimed.content.decode()
    mine = client.get("/veterans/claims/").content.decode()
    assert "助听器" in mine and "圆梦" in mine


def test_registration_with_a_bad_phone_names_the_field(world, client):
    page = client.post(
        "/veterans/register/",
        {
            "kind": "group",
            "name": "志愿者",
            "phone": "12345",
            "username": "vol",
            "password": "x" * 12,
        },
    )
    assert page.status_code == 422
    assert "手机号" in page.content.decode()


def test_each_station_sees_its_own_people(world):
    village_sees = access.visible(ServiceRecord, world["villager"])
    assert list(village_sees) == [world["village_record"]]
    town_sees = access.visible(ServiceRecord, world["worker"])
    assert set(town_sees) == {world["record"], world["village_record"]}
    client = client_for(world["villager"])
    html = client.get("/veterans/people/").content.decode()
    assert "沈阿根" in html and "蔡老" not in html


def test_a_station_worker_records_a_visit_with_a_wish_on_the_visit_page(world):
    client = client_for(world["worker"])
    page = client.post(
        "/veterans/visits/new/",
        {
            "record": world["record"].pk,
            "visited_at": "2026-11-20T10:00",
            "people_reached": "2",
            "notes": "慰问，了解到听力下降",
            "wish_title": "助听器",
            "wish_value": "860",
            "wish_story": "希望听清家人说话",
        },
    )
    wish = Wish.objects.get()
    assert page.status_code == 302 and page["Location"] == f"/cases/{wish.case_id}/"
    assert VisitReach.objects.get().people_reached == 2


def test_a_visit_without_notes_is_refused_naming_the_field(world):
    client = client_for(world["worker"])
    page = client.post(
        "/veterans/visits/new/",
        {"record": world["record"].pk, "visited_at": "2026-11-20T10:00", "people_reached": "2"},
    )
    assert page.status_code == 422 and "走访情况" in page.content.decode()
    assert not VisitReach.objects.exists()


def test_visits_are_counted_per_station_and_month_and_unvisited_veterans_listed(world):
    record_wish(world)  # a visit to 蔡老 reaching 3 people
    reaches = VisitReach.objects.all()
    rows = list(services.visits_by_station_month(reaches))
    assert [(r["station__name"], r["visits"], r["people"]) for r in rows] == [
        ("百步镇退役军人服务站", 1, 3)
    ]
    import datetime

    unvisited = services.not_visited(ServiceRecord.objects.all(), today=datetime.date(2026, 11, 10))
    assert [r.person.name for r in unvisited] == ["沈阿根"]
    later = services.not_visited(ServiceRecord.objects.all(), today=datetime.date(2027, 3, 1))
    assert {r.person.name for r in later} == {"沈阿根", "蔡老"}


@pytest.mark.parametrize(
    "path",
    [
        "/veterans/",
        "/veterans/people/",
        "/veterans/people/?not_visited=1",
        "/veterans/visits/",
        "/veterans/visits/new/",
        "/veterans/wishes/",
        "/veterans/stations/",
        "/veterans/payments/",
    ],
)
def test_staff_pages_open_and_lists_export(world, path):
    record_wish(world)
    client = client_for(world["centre"])
    assert client.get(path).status_code == 200
    if path not in {"/veterans/", "/veterans/visits/new/"}:
        sep = "&" if "?" in path else "?"
        assert client.get(f"{path}{sep}export=xlsx")["Content-Type"].startswith(XLSX)


def test_the_veteran_sees_their_wish_and_confirms_it(world, claimants):
    wish = publish(world, record_wish(world))
    holder = claimants["person"].user
    services.do_claim_wish(holder, wish)
    from tests.veterans.conftest import photo

    do_transition(holder, wish.case, "fulfil", attachments=[photo()])
    client = client_for(world["veteran"])
    html = client.get("/veterans/mine/").content.decode()
    assert "助听器" in html and "确认圆梦" in html
    done = client.post(f"/cases/{wish.case_id}/do/confirm/", {"channel": "self"}, follow=True)
    assert done.status_code == 200
    wish.case.refresh_from_db()
    assert wish.case.state.code == "confirmed"


def test_a_claimant_cannot_see_a_wish_before_it_is_published(world, claimants):
    wish = record_wish(world)
    client = client_for(claimants["group"].user)
    assert client.get(f"/cases/{wish.case_id}/").status_code == 404
    assert client.post(f"/veterans/wishes/{wish.pk}/claim/").status_code == 404


def test_bad_filter_values_are_refused_with_their_label(world):
    client = client_for(world["centre"])
    page = client.get("/veterans/visits/?month=2026-13")
    assert page.status_code == 400 and "月份" in page.content.decode()


def test_the_cockpit_figures_come_from_the_records(world, claimants):
    from qinqing.core.indicators import Scope, figures, read

    wish = publish(world, record_wish(world))
    services.do_claim_wish(claimants["enterprise"].user, wish)

    def values(user):
        return {f.code: read(f, Scope(user)).value for f in figures("veterans")}

    mine = values(world["centre"])
    assert mine["veterans.wishes_collected"] == 1 and mine["veterans.wishes_fulfilled"] == 0
    assert mine["veterans.visits"] == 1 and mine["veterans.people_reached"] == 3
    assert mine["veterans.coverage"] is None  # no eligible list for the year yet
    outsider = values(world["villager"])
    assert outsider["veterans.wishes_collected"] == 0  # 蔡老 belongs to the town station


def test_the_engines_kpi_page_counts_wishes_by_stage(world, claimants):
    wish = publish(world, record_wish(world))
    services.do_claim_wish(claimants["group"].user, wish)
    record_wish(world, title="棉被")
    page = client_for(world["centre"]).get("/cases/kpis/?group_by=case_type")
    assert page.status_code == 200
    html = page.content.decode()
    assert "征集心愿" in html and "圆梦心愿" in html and "认领率" in html
