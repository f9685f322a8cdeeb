"""Confirmed findings become a clue on the case engine, referred and tracked to a result."""

from decimal import Decimal

import pytest

from qinqing.cases.models import Case
from qinqing.cases.services import do_transition
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.medinsure.models import AuditRun, Finding, Institution, ReviewStatus
from qinqing.medinsure.services import do_refer_clue, do_review_finding


@pytest.fixture
def institution(regions, department):
    return Institution.objects.create(
        code="H33070200001",
        name="婺城区某口腔医院",
        kind="dental",
        region=regions["wucheng"],
        department=department,
    )


@pytest.fixture
def confirmed(users, institution):
    run = AuditRun.objects.create(started_by=users["staff"])
    findings = []
    for n, amount in enumerate(("600.00", "40.00")):
        finding = Finding.objects.create(
            run=run, rule_id="over_price", rule_version=1, settlement_id=f"S{n}",
            line_id=f"L{n}", institution_code=institution.code, service_month="2026-06",
            vola_cont="种植体单价超过集采中选价", vola_evid=f"L{n}", vola_amt=Decimal(amount),
            sev_deg="明确",
        )  # fmt: skip
        do_review_finding(users["staff"], finding, decision=ReviewStatus.CONFIRMED, reason="核实")
        findings.append(Finding.objects.get(pk=finding.pk))
    return findings


def fresh(case):
    return Case.objects.select_related("case_type", "state", "department").get(pk=case.pk)


def test_a_deduction_needs_a_second_persons_approval_and_ends_with_the_amount_recovered(
    users, institution, confirmed, department
):
    clue = do_refer_clue(users["staff"], institution, confirmed)
    assert clue.amount == Decimal("640.00")
    assert set(Finding.objects.filter(clue=clue).values_list("pk", flat=True)) == {
        f.pk for f in confirmed
    }
    case = do_transition(users["staff"], fresh(clue.case), "refer", department=department)
    assert case.department == department
    case = do_transition(
        users["staff"],
        fresh(case),
        "propose",
        values={"deduction": "640.00", "penalty": "1280.00", "referral": "none"},
    )
    with pytest.raises(Forbidden, match="须由"):
        do_transition(users["staff"], fresh(case), "approve")
    case = do_transition(users["admin"], fresh(case), "approve")
    assert case.state.code == "approved"
    case = do_transition(users["handler"], fresh(case), "close", values={"recovered": "640.00"})
    assert case.state.code == "closed"


def test_only_confirmed_findings_of_the_institution_become_a_clue_and_only_once(
    users, institution, confirmed
):
    pending = Finding.objects.create(
        run=confirmed[0].run, rule_id="gender_limit", rule_version=1, settlement_id="S9",
        line_id="L9", institution_code=institution.code, service_month="2026-06",
        vola_cont="限性别", vola_evid="L9", vola_amt=Decimal("5.00"), sev_deg="明确",
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="已确认"):
        do_refer_clue(users["staff"], institution, [pending])
    do_refer_clue(users["staff"], institution, confirmed)
    with pytest.raises(InvalidInput):
        do_refer_clue(
            users["staff"], institution, [Finding.objects.get(pk=f.pk) for f in confirmed]
        )
    with pytest.raises(Forbidden):
        do_refer_clue(users["leader"], institution, [pending])


