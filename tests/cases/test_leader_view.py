"""A leader's 事项: every case in their scope, and the overdue ones."""

import datetime

from django.utils import timezone

from qinqing.cases.models import Case
from qinqing.core.models import Role
from tests.cases.test_case_pages import open_and_dispatch
from tests.conftest import client_for, make_user


def test_a_leaders_case_nav_opens_every_case_in_scope_with_the_overdue_ones_apart(office, regions):
    leader = make_user(Role.LEADER, "county-leader")
    on_time = open_and_dispatch(office, regions)
    late = open_and_dispatch(office, regions)
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(days=2))
    client = client_for(leader)

    home = client.get("/").content.decode()
    assert 'href="/cases/all/"' in home
    assert 'href="/cases/"' not in home

    everything = client.get("/cases/all/").content.decode()
    assert "全部事项" in everything
    assert on_time.number in everything and late.number in everything

    overdue = client.get("/cases/all/?overdue=1").content.decode()
    assert late.number in overdue and on_time.number not in overdue


def test_a_handler_keeps_his_own_queue_and_cannot_open_the_scope_wide_list(office, regions):
    client = client_for(office["economy_handler"])
    assert 'href="/cases/"' in client.get("/").content.decode()
    assert client.get("/cases/all/").status_code == 403


def test_a_case_past_its_current_steps_limit_is_overdue_on_the_list_the_api_and_the_cockpit(
    office, regions
):
    """One rule for 超期: the case's deadline or its current step's limit, whichever passed."""
    leader = make_user(Role.LEADER, "county-leader")
    on_time = open_and_dispatch(office, regions)
    step_late = open_and_dispatch(office, regions)
    Case.objects.filter(pk=step_late.pk).update(
        state_due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    step_late.refresh_from_db()
    assert step_late.is_overdue and not on_time.is_overdue
    client = client_for(leader)

    listed = client.get("/cases/all/?overdue=1").content.decode()
    api = [c["number"] for c in client.get("/api/v1/cases?overdue=true").json()["items"]]
    red_list = client.get("/cockpit/cases/?overdue=1").content.decode()
    for shown in (listed, api, red_list):
        assert step_late.number in shown and on_time.number not in shown
