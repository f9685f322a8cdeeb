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


def add_recovered_parcel(n, ctx):
    LandParcel.objects.create(
        name=f"竹马收回{n}号地块",
        region=ctx["regions"]["zhuma"],
        area_mu=10 + n,
        kind="idle",
        status="recovered",
        surveyed_on=timezone.localdate(),
        status_changed_on=timezone.localdate(),
    )


def add_overdue_problem(n, ctx):
    problem = do_record_problem(
        ctx["users"]["staff"], add_enterprise(n, ctx), title=f"超期{n}", category="labour"
    )
    problem.case.due_at = timezone.now() - datetime.timedelta(days=n)
    problem.case.save(update_fields=["due_at"])


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


def add_project(n, ctx):
    from qinqing.investment.services import do_create_project

    staff = ctx["users"]["staff"]
    return do_create_project(
        staff,
        {
            "name": f"竹马第{n}智能制造项目",
            "investor": add_enterprise(n, ctx).pk,
            "total_investment": 10000 * n,
            "industry_code": "3011",
            "town": ctx["regions"]["zhuma"].code,
            "officer": staff.pk,
        },
    )


def add_matter(n, ctx):
    from qinqing.investment.services import do_open_matter

    staff = ctx["users"]["staff"]
    do_open_matter(
        staff,
        add_project(n, ctx),
        title=f"施工许可{n}",
        department=staff.department,
        legal_days=7,
        materials=["申请表", "施工合同"],
    )


def add_key_task(n, ctx):
    from qinqing.investment.services import do_post_task

    do_post_task(
        ctx["users"]["staff"],
        title=f"征地政策处理{n}",
        goals="按期完成",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        project=add_project(n, ctx),
        leader=ctx["users"]["leader"],
        town=ctx["regions"]["zhuma"],
    )


def add_finding(n, ctx):
    from qinqing.medinsure.models import AuditRun, Finding

    run = AuditRun.objects.first() or AuditRun.objects.create(started_by=ctx["users"]["admin"])
    Finding.objects.create(
        run=run,
        rule_id="over_price",
        rule_version=1,
        settlement_id=f"S{n:09d}",
        line_id=f"L{n:010d}",
        institution_code="H33068100001",
        service_month="2026-06",
        vola_cont="单价超过限价",
        vola_evid=f"明细 L{n:010d}",
        vola_amt=10 * n,
        sev_deg="明确",
    )


def add_claim_batch(n, ctx):
    from qinqing.medinsure.models import ClaimBatch

    ClaimBatch.objects.create(
        name=f"批次{n}",
        settlements_file="s.csv",
        lines_file="l.csv",
        status="done",
        created_by=ctx["users"]["staff"],
    )


def add_inspection(n, ctx):
    from qinqing.medinsure.models import Institution
    from qinqing.medinsure.services import do_record_inspection

    institution = Institution.objects.create(
        code=f"H3307020{n:04d}",
        name=f"定点医院{n}",
        kind="hospital",
        region=ctx["regions"]["wucheng"],
    )
    do_record_inspection(
        ctx["users"]["admin"],
        institution,
        kind="inspection",
        planned_on=datetime.date(2026, 6, n),
        done_on=datetime.date(2026, 6, n),
        rectification=f"整改{n}",
        deadline=datetime.date(2026, 12, n),
    )


def add_service_request(n, ctx):
    from qinqing.medinsure.services import do_request_service

    do_request_service(ctx["users"]["enterprise"], f"新入职员工{n}人参保登记", topic="enrolment")


def _veteran_station(ctx):
    from qinqing.veterans.models import Station

    station, _ = Station.objects.get_or_create(
        name="百步镇退役军人服务站", level="town", region=ctx["regions"]["baibu"]
    )
    return station


def add_veteran(n, ctx):
    from qinqing.veterans.models import ServiceRecord

    person = Person.objects.create(
        name=f"百步老兵{n}",
        id_number=make_id_number("330424", datetime.date(1950, 5, 6), 300 + n),
        region=ctx["regions"]["baibu"],
    )
    return ServiceRecord.objects.create(
        person=person, category="retired_soldier", station=_veteran_station(ctx), wall_consent=True
    )


