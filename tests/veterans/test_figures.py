"""Each veterans' cockpit figure, recomputed by hand from a small fixture.

The world (tests/veterans/conftest.py): 海盐县's centre, 百步镇's station and a village
station under it, and the town worker (``baibu-worker``) who sees the town and its
village but not the county centre. Here a 竹马乡 station (婺城区) is added: outside
海盐县, and none of the town worker's business. The period is November 2026.
"""

import datetime
from decimal import Decimal

import pytest

from qinqing.cases.services import do_transition
from qinqing.core import importing
from qinqing.core.models import Person
from qinqing.core.synthetic import make_id_number
from qinqing.veterans import services
from qinqing.veterans.models import (
    AllowanceStandard,
    Category,
    ServiceRecord,
    Station,
    StationLevel,
    Wish,
)
from tests.figure_checks import Covered, at, rows, value
from tests.veterans.conftest import photo

D = datetime.date
NOVEMBER = {"start": D(2026, 11, 1), "end": D(2026, 11, 30)}
covered = Covered("veterans")


@pytest.fixture
def zhuma(world, regions, users):
    """竹马乡's station with one veteran on its books: outside 海盐县."""
    station = Station.objects.create(
        name="竹马乡退役军人服务站", level=StationLevel.TOWN, region=regions["zhuma"]
    )
    veteran = Person.objects.create(
        name="竹马老兵",
        id_number=make_id_number("330702", D(1955, 4, 4), 71),
        region=regions["zhuma"],
    )
    record = ServiceRecord.objects.create(
        person=veteran, category=Category.DEMOBILISED, station=station
    )
    return {"station": station, "record": record, "admin": users["admin"]}


# --- stations ---------------------------------------------------------------------------


@covered("veterans.stations")
def test_stations_counts_the_centre_and_every_town_and_village_station(world, zhuma, users):
    leader, worker = users["leader"], world["worker"]
    # The leader: 海盐县 centre, 百步镇 station, 农丰村 station, 竹马乡 station.
    assert value("veterans.stations", leader) == 4
    # Narrowed to 海盐县: the three stations there.
    assert value("veterans.stations", leader, region=world["county"].region) == 3
    # The 百步镇 worker: their station and the village under it — not the centre above.
    assert value("veterans.stations", worker) == 2
    assert set(rows("veterans.stations", worker)) == {world["town"], world["village"]}
    # A resident sees no station.
    assert value("veterans.stations", users["resident"]) == 0


# --- visits -----------------------------------------------------------------------------


@pytest.fixture
def visits(world, zhuma):
    def visit(actor, record, when, people):
        return services.do_record_visit(
            actor,
            {
                "record": record.pk,
                "visited_at": when,
                "people_reached": people,
                "notes": "走访慰问",
            },
        )

    return {
        "town": visit(world["worker"], world["record"], "2026-11-02 09:30", 3),
        # The period's last day counts, late in the evening (the local date).
        "village": visit(world["worker"], world["village_record"], "2026-11-30 23:30", 2),
        "october": visit(world["worker"], world["record"], "2026-10-31 23:30", 5),
        "zhuma": visit(zhuma["admin"], zhuma["record"], "2026-11-10 10:00", 4),
    }


@covered("veterans.visits")
def test_visits_counts_the_visits_made_in_the_period(world, visits, users):
    leader = users["leader"]
    # November: 百步镇 2 Nov, 农丰村 30 Nov, 竹马乡 10 Nov; not the 31 October one.
    assert value("veterans.visits", leader, **NOVEMBER) == 3
    assert set(rows("veterans.visits", leader, **NOVEMBER)) == {
        visits["town"],
        visits["village"],
        visits["zhuma"],
    }
    # 海盐县 only: the 竹马乡 visit is outside it.
    assert value("veterans.visits", leader, region=world["county"].region, **NOVEMBER) == 2
    # The town worker sees their station's and village's visits, never 竹马乡's.
    assert value("veterans.visits", world["worker"], **NOVEMBER) == 2
    assert set(rows("veterans.visits", world["worker"], **NOVEMBER)) == {
        visits["town"],
        visits["village"],
    }
    # The village worker sees the village only.
    assert value("veterans.visits", world["villager"], **NOVEMBER) == 1


