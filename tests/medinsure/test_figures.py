"""清廉医保's cockpit figures, each recomputed by hand from a handful of records.

Three institutions: 婺城区口腔医院 (婺城区), 竹马乡卫生院 (竹马乡, within 婺城区) and
百步镇卫生院 (海盐县). ``users["staff"]`` works in 婺城区; the leader sees the county.
Every fixture holds near misses that must not count.
"""

import datetime
from decimal import Decimal

import pytest

from qinqing.cases.models import Case
from qinqing.cases.services import do_transition
from qinqing.core.models import Role
from qinqing.medinsure.models import AuditRun, Finding, Institution, ReviewStatus
from qinqing.medinsure.services import do_record_inspection, do_refer_clue, do_review_finding
from tests.conftest import make_user
from tests.figure_checks import OCTOBER, Covered, at, rows, value

covered = Covered("medinsure")
D = datetime.date


@pytest.fixture
def places(regions):
    def institution(code, name, region, kind="clinic"):
        return Institution.objects.create(code=code, name=name, kind=kind, region=region)

    return {
        "dental": institution("H33070200001", "婺城区口腔医院", regions["wucheng"], "dental"),
        "zhuma": institution("H33070220201", "竹马乡卫生院", regions["zhuma"]),
        "baibu": institution("H33042410201", "百步镇卫生院", regions["baibu"]),
    }


def codes(records) -> list[str]:
    return [r.code for r in records]


# --- 检查 / 约谈定点医药机构 --------------------------------------------------------


@pytest.fixture
def inspections(users, places):
    dental, zhuma, baibu = places["dental"], places["zhuma"], places["baibu"]
    for institution, kind, planned, done in [
        (dental, "inspection", D(2026, 10, 5), D(2026, 10, 5)),
        (dental, "inspection", D(2026, 10, 20), D(2026, 10, 20)),  # again: one institution
        (zhuma, "inspection", D(2026, 10, 10), None),  # planned, not carried out
        (zhuma, "inspection", D(2026, 9, 30), D(2026, 9, 30)),  # before the period
        (baibu, "inspection", D(2026, 10, 28), D(2026, 10, 31)),
        (zhuma, "interview", D(2026, 10, 12), D(2026, 10, 12)),
        (dental, "interview", D(2026, 10, 30), D(2026, 11, 1)),  # carried out after it
        (dental, "interview", D(2026, 10, 15), None),  # planned only
        (baibu, "interview", D(2026, 9, 25), D(2026, 10, 1)),  # carried out on its first day
    ]:
        do_record_inspection(
            users["admin"], institution, kind=kind, planned_on=planned, done_on=done
        )


@covered("medinsure.inspections")
def test_institutions_inspected_in_the_period_count_once_each(users, places, inspections):
    figure = "medinsure.inspections"
    # 口腔医院 (twice) and 百步镇卫生院; 竹马 was inspected in September, planned in October.
    assert value(figure, users["leader"], **OCTOBER) == 2
    assert codes(rows(figure, users["leader"], **OCTOBER)) == ["H33042410201", "H33070200001"]
    assert value(figure, users["staff"], **OCTOBER) == 1  # 百步镇 is outside 婺城区
    assert codes(rows(figure, users["staff"], **OCTOBER)) == ["H33070200001"]
    assert value(figure, users["leader"]) == 3  # no period: 竹马's September one too


@covered("medinsure.interviews")
def test_institutions_interviewed_in_the_period_count_once_each(
    users, places, inspections, regions
):
    figure = "medinsure.interviews"
    # 竹马 and 百步; 口腔医院's interview was on 1 November, its other one only planned.
    assert value(figure, users["leader"], **OCTOBER) == 2
    assert codes(rows(figure, users["leader"], **OCTOBER)) == ["H33042410201", "H33070220201"]
    assert value(figure, users["staff"], **OCTOBER) == 1
    assert value(figure, users["leader"], region=regions["baibu"], **OCTOBER) == 1


# --- 审核疑点 and their amounts: by the month of the service ----------------------------


