"""A department's 办结 of an agency matter linked to a milestone fills that milestone in:
the certificate number and date it entered mark the milestone done — or, while what the
milestone waits for is not done, the 办结 is refused and nothing is saved."""

import datetime

import pytest
from django.urls import reverse

from qinqing.cases.models import CaseEvent, StateKind
from qinqing.cases.services import do_transition
from qinqing.core.models import AuditEntry
from qinqing.core.services import InvalidInput
from qinqing.investment import services
from qinqing.investment.models import MilestoneKind as K
from qinqing.investment.models import ProjectStatus
from tests.conftest import client_for
from tests.investment.conftest import QUICK, finish

CERTIFICATE = "建字第330726202600123号"


def matter_for(agency, project, kind):
    matter = services.do_open_matter(
        agency["officer"],
        project,
        title="建设工程规划许可证",
        department=agency["land"],
        legal_days=5,
        milestone=project.milestones.get(kind=kind),
    )
    do_transition(agency["land_handler"], matter.case, "sign")
    matter.case.refresh_from_db()
    return matter


def complete(agency, matter, issued_on="2026-10-30"):
    return do_transition(
        agency["land_handler"],
        matter.case,
        "complete",
        values={"certificate_no": CERTIFICATE, "issued_on": issued_on},
    )


def test_completing_the_matter_marks_its_milestone_done_with_the_certificate(agency, project):
    finish(agency, project, {k: QUICK[k] for k in (K.SIGNING, K.DELISTING, K.LAND_PLANNING)})
    matter = matter_for(agency, project, K.WORKS_PLANNING)

    case = complete(agency, matter)

    assert case.kind == StateKind.CLOSED
    milestone = project.milestones.get(kind=K.WORKS_PLANNING)
    assert milestone.done_on == datetime.date(2026, 10, 30)
    assert milestone.certificate_no == CERTIFICATE
    assert milestone.recorded_by == agency["land_handler"]
    # The milestone's change is on the audit trail, attributed to the department's handler.
    entry = AuditEntry.objects.filter(
        content_type__model="milestone", object_pk=str(milestone.pk)
    ).latest("pk")
    assert entry.actor == agency["land_handler"]
    # The project's timeline page shows the actual date the department entered.
    page = (
        client_for(agency["officer"])
        .get(reverse("investment-project", args=[project.pk]))
        .content.decode()
    )
    assert "2026-10-30" in page


def test_completing_the_start_permit_moves_the_project_on(agency, project):
    finish(agency, project, {k: v for k, v in QUICK.items() if k not in (K.CONSTRUCTION, K.START)})
    matter = matter_for(agency, project, K.CONSTRUCTION)
    complete(agency, matter)
    assert project.milestones.get(kind=K.CONSTRUCTION).done_on == datetime.date(2026, 10, 30)
    # Construction can now start: the next milestone is no longer blocked.
    services.do_complete_milestone(
        agency["officer"], project.milestones.get(kind=K.START), done_on=datetime.date(2026, 11, 2)
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.BUILDING


def test_a_matter_whose_milestone_must_wait_is_refused_and_nothing_is_saved(agency, project):
    finish(agency, project, {k: QUICK[k] for k in (K.SIGNING, K.DELISTING)})
    matter = matter_for(agency, project, K.WORKS_PLANNING)
    events_before = CaseEvent.objects.filter(case=matter.case).count()

    with pytest.raises(InvalidInput) as refused:
        complete(agency, matter)

    assert "须先完成：用地规划许可证" in refused.value.summary
    assert "发证日期" in refused.value.summary
    matter.case.refresh_from_db()
    assert matter.case.state.code == "processing" and matter.case.replied_at is None
    assert CaseEvent.objects.filter(case=matter.case).count() == events_before
    milestone = project.milestones.get(kind=K.WORKS_PLANNING)
    assert milestone.done_on is None and milestone.certificate_no == ""


def test_the_department_sees_the_refusal_on_the_case_page(agency, project):
    finish(agency, project, {k: QUICK[k] for k in (K.SIGNING, K.DELISTING)})
    matter = matter_for(agency, project, K.WORKS_PLANNING)
    response = client_for(agency["land_handler"]).post(
        reverse("case-transition", args=[matter.case_id, "complete"]),
        {"certificate_no": CERTIFICATE, "issued_on": "2026-10-30"},
    )
    assert response.status_code == 422
    assert "须先完成：用地规划许可证" in response.content.decode()
    matter.case.refresh_from_db()
    assert matter.case.kind != StateKind.CLOSED


def test_a_certificate_dated_before_what_it_waits_for_is_refused(agency, project):
    finish(agency, project, {k: QUICK[k] for k in (K.SIGNING, K.DELISTING, K.LAND_PLANNING)})
    matter = matter_for(agency, project, K.WORKS_PLANNING)
    with pytest.raises(InvalidInput) as refused:
        complete(agency, matter, issued_on="2025-04-01")
    assert "不能早于前置节点：用地规划许可证（2025-04-11）" in refused.value.summary
    assert project.milestones.get(kind=K.WORKS_PLANNING).done_on is None


def test_a_certificate_milestone_needs_the_certificate_number(agency, project):
    finish(agency, project, {k: QUICK[k] for k in (K.SIGNING, K.DELISTING, K.LAND_PLANNING)})
    matter = matter_for(agency, project, K.WORKS_PLANNING)
    with pytest.raises(InvalidInput) as refused:
        do_transition(agency["land_handler"], matter.case, "complete", values={})
    assert "证书编号" in refused.value.summary
    matter.case.refresh_from_db()
    assert matter.case.state.code == "processing"


def test_a_milestone_recorded_by_hand_first_keeps_its_evidence(agency, project):
    finish(agency, project, {k: QUICK[k] for k in (K.SIGNING, K.DELISTING, K.LAND_PLANNING)})
    matter = matter_for(agency, project, K.WORKS_PLANNING)
    finish(agency, project, {K.WORKS_PLANNING: QUICK[K.WORKS_PLANNING]})
    case = complete(agency, matter)
    assert case.kind == StateKind.CLOSED
    milestone = project.milestones.get(kind=K.WORKS_PLANNING)
    assert milestone.done_on == QUICK[K.WORKS_PLANNING]
    assert milestone.certificate_no != CERTIFICATE
