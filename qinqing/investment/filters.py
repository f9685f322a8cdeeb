"""The agency's lists, each filtered one way for its page, its export and the API."""

from django import forms
from django.db.models import Count, OuterRef, Q, Subquery

from qinqing.cases.models import StateKind
from qinqing.core import access
from qinqing.core.filters import IdField, ListFilter, choice
from qinqing.investment import services
from qinqing.investment.models import AgencyMatter, KeyTask, Project, ProjectStatus, Team


class ProjectFilter(ListFilter):
    status = choice("状态", ProjectStatus.choices)
    q = forms.CharField(label="搜索", required=False, max_length=100)

    def base(self, actor):
        return services.with_durations(
            access.visible(Project, actor).select_related("investor", "officer", "town")
        ).order_by("-total_investment", "pk")

    def apply(self, rows, data):
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["q"]:
            rows = rows.filter(Q(name__contains=data["q"]) | Q(investor__name__contains=data["q"]))
        return rows


class MatterFilter(ListFilter):
    state = choice("状态", StateKind.choices)
    project = IdField(label="项目")
    department = IdField(label="审批部门")

    def base(self, actor):
        return (
            access.visible(AgencyMatter, actor)
            .select_related(
                "project",
                "department",
                "case",
                "case__state",
                "case__case_type",
                "case__department",
            )
            .annotate(
                needed=Count("materials", distinct=True),
                received=Count(
                    "materials", filter=Q(materials__received_on__isnull=False), distinct=True
                ),
            )
            .order_by("-case__created_at", "-pk")
        )

    def apply(self, rows, data):
        if data["state"]:
            rows = rows.filter(case__kind=data["state"])
        if data["project"]:
            rows = rows.filter(project_id=data["project"])
        if data["department"]:
            rows = rows.filter(department_id=data["department"])
        return rows


class TaskFilter(ListFilter):
    state = choice("状态", StateKind.choices)
    project = IdField(label="项目")

    def base(self, actor):
        return (
            access.visible(KeyTask, actor)
            .select_related("project", "case", "case__state", "case__case_type")
            .annotate(
                team_name=Subquery(
                    Team.objects.filter(pk=OuterRef("case__claimant_id")).values("name")[:1]
                )
            )
            .order_by("deadline", "pk")
        )

    def apply(self, rows, data):
        if data["state"]:
            rows = rows.filter(case__kind=data["state"])
        if data["project"]:
            rows = rows.filter(project_id=data["project"])
        return rows
