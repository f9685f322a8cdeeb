"""The demo's shared workstations: 1,600+ across kinds and towns, a campaign with its funnel."""

import datetime

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils.module_loading import autodiscover_modules

from qinqing.core.demo import registry
from qinqing.core.models import User
from qinqing.workspace import indicators, services
from qinqing.workspace.models import Application, Kind, Lease, Workstation

pytestmark = pytest.mark.slow

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """Core's steps and this module's (not the other modules'), rolled back afterwards."""
    autodiscover_modules("demo")
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        with override_settings(PASSWORD_HASHERS=FAST_HASHER):
            ctx = registry.DemoContext()
            for step in registry.ordered_steps():
                if step.name.split(".")[0] in {"core", "workspace"}:
                    step.function(ctx)
    yield ctx
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def test_the_demo_has_1600_workstations_of_every_kind_in_six_jiande_towns(demo_world, db):
    assert Workstation.objects.count() >= 1600
    kinds = set(Workstation.objects.values_list("kind", flat=True))
    assert kinds == set(Kind.values)
    towns = set(Workstation.objects.values_list("region__name", flat=True))
    assert {"大同镇", "寿昌镇", "大慈岩镇"} <= towns and len(towns) == 6
    assert (
        Workstation.objects.filter(site__name__contains="草莓", kind=Kind.GREENHOUSE).count() >= 200
    )
    assert Workstation.objects.filter(site__name__contains="茶园", kind=Kind.CAMPSITE).exists()
    # Every workstation has exactly its capacity in places.
    assert all(w.capacity == w.places.count() for w in Workstation.objects.all()[:50])


def test_the_campaign_talked_with_40_teams_and_showed_100_people_round(demo_world, db):
    funnel = services.funnel(Application.objects.all())
    assert funnel["talked"] >= 40 and funnel["visitors"] >= 100 and funnel["signed"] >= 10
    reference = demo_world.reference_date
    in_rent_free_year = [
        lease
        for lease in Lease.objects.select_related("terms")
        if services.lease_figures(lease)["rent_free_until"] > reference
    ]
    assert len(in_rent_free_year) == funnel["signed"]
    figures = indicators.figures(User.objects.get(username="admin"), reference)
    assert figures["savings"] > 0 and figures["occupancy"]["used"] > 0


def test_a_team_leader_of_the_demo_can_sign_in_and_book(demo_world, db):
    leader = User.objects.get(username="mengxiang01")
    assert leader.workspace_teams.exists()
    day = demo_world.reference_date + datetime.timedelta(days=20)
    team = leader.workspace_teams.first()
    hot = Workstation.objects.filter(kind=Kind.HOT, region__name="大同镇").first()
    assert services.do_book_day(leader, team, hot, day, today=demo_world.reference_date)


def test_the_cockpit_reads_the_same_funnel_and_savings_as_the_module(demo_world, db):
    from qinqing.core.indicators import Scope, figures, read

    admin = User.objects.get(username="admin")
    reference = demo_world.reference_date
    own = indicators.figures(admin, reference)
    # The funnel over every application; the inventory as it stood on the demo's day.
    cockpit = {f.code: read(f, Scope(admin)).value for f in figures("workspace")}
    on_the_day = {f.code: read(f, Scope(admin, end=reference)).value for f in figures("workspace")}
    assert on_the_day["workspace.workstations"] == own["workstations"] >= 1600
    assert cockpit["workspace.teams_talked"] == own["talked"]
    assert cockpit["workspace.site_visitors"] == own["visitors"]
    assert cockpit["workspace.teams_signed"] == own["signed"]
    assert cockpit["workspace.rent_free_savings"] == own["savings"]
    assert float(on_the_day["workspace.occupancy_rate"]) == own["occupancy_rate"]
