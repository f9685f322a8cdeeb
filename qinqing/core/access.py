"""Who may see and do what: decided here, used by pages, API, exports and the cockpit.

Two questions, two tools:
- *May this role do this kind of thing?* Django permissions, granted per role by
  ``RoleBackend`` from ``ROLE_PERMISSIONS`` (plus any grant an admin adds to a
  user or group, e.g. ``core.view_personal_data``).
- *Which records may this user see?* ``restrict(queryset, user)``, with one rule
  per model registered in ``VISIBILITY``. ``access_object`` answers 404 for a
  record that is missing and for one the user may not see, alike.

Service modules add their own roles' permissions and their models' rules with
``grant`` and ``register_visibility``; core never imports them.
"""

from collections.abc import Callable

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from qinqing.core.models import (
    AuditEntry,
    Department,
    Enterprise,
    ImportJob,
    Notification,
    Person,
    Region,
    Role,
    Site,
    User,
    Visit,
)
from qinqing.core.models.directory import RegionLevel

# --- role → permissions ------------------------------------------------------

EVERYONE_PERMISSIONS = {"core.view_notification", "core.view_region", "core.view_site"}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.ADMIN: {
        "core.view_enterprise",
        "core.add_enterprise",
        "core.change_enterprise",
        "core.view_person",
        "core.add_person",
        "core.change_person",
        "core.view_visit",
        "core.add_visit",
        "core.view_department",
        "core.view_auditentry",
        "core.add_importjob",
        "core.view_importjob",
        "core.view_personal_data",
    },
    Role.LEADER: {"core.view_enterprise", "core.view_visit", "core.view_department"},
    Role.STAFF: {
        "core.view_enterprise",
        "core.add_enterprise",
        "core.change_enterprise",
        "core.view_person",
        "core.add_person",
        "core.change_person",
        "core.view_visit",
        "core.add_visit",
        "core.view_department",
        "core.add_importjob",
        "core.view_importjob",
    },
    Role.HANDLER: {
        "core.view_enterprise",
        "core.view_person",
        "core.view_visit",
        "core.add_visit",
        "core.view_department",
    },
    Role.ENTERPRISE: {"core.view_enterprise", "core.view_visit"},
    Role.RESIDENT: {"core.view_person", "core.view_visit"},
}


def grant(role: str, *permissions: str) -> None:
    """Let a service module give a role more permissions."""
    ROLE_PERMISSIONS.setdefault(role, set()).update(permissions)


class RoleBackend:
    """Grants every active user the permissions of their role."""

    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user, obj=None) -> set[str]:
        if not user.is_active or user.is_anonymous:
            return set()
        return ROLE_PERMISSIONS.get(user.role, set()) | EVERYONE_PERMISSIONS

    def has_perm(self, user, perm: str, obj=None) -> bool:
        return perm in self.get_all_permissions(user, obj)

    def has_module_perms(self, user, app_label: str) -> bool:
        return any(p.startswith(app_label + ".") for p in self.get_all_permissions(user))


# --- which records a user sees ----------------------------------------------

VisibilityRule = Callable[[User], Q]
VISIBILITY: dict[type[Model], VisibilityRule] = {}
NOTHING = Q(pk__in=[])
EVERYTHING = Q()


def register_visibility(model: type[Model]):
    def decorator(rule: VisibilityRule) -> VisibilityRule:
        VISIBILITY[model] = rule
        return rule

    return decorator


def region_q(user: User, path: str) -> Q:
    """Records whose region (at ``path``) lies within the user's regions."""
    condition = NOTHING
    for prefix in user.region_prefixes():
        condition |= Q(**{f"{path}__code__startswith": prefix})
    return condition


def through(path: str, model: type[Model], user: User) -> Q:
    """``model``'s visibility rule, for a model that points at it through ``path``.

    E.g. ``through("enterprise", Enterprise, user)`` on a model with an
    ``enterprise`` foreign key: the same records as the enterprise list shows.
    """
    return _prefixed(VISIBILITY[model](user), path)


def _prefixed(condition: Q, path: str) -> Q:
    prefixed = Q()
    prefixed.connector, prefixed.negated = condition.connector, condition.negated
    for child in condition.children:
        if isinstance(child, Q):
            prefixed.children.append(_prefixed(child, path))
        else:
            key, value = child
            prefixed.children.append((f"{path}__{key}", value))
    return prefixed


def sees_everything(user: User) -> bool:
    return user.is_superuser or user.role in {Role.ADMIN, Role.LEADER}