@covered("veterans.people_reached")
def test_people_reached_adds_up_the_people_of_the_periods_visits(world, visits, users):
    leader = users["leader"]
    # 3 (百步镇) + 2 (农丰村) + 4 (竹马乡); the 5 reached on 31 October are outside.
    assert value("veterans.people_reached", leader, **NOVEMBER) == 9
    drill = rows("veterans.people_reached", leader, **NOVEMBER)
    assert sum(r.people_reached for r in drill) == 9
    # 海盐县: 3 + 2.
    assert value("veterans.people_reached", leader, region=world["county"].region, **NOVEMBER) == 5
    assert value("veterans.people_reached", world["worker"], **NOVEMBER) == 5
    # A month without visits: 0, not nothing.
    assert value("veterans.people_reached", leader, start=D(2026, 9, 1), end=D(2026, 9, 30)) == 0


# --- wishes -----------------------------------------------------------------------------


@pytest.fixture
def wishes(world, zhuma, claimants):
    """Seven wishes at every stage, registered, published and fulfilled at known moments."""
    worker, admin = world["worker"], zhuma["admin"]

    def wish(actor, record, title, created):
        return services.open_wish(actor, record, title, "300", "心愿", now=at(created))

    def publish(actor, wish, when):
        do_transition(actor, wish.case, "verify", values={"genuine": "true"}, now=at(when))
        do_transition(actor, wish.case, "publish", now=at(when))

    def fulfil(claimant, wish, when):
        services.do_claim_wish(claimant.user, wish)
        do_transition(claimant.user, wish.case, "fulfil", attachments=[photo()], now=at(when))

    town, village = world["record"], world["village_record"]
    # Registered in October, fulfilled on 5 November, awaiting confirmation: 14 days.
    hearing = wish(worker, town, "助听器", "2026-10-20 09:00")
    publish(worker, hearing, "2026-10-22 10:00")
    fulfil(claimants["enterprise"], hearing, "2026-11-05 10:00")
    # Registered and fulfilled in November, then confirmed: 3.25 days (3 days 6 hours).
    glasses = wish(worker, village, "老花镜", "2026-11-03 09:00")
    publish(worker, glasses, "2026-11-04 10:00")
    fulfil(claimants["group"], glasses, "2026-11-07 16:00")
    do_transition(worker, glasses.case, "confirm", values={"channel": "phone"})
    # Claimed but not yet fulfilled.
    quilt = wish(worker, town, "棉被", "2026-11-10 09:00")
    publish(worker, quilt, "2026-11-11 10:00")
    services.do_claim_wish(claimants["person"].user, quilt)
    # Declined after checking: registered, never fulfilled.
    wheelchair = wish(worker, town, "电动轮椅", "2026-11-12 09:00")
    do_transition(worker, wheelchair.case, "decline", note="已由民政部门解决")
    # Registered and fulfilled in October (23:30 on the 31st): before the period.
    radio = wish(worker, town, "收音机", "2026-10-01 09:00")
    publish(worker, radio, "2026-10-02 10:00")
    fulfil(claimants["person"], radio, "2026-10-31 23:30")
    # 竹马乡's wish: fulfilled in 5 days, confirmed and thanked — outside 海盐县.
    rice = wish(admin, zhuma["record"], "大米", "2026-11-15 09:00")
    publish(admin, rice, "2026-11-15 10:00")
    fulfil(claimants["enterprise"], rice, "2026-11-20 10:00")
    do_transition(admin, rice.case, "confirm", values={"channel": "visit"})
    do_transition(admin, rice.case, "thank")
    # Fulfilled in November, then sent back by the veteran: no longer fulfilled.
    kettle = wish(worker, town, "电水壶", "2026-09-01 09:00")
    publish(worker, kettle, "2026-09-02 10:00")
    fulfil(claimants["group"], kettle, "2026-11-09 10:00")
    do_transition(worker, kettle.case, "reject_fulfilment", note="还没收到")
    names = ("hearing", "glasses", "quilt", "wheelchair", "radio", "rice", "kettle")
    made = (hearing, glasses, quilt, wheelchair, radio, rice, kettle)
    return {name: Wish.objects.get(pk=w.pk) for name, w in zip(names, made, strict=True)}


@covered("veterans.wishes_collected")
def test_wishes_collected_counts_the_wishes_registered_in_the_period(world, wishes, users):
    leader = users["leader"]
    # Registered in November: 老花镜, 棉被, 电动轮椅 (declined still counts), 大米.
    expected = {wishes[n] for n in ("glasses", "quilt", "wheelchair", "rice")}
    assert value("veterans.wishes_collected", leader, **NOVEMBER) == 4
    assert set(rows("veterans.wishes_collected", leader, **NOVEMBER)) == expected
    # 海盐县: not 竹马乡's 大米.
    county = world["county"].region
    assert value("veterans.wishes_collected", leader, region=county, **NOVEMBER) == 3
    assert value("veterans.wishes_collected", world["worker"], **NOVEMBER) == 3
    # The village worker: 老花镜 only.
    assert value("veterans.wishes_collected", world["villager"], **NOVEMBER) == 1


