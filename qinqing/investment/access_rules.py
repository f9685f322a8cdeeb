"""Who may do what in the investment agency, and which of its records each user sees."""

from django.db.models import Q

from qinqing.core import access
from qinqing.core.models import Role

VIEW = {
    "investment.view_project",
    "investment.view_projectparcel",
    "investment.view_milestone",
    "investment.view_agencymatter",
    "investment.view_mattermaterial",
    "investment.view_projectproblem",
    "investment.view_team",
    "investment.view_keytask",
    "investment.view_subgoal",
    "investment.view_progressreport",
}
EDIT = {
    "investment.add_project",
    "investment.change_project",
    "investment.add_projectparcel",
    "investment.change_milestone",
    "investment.add_agencymatter",
    "investment.change_mattermaterial",
    "investment.add_projectproblem",
    "investment.add_team",
    "investment.add_keytask",
    "investment.add_subgoal",
    "investment.change_subgoal",
    "investment.add_progressreport",
}
ROLE_PERMISSIONS = {
    Role.ADMIN: VIEW | EDIT,
    Role.STAFF: VIEW | EDIT,
    Role.LEADER: VIEW,
    Role.HANDLER: VIEW | {"investment.change_mattermaterial"},
    Role.ENTERPRISE: {
        "investment.view_project",
        "investment.view_projectparcel",
        "investment.view_milestone",
        "investment.view_agencymatter",
        "investment.view_mattermaterial",
        "investment.view_projectproblem",
    },
}


def install() -> None:
    from qinqing.cases.models import Case
    from qinqing.investment import models

    for role, permissions in ROLE_PERMISSIONS.items():
        access.grant(role, *permissions)
    access.register_visibility(models.Project)(projects)
    for model in (models.ProjectParcel, models.Milestone):
        access.register_visibility(model)(
            lambda user: access.through("project", models.Project, user)
        )
    # Matters, problems and tasks are cases: whoever sees the case sees the record.
    for model in (models.AgencyMatter, models.ProjectProblem, models.KeyTask):
        access.register_visibility(model)(lambda user: access.through("case", Case, user))
    access.register_visibility(models.MatterMaterial)(
        lambda user: access.through("matter__case", Case, user)
    )
    for model in (models.SubGoal, models.ProgressReport):
        access.register_visibility(model)(lambda user: access.through("task__case", Case, user))
    access.register_visibility(models.Team)(
        lambda user: access.EVERYTHING if user.is_back_office else access.NOTHING
    )


def projects(user) -> Q:
    """Leaders everything; staff and departments their regions' projects (and their own);
    an investor its own projects."""
    if access.sees_everything(user):
        return access.EVERYTHING
    if user.role == Role.ENTERPRISE:
        return Q(investor_id=user.enterprise_id)
    if user.role in {Role.STAFF, Role.HANDLER}:
        return access.region_q(user, "town") | Q(officer=user)
    return access.NOTHING
