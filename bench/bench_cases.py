"""Case engine at county scale: queue page and KPI summary over 100,000 cases and 1,000,000 events.

Data is generated in SQL (INSERT … SELECT over a number series); on SQLite the
volume is a tenth, since the figures that matter are PostgreSQL's.
"""

from django.db import connection
from django.test import Client

from bench.run import percentile, timed
from qinqing.cases.models import Case, CaseEvent, CaseType, State
from qinqing.core.models import Department, Region, Role, User
from qinqing.core.regions import load_regions

EVENTS_PER_CASE = 10


def series(count: int) -> str:
    if connection.vendor == "postgresql":
        return f"SELECT g AS n FROM generate_series(1, {count}) AS g"
    return (
        f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {count})"
        " SELECT n FROM seq"
    )


def days_ago(expression: str) -> str:
    if connection.vendor == "postgresql":
        return f"(now() - ({expression}) * interval '1 day')"
    return f"datetime('now', '-' || ({expression}) || ' days')"


def days_after(timestamp: str, days: str) -> str:
    if connection.vendor == "postgresql":
        return f"({timestamp} + ({days}) * interval '1 day')"
    return f"datetime({timestamp}, '+' || ({days}) || ' days')"


def build(cases: int) -> User:
    load_regions()
    county = Region.objects.get(code="330702")
    departments = [Department.objects.create(name=f"部门{i:02d}", region=county) for i in range(20)]
    handler = User.objects.create_user(
        "bench-handler", password="x", role=Role.HANDLER, department=departments[0]
    )
    handler.regions.set([county])
    case_type = CaseType.objects.get(code="general")
    states = list(State.objects.filter(workflow=case_type.workflow).order_by("order"))
    state_case = " ".join(f"WHEN {i} THEN {s.pk}" for i, s in enumerate(states))
    kind_case = " ".join(f"WHEN {i} THEN '{s.kind}'" for i, s in enumerate(states))
    first_dept, dept_count = departments[0].pk, len(departments)
    created = days_ago("n % 365")
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO cases_case (number, case_type_id, state_id, kind, title, description,
                priority, region_id, created_by_id, created_at, updated_at, respond_due_at,
                responded_at, due_at, closed_at, satisfaction, solved, return_count,
                reopen_count, department_id, replied_at, version, survey_count,
                reminder_count, escalation_count, supervision_count)
            SELECT 'B' || n, {case_type.pk},
                CASE n % {len(states)} {state_case} END,
                CASE n % {len(states)} {kind_case} END,
                '企业诉求 ' || n, '', CASE WHEN n % 10 = 0 THEN 'urgent' ELSE 'normal' END,
                {county.pk}, {handler.pk}, {created}, {created},
                {days_after(created, "1")}, {days_after(created, "n % 3")},
                {days_after(created, "10")}, {days_after(created, "n % 15")},
                CASE WHEN n % 3 = 0 THEN 'satisfied' WHEN n % 7 = 0 THEN 'unsatisfied'
                     ELSE '' END,
                n % 4 <> 0,
                CASE WHEN n % 9 = 0 THEN 1 ELSE 0 END,
                CASE WHEN n % 13 = 0 THEN 1 ELSE 0 END,
                CASE WHEN n % 11 < 2 THEN NULL ELSE {first_dept} + (n % {dept_count}) END,
                CASE WHEN (CASE n % {len(states)} {kind_case} END) IN ('resolved', 'closed')
                     THEN {days_after(created, "n % 15")} END,
                0,
                CASE WHEN n % 3 = 0 OR n % 7 = 0 THEN 1 + CASE WHEN n % 13 = 0 THEN 1 ELSE 0 END
                     ELSE 0 END,
                CASE WHEN n % 17 = 0 THEN 1 ELSE 0 END,
                CASE WHEN n % 19 = 0 THEN 1 ELSE 0 END,
                CASE WHEN n % 23 = 0 THEN 1 ELSE 0 END
            FROM ({series(cases)}) AS numbers
        """)
        cursor.execute(f"""
            INSERT INTO cases_caseevent (case_id, transition, label, to_state_id, note, data,
                created_at, department_id)
            SELECT c.id,
                CASE s.n WHEN 1 THEN 'open' WHEN 9 THEN 'satisfied' WHEN 10 THEN 'unsatisfied'
                     ELSE 'dispatch' END,
                '办理', c.state_id, '', '{{}}', c.created_at, c.department_id
            FROM cases_case c CROSS JOIN ({series(EVENTS_PER_CASE)}) AS s
        """)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case; ANALYZE cases_caseevent;")
    return handler


def run(report) -> None:
    cases = 100_000 if connection.vendor == "postgresql" else 10_000
    handler = build(cases)
    report.figure("cases generated", Case.objects.count(), "")
    report.figure("case events generated", CaseEvent.objects.count(), "")
    leader = User.objects.create_user("bench-leader", password="x", role=Role.LEADER)
    client = Client()

    def page(user, url):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    for label, user, url in [
        ("department queue page (handler, 1 of 20 departments)", handler, "/cases/department/"),
        ("department queue page 20", handler, "/cases/department/?page=20"),
        ("KPI summary page by department (leader, all cases)", leader, "/cases/kpis/"),
        ("KPI summary page, one month", leader, "/cases/kpis/?month=2026-06"),
    ]:
        page(user, url)
        samples = timed(lambda user=user, url=url: page(user, url), 30)
        report.figure(f"{label} p50", percentile(samples, 50), "ms")
        report.figure(f"{label} p95", percentile(samples, 95), "ms")
