"""Who may do what in veterans' services, and which records each user sees — in one place.

Station scoping is one rule (``station_q``): admins and leaders see every
station; staff see the stations they are assigned to (管理后台 → 服务站 → 工作人员)
and the stations under them; everyone else sees none. Every other record is
scoped through its station.
"""

from django.db.models import Q

from qinqing.core import access
from qinqing.core.models import Role

STAFF_VIEW = {
    "veterans.view_station",
    "veterans.view_servicerecord",
    "veterans.view_visitreach",
    "veterans.view_wish",
    "veterans.view_claimant",
    "veterans.view_allowancestandard",
    "veterans.view_eligibility",
    "veterans.view_payment",
}
STAFF_EDIT = {
    "veterans.add_servicerecord",
    "veterans.add_visitreach",
    "veterans.add_wish",
    "veterans.add_eligibility",
    "veterans.add_payment",
}
ROLE_PERMISSIONS = {
    Role.ADMIN: STAFF_VIEW | STAFF_EDIT | {"veterans.add_allowancestandard"},
    Role.STAFF: STAFF_VIEW | STAFF_EDIT,
    Role.HANDLER: STAFF_VIEW,
    Role.LEADER: STAFF_VIEW,
    # Veterans, their families and claimants: their own wishes and claims.
    Role.RESIDENT: {"veterans.view_wish", "veterans.view_claimant"},
    Role.ENTERPRISE: {"veterans.view_wish", "veterans.view_claimant"},
}


def station_q(user, path: str = "") -> Q:
    """The stations ``user`` works for, at ``path`` ("" for Station itself).

    Staff see the stations they are assigned to and the stations under them (the
    county centre every station, a town station its villages, a village worker
    their village). One condition with no query of its own: it runs inside every
    case list's query (the wish type's case visibility).
    """
    from qinqing.veterans.models import Station

    prefix = f"{path}__" if path else ""
    if access.sees_everything(user):
        return access.EVERYTHING
    if user.role not in {Role.STAFF, Role.HANDLER}:
        return access.NOTHING
    assigned = Station.objects.filter(staff=user).values("pk")
    return (
        Q(**{f"{prefix}pk__in": assigned})
        | Q(**{f"{prefix}parent_id__in": assigned})
        | Q(**{f"{prefix}parent__parent_id__in": assigned})
    )


def _wishes(user) -> Q:
    if user.role in {Role.STAFF, Role.HANDLER, Role.ADMIN, Role.LEADER}:
        return station_q(user, "station")
    mine = Q(record__person_id=user.person_id) if user.person_id else access.NOTHING
    return mine | Q(case__claimed_by=user) | Q(case__state__code="published")


def wish_case_visibility(user) -> Q:
    """Which wish cases a user sees on the engine's pages (CaseTypeSpec.visibility).

    Staff: their stations' wishes. A veteran: their own. A claimant: the wall
    (published) and what they claimed. Nobody else.
    """
    from qinqing.veterans.models import Wish

    if access.sees_everything(user):
        return access.EVERYTHING
    return Q(pk__in=Wish.objects.filter(_wishes(user)).values("case_id"))


def install() -> None:
    from qinqing.veterans import models

    for role, permissions in ROLE_PERMISSIONS.items():
        access.grant(role, *permissions)
    access.register_visibility(models.Station)(lambda user: station_q(user))
    for model in (models.ServiceRecord, models.VisitReach, models.Eligibility, models.Payment):
        access.register_visibility(model)(lambda user: station_q(user, "station"))
    access.register_visibility(models.Wish)(_wishes)
    access.register_visibility(models.Claimant)(
        lambda user: access.EVERYTHING if user.is_back_office else Q(user=user)
    )
    access.register_visibility(models.AllowanceStandard)(
        lambda user: access.EVERYTHING if user.is_back_office else access.NOTHING
    )
