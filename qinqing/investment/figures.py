"""The agency's figures for the cockpit, declared once and computed from the records.

Projects and their durations are stock: the period does not narrow them. Matters
and problems count by the day they were registered, visits by the day they were made.
"""

from django.db.models import F
from django.urls import reverse

from qinqing.cases.models import StateKind
from qinqing.core.indicators import Figure, Scope, register_figure
from qinqing.core.models import Visit
from qinqing.investment import services
from qinqing.investment.models import AgencyMatter, KeyTask, Project, ProjectProblem


def _projects(scope: Scope):
    return scope.in_region(scope.visible(Project), "town")


def _project_rows(scope: Scope):
    return (
        services.with_durations(_projects(scope))
        .select_related("investor", "town")
        .order_by("-total_investment", "pk")
    )


def _headline(key: str):
    def value(scope: Scope):
        # Five figures come from one aggregate over the projects.
        return scope.once("investment.figures", lambda: services.figures(_projects(scope)))[key]

    return value


def _quick_start_rows(scope: Scope):
    return _project_rows(scope).filter(quick_start=True)


def _started_rows(scope: Scope):  # the projects the delisting-to-start average is over
    return _project_rows(scope).filter(started_on__isnull=False)


def _completed_rows(scope: Scope):  # the projects the start-to-completion average is over
    return _project_rows(scope).filter(completed_on__isnull=False)


def _matters(scope: Scope):
    matters = scope.visible(AgencyMatter).filter(project__in=_projects(scope))
    return (
        scope.in_period(matters, "case__created_at")
        .select_related("case", "project", "department")
        .order_by("-case__created_at")
    )


def _solved_problems(scope: Scope):
    problems = scope.visible(ProjectProblem).filter(project__in=_projects(scope))
    return (
        scope.in_period(problems, "case__created_at")
        .filter(case__solved=True)
        .select_related("case", "project")
        .order_by("-case__created_at")
    )


def _visits(scope: Scope):
    """The agency team's enterprise visits: those of the projects' officers' departments."""
    officers = _projects(scope).values("officer__department")
    visits = scope.visible(Visit).filter(visitor__department__in=officers, enterprise__isnull=False)
    return (
        scope.in_region(scope.in_period(visits, "visited_at"), "region")
        .select_related("enterprise", "visitor")
        .order_by("-visited_at")
    )


def _tasks_on_time(scope: Scope):
    """Key tasks the leader accepted on or before their deadline."""
    tasks = scope.in_region(scope.visible(KeyTask), "case__region")
    return (
        tasks.filter(case__kind=StateKind.CLOSED, case__closed_at__date__lte=F("deadline"))
        .select_related("case")
        .order_by("deadline", "pk")
    )


def register() -> None:
    project_columns = (
        ("项目", "name"),
        ("投资企业", "investor.name"),
        ("总投资（万元）", "total_investment"),
        ("乡镇", "town.name"),
        ("摘牌日期", "delisted_on"),
        ("开工日期", "started_on"),
    )

    def project_url(project):
        return reverse("investment-project", args=[project.pk])

    for code, label, unit, definition, key, rows, headline in (
        ("projects", "招商项目", "个", "登记在册的招商项目个数", "projects", _project_rows, True),
        (
            "total_investment",
            "项目总投资",
            "万元",
            "登记在册的招商项目总投资之和",
            "investment",
            _project_rows,
            True,
        ),
        (
            "quick_start",
            "拿地即开工项目",
            "个",
            "四证在摘牌后规定天数内办齐、且在该天数内开工的项目个数",
            "quick_start",
            _quick_start_rows,
            False,
        ),
        (
            "delist_to_start_days",
            "摘牌至开工平均天数",
            "天",
            "已开工项目从土地摘牌到开工的天数的平均值",
            "avg_delist_to_start_days",
            _started_rows,
            True,
        ),
        (
            "start_to_completion_months",
            "开工至竣工平均月数",
            "月",
            "已竣工项目从开工到竣工的月数（每月按30.44天）的平均值",
            "avg_start_to_completion_months",
            _completed_rows,
            False,
        ),
    ):
        register_figure(
            Figure(
                code=f"investment.{code}",
                label=label,
                unit=unit,
                definition=definition,
                value=_headline(key),
                rows=rows,
                good="down" if code.endswith(("_days", "_months")) else "up",
                headline=headline,
                columns=project_columns,
                row_url=project_url,
            )
        )
    register_figure(
        Figure(
            code="investment.matters",
            label="代办事项",
            unit="件",
            definition="期间内登记的代办事项件数",
            value=lambda scope: _matters(scope).count(),
            rows=_matters,
            columns=(
                ("编号", "case.number"),
                ("事项", "case.title"),
                ("项目", "project.name"),
                ("审批部门", "department.name"),
            ),
            row_url=lambda m: reverse("investment-matter", args=[m.pk]),
        )
    )
    register_figure(
        Figure(
            code="investment.problems_solved",
            label="解决项目问题",
            unit="个",
            definition="期间内登记、回访中确认已解决的项目问题个数",
            value=lambda scope: _solved_problems(scope).count(),
            rows=_solved_problems,
            columns=(("编号", "case.number"), ("问题", "case.title"), ("项目", "project.name")),
            row_url=lambda p: reverse("case-detail", args=[p.case_id]),
        )
    )
    register_figure(
        Figure(
            code="investment.visits",
            label="代办队走访企业",
            unit="次",
            definition="期间内项目代办员所在部门对企业的走访次数",
            value=lambda scope: _visits(scope).count(),
            rows=_visits,
            columns=(
                ("走访时间", "visited_at"),
                ("企业", "enterprise.name"),
                ("走访人", "visitor"),
            ),
        )
    )
    register_figure(
        Figure(
            code="investment.tasks_claimed",
            label="揭榜任务认领",
            unit="项",
            definition="已由攻坚小组认领的揭榜挂帅任务项数",
            value=lambda scope: _claimed_tasks(scope).count(),
            rows=_claimed_tasks,
            columns=(
                ("任务", "case.title"),
                ("截止日期", "deadline"),
                ("状态", "case.state_label"),
            ),
            row_url=lambda t: reverse("investment-task", args=[t.pk]),
        )
    )
    register_figure(
        Figure(
            code="investment.tasks_on_time",
            label="揭榜任务按期完成",
            unit="项",
            definition="在截止日期当天或之前通过验收的揭榜挂帅任务项数",
            value=lambda scope: _tasks_on_time(scope).count(),
            rows=_tasks_on_time,
            columns=(
                ("任务", "case.title"),
                ("截止日期", "deadline"),
                ("验收时间", "case.closed_at"),
            ),
            row_url=lambda t: reverse("investment-task", args=[t.pk]),
        )
    )


def _claimed_tasks(scope: Scope):
    tasks = scope.in_region(scope.visible(KeyTask), "case__region")
    return (
        tasks.filter(case__claimed_at__isnull=False)
        .select_related("case")
        .order_by("deadline", "pk")
    )
