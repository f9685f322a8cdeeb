"""Case lists on a phone: status, deadline and the viewer's next step on every card,
and messages after a step that say what happened."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qinqing.cases.services import do_open_case, do_transition
from tests.conftest import client_for

QUEUES = ["/cases/", "/cases/department/", "/cases/dispatch/"]


def open_case(office, regions, title="园区路面破损"):
    return do_open_case(
        office["requester"],
        case_type="general",
        title=title,
        region=regions["zhuma"],
        requester=office["requester"],
    )


def dispatched(office, regions, title="园区路面破损", to="economy"):
    case = do_transition(office["dispatcher"], open_case(office, regions, title), "accept")
    return do_transition(office["dispatcher"], case, "dispatch", department=office[to])


def card_of(page: str, case) -> str:
    """The table row (a card on a phone) that lists ``case``."""
    rows = re.findall(r"<tr>.*?</tr>", page, flags=re.S)
    return next(row for row in rows if case.number in row)


def step_message(client, case, code, **data) -> list[str]:
    """The messages shown on the case page the step leads back to."""
    response = client.post(f"/cases/{case.pk}/do/{code}/", data, follow=True)
    assert response.redirect_chain, response.content.decode()[:500]
    return [str(m) for m in response.context["messages"]]


def test_a_handler_sees_sign_as_the_next_step_on_a_dispatched_case_not_return(office, regions):
    case = dispatched(office, regions)
    page = client_for(office["economy_handler"]).get("/cases/department/").content.decode()
    card = card_of(page, case)
    assert f'href="/cases/{case.pk}/#step-sign"' in card and ">签收</a>" in card
    assert "退单" not in card
    assert 'class="status-badge kind-in_progress">已派单<' in card
    assert 'class="deadline' in card and "还剩" in card


def test_the_dispatcher_sees_accept_on_a_new_case_and_the_requester_only_a_view_link(
    office, regions
):
    case = open_case(office, regions)
    desk = client_for(office["dispatcher"]).get("/cases/dispatch/").content.decode()
    assert ">受理</a>" in card_of(desk, case)
    assert 'class="status-badge kind-open">已登记<' in card_of(desk, case)

    mine = client_for(office["requester"]).get("/cases/").content.decode()
    assert f'<a class="button" href="/cases/{case.pk}/">查看</a>' in card_of(mine, case)


def test_a_closed_case_shows_its_deadline_as_a_date_not_as_overdue(office, regions):
    case = dispatched(office, regions)
    handler = office["economy_handler"]
    for code in ("sign", "start"):
        case = do_transition(handler, case, code)
    case = do_transition(handler, case, "reply", note="已修复")
    case = do_transition(office["dispatcher"], case, "satisfied", solved=True)
    page = client_for(handler).get("/cases/department/?kind=all").content.decode()
    card = card_of(page, case)
    assert 'class="status-badge kind-closed">已办结<' in card
    assert 'class="deadline done">期限 ' in card and "超期" not in card


def test_each_step_says_what_happened_and_where_the_case_stands(office, regions):
    case = open_case(office, regions)
    desk = client_for(office["dispatcher"])
    assert step_message(desk, case, "accept") == ["已受理"]
    assert step_message(desk, case, "dispatch", department=office["land"].pk) == [
        "已派单至区资规分局"
    ]
    land = client_for(office["land_handler"])
    assert step_message(land, case, "sign") == ["已签收"]
    assert step_message(land, case, "start") == ["已开始办理，事项办理中"]
    assert step_message(land, case, "reply", note="路面已修补") == ["已答复，等待回访"]
    assert step_message(desk, case, "satisfied", solved="true") == ["已回访：满意，事项已办结"]


def test_refusing_a_case_says_how_it_was_closed(office, regions):
    case = open_case(office, regions)
    messages = step_message(client_for(office["dispatcher"]), case, "refuse", note="不属实")
    assert messages == ["已将事项办结为“不予受理”"]


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize("url", QUEUES)
def test_a_case_queue_costs_the_same_queries_for_one_case_or_many(office, regions, url):
    # The economy department's head dispatches too: every queue lists cases for them.
    head = office["head"]
    dispatched(office, regions, "第一件")
    open_case(office, regions, "第二件")
    client = client_for(head)
    one = queries_for(client, url)
    for n in range(4):
        dispatched(office, regions, f"又一件{n}")
        open_case(office, regions, f"新登记{n}")
    assert queries_for(client, url) == one


@pytest.mark.parametrize(("url", "baseline"), list(zip(QUEUES, [9, 12, 12], strict=True)))
def test_a_case_queue_page_keeps_its_query_baseline(
    office, regions, url, baseline, django_assert_num_queries
):
    for n in range(3):
        dispatched(office, regions, f"派出的{n}")
        open_case(office, regions, f"新登记{n}")
    client = client_for(office["head"])
    client.get(url)  # sessions and permission caches warm, as on a real second visit
    with django_assert_num_queries(baseline):
        client.get(url)
