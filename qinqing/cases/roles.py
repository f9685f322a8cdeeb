"""Case roles: what an account is to one case (dispatcher, handler, supervisor …).

Transitions name the case roles that may take them and the roles told about
them; this is where an account's roles on a case, and the accounts holding a
role, are worked out, in one place. A case type may add roles of its own
(``CaseTypeSpec.roles`` and ``CaseTypeSpec.recipients``).
"""

from qinqing.core.models import Role, User

DISPATCHER = (
    "dispatcher"  # 受理、派单、转办、回访 (holds the type's dispatch permission in its region)
)
HANDLER = "handler"  # a member of the department the case is dispatched to
SUPERVISOR = "supervisor"  # the department's head, or a dispatcher: approves extensions
REQUESTER = "requester"  # who raised the case
CLAIMANT = "claimant"  # may claim an item published for claiming
HOLDER = "holder"  # has claimed it (or belongs to the organisation that did)
SYSTEM = "system"  # the platform itself (claim expiry, 未回访)
# Recipient-only roles: who must act next.
SURVEYOR = "surveyor"  # 回访: the requester, else the dispatchers
OWNER = "owner"  # who published an item for claiming: the requester, else its creator


def case_roles(user, case, *, visible: bool | None = None) -> set[str]:
    """``visible``: pass True when the case came from a restricted queryset, to spare a query."""
    if user is None:
        return {SYSTEM}
    if not user.is_active:
        return set()
    from qinqing.cases.access_rules import can_see
    from qinqing.cases.claims import holds_claim
    from qinqing.cases.workflows import case_type_spec

    roles = set()
    case_type = case.case_type
    may_dispatch = user.has_perm(case_type.dispatch_permission)
    may_claim = user.role in case_type.claimant_roles
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
    if (case.claimed_by_id or case.claimant_type_id) and holds_claim(user, case):
        roles.add(HOLDER)
    if may_claim and visible:
        roles.add(CLAIMANT)
    spec = case_type_spec(case_type.code)
    if spec and spec.roles:
        roles |= set(spec.roles(user, case))
    return roles


def recipients(case, role: str) -> list[User]:
    """The accounts that hold ``role`` on ``case``, to be told of a move."""
    from qinqing.cases.workflows import case_type_spec

    spec = case_type_spec(case.case_type.code)
    if spec and role in spec.recipients:
        return list(spec.recipients[role](case))
    if role == HANDLER:
        return handlers_of(case)
    if role == DISPATCHER:
        return dispatchers_of(case)
    if role == SUPERVISOR:
        head = case.department.head if case.department_id else None
        return [head] if head else dispatchers_of(case)
    if role == REQUESTER:
        return [case.requester] if case.requester_id else []
    if role == SURVEYOR:
        return [case.requester] if case.requester_id else dispatchers_of(case)
    if role == OWNER:
        return [case.requester] if case.requester_id else [case.created_by]
    if role == HOLDER:
        return [case.claimed_by] if case.claimed_by_id else []
    return []


def handlers_of(case) -> list[User]:
    if case.assignee_id:
        return [case.assignee]
    if case.department_id:
        return list(User.objects.filter(department_id=case.department_id, is_active=True))
    return dispatchers_of(case)


def dispatchers_of(case) -> list[User]:
    """Accounts that dispatch this case's type in its region (or above it)."""
    codes = []
    region = case.region
    while region is not None:
        codes.append(region.code)
        region = region.parent
    candidates = User.objects.filter(is_active=True, regions__code__in=codes).distinct()
    permission = case.case_type.dispatch_permission
    return [user for user in candidates if user.has_perm(permission)]
