"""Projects' milestones: dependencies refused in Chinese, durations computed from the dates."""

import datetime

import pytest

from qinqing.core.services import InvalidInput
from qinqing.investment import services
from qinqing.investment.models import MilestoneKind as K
from qinqing.investment.models import Project, ProjectStatus
from tests.investment.conftest import QUICK, finish, make_project

D = datetime.date


def test_a_new_project_has_the_nine_milestones_in_order_with_their_dependencies(project):
    kinds = list(project.milestones.values_list("kind", flat=True))
    assert kinds == [kind for kind, _ in services.STAGES]
    permit = project.milestones.get(kind=K.CONSTRUCTION)
    assert set(permit.depends_on.values_list("kind", flat=True)) == {K.WORKS_PLANNING, K.PROPERTY}


def test_a_milestone_cannot_be_done_before_the_ones_it_depends_on(agency, project):
    finish(agency, project, {K.SIGNING: D(2025, 3, 1), K.DELISTING: D(2025, 4, 10)})
    permit = project.milestones.get(kind=K.CONSTRUCTION)
    with pytest.raises(InvalidInput) as refused:
        services.do_complete_milestone(
            agency["officer"], permit, done_on=D(2025, 4, 20), certificate_no="330726202504"
        )
    assert "须先完成：不动产权证、工程规划许可证" in refused.value.summary
    assert project.milestones.get(kind=K.CONSTRUCTION).done_on is None


def test_a_milestone_cannot_be_dated_before_what_it_waits_for(agency, project):
    finish(agency, project, {K.SIGNING: D(2025, 3, 1)})
    with pytest.raises(InvalidInput, match="不能早于前置节点：签约（2025-03-01）"):
        services.do_complete_milestone(
            agency["officer"], project.milestones.get(kind=K.DELISTING), done_on=D(2025, 2, 1)
        )


def test_a_certificate_needs_its_number_as_evidence(agency, project):
    finish(agency, project, {K.SIGNING: D(2025, 3, 1), K.DELISTING: D(2025, 4, 10)})
    with pytest.raises(InvalidInput, match="证照节点须填写证书编号"):
        services.do_complete_milestone(
            agency["officer"], project.milestones.get(kind=K.PROPERTY), done_on=D(2025, 4, 11)
        )


def test_the_delisting_to_start_days_and_the_quick_start_flag_come_from_the_dates(agency, project):
    finish(agency, project, QUICK)
    row = services.with_durations(Project.objects.filter(pk=project.pk)).get()
    assert row.delist_to_start.days == 6
    assert row.quick_start is True
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.BUILDING
    # A stricter window makes the same dates no quick start.
    strict = services.with_durations(Project.objects.filter(pk=project.pk), days=5).get()
    assert strict.quick_start is False


def test_a_project_missing_a_certificate_is_not_a_quick_start(agency):
    slow = make_project(agency, "慢项目", "10000")
    finish(agency, slow, {K.SIGNING: D(2025, 3, 1), K.DELISTING: D(2025, 4, 10)})
    row = services.with_durations(Project.objects.filter(pk=slow.pk)).get()
    assert row.quick_start is False and row.delist_to_start is None


def test_finished_projects_average_their_start_to_completion_months(agency, settings):
    settings.QINQING_INVESTMENT_QUICK_START_DAYS = 30
    first, second = make_project(agency, "甲", "10000"), make_project(agency, "乙", "20000")
    finish(agency, first, {**QUICK, K.COMPLETION: D(2025, 12, 16)})  # 244 days
    later = {k: v + datetime.timedelta(days=31) for k, v in QUICK.items()}
    finish(agency, second, {**later, K.COMPLETION: D(2026, 3, 17)})  # 304 days
    figures = services.figures(Project.objects.all())
    assert figures["projects"] == 2 and figures["investment"] == 30000
    assert figures["quick_start"] == 2
    assert figures["avg_delist_to_start_days"] == 6.0
    assert figures["avg_start_to_completion_months"] == round((244 + 304) / 2 / 30.44, 1)


def test_the_cockpit_figures_are_computed_for_what_the_user_sees(agency, project, users):
    from qinqing.core.indicators import Scope, figures, read

    finish(agency, project, QUICK)

    def values(user):
        return {f.code: read(f, Scope(user)).value for f in figures("investment")}

    mine = values(agency["leader"])
    assert mine["investment.projects"] == 1 and mine["investment.total_investment"] == 520000
    assert mine["investment.delist_to_start_days"] == 6.0
    assert mine["investment.quick_start"] == 1
    others = values(users["enterprise"])
    assert others["investment.projects"] == 0
