"""The station's cockpit figures, each recomputed by hand from a handful of records.

Every fixture holds near misses that must not count: outside the period, outside the
station or the viewer's regions, in the wrong state, another module's record.
``users["staff"]`` works in 婺城区 (竹马乡 lies within it); the leader sees the county.
"""

import datetime
from decimal import Decimal

import pytest

from qinqing.cases.services import do_open_case, do_transition
from qinqing.core.models import Department, Enterprise, Role
from qinqing.core.synthetic import make_credit_code
from qinqing.enterprise.models import GradeResult, GradingScheme, LandParcel
from qinqing.enterprise.services import default_scheme, do_assign_liaison, do_instant_call
from tests.conftest import make_user
from tests.figure_checks import OCTOBER, Covered, at, rows, value

covered = Covered("enterprise")
D = datetime.date


def firm(name, region, serial, **extra):
    return Enterprise.objects.create(
        name=name,
        credit_code=make_credit_code(region.code[:6], serial),
        industry_code="3011",
        region=region,
        **extra,
    )


@pytest.fixture
def baibu_station(users, regions, other_enterprise):
    """百步镇 gets a station too: a liaison for 百步电子 and an account for the firm."""
    office = Department.objects.create(name="百步镇企业服务办公室", region=regions["baibu"])
    liaison = make_user(Role.STAFF, "baibu-liaison", regions=[regions["baibu"]], department=office)
    do_assign_liaison(users["admin"], other_enterprise, liaison)
    account = make_user(Role.ENTERPRISE, "baibu-firm", enterprise=other_enterprise)
    return {"liaison": liaison, "account": account}


# --- 联企服务员覆盖率 ----------------------------------------------------------------


@covered("enterprise.liaison_coverage")
def test_coverage_is_the_station_enterprises_with_a_liaison_over_all_of_them(
    users, regions, station, uncovered, other_enterprise
):
    # 婺城区 itself (not 竹马乡) has no liaison on a visit plan: not the station's.
    firm("婺城区直属贸易公司", regions["wucheng"], 1701)
    figure = "enterprise.liaison_coverage"

    # 竹马水泥 has a liaison, 竹马新开 has none; 百步 and 婺城区直属 are no station's.
    assert value(figure, users["leader"]) == Decimal("50.0")  # 1 of 2
    listed = rows(figure, users["leader"])
    assert [e.name for e in listed] == ["竹马新开机械有限公司", "竹马水泥建材有限公司"]
    assert [e.name for e in listed if hasattr(e, "liaison")] == ["竹马水泥建材有限公司"]


@covered("enterprise.liaison_coverage")
def test_coverage_counts_the_stations_of_the_viewers_regions_only(
    users, regions, station, uncovered, baibu_station
):
    figure = "enterprise.liaison_coverage"
    # 百步镇 is a station now, its one enterprise covered: 2 of 3 for the county.
    assert value(figure, users["leader"]) == Decimal("66.7")
    # The 婺城区 cadre does not see 百步镇: 1 of 2.
    assert value(figure, users["staff"]) == Decimal("50.0")
    assert {e.name for e in rows(figure, users["staff"])} == {
        "竹马水泥建材有限公司",
        "竹马新开机械有限公司",
    }
    assert value(figure, users["leader"], region=regions["baibu"]) == Decimal("100.0")


def test_coverage_is_empty_rather_than_zero_where_the_station_has_no_enterprise(users):
    assert value("enterprise.liaison_coverage", users["leader"]) is None  # shown as “—”


# --- 已解决问题 ----------------------------------------------------------------------


def call(account, liaison, title, day, solved):
    """An instant call on ``day``, answered by the liaison; 回访 records ``solved``
    (None: answered, not yet surveyed)."""
    case = do_instant_call(account, title, now=at(f"{day} 09:00"))
    case = do_transition(liaison, case, "sign_and_start", now=at(f"{day} 10:00"))
    case = do_transition(liaison, case, "reply", note="已办理", now=at(f"{day} 11:00"))
    if solved is not None:
        do_transition(account, case, "satisfied", solved=solved, now=at(f"{day} 15:00"))
    return case


@covered("enterprise.problems_solved")
def test_problems_solved_are_those_registered_in_the_period_and_confirmed_solved_at_回访(
    users, station, baibu_station, office
):
    liaison, account = station["liaison"], users["enterprise"]
    solved = call(account, liaison, "用电报装", "2026-10-01", True)
    call(account, liaison, "招工难", "2026-10-06", False)  # 办结, but 回访 says not solved
    call(account, liaison, "道路破损", "2026-10-07", None)  # answered, not yet surveyed
    call(account, liaison, "九月的诉求", "2026-09-30", True)  # registered before the period
    far = call(baibu_station["account"], baibu_station["liaison"], "百步诉求", "2026-10-08", True)
    # A 12345 case about the same firm, solved in October, is not on the problem list.
    other = do_open_case(
        office["requester"],
        case_type="general",
        title="企业门口路灯不亮",
        region=station["office"].region,
        requester=account,
        enterprise=account.enterprise,
        now=at("2026-10-09 09:00"),
    )
    do_transition(office["dispatcher"], other, "accept", now=at("2026-10-09 09:10"))
    do_transition(
        office["dispatcher"],
        other,
        "dispatch",
        department=office["economy"],
        now=at("2026-10-09 09:20"),
    )
    do_transition(office["economy_handler"], other, "sign_and_start", now=at("2026-10-09 10:00"))
    do_transition(
        office["economy_handler"], other, "reply", note="已修", now=at("2026-10-09 11:00")
    )
    do_transition(account, other, "satisfied", solved=True, now=at("2026-10-09 15:00"))
    figure = "enterprise.problems_solved"

    assert value(figure, users["leader"], **OCTOBER) == 2  # 用电报装 and 百步诉求
    assert [p.case for p in rows(figure, users["leader"], **OCTOBER)] == [far, solved]
    assert value(figure, users["staff"], **OCTOBER) == 1  # 百步镇 is outside 婺城区
    assert [p.case for p in rows(figure, users["staff"], **OCTOBER)] == [solved]
    assert value(figure, users["leader"]) == 3  # no period: 九月的诉求 too


