"""黄宅镇's demo: the report's figures come out of the records by computation."""

import time

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils.module_loading import autodiscover_modules

from qinqing.core.demo import registry
from qinqing.core.models import Region, Visit
from qinqing.investment import services
from qinqing.investment.models import AgencyMatter, KeyTask, Project, Team

pytestmark = pytest.mark.slow  # builds the core county and the agency's records

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo_timings(django_db_setup, django_db_blocker):
    """Core's steps and this module's, built once, rolled back afterwards."""
    autodiscover_modules("demo")
    timings = {}
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHER):
            ctx = registry.DemoContext()
            for step in registry.ordered_steps():
                if step.name.split(".")[0] in {"core", "investment"}:
                    started = time.monotonic()
                    step.function(ctx)
                    timings[step.name] = time.monotonic() - started
    yield timings
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def town(demo_timings, db):
    return Region.objects.resolve_town("330726", "黄宅镇")


def test_eight_quick_start_projects_worth_8_5_billion(town):
    figures = services.figures(Project.objects.filter(town=town))
    assert figures["projects"] == 8 and figures["quick_start"] == 8
    assert figures["investment"] == 850000  # 万元
    finished = Project.objects.filter(town=town, status__in=["completed", "producing"])
    assert {p.investor.name for p in finished} == {
        "浙江精发精密机械有限公司",
        "浙江雄伟铝业有限公司",
        "浙江丰明实业有限公司",
    }
    building = dict(
        Project.objects.filter(town=town, status="building").values_list(
            "investor__name", "total_investment"
        )
    )
    assert building["浙江青峰控股有限公司"] == 100000
    assert building["浙江盈旺新能源科技有限公司"] == 520000
    qinglong = services.with_durations(
        Project.objects.filter(town=town, investor__name__contains="青龙")
    ).get()
    assert (qinglong.started_on.month, qinglong.started_on.day) == (12, 26)


def test_the_headline_durations_are_computed_from_the_dates(town):
    hundred_million = services.with_durations(
        Project.objects.filter(town=town, total_investment=10000)
    ).get()
    assert hundred_million.delist_to_start.days == 6
    finished = Project.objects.filter(town=town, status__in=["completed", "producing"])
    assert services.figures(finished)["avg_start_to_completion_months"] == 9


def test_the_agency_figures_come_from_the_records(town):
    figures = services.agency_figures(Project.objects.filter(town=town))
    assert figures["visits"] >= 700
    assert figures["matters"] == 106 == AgencyMatter.objects.count()
    assert figures["problems_solved"] == 162
    assert Visit.objects.filter(region=town).count() >= 700


def test_six_teams_of_72_cadres_with_their_claimed_tasks(town):
    teams = Team.objects.filter(town=town)
    assert teams.count() == 6
    assert sum(team.members.count() for team in teams) == 72
    board = services.team_board(teams)
    assert all(row["claimed"] >= 2 for row in board)
    assert sum(row["on_time"] for row in board) == 9
    assert KeyTask.objects.filter(case__kind="open").count() == 2


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the budget is set on SQLite")
def test_the_agency_steps_are_quick(demo_timings):
    mine = {name: round(t, 1) for name, t in demo_timings.items() if name.startswith("investment.")}
    print("investment demo steps (s):", mine)
    assert sum(mine.values()) < 20, mine  # about 10 s on an idle machine
