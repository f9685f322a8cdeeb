"""The audit trail.

Creates, changes and deletes of registered models are written by
django-auditlog's signals, inside the same transaction as the change. Named
events that are not a plain field change — a state transition, an unmasking —
go through ``record_event`` from the service function that does them.

ID and phone numbers in any free text of an entry (a purpose typed when
unmasking, a visit's notes, a username) are masked when the entry is written:
``AuditEntry.save`` masks every string it stores.
"""

import contextlib

from auditlog.context import auditlog_value, set_actor
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType

from qinqing.core.middleware import current_request_id

PERSONAL_FIELDS = ["id_number", "phone"]
# Named events that read or try to reach data rather than change it.
ACCESS_EVENTS = {"unmask", "export_personal_data", "login_failed"}

# Models whose writes are deliberately not recorded field by field, each with the
# reason. Every other model under ``qinqing.*`` must be registered with
# django-auditlog; the system check ``qinqing.A001`` refuses one that is neither.
AUDIT_EXEMPT: dict[str, str] = {}


def exempt(label: str, reason: str) -> None:
    """Exempt the model ``"app_label.Model"`` from the audit trail, saying why."""
    if not reason.strip():
        raise ValueError(f"{label}: an audit exemption needs a reason")
    AUDIT_EXEMPT[label] = reason


def register_models() -> None:
    from qinqing.core.models import (
        Department,
        Enterprise,
        NotificationPreference,
        Person,
        Region,
        Site,
        User,
        Visit,
    )

    auditlog.register(Region)
    auditlog.register(Department)
    auditlog.register(Site)
    auditlog.register(Enterprise)
    auditlog.register(
        Person,
        exclude_fields=["id_number_hash", "phone_hash", "created_at", "updated_at"],
        mask_fields=PERSONAL_FIELDS,
    )
    auditlog.register(
        User,
        # Named fields only: a User has many reverse relations auditlog would list.
        include_fields=[
            "username",
            "full_name",
            "email",
            "role",
            "department",
            "enterprise",
            "person",
            "phone",
            "is_active",
            "is_staff",
            "is_superuser",
            "must_change_password",
        ],
        mask_fields=["phone"],
        m2m_fields={"regions", "groups", "user_permissions"},
    )
    auditlog.register(Visit)
    auditlog.register(NotificationPreference)

    exempt("core.AuditEntry", "the audit trail itself")
    exempt(
        "core.ApiToken",
        "issued and revoked only by the token services, which record token_issued and "
        "token_revoked events; each use stamps last_used_at, which is no change to audit",
    )
    exempt(
        "core.ImportJob",
        "the job row is its own record of who imported which file and what came of it; "
        "the records it writes are audited, and its heartbeat would flood the trail",
    )
    exempt("core.Notification", "a message to a user about an action that is audited itself")
    exempt("core.Delivery", "delivery attempts of a notification (bookkeeping of the outbox)")


@contextlib.contextmanager
def acting_as(actor):
    """Attribute the audit entries written inside this block to ``actor``.

    Blocks nest: django-auditlog's ``set_actor`` does not restore the outer
    actor when an inner block ends (later writes of the outer block would be
    recorded with no actor), so we put the outer context back ourselves.
    """
    outer = auditlog_value.get(None)
    # Keep the client address the request's middleware found.
    remote_addr = (outer or {}).get("remote_addr")
    try:
        with set_actor(actor, remote_addr=remote_addr):
            yield
    finally:
        if outer is not None:
            auditlog_value.set(outer)


def record_event(actor, obj, event: str, *, changes: dict | None = None, **details):
    """Write one audit entry for a named event on ``obj`` (e.g. "unmask", "transition").

    ``changes`` maps a field to [before, after], as django-auditlog does.
    """
    from qinqing.core.models import AuditEntry

    action = AuditEntry.Action.ACCESS if event in ACCESS_EVENTS else AuditEntry.Action.UPDATE
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_pk=str(obj.pk),
        object_id=obj.pk if isinstance(obj.pk, int) else None,
        object_repr=str(obj)[:255],
        action=action,
        changes=changes or {},
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_email=getattr(actor, "email", "") or None,
        cid=current_request_id(),
        additional_data={"event": event, **details},
    )


def record_login_failure(username: str, ip_address: str | None):
    """A failed login, filed under the account it named (or under the name, if none).

    The password is never recorded; the username is, masked like any free text
    (people do type a phone number into it).
    """
    from qinqing.core.models import AuditEntry, User

    account = User.objects.filter(username=username).first()
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(User),
        object_pk=str(account.pk) if account else "",
        object_id=account.pk if account else None,
        object_repr=str(account) if account else username,
        action=AuditEntry.Action.ACCESS,
        changes={},
        cid=current_request_id(),
        remote_addr=ip_address,
        additional_data={"event": "login_failed", "username": username, "ip_address": ip_address},
    )


def entries_for(obj):
    from qinqing.core.models import AuditEntry

    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj.__class__), object_pk=str(obj.pk)
    ).select_related("actor")