# --- 收回低效用地 --------------------------------------------------------------------


@covered("enterprise.land_recovered")
def test_land_recovered_sums_the_area_of_parcels_recovered_in_the_period(users, regions):
    for name, area, region, status, day in [
        ("原砖厂地块", "120", regions["zhuma"], "recovered", D(2026, 10, 1)),
        ("东侧闲置地", "80.5", regions["zhuma"], "recovered", D(2026, 10, 31)),
        ("北山旧厂", "30", regions["zhuma"], "recovered", D(2026, 9, 30)),  # before
        ("南湖空地", "33", regions["zhuma"], "recovered", D(2026, 11, 1)),  # after
        ("西园空地", "40", regions["zhuma"], "transferred", D(2026, 10, 10)),  # 已出让
        ("河沿整治地", "25", regions["zhuma"], "remediating", D(2026, 10, 12)),  # 整治中
        ("百步旧仓库", "50", regions["baibu"], "recovered", D(2026, 10, 15)),
    ]:
        LandParcel.objects.create(
            name=name,
            area_mu=Decimal(area),
            region=region,
            kind="idle",
            status=status,
            surveyed_on=D(2026, 3, 1),
            status_changed_on=day,
        )
    figure = "enterprise.land_recovered"

    assert value(figure, users["leader"], **OCTOBER) == Decimal("250.5")  # 120 + 80.5 + 50
    assert [p.name for p in rows(figure, users["leader"], **OCTOBER)] == [
        "东侧闲置地",
        "百步旧仓库",
        "原砖厂地块",
    ]
    assert value(figure, users["staff"], **OCTOBER) == Decimal("200.5")  # not 百步镇's 50
    assert value(figure, users["leader"], region=regions["baibu"], **OCTOBER) == 50
    assert value(figure, users["leader"], region=regions["haiyan"], start=D(2026, 11, 1)) == 0


# --- 亩均 A/B/C/D 类企业 ------------------------------------------------------------


@pytest.fixture
def grades(regions, enterprise, uncovered, other_enterprise):
    """2025 (the latest year) under the default scheme: 竹马水泥 A, 竹马新开 B, 竹马纺织 C,
    百步电子 D. Near misses: every 2024 grade, and a trial scheme's 2025 grades."""
    textile = firm("竹马纺织有限公司", regions["zhuma"], 1801)
    scheme = default_scheme()
    trial = GradingScheme.objects.create(name="试行方案", config=scheme.config)

    def grade(company, year, letter, score, scheme=scheme):
        GradeResult.objects.create(
            enterprise=company,
            year=year,
            scheme=scheme,
            above_scale=True,
            score=Decimal(score),
            grade=letter,
            tax_per_mu=Decimal("10"),
            low_efficiency=letter == "D",
            details={},
        )

    grade(enterprise, 2025, "A", "92")
    grade(uncovered, 2025, "B", "75")
    grade(textile, 2025, "C", "61")
    grade(other_enterprise, 2025, "D", "40")
    grade(enterprise, 2024, "D", "45")  # an older year
    grade(other_enterprise, 2024, "A", "90")
    grade(uncovered, 2025, "D", "30", scheme=trial)  # another scheme's view of 2025
    grade(textile, 2025, "A", "95", scheme=trial)
    return textile


@covered(*(f"enterprise.grade_{letter}" for letter in "abcd"))
@pytest.mark.parametrize(
    "letter, county, wucheng, names",
    [
        ("a", 1, 1, ["竹马水泥建材有限公司"]),
        ("b", 1, 1, ["竹马新开机械有限公司"]),
        ("c", 1, 1, ["竹马纺织有限公司"]),
        ("d", 1, 0, ["百步电子有限公司"]),  # 百步 is outside 婺城区
    ],
    ids=["grade-A", "grade-B", "grade-C", "grade-D"],
)
def test_each_grade_counts_the_enterprises_so_graded_in_the_latest_year(
    users, grades, letter, county, wucheng, names
):
    figure = f"enterprise.grade_{letter}"
    assert value(figure, users["leader"]) == county
    assert [g.enterprise.name for g in rows(figure, users["leader"])] == names
    assert {g.year for g in rows(figure, users["leader"])} == {2025}
    assert value(figure, users["staff"]) == wucheng
    assert value(figure, users["leader"], **OCTOBER) == county  # a year's grade, not a period's


def test_a_grade_count_follows_the_region(users, grades, regions):
    # In 百步镇 the latest year is 2025 too: D, not its 2024 A.
    assert value("enterprise.grade_d", users["leader"], region=regions["baibu"]) == 1
    assert value("enterprise.grade_a", users["leader"], region=regions["baibu"]) == 0


def test_every_station_figure_has_a_test_here():
    assert covered.codes == covered.registered()