def test_the_clue_api_refers_confirmed_findings_and_lists_the_clue_with_its_case(
    users, institution, confirmed
):
    from tests.conftest import client_for

    client = client_for(users["staff"])
    answer = client.post(
        "/api/v1/medinsure/clues",
        {"institution_code": institution.code, "findings": [f.pk for f in confirmed]},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["amount"] == "640.00" and body["state"] == "filed"
    assert body["number"].startswith("YB")
    listed = client.get("/api/v1/medinsure/clues").json()
    assert listed["count"] == 1 and listed["items"][0]["findings"] == sorted(
        f.pk for f in confirmed
    )
    again = client.post(
        "/api/v1/medinsure/clues",
        {"institution_code": "H0", "findings": [confirmed[0].pk]},
        content_type="application/json",
    )
    assert again.status_code == 422
    assert "institution_code" in again.json()["errors"]


def test_a_reviewer_turns_an_institutions_confirmed_findings_into_a_clue_from_the_queue(
    users, institution, confirmed
):
    from tests.conftest import client_for

    client = client_for(users["staff"])
    page = client.get(f"/medinsure/findings/?institution={institution.code}").content.decode()
    assert "将本机构已确认的疑点形成线索" in page
    answer = client.post("/medinsure/clues/refer/", {"institution": institution.code})
    clue = Finding.objects.get(pk=confirmed[0].pk).clue
    assert clue is not None and clue.amount == Decimal("640.00")
    assert answer.status_code == 302 and answer["Location"] == f"/cases/{clue.case_id}/"


def walk(users, clue, department, *steps, recovered="0", maker="staff"):
    case = clue.case
    for step in steps:
        actor = users["admin"] if step == "approve" else users[maker]
        kwargs = {}
        if step == "refer":
            kwargs["department"] = department
        elif step == "propose":
            kwargs["values"] = {"deduction": "1.00", "referral": "none"}
        elif step == "close":
            kwargs["values"] = {"recovered": recovered}
        elif step == "drop":
            kwargs["note"] = "已退费"
        case = do_transition(actor, fresh(case), step, **kwargs)
    return case


def test_the_cockpit_sums_what_closed_clues_recovered_in_the_period_and_lists_them(
    users, institution, confirmed, department, regions
):
    from django.utils import timezone

    from qinqing.cases.models import CaseEvent
    from qinqing.core.indicators import FIGURES, Scope, read
    from qinqing.core.models import Role
    from tests.conftest import client_for, make_user

    users = {**users, "outsider": make_user(Role.STAFF, "haiyan", regions=[regions["haiyan"]])}
    closed = do_refer_clue(users["staff"], institution, confirmed[:1])
    walk(users, closed, department, "refer", "propose", "approve", "close", recovered="580.50")
    pending = do_refer_clue(users["staff"], institution, confirmed[1:])
    walk(users, pending, department, "refer", "propose", "approve")  # approved, not yet paid
    other = Institution.objects.create(
        code="H33078200001", name="海盐某医院", kind="hospital", region=regions["haiyan"]
    )
    extra = Finding.objects.create(
        run=confirmed[0].run, rule_id="over_price", rule_version=1, settlement_id="S7",
        line_id="L7", institution_code=other.code, service_month="2026-06", vola_cont="超价",
        vola_evid="L7", vola_amt=Decimal("99.00"), sev_deg="明确",
    )  # fmt: skip
    do_review_finding(users["admin"], extra, decision=ReviewStatus.CONFIRMED, reason="核实")
    far = do_refer_clue(users["admin"], other, [Finding.objects.get(pk=extra.pk)])
    walk(
        users, far, department, "refer", "propose", "approve", "close", recovered="99.00",
        maker="outsider",
    )  # fmt: skip
    # the far clue was closed last month: outside this month's period
    CaseEvent.objects.filter(case=far.case, transition="close").update(
        created_at=timezone.now() - timezone.timedelta(days=40)
    )

    figure = FIGURES["medinsure.amount_recovered"]
    today = timezone.localdate()
    assert read(figure, Scope(users["leader"])).value == Decimal("679.50")
    month = Scope(users["leader"], start=today - timezone.timedelta(days=10), end=today)
    assert read(figure, month).value == Decimal("580.50")
    assert [c.pk for c in figure.rows(month)] == [closed.pk]
    assert read(figure, Scope(users["staff"])).value == Decimal("580.50")  # 婺城 only
    html = client_for(users["leader"]).get("/cockpit/figures/medinsure.amount_recovered/")
    text = html.content.decode()
    assert "追回医保基金" in text and closed.case.number in text and far.case.number in text
    assert pending.case.number not in text
