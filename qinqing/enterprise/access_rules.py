"""Who may do what at the service station, and which of its records each user sees."""

from django.db.models import Q

from qinqing.core import access
from qinqing.core.models import Enterprise, Role

BACK_OFFICE_VIEW = {
    "enterprise.view_liaison",
    "enterprise.view_problem",
    "enterprise.view_servicesession",
    "enterprise.view_landparcel",
    "enterprise.view_graderesult",
    "enterprise.view_indicatoryear",
}
STAFF_EDIT = {
    "enterprise.add_liaison",
    "enterprise.add_problem",
    "enterprise.add_servicesession",
    "enterprise.add_sessionsignup",
    "enterprise.add_landparcel",
    "enterprise.change_landparcel",
    "enterprise.add_indicatoryear",
    "enterprise.add_graderesult",
}
ROLE_PERMISSIONS = {
    Role.ADMIN: BACK_OFFICE_VIEW | STAFF_EDIT,
    Role.STAFF: BACK_OFFICE_VIEW | STAFF_EDIT,
    Role.LEADER: BACK_OFFICE_VIEW,
    Role.HANDLER: BACK_OFFICE_VIEW | {"enterprise.add_problem"},
    Role.ENTERPRISE: {
        "enterprise.view_problem",
        "enterprise.view_servicesession",
        "enterprise.add_sessionsignup",
        "enterprise.view_graderesult",
        "enterprise.view_landparcel",
    },
}


def install() -> None:
    from qinqing.enterprise import models

    for role, permissions in ROLE_PERMISSIONS.items():
        access.grant(role, *permissions)

    def of_visible_enterprise(user):
        return access.through("enterprise", Enterprise, user)

    for model in (
        models.Liaison,
        models.Problem,
        models.IndicatorYear,
        models.GradeResult,
        models.SessionSignup,
    ):
        access.register_visibility(model)(of_visible_enterprise)
    access.register_visibility(models.ServiceSession)(lambda user: access.EVERYTHING)
    access.register_visibility(models.LandParcel)(_parcels)


def _parcels(user) -> Q:
    if access.sees_everything(user):
        return access.EVERYTHING
    if user.role == Role.ENTERPRISE:
        return Q(enterprise_id=user.enterprise_id)
    return access.region_q(user, "region")