@covered("veterans.wishes_fulfilled")
def test_wishes_fulfilled_counts_the_wishes_fulfilled_in_the_period_in_any_later_state(
    world, wishes, users
):
    leader = users["leader"]
    # Fulfilled in November: 助听器 (待确认), 老花镜 (已确认), 大米 (已致谢). Not 收音机
    # (31 October), 棉被 (claimed only), 电水壶 (sent back), 电动轮椅 (declined).
    expected = {wishes[n] for n in ("hearing", "glasses", "rice")}
    assert value("veterans.wishes_fulfilled", leader, **NOVEMBER) == 3
    assert set(rows("veterans.wishes_fulfilled", leader, **NOVEMBER)) == expected
    assert {w.case.state.code for w in expected} == {"fulfilled", "confirmed", "thanked"}
    county = world["county"].region
    assert value("veterans.wishes_fulfilled", leader, region=county, **NOVEMBER) == 2
    assert value("veterans.wishes_fulfilled", world["worker"], **NOVEMBER) == 2
    # October: 收音机.
    october = {"start": D(2026, 10, 1), "end": D(2026, 10, 31)}
    assert value("veterans.wishes_fulfilled", leader, **october) == 1


@covered("veterans.wish_days")
def test_wish_days_averages_publication_to_fulfilment_over_the_periods_fulfilled(
    world, wishes, users
):
    leader = users["leader"]
    # 助听器 14 days, 老花镜 3.25 days, 大米 5 days: 22.25 / 3 = 7.42 → 7.4.
    assert value("veterans.wish_days", leader, **NOVEMBER) == 7.4
    assert set(rows("veterans.wish_days", leader, **NOVEMBER)) == {
        wishes[n] for n in ("hearing", "glasses", "rice")
    }
    # 海盐县 and the town worker: (14 + 3.25) / 2 = 8.625 → 8.6.
    county = world["county"].region
    assert value("veterans.wish_days", leader, region=county, **NOVEMBER) == 8.6
    assert value("veterans.wish_days", world["worker"], **NOVEMBER) == 8.6
    # Nothing fulfilled in September: no average ("—"), not 0.
    assert value("veterans.wish_days", leader, start=D(2026, 9, 1), end=D(2026, 9, 30)) is None


# --- 优待金 -------------------------------------------------------------------------------


@pytest.fixture
def allowances(world, zhuma, regions):
    """2026: four on the list, three paid (one late and short, one on the due date and
    over); 2025: two on the list, one paid. Paid through the bank's result file."""
    town, centre = world["town"], world["centre"]
    lu = Person.objects.create(
        name="陆大海",
        id_number=make_id_number("330424", D(1960, 7, 7), 33),
        region=regions["baibu"],
    )
    ServiceRecord.objects.create(person=lu, category=Category.RETIRED_SOLDIER, station=town)
    for year, category, amount in (
        (2026, Category.RETIRED_SOLDIER, "1200"),
        (2026, Category.DEMOBILISED, "3000"),
        (2025, Category.DEMOBILISED, "2800"),
    ):
        AllowanceStandard.objects.create(
            year=year, category=category, amount=Decimal(amount), due_on=D(year, 3, 31)
        )
    services.do_derive_eligibility(centre, 2025)  # 沈阿根, 竹马老兵: 2800 each
    services.do_derive_eligibility(centre, 2026)  # 蔡老, 陆大海: 1200; 沈阿根, 竹马老兵: 3000

    def pay(year, rows):
        lines = ["身份证号,姓名,发放金额（元）,发放日期,银行流水号"]
        lines += [
            f"{p.id_number},{p.name},{amount},{day},B{year}{n}"
            for n, (p, amount, day) in enumerate(rows)
        ]
        job = importing.do_start_import(
            zhuma["admin"],
            kind="veteran-payments",
            filename="回盘.csv",
            content="\n".join(lines).encode("utf-8"),
            params={"year": year},
        )
        assert job.status == "succeeded", job.errors

    cai, shen, zhu = world["record"].person, world["neighbour"], zhuma["record"].person
    pay(
        2026,
        [
            (cai, "1200", "2026-03-20"),  # in full, before the due date
            (shen, "2000", "2026-04-10"),  # 1000 short, after the due date
            (lu, "1500", "2026-03-31"),  # 300 over (counted up to 1200), on the due date
        ],
    )
    pay(2025, [(zhu, "2800", "2025-03-01")])  # 竹马老兵 is paid for 2025, not for 2026
    return world


