"""Registering projects, matters, problems and key tasks (thin: the services decide)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render

from qinqing.core import access
from qinqing.core.models import Visit
from qinqing.core.services import InvalidInput
from qinqing.investment import services
from qinqing.investment.forms import (
    MatterForm,
    ParcelForm,
    PlanForm,
    ProblemForm,
    ProjectForm,
    TaskForm,
    TeamForm,
)
from qinqing.investment.models import Project


def _page(request, form, heading, submit, subject=""):
    context = {"form": form, "heading": heading, "submit": submit, "subject": subject}
    return render(request, "investment/form.html", context, status=422 if form.is_bound else 200)


def _refused(form, error: InvalidInput):
    for field, problems in error.errors.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


@login_required
@permission_required("investment.add_project", raise_exception=True)
def project_create(request):
    form = ProjectForm(request.POST or None, actor=request.user)
    if request.method == "POST":
        try:
            project = services.do_create_project(request.user, request.POST)
            messages.success(request, f"已登记项目“{project.name}”")
            return redirect("investment-project", pk=project.pk)
        except InvalidInput:
            form.is_valid()
    return _page(request, form, "登记招商项目", "登记")


@login_required
@permission_required("investment.add_agencymatter", raise_exception=True)
def matter_create(request, pk):
    project = access.access_object(request.user, Project, pk)
    form = MatterForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            matter = services.do_open_matter(
                request.user,
                project,
                title=data["title"],
                department=data["department"],
                legal_days=data["legal_days"],
                materials=data["materials"],
                milestone=data["milestone"],
            )
            messages.success(request, f"已派送{matter.department.name}，编号 {matter.case.number}")
            return redirect("investment-matter", pk=matter.pk)
        except InvalidInput as error:
            _refused(form, error)
    return _page(request, form, "登记代办事项", "派送审批部门", project.name)


@login_required
@permission_required("investment.add_projectproblem", raise_exception=True)
def problem_create(request, pk):
    project = access.access_object(request.user, Project, pk)
    visits = access.visible(Visit, request.user).filter(enterprise=project.investor_id)[:50]
    form = ProblemForm(request.POST or None, visits=visits)
    if request.method == "POST":
        form.fields["visit"].queryset = access.visible(Visit, request.user).filter(
            enterprise=project.investor_id
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                problem = services.do_record_problem(
                    request.user,
                    project,
                    title=data["title"],
                    description=data["description"],
                    visit=data["visit"],
                )
                messages.success(request, f"已登记问题，编号 {problem.case.number}")
                return redirect("case-detail", pk=problem.case_id)
            except InvalidInput as error:
                _refused(form, error)
    return _page(request, form, "登记项目问题", "登记", project.name)


@login_required
@permission_required("investment.add_keytask", raise_exception=True)
def task_create(request):
    form = TaskForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        town = access.home_region(request.user)
        project = data["project"]
        try:
            task = services.do_post_task(
                request.user,
                title=data["title"],
                goals=data["goals"],
                deadline=data["deadline"],
                project=project,
                leader=data["leader"],
                town=project.town if project else town,
                sub_goals=data["sub_goals"],
            )
            messages.success(request, f"已发布揭榜任务“{task.case.title}”")
            return redirect("investment-task", pk=task.pk)
        except InvalidInput as error:
            _refused(form, error)
    return _page(request, form, "发布揭榜任务", "发布")


@login_required
@permission_required("investment.change_milestone", raise_exception=True)
def project_plan(request, pk):
    project = access.access_object(request.user, Project, pk)
    milestones = project.milestones.prefetch_related("depends_on").order_by("sequence")
    form = PlanForm(request.POST or None, milestones=milestones)
    if request.method == "POST" and form.is_valid():
        changed = services.do_plan_project(request.user, project, form.changes())
        messages.success(request, f"已保存计划日期（{changed} 个节点有变动）")
        return redirect("investment-project", pk=project.pk)
    return _page(request, form, "编辑节点计划日期", "保存", project.name)


@login_required
@permission_required("investment.add_projectparcel", raise_exception=True)
def parcel_create(request, pk):
    project = access.access_object(request.user, Project, pk)
    form = ParcelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            parcel = services.do_add_parcel(request.user, project, **form.cleaned_data)
            messages.success(request, f"已添加地块“{parcel.name}”")
            return redirect("investment-project", pk=project.pk)
        except InvalidInput as error:
            _refused(form, error)
    return _page(request, form, "添加地块", "添加", project.name)


@login_required
@permission_required("investment.add_team", raise_exception=True)
def team_create(request):
    form = TeamForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = services.do_create_team(
                request.user,
                name=data["name"],
                town=data["town"],
                leader=data["leader"],
                members=list(data["members"]),
            )
            messages.success(request, f"已成立攻坚小组“{team.name}”，共 {team.members.count()} 人")
            return redirect("investment-tasks")
        except InvalidInput as error:
            _refused(form, error)
    return _page(request, form, "成立攻坚小组", "成立")
