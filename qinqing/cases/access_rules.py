"""Who sees which cases, and which roles may do what with them (registered into core)."""

from django.db.models import Q

from qinqing.core import access
from qinqing.core.models import Role, User

ROLE_PERMISSIONS = {
    Role.ADMIN: {"cases.view_case", "cases.add_case", "cases.dispatch_case", "cases.view_kpi"},
    Role.LEADER: {"cases.view_case", "cases.view_kpi"},
    Role.STAFF: {"cases.view_case", "cases.add_case", "cases.dispatch_case", "cases.view_kpi"},
    Role.HANDLER: {"cases.view_case", "cases.add_case"},
    Role.ENTERPRISE: {"cases.view_case", "cases.add_case"},
    Role.RESIDENT: {"cases.view_case", "cases.add_case"},
}


def install() -> None:
    from qinqing.cases.models import Case, CaseEvent

    for role, permissions in ROLE_PERMISSIONS.items():
        access.grant(role, *permissions)
    access.register_visibility(Case)(case_visibility)
    access.register_visibility(CaseEvent)(lambda user: access.through("case", Case, user))


def case_visibility(user: User) -> Q:
    if access.sees_everything(user):
        return access.EVERYTHING
    mine = Q(requester=user) | Q(assignee=user) | Q(claimed_by=user) | Q(created_by=user)
    claimable = _claimable_for(user)
    if user.role in {Role.STAFF, Role.HANDLER}:
        department = Q(department_id=user.department_id) if user.department_id else access.NOTHING
        return access.region_q(user, "region") | department | mine | claimable
    if user.role == Role.ENTERPRISE:
        return Q(enterprise_id=user.enterprise_id) | mine | claimable
    if user.role == Role.RESIDENT:
        person = Q(person_id=user.person_id) if user.person_id else access.NOTHING
        return person | mine | claimable
    return access.NOTHING


def _claimable_for(user: User) -> Q:
    """Items published for claiming are visible to every account that may claim them."""
    from qinqing.cases.models import CaseType, StateKind

    type_ids = [t.pk for t in CaseType.objects.all() if user.role in t.claimant_roles]
    if not type_ids:
        return access.NOTHING
    return Q(case_type_id__in=type_ids, kind=StateKind.OPEN, claimed_by__isnull=True)


def can_see(user: User, case) -> bool:
    from qinqing.cases.models import Case

    return access.restrict(Case.objects.filter(pk=case.pk), user).exists()
