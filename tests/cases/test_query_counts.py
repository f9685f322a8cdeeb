"""Query-count baselines: a page or endpoint costs the same however many cases it lists.

Each figure is today's count: login session, user and permissions (4), the
case visibility rule (2), then the work itself. A change that adds a query per
case (or per event) breaks the "same for 5 and 30" assertions; one that adds a
fixed query shows up here and should be a choice, not an accident.
"""

import re

import pytest

from qinqing.cases.services import do_open_case, do_transition
from tests.conftest import client_for

QUEUE_PAGE = 12  # + departments, count, unread notifications, the page of cases
CASE_PAGE = 16  # + the case, its transitions and their sources, notifications, events, files
STEP_PAGE = 22  # the step: state limit, UPDATE, event, audit (reload), inbox read; redirect
KPI_PAGE = 9  # + the applicable indicators, the one grouped query, notifications
KPI_CASES = 13  # + the applicable indicators, the group name, count, notifications, the cases
API_LIST = 9  # + count, the page of cases
API_CASE = 13  # visibility (case types, the case); transitions, events, files, children
API_STEP = 28  # the step as on the page, then the case as GET answers it


@pytest.fixture
def dispatched(office, regions):
    """Cases sent to 区经商局, whose handler lists them."""

    def make(count: int, title: str = "道路破损"):
        cases = []
        for index in range(count):
            case = do_open_case(
                office["requester"],
                case_type="general",
                title=f"{title}{index}",
                region=regions["zhuma"],
                requester=office["requester"],
            )
            case = do_transition(office["dispatcher"], case, "accept")
            cases.append(
                do_transition(office["dispatcher"], case, "dispatch", department=office["economy"])
            )
        return cases

    return make


def listed(page: str) -> int:
    return len(re.findall(r'<a href="/cases/\d+/">', page))


def test_the_department_queue_costs_the_same_for_5_and_30_cases(
    office, dispatched, django_assert_num_queries
):
    client = client_for(office["economy_handler"])
    dispatched(5)
    with django_assert_num_queries(QUEUE_PAGE):
        few = client.get("/cases/department/").content.decode()
    dispatched(25)
    with django_assert_num_queries(QUEUE_PAGE):
        many = client.get("/cases/department/").content.decode()

    assert (listed(few), listed(many)) == (5, 30)


def test_the_api_case_list_costs_the_same_for_5_and_30_cases(
    office, dispatched, django_assert_num_queries
):
    client = client_for(office["economy_handler"])
    dispatched(5)
    with django_assert_num_queries(API_LIST):
        few = client.get("/api/v1/cases").json()
    dispatched(25)
    with django_assert_num_queries(API_LIST):
        many = client.get("/api/v1/cases").json()

    assert (few["count"], len(many["items"])) == (5, 30)


def answered(office, case):
    """Four more events on the case's timeline."""
    handler = office["economy_handler"]
    case = do_transition(handler, case, "sign_and_start")
    case = do_transition(handler, case, "reply", note="已修复")
    case = do_transition(office["requester"], case, "unsatisfied", note="未修好", solved=False)
    return do_transition(handler, case, "reply", note="已重新修复")


def test_the_case_page_costs_the_same_for_a_short_and_a_long_timeline(
    office, dispatched, django_assert_num_queries, django_assert_max_num_queries
):
    client = client_for(office["economy_handler"])
    [case] = dispatched(1)
    with django_assert_num_queries(CASE_PAGE):
        assert client.get(f"/cases/{case.pk}/").status_code == 200
    answered(office, case)
    # Answered, the handler has no step left to offer: one query fewer, never more.
    with django_assert_max_num_queries(CASE_PAGE):
        page = client.get(f"/cases/{case.pk}/").content.decode()

    assert "已重新修复" in page


def test_the_api_case_costs_the_same_for_a_short_and_a_long_timeline(
    office, dispatched, django_assert_num_queries
):
    client = client_for(office["economy_handler"])
    [case] = dispatched(1)
    with django_assert_num_queries(API_CASE):
        assert len(client.get(f"/api/v1/cases/{case.pk}").json()["events"]) == 3
    answered(office, case)
    with django_assert_num_queries(API_CASE):
        assert len(client.get(f"/api/v1/cases/{case.pk}").json()["events"]) == 7


def test_a_step_taken_from_the_page_has_a_fixed_cost(office, dispatched, django_assert_num_queries):
    client = client_for(office["economy_handler"])
    [case, _other] = dispatched(2)
    with django_assert_num_queries(STEP_PAGE):
        response = client.post(f"/cases/{case.pk}/do/sign/", {"note": ""})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state.code == "signed"


def test_a_step_taken_through_the_api_has_a_fixed_cost(
    office, dispatched, django_assert_num_queries
):
    client = client_for(office["economy_handler"])
    [case, _other] = dispatched(2)
    with django_assert_num_queries(API_STEP):
        response = client.post(
            f"/api/v1/cases/{case.pk}/steps/sign", {}, content_type="application/json"
        )

    assert response.json()["state"] == "signed"


def test_the_kpi_page_costs_the_same_for_5_and_30_cases(
    office, dispatched, django_assert_num_queries
):
    client = client_for(office["dispatcher"])
    dispatched(5)
    with django_assert_num_queries(KPI_PAGE):
        client.get("/cases/kpis/")
    dispatched(25)
    with django_assert_num_queries(KPI_PAGE):
        page = client.get("/cases/kpis/?group=case_type").content.decode()

    assert '<th scope="row">一般事项</th><td>30</td>' in page


def test_the_cases_behind_a_kpi_figure_cost_the_same_for_5_and_30(
    office, dispatched, django_assert_num_queries
):
    client = client_for(office["dispatcher"])
    economy = office["economy"].pk
    url = (
        f"/cases/kpis/cases/?indicator=return_rate&part=denominator&group=department&key={economy}"
    )
    dispatched(5)
    with django_assert_num_queries(KPI_CASES):
        few = client.get(url).content.decode()
    dispatched(25)
    with django_assert_num_queries(KPI_CASES):
        many = client.get(url).content.decode()

    assert (listed(few), listed(many)) == (5, 30)
