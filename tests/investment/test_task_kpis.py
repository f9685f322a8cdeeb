"""揭榜挂帅 on the engine's KPI page: 按期完成率 judged against each task's own deadline, and
the task's deadline as the case's (countdown, 超期)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from qinqing.cases import kpis
from qinqing.cases.models import Case, State
from qinqing.cases.services import do_transition
from qinqing.investment import services
from qinqing.investment.case_types import TASK, move_tasks_to_own_flow
from tests.conftest import client_for
from tests.investment.test_tasks import team

D = datetime.date


def at(day: datetime.date, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


POSTED_ON = D(2026, 9, 1)


def posted(agency, project, title, deadline, on=POSTED_ON):
    return services.do_post_task(
        agency["officer"],
        title=title,
        goals=f"{title}目标",
        deadline=deadline,
        project=project,
        leader=agency["leader"],
        town=agency["town"],
        now=at(on),
    )


def carried(agency, crew, task, fulfilled_on=None, confirmed_on=None):
    services.do_claim_task(crew.leader, task, now=at(D(2026, 9, 2)))
    case = Case.objects.get(pk=task.case_id)
    if fulfilled_on:
        case = do_transition(crew.leader, case, "fulfil", note="已完成", now=at(fulfilled_on))
    if confirmed_on:
        do_transition(agency["leader"], case, "confirm", now=at(confirmed_on))


def tasks_row(now=None):
    rows = kpis.kpis(Case.objects.all(), group_by="case_type", now=now)
    return next(row for row in rows if row.label == "揭榜挂帅")


def test_tasks_accepted_by_their_deadline_count_as_on_time_on_the_kpi_page(agency, project):
    crew = team(agency, "攻坚组")
    deadline = D(2026, 10, 15)
    on_time = posted(agency, project, "征地政策处理", deadline)
    late = posted(agency, project, "拆迁安置", deadline)
    stuck = posted(agency, project, "沿江路提升改造", deadline)
    running = posted(agency, project, "道路白改黑", D(2027, 3, 1))
    posted(agency, project, "无人揭榜的任务", deadline)  # never claimed: no team to judge
    carried(agency, crew, on_time, D(2026, 10, 10), D(2026, 10, 15))  # accepted on the day
    carried(agency, crew, late, D(2026, 10, 14), D(2026, 10, 16))  # accepted a day late
    carried(agency, crew, stuck, D(2026, 10, 1))  # handed in, never accepted
    carried(agency, crew, running)

    figure = tasks_row(now=at(D(2026, 11, 1))).figures["investment_task_on_time"]
    assert (figure.numerator, figure.denominator, figure.value) == (1, 3, 33.3)
    # The same filter lists the cases behind the figure.
    type_ids = kpis.applicable()["investment_task_on_time"]
    behind = Case.objects.filter(
        kpis.indicator_filter("investment_task_on_time", "numerator", type_ids)
    )
    assert list(behind.values_list("title", flat=True)) == ["征地政策处理"]
    # The team board agrees.
    assert services.team_board()[0]["on_time"] == 1

    page = client_for(agency["leader"]).get(reverse("case-kpis") + "?group=case_type")
    body = page.content.decode()
    assert page.status_code == 200 and "按期完成率" in body and "33.3" in body


def test_a_task_within_its_deadline_is_not_judged_yet(agency, project):
    crew = team(agency, "攻坚组")
    task = posted(agency, project, "征地政策处理", D(2026, 10, 15))
    carried(agency, crew, task)
    before = tasks_row(now=at(D(2026, 10, 15), 20)).figures["investment_task_on_time"]
    assert (before.numerator, before.denominator) == (0, 0)
    after = tasks_row(now=at(D(2026, 10, 16))).figures["investment_task_on_time"]
    assert (after.numerator, after.denominator) == (0, 1)


def test_the_task_deadline_is_the_cases_so_an_unfinished_task_shows_overdue(agency, project):
    task = posted(agency, project, "征地政策处理", D(2026, 10, 15))
    case = Case.objects.get(pk=task.case_id)
    assert timezone.localtime(case.due_at).date() == D(2026, 10, 15)
    assert tasks_row(now=at(D(2026, 10, 15))).figures["overdue"].value == 0
    assert tasks_row(now=at(D(2026, 10, 16))).figures["overdue"].value == 1


def test_tasks_posted_under_the_engines_claim_flow_move_to_the_task_flow(agency, project):
    crew = team(agency, "攻坚组")
    task = posted(agency, project, "征地政策处理", D(2027, 1, 15))
    services.do_claim_task(crew.leader, task)
    old = State.objects.get(workflow__code="claim_task", code="claimed")
    Case.objects.filter(pk=task.case_id).update(state=old)

    move_tasks_to_own_flow()

    case = Case.objects.get(pk=task.case_id)
    assert case.state.code == "claimed" and case.state.workflow.code == "investment_key_task"
    assert case.case_type.code == TASK
    # And it moves on as before.
    case = do_transition(crew.leader, case, "fulfil", note="已完成")
    assert case.state.code == "fulfilled"