def add_veteran_visit(n, ctx):
    from qinqing.veterans.models import VisitReach

    record = add_veteran(n, ctx)
    visit = Visit.objects.create(
        visited_at=timezone.now() - datetime.timedelta(days=40 * n),
        visitor=ctx["users"]["admin"],
        person=record.person,
        region=ctx["regions"]["baibu"],
        notes="走访慰问",
    )
    VisitReach.objects.create(
        visit=visit, station=record.station, people_reached=n, visited_on=visit.visited_at.date()
    )


def add_wish(n, ctx):
    from qinqing.cases.services import do_transition
    from qinqing.veterans import services

    record = add_veteran(n, ctx)
    admin = ctx["users"]["admin"]
    wish = services.open_wish(admin, record, f"心愿{n}", 100 + n, "")
    do_transition(admin, wish.case, "verify", values={"genuine": "true"})
    do_transition(admin, wish.case, "publish")
    return wish


def add_claimed_wish(n, ctx):
    from qinqing.cases.services import do_claim
    from qinqing.veterans.models import Claimant

    wish = add_wish(n, ctx)
    claimant = Claimant.objects.get_or_create(
        user=ctx["users"]["resident"],
        defaults={"kind": "individual", "name": "爱心人士", "phone": "13911112222"},
    )[0]
    from qinqing.cases.models import CaseType

    CaseType.objects.filter(code="veteran_wish").update(max_open_claims=None)
    do_claim(claimant.user, wish.case)


def add_veteran_payment(n, ctx):
    from qinqing.veterans.models import Eligibility, Payment

    record = add_veteran(n, ctx)
    Eligibility.objects.create(
        year=2026,
        person=record.person,
        station=record.station,
        category=record.category,
        amount_due=1200,
        due_on=datetime.date(2026, 3, 31),
    )
    Payment.objects.create(
        year=2026,
        person=record.person,
        station=record.station,
        amount=1200 - n,
        paid_on=datetime.date(2026, 3, 1),
    )


def add_posting(n, ctx, status="published"):
    from qinqing.talent.models import Posting

    today = timezone.localdate()
    return Posting.objects.create(
        employer=ctx["users"]["enterprise"].enterprise,
        title=f"封装测试工程师{n}",
        duties="负责封装测试工艺",
        headcount=2,
        education_min="本科",
        location=ctx["regions"]["zhuma"],
        salary_min=8000,
        salary_max=12000,
        valid_from=today - datetime.timedelta(days=1),
        valid_until=today + datetime.timedelta(days=30),
        status=status,
        published_at=timezone.now(),
        created_by=ctx["users"]["enterprise"],
    )


def add_submitted_posting(n, ctx):
    from qinqing.talent.services import do_submit_posting

    posting = add_posting(n, ctx, status="draft")
    posting.majors, posting.skills, posting.experience_years_min = ["微电子"], ["PLC"], 1
    posting.save()
    do_submit_posting(ctx["users"]["enterprise"], posting)


def add_application(n, ctx):
    from qinqing.talent.models import Application, SeekerProfile

    person = Person.objects.create(
        name=f"求职者{n}",
        id_number=make_id_number("330702", datetime.date(2001, 5, 6), 400 + n),
        region=ctx["regions"]["zhuma"],
    )
    posting = add_posting(n, ctx)
    Application.objects.create(
        posting=posting,
        profile=SeekerProfile.objects.create(person=person, education="本科"),
        employer=posting.employer,
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )


def add_invitation(n, ctx):
    from qinqing.talent.models import Invitation, SeekerProfile

    person = Person.objects.create(
        name=f"受邀者{n}",
        id_number=make_id_number("330702", datetime.date(2001, 5, 7), 600 + n),
        region=ctx["regions"]["zhuma"],
    )
    posting = add_posting(n, ctx)
    Invitation.objects.create(
        employer=posting.employer,
        posting=posting,
        profile=SeekerProfile.objects.create(person=person, education="本科"),
    )


