"""Core service functions: each writes, audits and notifies in one transaction.

Views and API endpoints parse input, check access, then call one of these.
Validation errors come back as ``InvalidInput`` carrying the form's errors.
"""

from django.db import transaction

from qinqing.core import access, audit
from qinqing.core.forms import (
    EnterpriseForm,
    OwnPasswordChangeForm,
    PersonForm,
    VisitForm,
    form_errors,
    limit_region_fields,
)
from qinqing.core.models import Enterprise, Person, User, Visit


class InvalidInput(Exception):
    """Input that failed validation; ``errors`` maps field → Chinese messages."""

    def __init__(self, errors: dict[str, list[str]], labels: dict[str, str] | None = None):
        self.errors = errors
        self.labels = labels or {}
        super().__init__(self.summary)

    @property
    def summary(self) -> str:
        parts = []
        for field, messages in self.errors.items():
            label = self.labels.get(field, "")
            parts.extend(f"{label}：{m}" if label else m for m in messages)
        return "；".join(parts)

    @classmethod
    def from_form(cls, form) -> "InvalidInput":
        labels = {name: str(field.label) for name, field in form.fields.items()}
        return cls(form_errors(form), labels)


class Forbidden(Exception):
    """The actor's role may not do this at all (a page or endpoint answers 403)."""


def _require(actor: User, perm: str) -> None:
    if not actor.has_perm(perm):
        raise Forbidden(perm)


def _save(form, actor: User):
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    with transaction.atomic(), audit.acting_as(actor):
        return form.save()


def do_create_enterprise(actor: User, data: dict) -> Enterprise:
    _require(actor, "core.add_enterprise")
    form = EnterpriseForm(data)
    restrict_region_choices(form, actor)
    return _save(form, actor)


def do_update_enterprise(actor: User, enterprise: Enterprise, data: dict) -> Enterprise:
    _require(actor, "core.change_enterprise")
    form = EnterpriseForm(data, instance=enterprise)
    restrict_region_choices(form, actor)
    return _save(form, actor)


def do_create_person(actor: User, data: dict) -> Person:
    _require(actor, "core.add_person")
    form = PersonForm(data)
    restrict_region_choices(form, actor)
    return _save(form, actor)


def do_update_person(actor: User, person: Person, data: dict) -> Person:
    _require(actor, "core.change_person")
    form = PersonForm(data, instance=person)
    restrict_region_choices(form, actor)
    return _save(form, actor)


def do_record_visit(actor: User, data: dict) -> Visit:
    _require(actor, "core.add_visit")
    form = VisitForm(
        data,
        enterprises=access.visible(Enterprise, actor),
        people=access.visible(Person, actor),
    )
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    with transaction.atomic(), audit.acting_as(actor):
        visit = form.save(commit=False)
        visit.visitor = actor
        visit.region = visit.target.region
        visit.save()
        return visit


def reveal_personal_data(actor: User, obj, fields: list[str], purpose: str = "") -> dict:
    """Full values of personal fields, for a viewer holding the permission; audited."""
    if not access.can_unmask(actor):
        raise Forbidden("core.view_personal_data")
    values = {field: getattr(obj, field) for field in fields}
    audit.record_event(actor, obj, "unmask", fields=fields, purpose=purpose)
    return values


def reveal_personal_data_in_export(actor: User, people, filters: str = "") -> None:
    """Allow an export of ``people`` with full numbers; audited with its size and filters.

    The entry is recorded against the exporter's account: an export names no one record.
    """
    if not access.can_unmask(actor):
        raise Forbidden("core.view_personal_data")
    audit.record_event(
        actor,
        actor,
        "export_personal_data",
        fields=["id_number", "phone"],
        rows=people.count(),
        filters=filters,
    )


def do_change_own_password(user: User, data: dict) -> User:
    """A user replaces their password (and so any temporary one an admin set); audited.

    ``data``: old_password, new_password1, new_password2, checked by Django's
    password validators (which refuse the demo password, see settings).
    """
    form = OwnPasswordChangeForm(user, data)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    with transaction.atomic(), audit.acting_as(user):
        user.must_change_password = False
        form.save()
        audit.record_event(user, user, "password_changed")
    return user


def restrict_region_choices(form, actor: User) -> None:
    """Records are filed only in the actor's regions (``access.actable_regions``)."""
    limit_region_fields(form, actor)
