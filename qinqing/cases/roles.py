"""Case roles: what an account is to one case (dispatcher, handler, supervisor …).

Transitions name the case roles that may take them; this is where an account's
roles on a case are worked out, in one place.
"""

from qinqing.core.models import Role

DISPATCHER = "dispatcher"  # 受理、派单、转办、回访 (holds cases.dispatch_case in the case's region)
HANDLER = "handler"  # a member of the department the case is dispatched to
SUPERVISOR = "supervisor"  # the department's head, or a dispatcher: approves extensions
REQUESTER = "requester"  # who raised the case
CLAIMANT = "claimant"  # may claim an item published for claiming
HOLDER = "holder"  # has claimed it
SYSTEM = "system"  # the platform itself (claim expiry)


def case_roles(user, case, *, visible: bool | None = None) -> set[str]:
    """``visible``: pass True when the case came from a restricted queryset, to spare a query."""
    if user is None:
        return {SYSTEM}
    if not user.is_active:
        return set()
    from qinqing.cases.access_rules import can_see

    roles = set()
    may_dispatch = user.has_perm("cases.dispatch_case")
    may_claim = user.role in case.case_type.claimant_roles
    # One visibility query, and only when a role depends on it.
    if visible is None:
        visible = (may_dispatch or may_claim) and can_see(user, case)
    if may_dispatch and visible:
        roles |= {DISPATCHER, SUPERVISOR}
    if (
        case.department_id
        and user.department_id == case.department_id
        and user.role in {Role.STAFF, Role.HANDLER}
    ):
        roles.add(HANDLER)
    if case.department_id and case.department.head_id == user.pk:
        roles.add(SUPERVISOR)
    if case.requester_id == user.pk:
        roles.add(REQUESTER)
    if case.claimed_by_id == user.pk:
        roles.add(HOLDER)
    if may_claim and visible:
        roles.add(CLAIMANT)
    return roles