def add_talent_event(n, ctx):
    from qinqing.talent.models import TalentEvent

    TalentEvent.objects.create(
        title=f"人才沙龙{n}",
        kind="salon",
        venue="人才大厦",
        capacity=30,
        starts_at=timezone.now() + datetime.timedelta(days=n),
    )


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


def add_team_application(n, ctx):
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
    team = add_team_application(n, ctx).team
    today = timezone.localdate()
    lease = Lease.objects.create(
        team=team, terms=terms, start=today, end=today + datetime.timedelta(days=365)
    )
    data = {"kind": "fixed", "count": 1, "capacity": 1, "area_m2": 6}
    [desk] = do_add_workstations(ctx["users"]["admin"], _workspace_site(ctx), data)
    do_allocate(ctx["users"]["admin"], lease, desk)


def add_day_booking(n, ctx):
    from qinqing.workspace.services import do_book_day

    team = add_team_application(n, ctx).team
    do_book_day(ctx["users"]["admin"], team, add_workstation(n, ctx), timezone.localdate())


def add_site_event(n, ctx):
    from qinqing.workspace.models import SiteEvent

    SiteEvent.objects.create(
        site=_workspace_site(ctx),
        title=f"创业沙龙{n}",
        capacity=10,
        starts_at=timezone.now() + datetime.timedelta(days=n),
    )


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
    # The cockpit: a query or two per declared figure, none per record.
    ("/cockpit/", "leader", add_overdue_problem, 37),
    ("/cockpit/enterprise/", "leader", add_problem, 16),
    ("/cockpit/talent/", "leader", add_application, 14),
    ("/cockpit/workspace/", "leader", add_team_application, 16),
    ("/cockpit/veterans/", "leader", add_wish, 17),
    ("/cockpit/investment/", "leader", add_matter, 15),
    ("/cockpit/medinsure/", "leader", add_finding, 21),
    ("/cockpit/figures/enterprise.land_recovered/", "leader", add_recovered_parcel, 10),
    ("/cockpit/figures/enterprise.problems_solved/", "staff", add_problem, 11),
    ("/cockpit/cases/?overdue=1", "leader", add_overdue_problem, 9),
    # The board's figures are two aggregate queries; the tasks board ranks the teams.
    ("/investment/", "staff", add_project, 13),
    ("/investment/matters/", "staff", add_matter, 15),
    ("/investment/tasks/", "staff", add_key_task, 18),
    ("/medinsure/findings/", "staff", add_finding, 7),
    ("/medinsure/batches/", "staff", add_claim_batch, 9),
    ("/medinsure/inspections/", "staff", add_inspection, 8),
    ("/medinsure/requests/", "enterprise", add_service_request, 10),
    ("/veterans/people/", "admin", add_veteran, 8),
    ("/veterans/people/?not_visited=1", "admin", add_veteran, 9),
    ("/veterans/visits/", "admin", add_veteran_visit, 9),
    ("/veterans/wishes/", "admin", add_wish, 7),
    ("/veterans/wall/", "admin", add_wish, 8),
    ("/veterans/claims/", "resident", add_claimed_wish, 6),
    ("/veterans/stations/", "admin", add_veteran_visit, 9),
    ("/veterans/payments/?year=2026", "admin", add_veteran_payment, 13),
    ("/veterans/payments/?year=2026&show=wrong_amount", "admin", add_veteran_payment, 13),
    ("/talent/search/", "resident", add_posting, 9),
    ("/talent/my-postings/", "enterprise", add_posting, 7),
    ("/talent/review/", "staff", add_submitted_posting, 10),
    ("/talent/applicants/", "enterprise", add_application, 7),
    ("/talent/applications/", "staff", add_application, 7),
    ("/talent/events/", "resident", add_talent_event, 7),
    ("/talent/invitations/", "staff", add_invitation, 8),
    ("/talent/invitations/", "enterprise", add_invitation, 8),
    ("/workspace/spaces/", "staff", add_space, 12),
    ("/workspace/workstations/", "staff", add_workstation, 13),
    # The pipeline board also counts each stage and computes the funnel.
    ("/workspace/applications/", "staff", add_team_application, 23),
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