YEAR_2026 = {"start": D(2026, 1, 1), "end": D(2026, 12, 31)}


def names(code, user, **scope) -> set[str]:
    return {e.person.name for e in rows(code, user, **scope)}


@covered("veterans.coverage")
def test_coverage_is_the_share_of_the_years_list_paid(allowances, users, regions):
    leader, worker = users["leader"], allowances["worker"]
    everyone = {"蔡老", "沈阿根", "陆大海", "竹马老兵"}
    # 2026: 3 paid (蔡老, 沈阿根, 陆大海) ÷ 4 on the list = 75.0 %.
    assert value("veterans.coverage", leader, **YEAR_2026) == Decimal("75.0")
    assert names("veterans.coverage", leader, **YEAR_2026) == everyone  # the denominator
    # 海盐县 and the town worker: 3 ÷ 3 = 100 % (竹马老兵 is outside).
    assert value("veterans.coverage", leader, region=regions["haiyan"], **YEAR_2026) == Decimal(
        "100.0"
    )
    assert value("veterans.coverage", worker, **YEAR_2026) == Decimal("100.0")
    assert names("veterans.coverage", worker, **YEAR_2026) == everyone - {"竹马老兵"}
    # 2025 (a period ending in 2025): 1 paid (竹马老兵) ÷ 2 on the list = 50 %.
    assert value("veterans.coverage", leader, end=D(2025, 12, 31)) == Decimal("50.0")
    assert names("veterans.coverage", leader, end=D(2025, 12, 31)) == {"沈阿根", "竹马老兵"}
    # No period: the latest year with a list, 2026.
    assert value("veterans.coverage", leader) == Decimal("75.0")
    # A year without a list: no rate ("—").
    assert value("veterans.coverage", leader, end=D(2024, 12, 31)) is None


@covered("veterans.amount_rate")
def test_amount_rate_is_paid_up_to_what_is_due_over_what_is_due(allowances, users, regions):
    leader, worker = users["leader"], allowances["worker"]
    # 2026 paid, each capped at its due: 1200 + 2000 + min(1500, 1200) + 0 = 4400;
    # due: 1200 + 3000 + 1200 + 3000 = 8400. 4400 ÷ 8400 = 52.38 → 52.4 %.
    assert value("veterans.amount_rate", leader, **YEAR_2026) == Decimal("52.4")
    assert len(rows("veterans.amount_rate", leader, **YEAR_2026)) == 4
    # 海盐县: 4400 ÷ (1200 + 3000 + 1200 = 5400) = 81.48 → 81.5 %.
    assert value("veterans.amount_rate", leader, region=regions["haiyan"], **YEAR_2026) == Decimal(
        "81.5"
    )
    assert value("veterans.amount_rate", worker, **YEAR_2026) == Decimal("81.5")
    # The village worker: 沈阿根 only, 2000 ÷ 3000 = 66.7 %.
    assert value("veterans.amount_rate", allowances["villager"], **YEAR_2026) == Decimal("66.7")
    assert names("veterans.amount_rate", allowances["villager"], **YEAR_2026) == {"沈阿根"}
    # 2025: 2800 ÷ (2800 + 2800) = 50 %.
    assert value("veterans.amount_rate", leader, end=D(2025, 12, 31)) == Decimal("50.0")


@covered("veterans.on_time_rate")
def test_on_time_rate_is_the_share_of_the_list_paid_by_the_due_date(allowances, users, regions):
    leader, worker = users["leader"], allowances["worker"]
    # 2026, due 31 March: 蔡老 (20 March) and 陆大海 (on 31 March) ÷ 4 = 50 %;
    # 沈阿根 was paid on 10 April, 竹马老兵 not at all.
    assert value("veterans.on_time_rate", leader, **YEAR_2026) == Decimal("50.0")
    assert len(rows("veterans.on_time_rate", leader, **YEAR_2026)) == 4
    # 海盐县 and the town worker: 2 ÷ 3 = 66.7 %.
    assert value("veterans.on_time_rate", leader, region=regions["haiyan"], **YEAR_2026) == Decimal(
        "66.7"
    )
    assert value("veterans.on_time_rate", worker, **YEAR_2026) == Decimal("66.7")
    # The village worker: 沈阿根, late: 0 ÷ 1 = 0 %.
    assert value("veterans.on_time_rate", allowances["villager"], **YEAR_2026) == Decimal("0.0")


def test_every_veterans_figure_has_a_test_here():
    # A figure registered without a test above fails here.
    assert covered.codes == covered.registered()
