"""Who may do what with shared workstations, and which records each user sees.

Staff work within their regions (the workstation's or campaign's town); a team
leader (a resident or enterprise account) sees the inventory and events, and
their own teams' applications, leases, bookings and service requests.
"""

from django.db.models import Q

from qinqing.core import access
from qinqing.core.models import Role

VIEW = {
    f"workspace.view_{m}"
    for m in (
        "idlespace",
        "workstation",
        "team",
        "campaign",
        "application",
        "lease",
        "allocation",
        "daybooking",
        "servicerequest",
        "siteevent",
        "eventsignup",
        "terms",
    )
}
EDIT = {
    "workspace.add_idlespace",
    "workspace.change_idlespace",
    "workspace.add_workstation",
    "workspace.change_workstation",
    "workspace.add_campaign",
    "workspace.change_application",
    "workspace.add_allocation",
    "workspace.add_siteevent",
    "workspace.add_daybooking",
    "workspace.add_eventsignup",
}
TEAM = {
    "workspace.view_workstation",
    "workspace.view_campaign",
    "workspace.view_team",
    "workspace.add_team",
    "workspace.view_application",
    "workspace.add_application",
    "workspace.view_lease",
    "workspace.view_allocation",
    "workspace.view_daybooking",
    "workspace.add_daybooking",
    "workspace.view_servicerequest",
    "workspace.add_servicerequest",
    "workspace.view_siteevent",
    "workspace.view_eventsignup",
    "workspace.add_eventsignup",
    "workspace.view_terms",
}
ROLE_PERMISSIONS = {
    Role.ADMIN: VIEW | EDIT | TEAM,
    Role.STAFF: VIEW | EDIT,
    Role.LEADER: VIEW,
    Role.RESIDENT: TEAM,
    Role.ENTERPRISE: TEAM,
}


def is_team_account(user) -> bool:
    return user.role in {Role.RESIDENT, Role.ENTERPRISE}


def install() -> None:
    from qinqing.workspace import models

    for role, permissions in ROLE_PERMISSIONS.items():
        access.grant(role, *permissions)

    def by_region(path):
        def rule(user) -> Q:
            if access.sees_everything(user):
                return access.EVERYTHING
            if user.role in {Role.STAFF, Role.HANDLER}:
                return access.region_q(user, path)
            return access.NOTHING

        return rule

    def own_or_region(team_path, region_path):
        def rule(user) -> Q:
            if access.sees_everything(user):
                return access.EVERYTHING
            if is_team_account(user):
                return Q(**{f"{team_path}__leader": user})
            return access.region_q(user, region_path)

        return rule

    public = lambda user: access.EVERYTHING  # noqa: E731 — the published inventory
    access.register_visibility(models.IdleSpace)(by_region("region"))
    access.register_visibility(models.Workstation)(public)
    access.register_visibility(models.Campaign)(public)
    access.register_visibility(models.SiteEvent)(public)
    access.register_visibility(models.Terms)(public)
    access.register_visibility(models.Team)(_teams)
    access.register_visibility(models.Application)(own_or_region("team", "campaign__region"))
    access.register_visibility(models.Lease)(own_or_region("team", "application__campaign__region"))
    access.register_visibility(models.Allocation)(own_or_region("lease__team", "resource__region"))
    access.register_visibility(models.DayBooking)(own_or_region("team", "workstation__region"))
    access.register_visibility(models.ServiceRequest)(own_or_region("team", "case__region"))
    access.register_visibility(models.EventSignup)(own_or_region("team", "event__site__region"))


def _teams(user) -> Q:
    if user.is_back_office:
        return access.EVERYTHING  # teams come from anywhere; staff look them up to sign them
    return Q(leader=user)
