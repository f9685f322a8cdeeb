"""Who sees which cases, and which roles may do what with them (registered into core)."""

from django.db.models import Q

from qinqing.core import access
from qinqing.core.models import Role, User

ROLE_PERMISSIONS = {
    Role.ADMIN: {
        "cases.view_case",
        "cases.add_case",
        "cases.dispatch_case",
        "cases.view_kpi",
        "cases.supervise_case",
    },
    Role.LEADER: {"cases.view_case", "cases.view_kpi", "cases.supervise_case"},
    Role.STAFF: {"cases.view_case", "cases.add_case", "cases.dispatch_case", "cases.view_kpi"},
    Role.HANDLER: {"cases.view_case", "cases.add_case"},
    Role.ENTERPRISE: {"cases.view_case", "cases.add_case"},
    Role.RESIDENT: {"cases.view_case", "cases.add_case"},
}


def install() -> None:
    from qinqing.cases.models import Case, CaseEvent, Supervision

    for role, permissions in ROLE_PERMISSIONS.items():
        access.grant(role, *permissions)
    access.register_visibility(Case)(case_visibility)
    access.register_visibility(CaseEvent)(lambda user: access.through("case", Case, user))
    access.register_visibility(Supervision)(lambda user: access.through("case", Case, user))


def case_visibility(user: User) -> Q:
    """The default rule, except for case types that declare their own (``visibility``)."""
    if access.sees_everything(user):
        return access.EVERYTHING
    from qinqing.cases.models import CaseType
    from qinqing.cases.workflows import case_type_spec

    types = list(CaseType.objects.values_list("pk", "code", "claimant_roles"))  # one query
    claimable = [pk for pk, _, roles in types if user.role in roles]
    default = default_visibility(user, claimable)
    custom = {}
    for pk, code, _ in types:
        spec = case_type_spec(code)
        if spec and spec.visibility:
            custom[pk] = spec.visibility
    if not custom:
        return default
    condition = ~Q(case_type_id__in=list(custom)) & default
    for pk, rule in custom.items():
        condition |= Q(case_type_id=pk) & rule(user)
    return condition


def default_visibility(user: User, claimable_type_ids=None) -> Q:
    """Staff see their region and their department's cases; others their own (and claimable).

    A module's ``visibility`` rule may build on this, e.g. narrow it for sensitive types.
    """
    from qinqing.cases.models import StateKind

    mine = Q(requester=user) | Q(assignee=user) | Q(claimed_by=user) | Q(created_by=user)
    if claimable_type_ids is None:
        from qinqing.cases.models import CaseType

        claimable_type_ids = [t.pk for t in CaseType.objects.all() if user.role in t.claimant_roles]
    claimable = (
        Q(case_type_id__in=claimable_type_ids, kind=StateKind.OPEN, claimed_by__isnull=True)
        if claimable_type_ids
        else access.NOTHING
    )
    if user.role in {Role.STAFF, Role.HANDLER}:
        department = Q(department_id=user.department_id) if user.department_id else access.NOTHING
        return access.region_q(user, "region") | department | mine | claimable
    if user.role == Role.ENTERPRISE:
        return Q(enterprise_id=user.enterprise_id) | mine | claimable
    if user.role == Role.RESIDENT:
        person = Q(person_id=user.person_id) if user.person_id else access.NOTHING
        return person | mine | claimable
    return access.NOTHING


def can_see(user: User, case) -> bool:
    from qinqing.cases.models import Case

    return access.restrict(Case.objects.filter(pk=case.pk), user).exists()
