"""集采 figures: the average cut of the 集采 prices and the share of fee lines billed at
or below them, computed by one rule for the cockpit and the module's own page."""

import datetime as dt
from decimal import Decimal

import pytest

from qinqing.core.indicators import FIGURES, Scope, read
from qinqing.core.models import Role
from qinqing.medinsure.models import CatalogEntry, ClaimBatch, FeeLine, Institution, Settlement
from qinqing.medinsure.views.cockpit import procurement_compliance
from tests.conftest import client_for, make_user
from tests.figure_checks import Covered

covered = Covered("medinsure")

CUT = "medinsure.procurement_cut"
COMPLIANCE = "medinsure.procurement_compliance"


def version(code, name, cap, procured, start, end=None):
    return CatalogEntry.objects.create(
        item_code=code,
        item_name=name,
        kind="consumable",
        price_cap=Decimal(cap),
        procurement_price=Decimal(procured) if procured else None,
        valid_from=dt.date.fromisoformat(start),
        valid_to=dt.date.fromisoformat(end) if end else None,
    )


@pytest.fixture
def catalog(db):
    """Two 集采 items and one without: 种植体 5800 → 900, 支架 10000 → 7000."""
    version("IMPLANT", "种植体系统（单颗）", "5800", None, "2020-01-01", "2023-04-30")
    version("IMPLANT", "种植体系统（单颗）", "1850", "900", "2023-05-01")
    version("STENT", "冠脉支架", "10000", None, "2020-01-01", "2022-12-31")
    version("STENT", "冠脉支架", "10000", "7000", "2023-01-01")
    version("CT", "CT检查", "300", None, "2020-01-01")


@pytest.fixture
def lines(users, regions, catalog):
    """Fee lines at a 婺城 hospital and a 海盐 clinic (the 海盐 one bills the stent)."""
    batch = ClaimBatch.objects.create(
        name="2023年结算", settlements_file="s.csv", lines_file="l.csv", status="done",
        created_by=users["admin"],
    )  # fmt: skip
    for code, region in (("H33070200001", "wucheng"), ("H33042400001", "haiyan")):
        Institution.objects.create(code=code, name=code, kind="hospital", region=regions[region])
        Settlement.objects.create(
            batch=batch, settlement_id=f"S-{region}", patient_id="p1", gender="F",
            birth_date=dt.date(1970, 1, 1), institution_code=code, visit_type="outpatient",
            admission_date=dt.date(2023, 1, 1), diagnosis="K08.1", total_amount=1,
            fund_paid=1,
        )  # fmt: skip
    for n, (settlement, code, day, price) in enumerate(
        [
            ("S-wucheng", "IMPLANT", "2023-06-01", "900"),  # at the 集采 price
            ("S-wucheng", "IMPLANT", "2023-07-01", "1200"),  # above it
            ("S-wucheng", "IMPLANT", "2023-03-01", "5000"),  # before 集采: not counted
            ("S-haiyan", "STENT", "2023-02-01", "6500"),  # below it
            ("S-wucheng", "CT", "2023-06-01", "280"),  # not a 集采 item
        ]
    ):
        FeeLine.objects.create(
            batch=batch, line_id=f"L{n}", settlement_id=settlement, item_code=code,
            service_date=dt.date.fromisoformat(day), quantity=1, unit_price=Decimal(price),
            amount=Decimal(price),
        )  # fmt: skip


@covered("medinsure.procurement_cut")
def test_the_average_cut_is_the_mean_of_each_items_cut_against_its_previous_price(users, catalog):
    figure = FIGURES[CUT]

    reading = read(figure, Scope(users["leader"]))

    # 种植体: 1 − 900/5800 = 84.48 %; 支架: 1 − 7000/10000 = 30 %; mean 57.24 %
    assert reading.value == Decimal("57.2")
    assert reading.below_target is False  # target 45
    rows = list(figure.rows(Scope(users["leader"])))
    assert [(r.item_code, r.old_price, r.procurement_price) for r in rows] == [
        ("IMPLANT", Decimal("5800"), Decimal("900")),
        ("STENT", Decimal("10000"), Decimal("7000")),
    ]
    assert round(rows[0].cut, 2) == 84.48 and round(rows[1].cut, 2) == 30.0


