"""Every list page costs a fixed number of queries, however many rows it shows.

Each page is loaded with one row, then with five more: the count must not
move (no query per row), and it must stay at its recorded baseline.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qinqing.core.models import Department, Enterprise, ImportJob, Notification, Person, Visit
from qinqing.core.synthetic import make_credit_code, make_id_number
from qinqing.enterprise.models import LandParcel
from qinqing.enterprise.services import do_assign_liaison, do_record_problem
from tests.conftest import client_for


def add_enterprise(n, ctx):
    return Enterprise.objects.create(
        name=f"竹马第{n}建材有限公司",
        credit_code=make_credit_code("330702", 3000 + 10 * n),
        industry_code="3011",
        region=ctx["regions"]["zhuma"],
    )


def add_person(n, ctx):
    Person.objects.create(
        name=f"竹马居民{n}",
        id_number=make_id_number("330702", datetime.date(1985, 5, 6), 300 + n),
        phone=f"1390000{n:04d}",
        region=ctx["regions"]["zhuma"],
    )


def add_visit(n, ctx):
    Visit.objects.create(
        visited_at=timezone.now(),
        visitor=ctx["users"]["staff"],
        enterprise=add_enterprise(n, ctx),
        region=ctx["regions"]["zhuma"],
        notes="了解用工需求",
        follow_up_due=timezone.localdate() + datetime.timedelta(days=n),
    )


def add_department(n, ctx):
    Department.objects.create(name=f"竹马乡第{n}办公室", region=ctx["regions"]["zhuma"])


def add_notification(n, ctx):
    Notification.objects.create(
        recipient=ctx["users"]["staff"], kind="case.assigned", title=f"新派单{n}"
    )


def add_problem(n, ctx):
    do_record_problem(
        ctx["users"]["staff"], add_enterprise(n, ctx), title=f"缺电{n}", category="labour"
    )


def add_parcel(n, ctx):
    LandParcel.objects.create(
        name=f"竹马{n}号地块",
        region=ctx["regions"]["zhuma"],
        enterprise=add_enterprise(n, ctx),
        area_mu=12,
        kind="idle",
        surveyed_on=timezone.localdate(),
    )


def add_import(n, ctx):
    ImportJob.objects.create(
        kind="enterprises", filename=f"企业{n}.xlsx", content=b"", created_by=ctx["users"]["admin"]
    )


def add_claimable(n, ctx):
    from qinqing.cases.services import do_open_case
    from qinqing.cases.workflows import CaseTypeSpec, install_case_type

    install_case_type(
        CaseTypeSpec(
            code="test_task",
            name="揭榜任务",
            module="tests",
            workflow="claim_task",
            claimant_roles=("staff",),
        )
    )
    do_open_case(
        ctx["users"]["admin"],
        case_type="test_task",
        title=f"攻坚{n}",
        region=ctx["regions"]["zhuma"],
    )


def add_grade(n, ctx):
    from qinqing.enterprise.models import IndicatorYear
    from qinqing.enterprise.services import do_grade_year

    IndicatorYear.objects.create(
        enterprise=add_enterprise(n, ctx),
        year=2025,
        above_scale=True,
        land_area_mu=10 + n,
        tax=100 * n,
        value_added=300 * n,
        revenue=1000 * n,
        energy_tce=50,
        rd_spending=10 * n,
        employees=20 * n,
    )
    do_grade_year(None, 2025)


def add_session(n, ctx):
    from qinqing.enterprise.models import ServiceSession

    ServiceSession.objects.create(
        title=f"政策宣讲{n}",
        topic="tax",
        venue="服务站",
        capacity=10,
        region=ctx["regions"]["zhuma"],
        starts_at=timezone.now() + datetime.timedelta(days=n),
        created_by=ctx["users"]["admin"],
    )


def add_liaison(n, ctx):
    do_assign_liaison(ctx["users"]["admin"], add_enterprise(n, ctx), ctx["users"]["staff"])


def _workspace_site(ctx):
    from qinqing.core.models import Site

    site, _ = Site.objects.get_or_create(
        name="竹马共享空间", kind="space", region=ctx["regions"]["zhuma"]
    )
    return site


def add_space(n, ctx):
    from qinqing.workspace.models import IdleSpace

    IdleSpace.objects.create(
        name=f"竹马闲置厂房{n}",
        region=ctx["regions"]["zhuma"],
        owner_kind="village",
        address="竹马乡",
        area_m2=100 + n,
        condition="good",
        facilities=["power"],
        surveyed_by=ctx["users"]["staff"],
    )


def add_workstation(n, ctx):
    from qinqing.workspace.services import do_add_workstations

    data = {"kind": "hot", "count": 1, "capacity": 2, "area_m2": 0, "facilities": ["network"]}
    return do_add_workstations(ctx["users"]["admin"], _workspace_site(ctx), data)[0]


def add_application(n, ctx):
    from qinqing.workspace.models import Campaign
    from qinqing.workspace.services import do_apply

    today = timezone.localdate()
    campaign, _ = Campaign.objects.get_or_create(
        name="竹马招募",
        region=ctx["regions"]["zhuma"],
        defaults={"starts_on": today, "ends_on": today + datetime.timedelta(days=9)},
    )
    team = {"name": f"团队{n}", "leader_name": "方", "project": "露营", "industry": "文旅"}
    return do_apply(ctx["users"]["admin"], campaign, {**team, "funding_stage": "seed"})


def add_allocation(n, ctx):
    from qinqing.workspace.models import Lease, Terms
    from qinqing.workspace.services import do_add_workstations, do_allocate

    terms, _ = Terms.objects.get_or_create(name="标准", defaults={"basis": "desk", "rate": 300})
    team = add_application(n, ctx).team
    today = timezone.localdate()
    lease = Lease.objects.create(
        team=team, terms=terms, start=today, end=today + datetime.timedelta(days=365)
    )
    data = {"kind": "fixed", "count": 1, "capacity": 1, "area_m2": 6}
    [desk] = do_add_workstations(ctx["users"]["admin"], _workspace_site(ctx), data)
    do_allocate(ctx["users"]["admin"], lease, desk)


def add_day_booking(n, ctx):
    from qinqing.workspace.services import do_book_day

    team = add_application(n, ctx).team
    do_book_day(ctx["users"]["admin"], team, add_workstation(n, ctx), timezone.localdate())


def add_site_event(n, ctx):
    from qinqing.workspace.models import SiteEvent

    SiteEvent.objects.create(
        site=_workspace_site(ctx),
        title=f"创业沙龙{n}",
        capacity=10,
        starts_at=timezone.now() + datetime.timedelta(days=n),
    )


# url, who looks, how a row is added, the recorded query count (the land ledger's
# registration form names each region's parents: fetched with it, not one by one)
PAGES = [
    ("/enterprises/", "staff", add_enterprise, 10),
    ("/people/", "staff", add_person, 8),
    ("/visits/", "staff", add_visit, 8),
    ("/departments/", "staff", add_department, 7),
    ("/notifications/", "staff", add_notification, 7),
    ("/imports/", "admin", add_import, 6),
    ("/station/problems/", "staff", add_problem, 16),
    ("/station/liaisons/", "admin", add_enterprise, 8),
    ("/station/visits/", "staff", add_liaison, 7),
    ("/station/land/", "admin", add_parcel, 12),
    ("/cases/kpis/", "staff", add_problem, 10),
    ("/cases/board/", "staff", add_claimable, 11),
    ("/station/sessions/", "admin", add_session, 8),
    # The audit list names each entry's record and actor from prefetched sets.
    ("/audit/", "admin", add_enterprise, 53),
    ("/station/grading/", "admin", add_grade, 12),
    ("/workspace/spaces/", "staff", add_space, 12),
    ("/workspace/workstations/", "staff", add_workstation, 13),
    # The pipeline board also counts each stage and computes the funnel.
    ("/workspace/applications/", "staff", add_application, 23),
    ("/workspace/allocations/", "staff", add_allocation, 8),
    ("/workspace/bookings/", "staff", add_day_booking, 8),
    ("/workspace/events/", "staff", add_site_event, 8),
]


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize(("url", "role", "add_row", "baseline"), PAGES)
def test_a_list_page_costs_the_same_queries_for_one_row_or_many(
    users, regions, url, role, add_row, baseline, django_assert_num_queries
):
    ctx = {"users": users, "regions": regions}
    add_row(1, ctx)
    client = client_for(users[role])
    one = queries_for(client, url)
    for n in range(2, 7):
        add_row(n, ctx)
    assert queries_for(client, url) == one
    with django_assert_num_queries(baseline):
        client.get(url)


def test_the_problem_list_offers_each_problems_next_step_to_who_may_take_it(
    users, regions, enterprise
):
    problem = do_record_problem(users["staff"], enterprise, title="缺少停车位", category="other")
    staff_page = client_for(users["staff"]).get("/station/problems/").content.decode()
    assert f'href="/cases/{problem.case_id}/#step-accept">受理</a>' in staff_page
    assert 'class="status-badge kind-open">已登记<' in staff_page

    own_page = client_for(users["enterprise"]).get("/station/problems/").content.decode()
    assert f'<a class="button" href="/cases/{problem.case_id}/">查看</a>' in own_page
