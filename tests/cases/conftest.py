"""A county office that handles cases: a dispatch desk and two departments."""

import datetime

import pytest
from django.utils import timezone

from qinqing.cases.workflows import CaseTypeSpec, install_case_type
from qinqing.core.models import Department, Role
from tests.conftest import make_user


def at(text: str) -> datetime.datetime:
    """Shanghai local time from '2026-02-13 10:00'."""
    return timezone.make_aware(datetime.datetime.strptime(text, "%Y-%m-%d %H:%M"))


@pytest.fixture
def office(regions, local_person):
    wucheng = regions["wucheng"]
    economy = Department.objects.create(name="区经商局", region=wucheng)
    land = Department.objects.create(name="区资规分局", region=wucheng)
    head = make_user(Role.STAFF, "economy-head", regions=[wucheng], department=economy)
    economy.head = head
    economy.save()
    return {
        "economy": economy,
        "land": land,
        "head": head,
        "dispatcher": make_user(Role.STAFF, "dispatcher", regions=[wucheng]),
        "economy_handler": make_user(
            Role.HANDLER, "economy-handler", regions=[wucheng], department=economy
        ),
        "land_handler": make_user(Role.HANDLER, "land-handler", regions=[wucheng], department=land),
        # A resident of 竹马乡: residents file cases where they live.
        "requester": make_user(Role.RESIDENT, "requester", person=local_person),
        "outsider": make_user(Role.STAFF, "haiyan-staff", regions=[regions["haiyan"]]),
    }


@pytest.fixture
def claim_type(db):
    return install_case_type(
        CaseTypeSpec(
            code="test_task",
            name="揭榜任务",
            module="tests",
            workflow="claim_task",
            number_prefix="JB",
            claimant_roles=("staff",),
            claim_hours=48,
            time_limits={"normal": (8, 20)},
        )
    )