def test_a_cut_below_45_percent_is_below_target(users, db):
    version("STENT", "冠脉支架", "10000", None, "2020-01-01", "2022-12-31")
    version("STENT", "冠脉支架", "10000", "7000", "2023-01-01")

    reading = read(FIGURES[CUT], Scope(users["leader"]))

    assert reading.value == Decimal("30.0") and reading.below_target


def test_the_catalog_is_read_as_it_stood_at_the_end_of_the_period(users, catalog):
    before = Scope(users["leader"], end=dt.date(2022, 12, 31))

    assert read(FIGURES[CUT], before).value is None
    assert list(FIGURES[CUT].rows(before)) == []


@covered("medinsure.procurement_compliance")
def test_compliance_counts_lines_of_procured_items_billed_while_the_price_was_in_force(
    users, lines
):
    figure = FIGURES[COMPLIANCE]

    reading = read(figure, Scope(users["leader"]))

    # counted: 种植体 900 (within), 种植体 1200 (above), 支架 6500 (within)
    assert (reading.numerator, reading.denominator) == (2, 3)
    assert reading.value == Decimal("66.7")
    rows = figure.rows(Scope(users["leader"]))
    assert [(r.line_id, r.procurement_price) for r in rows] == [
        ("L1", Decimal("900")),
        ("L0", Decimal("900")),
        ("L3", Decimal("7000")),
    ]


def test_compliance_narrows_by_period_and_by_the_institutions_region(users, regions, lines):
    june_on = Scope(users["leader"], start=dt.date(2023, 6, 1))
    haiyan = Scope(users["leader"], region=regions["haiyan"])

    assert read(FIGURES[COMPLIANCE], june_on).numerator == 1
    assert read(FIGURES[COMPLIANCE], june_on).denominator == 2
    assert read(FIGURES[COMPLIANCE], haiyan).value == Decimal("100.0")
    assert read(FIGURES[COMPLIANCE], haiyan).denominator == 1


def test_the_module_page_reads_the_same_rule_as_the_cockpit(users, lines):
    rows = {row["entry"].item_code: row for row in procurement_compliance()}

    assert set(rows) == {"IMPLANT", "STENT"}
    assert (rows["IMPLANT"]["lines"], rows["IMPLANT"]["within"]) == (2, 1)
    assert (rows["STENT"]["lines"], rows["STENT"]["within"]) == (1, 1)
    assert rows["IMPLANT"]["old"] == Decimal("5800") and rows["IMPLANT"]["cut_ok"]
    assert not rows["STENT"]["cut_ok"]
    page = client_for(users["staff"]).get("/medinsure/").content.decode()
    assert "84.5%（达到45%以上）" in page and "30.0%（未达45%）" in page


def test_someone_without_the_medinsure_view_reads_no_procurement_figure(users, lines):
    resident = make_user(Role.RESIDENT, "resident-2")

    assert read(FIGURES[CUT], Scope(resident)).value is None
    assert read(FIGURES[COMPLIANCE], Scope(resident)).denominator == 0


def test_the_cockpit_shows_both_procurement_figures_with_their_rows(users, lines):
    client = client_for(users["leader"])

    page = client.get("/cockpit/medinsure/").content.decode()
    cut_rows = client.get(f"/cockpit/figures/{CUT}/").content.decode()

    assert "集采中选价平均降幅" in page and "57.2" in page
    assert "集采中选价执行率" in page and "2 / 3" in page
    assert "种植体系统（单颗）" in cut_rows and "84.48" in cut_rows