@pytest.fixture
def findings(users, places):
    run = AuditRun.objects.create(started_by=users["staff"])
    made = {}
    for key, code, month, status, amount in [
        ("F1", "H33070200001", "2026-10", "pending", "100.00"),
        ("F2", "H33070220201", "2026-10", "pending", "50.50"),
        ("F3", "H33070200001", "2026-10", "confirmed", "300.00"),
        ("F4", "H33070200001", "2026-10", "dismissed", "70.00"),
        ("F5", "H33070200001", "2026-09", "pending", "999.00"),  # September's service
        ("F6", "H33070200001", "2026-11", "confirmed", "888.00"),  # November's service
        ("F7", "H33042410201", "2026-10", "pending", "40.00"),  # 百步镇
        ("F8", "H33042410201", "2026-10", "confirmed", "20.00"),
        ("F9", "H99000000001", "2026-10", "pending", "5.00"),  # not a registered institution
    ]:
        finding = Finding.objects.create(
            run=run,
            rule_id="over_price",
            rule_version=1,
            settlement_id=f"S-{key}",
            line_id=f"L-{key}",
            institution_code=code,
            service_month=month,
            vola_cont="单价超过限价",
            vola_evid=f"L-{key}",
            vola_amt=Decimal(amount),
            sev_deg="明确",
        )
        if status != "pending":
            do_review_finding(users["staff"], finding, decision=status, reason="已核实")
        made[key] = finding
    return made


def keys(records) -> list[str]:
    return [r.settlement_id.removeprefix("S-") for r in records]


@covered("medinsure.amount_at_risk")
def test_amount_at_risk_sums_the_findings_still_pending_by_service_month(
    users, places, findings, regions
):
    figure = "medinsure.amount_at_risk"
    assert value(figure, users["leader"], **OCTOBER) == Decimal("195.50")  # 100+50.5+40+5
    assert keys(rows(figure, users["leader"], **OCTOBER)) == ["F1", "F2", "F7", "F9"]
    # The claims are the fund's: a 婺城区 cadre reads the county's unless they pick a region.
    assert value(figure, users["staff"], **OCTOBER) == Decimal("195.50")
    assert value(figure, users["staff"], region=regions["wucheng"], **OCTOBER) == Decimal(
        "150.50"
    )  # 口腔医院 and 竹马乡卫生院
    assert keys(rows(figure, users["staff"], region=regions["wucheng"], **OCTOBER)) == [
        "F1",
        "F2",
    ]
    assert value(figure, users["leader"], region=regions["baibu"], **OCTOBER) == 40
    assert value(figure, users["leader"]) == Decimal("1194.50")  # and September's 999


@covered("medinsure.amount_confirmed")
def test_amount_confirmed_sums_the_findings_confirmed_at_review_by_service_month(
    users, places, findings, regions
):
    figure = "medinsure.amount_confirmed"
    assert value(figure, users["leader"], **OCTOBER) == Decimal("320.00")  # 300 + 20
    assert keys(rows(figure, users["leader"], **OCTOBER)) == ["F3", "F8"]
    assert value(figure, users["leader"], region=regions["wucheng"], **OCTOBER) == 300
    # A period from mid-October to mid-November takes both months whole: F6 too.
    middle = {"start": D(2026, 10, 15), "end": D(2026, 11, 10)}
    assert value(figure, users["leader"], **middle) == Decimal("1208.00")


@covered("medinsure.findings")
def test_findings_are_counted_whatever_their_review(users, places, findings, regions):
    figure = "medinsure.findings"
    # Pending, confirmed and dismissed alike; not September's F5 nor November's F6.
    assert value(figure, users["leader"], **OCTOBER) == 7
    assert keys(rows(figure, users["leader"], **OCTOBER)) == [
        "F3",
        "F1",
        "F4",
        "F2",
        "F7",
        "F8",
        "F9",
    ]  # by amount, largest first
    assert value(figure, users["leader"], region=regions["wucheng"], **OCTOBER) == 4
    assert value(figure, users["leader"], region=regions["haiyan"], **OCTOBER) == 2
    assert value(figure, users["leader"]) == 9


# --- 移送线索 and 追回医保基金 ---------------------------------------------------------


@pytest.fixture
def haiyan_staff(regions):
    return make_user(Role.STAFF, "haiyan-staff", regions=[regions["haiyan"]])


def clue(users, institution, amount, formed: str):
    """Confirmed findings of ``institution`` become a clue, formed at ``formed``."""
    finding = Finding.objects.create(
        run=AuditRun.objects.get_or_create(started_by=users["admin"])[0],
        rule_id="over_price",
        rule_version=1,
        settlement_id=f"S-{institution.code}-{formed}",
        line_id=f"L-{formed}",
        institution_code=institution.code,
        service_month="2026-08",
        vola_cont="单价超过限价",
        vola_evid="L",
        vola_amt=Decimal(amount),
        sev_deg="明确",
    )
    do_review_finding(users["admin"], finding, decision=ReviewStatus.CONFIRMED, reason="核实")
    made = do_refer_clue(users["admin"], institution, [Finding.objects.get(pk=finding.pk)])
    Case.objects.filter(pk=made.case_id).update(created_at=at(formed))
    return made


