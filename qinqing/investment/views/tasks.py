"""揭榜挂帅: the task board with the team ranking, and one task with its sub-goals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinqing.cases import listing
from qinqing.cases.claims import holds_claim
from qinqing.cases.errors import AlreadyClaimed
from qinqing.cases.services import TransitionRefused
from qinqing.core import access
from qinqing.core.exporting import xlsx_response
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.core.views.common import filtered, query_string
from qinqing.investment import services
from qinqing.investment.case_types import team_of
from qinqing.investment.filters import TaskFilter
from qinqing.investment.models import KeyTask, SubGoal, Team


@login_required
@permission_required("investment.view_keytask", raise_exception=True)
def task_board(request):
    _filters, tasks, status = filtered(request, TaskFilter)
    if request.GET.get("export") == "xlsx" and status == 200:
        return xlsx_response(
            "揭榜挂帅",
            ["编号", "任务", "所保障项目", "目标", "完成期限", "揭榜小组", "状态", "完成时间"],
            (
                [
                    t.case.number,
                    t.case.title,
                    t.project.name if t.project_id else "",
                    t.goals,
                    t.deadline,
                    t.team_name or "",
                    t.case.state_label,
                    t.case.closed_at,
                ]
                for t in tasks
            ),
        )
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    listing.attach_next_steps(request.user, [task.case for task in page], restricted=False)
    return render(
        request,
        "investment/tasks.html",
        {
            "page": page,
            "board": services.team_board(),
            "my_team": team_of(request.user),
            "filters": query_string(request),
        },
        status=status,
    )


@login_required
@permission_required("investment.view_keytask", raise_exception=True)
def task_detail(request, pk):
    task = access.access_object(
        request.user,
        KeyTask.objects.select_related("project", "case", "case__state", "case__case_type"),
        pk,
    )
    listing.attach_next_steps(request.user, [task.case], restricted=False)
    team = Team.objects.filter(pk=task.case.claimant_id).first() if task.case.claimant_id else None
    return render(
        request,
        "investment/task.html",
        {
            "task": task,
            "team": team,
            "goals": task.sub_goals.all(),
            "holds": holds_claim(request.user, task.case),
            "reports": task.reports.select_related("author")[:20],
        },
    )


@login_required
@require_POST
@permission_required("investment.view_keytask", raise_exception=True)
def task_claim(request, pk):
    task = access.access_object(request.user, KeyTask.objects.select_related("case"), pk)
    try:
        services.do_claim_task(request.user, task)
        messages.success(request, f"已揭榜：{task.case.title}")
    except AlreadyClaimed:
        messages.error(request, "已被其他小组揭榜")
    except (Forbidden, TransitionRefused):
        messages.error(request, "只有攻坚小组成员可以揭榜")
    return redirect("investment-task", pk=task.pk)


@login_required
@require_POST
@permission_required("investment.view_keytask", raise_exception=True)
def task_report(request, pk):
    task = access.access_object(request.user, KeyTask.objects.select_related("case"), pk)
    try:
        services.do_report_progress(request.user, task, request.POST.get("text", ""))
        messages.success(request, "已汇报进展")
    except InvalidInput as error:
        messages.error(request, error.summary)
    except Forbidden:
        messages.error(request, "只有揭榜小组可以汇报进展")
    return redirect("investment-task", pk=task.pk)


@login_required
@require_POST
@permission_required("investment.view_keytask", raise_exception=True)
def subgoal_done(request, pk):
    goal = access.access_object(request.user, SubGoal.objects.select_related("task__case"), pk)
    try:
        services.do_finish_subgoal(request.user, goal, timezone.localdate())
        messages.success(request, f"“{goal.title}”已完成")
    except Forbidden:
        messages.error(request, "只有揭榜小组可以更新分解目标")
    return redirect("investment-task", pk=goal.task_id)
