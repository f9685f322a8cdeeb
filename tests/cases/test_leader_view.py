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