def walk(clue, steps, maker, checker, department, when: str, recovered="0"):
    """Move the clue's case through ``steps``, each a minute after ``when``."""
    case = Case.objects.get(pk=clue.case_id)
    moment = at(when)
    for step in steps:
        extra = {
            "refer": {"department": department},
            "propose": {"values": {"deduction": "1.00", "referral": "none"}},
            "close": {"values": {"recovered": recovered}},
            "drop": {"note": "已退费"},
        }.get(step, {})
        actor = checker if step == "approve" else maker
        case = do_transition(actor, Case.objects.get(pk=case.pk), step, now=moment, **extra)
        moment += datetime.timedelta(minutes=1)
    return case


@covered("medinsure.clues")
def test_clues_are_those_formed_in_the_period_and_referred_to_the_department(
    users, places, department, haiyan_staff, regions
):
    staff, admin = users["staff"], users["admin"]
    referred = clue(users, places["dental"], "300", "2026-10-05 09:00")
    walk(referred, ["refer"], staff, admin, department, "2026-10-06 09:00")
    clue(users, places["dental"], "50", "2026-10-07 09:00")  # formed, not yet referred
    dropped_first = clue(users, places["dental"], "60", "2026-10-08 09:00")
    walk(dropped_first, ["drop"], staff, admin, department, "2026-10-08 10:00")  # never referred
    early = clue(users, places["dental"], "70", "2026-09-30 23:00")  # formed in September
    walk(early, ["refer"], staff, admin, department, "2026-10-01 09:00")
    far = clue(users, places["baibu"], "40", "2026-10-09 09:00")
    walk(far, ["refer"], haiyan_staff, admin, department, "2026-10-09 10:00")
    later_dropped = clue(users, places["zhuma"], "80", "2026-10-10 09:00")
    walk(later_dropped, ["refer", "drop"], staff, admin, department, "2026-10-10 10:00")
    figure = "medinsure.clues"

    # 口腔医院's referred clue, 百步's, and 竹马's (referred, then 不予处理: it was referred).
    assert value(figure, users["leader"], **OCTOBER) == 3
    assert rows(figure, users["leader"], **OCTOBER) == [later_dropped, far, referred]
    assert value(figure, staff, **OCTOBER) == 2  # 百步镇 is outside 婺城区
    assert rows(figure, staff, **OCTOBER) == [later_dropped, referred]
    assert value(figure, users["leader"], region=regions["baibu"], **OCTOBER) == 1
    assert value(figure, users["leader"]) == 4  # no period: September's too


@covered("medinsure.amount_recovered")
def test_amount_recovered_sums_what_clues_closed_in_the_period_recorded(
    users, places, department, haiyan_staff, regions
):
    staff, admin = users["staff"], users["admin"]
    to_close = ["refer", "propose", "approve", "close"]
    october = clue(users, places["dental"], "600", "2026-09-01 09:00")  # formed long before
    walk(october, to_close, staff, admin, department, "2026-10-10 09:00", recovered="580.50")
    september = clue(users, places["dental"], "100", "2026-09-01 10:00")
    walk(september, to_close, staff, admin, department, "2026-09-30 23:00", recovered="100")
    approved = clue(users, places["dental"], "200", "2026-09-01 11:00")
    walk(approved, to_close[:3], staff, admin, department, "2026-10-11 09:00")  # not yet paid
    far = clue(users, places["baibu"], "99", "2026-09-02 09:00")
    walk(far, to_close, haiyan_staff, admin, department, "2026-10-20 09:00", recovered="99")
    november = clue(users, places["zhuma"], "10", "2026-09-03 09:00")
    walk(november, to_close, staff, admin, department, "2026-11-01 00:30", recovered="10")
    dropped = clue(users, places["zhuma"], "20", "2026-09-03 10:00")
    walk(dropped, ["refer", "drop"], staff, admin, department, "2026-10-12 09:00")
    figure = "medinsure.amount_recovered"

    assert value(figure, users["leader"], **OCTOBER) == Decimal("679.50")  # 580.50 + 99
    listed = rows(figure, users["leader"], **OCTOBER)
    assert listed == [far, october]
    assert [c.recovered for c in listed] == [Decimal("99"), Decimal("580.50")]
    assert value(figure, staff, **OCTOBER) == Decimal("580.50")  # 婺城区 only
    assert value(figure, users["leader"], region=regions["haiyan"], **OCTOBER) == 99
    assert value(figure, users["leader"]) == Decimal("789.50")  # + September's 100, November's 10


def test_every_medinsure_figure_has_a_test_here_or_in_its_own_file():
    # 省心办 and 集采 are tested in their own files; importing them records their figures.
    from tests.medinsure import test_procurement_figures, test_service_requests  # noqa: F401

    assert covered.codes == covered.registered()