def restrict(queryset: QuerySet, user: User, perm: str | None = None) -> QuerySet:
    """The part of ``queryset`` this user may see (and, with ``perm``, may act on)."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    model = queryset.model
    if perm is None:
        perm = f"{model._meta.app_label}.view_{model._meta.model_name}"
    if not user.has_perm(perm):
        return queryset.none()
    rule = VISIBILITY.get(model)
    if rule is None:
        raise LookupError(f"{model.__name__} has no visibility rule")
    return queryset.filter(rule(user))


def visible(model: type[Model], user: User) -> QuerySet:
    return restrict(model._default_manager.all(), user)


def access_object(user: User, queryset_or_model, pk, perm: str | None = None):
    """The record, if this user may see it; 404 whether it is missing or forbidden."""
    queryset = (
        queryset_or_model
        if isinstance(queryset_or_model, QuerySet)
        else queryset_or_model._default_manager.all()
    )
    try:
        return restrict(queryset, user, perm).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该记录") from None


@register_visibility(Region)
def _regions(user: User) -> Q:
    return EVERYTHING  # public reference data


@register_visibility(Department)
def _departments(user: User) -> Q:
    return EVERYTHING if user.is_back_office else NOTHING


@register_visibility(Site)
def _sites(user: User) -> Q:
    return EVERYTHING


@register_visibility(Enterprise)
def _enterprises(user: User) -> Q:
    if sees_everything(user):
        return EVERYTHING
    if user.role == Role.ENTERPRISE:
        return Q(pk=user.enterprise_id)
    if user.role in {Role.STAFF, Role.HANDLER}:
        return region_q(user, "region")
    return NOTHING


@register_visibility(Person)
def _people(user: User) -> Q:
    if user.is_superuser or user.role == Role.ADMIN:
        return EVERYTHING
    if user.role == Role.RESIDENT:
        return Q(pk=user.person_id) if user.person_id else NOTHING
    if user.role in {Role.STAFF, Role.HANDLER}:
        return region_q(user, "region")
    return NOTHING


@register_visibility(Visit)
def _visits(user: User) -> Q:
    if sees_everything(user):
        return EVERYTHING
    if user.role == Role.ENTERPRISE:
        return Q(enterprise_id=user.enterprise_id)
    if user.role == Role.RESIDENT:
        return Q(person_id=user.person_id) if user.person_id else NOTHING
    if user.role in {Role.STAFF, Role.HANDLER}:
        return region_q(user, "region") | Q(visitor=user)
    return NOTHING


@register_visibility(Notification)
def _notifications(user: User) -> Q:
    return Q(recipient=user)


@register_visibility(ImportJob)
def _import_jobs(user: User) -> Q:
    return EVERYTHING if sees_everything(user) else Q(created_by=user)


@register_visibility(AuditEntry)
def _audit_entries(user: User) -> Q:
    return EVERYTHING


# --- where a user may act ------------------------------------------------------
#
# Seeing a record and filing one are different: a leader sees the county, but a
# case, a parcel, a session or a liaison is filed only in a region the actor is
# responsible for. Pickers offer these regions, and every service that files a
# record in a region calls ``require_region`` — pages and API answer alike.

OUT_OF_SCOPE = "不在您负责的区划内"


def actable_regions(actor: User) -> QuerySet:
    """The regions ``actor`` may file records in.

    Admins and leaders: all. Staff and handlers: their assigned regions and
    everything under them. An enterprise account: its enterprise's region. A
    resident: their own town and its county.
    """
    regions = Region.objects.all()
    if not actor.is_authenticated or not actor.is_active:
        return regions.none()
    if sees_everything(actor):
        return regions
    if actor.role in {Role.STAFF, Role.HANDLER}:
        return regions.within(actor.region_prefixes())
    if actor.role == Role.ENTERPRISE and actor.enterprise_id:
        return regions.filter(pk=actor.enterprise.region_id)
    if actor.role == Role.RESIDENT and actor.person_id:
        region = actor.person.region
        return regions.filter(pk__in=[region.pk, *_ancestors_to_county(region)])
    return regions.none()


def _ancestors_to_county(region: Region) -> list[int]:
    if region.level == RegionLevel.TOWN and region.parent_id:
        return [region.parent_id]
    return []


def home_region(actor: User) -> Region | None:
    """The region a form preselects for ``actor``: their own."""
    if actor.role == Role.ENTERPRISE and actor.enterprise_id:
        return actor.enterprise.region
    if actor.role == Role.RESIDENT and actor.person_id:
        return actor.person.region
    own = actor.regions.order_by("code").first() if actor.pk else None
    if own is None and actor.department_id:
        own = actor.department.region
    return own


def may_act_in(actor: User, region: Region | None) -> bool:
    return region is not None and actable_regions(actor).filter(pk=region.pk).exists()


def require_region(actor: User, region: Region | None, field: str = "region") -> None:
    """Refuse a record filed outside ``actor``'s regions, naming the field (所属区划)."""
    if not may_act_in(actor, region):
        from qinqing.core.services import InvalidInput

        raise InvalidInput({field: [OUT_OF_SCOPE]}, {field: "所属区划"})


def can_unmask(user: User) -> bool:
    return user.is_active and user.has_perm("core.view_personal_data")
