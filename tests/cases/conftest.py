"""Case fixtures; the county office itself (``office``) is in the shared persona world."""

import datetime

import pytest
from django.utils import timezone

from qinqing.cases.workflows import CaseTypeSpec, install_case_type


def at(text: str) -> datetime.datetime:
    """Shanghai local time from '2026-02-13 10:00'."""
    return timezone.make_aware(datetime.datetime.strptime(text, "%Y-%m-%d %H:%M"))


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
