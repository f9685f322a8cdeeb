"""The append-only audit trail (django-auditlog's entry, stored in our table)."""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.db import models

from qinqing.core.masking import mask_json, mask_text


class AuditEntryIsAppendOnly(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditEntryIsAppendOnly("审计记录不可修改")

    def delete(self):
        raise AuditEntryIsAppendOnly("审计记录不可删除")


class AuditEntryManager(LogEntryManager.from_queryset(AppendOnlyQuerySet)):
    pass


class AuditEntry(AbstractLogEntry):
    """Who did what to which record, when, from which request.

    Changes through the ORM are refused here; on PostgreSQL a trigger also
    refuses UPDATE and DELETE from any client (migration 0002).
    """

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = verbose_name_plural = "审计记录"
        indexes = [
            models.Index(fields=["content_type", "object_pk", "-timestamp"]),
            models.Index(fields=["actor", "-timestamp"]),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AuditEntryIsAppendOnly("审计记录不可修改")
        # Free text (a typed purpose, notes, a record's name) can carry ID and
        # phone numbers; masked fields are masked already, this catches the rest.
        self.object_repr = mask_text(self.object_repr or "")
        self.changes_text = mask_text(self.changes_text or "")
        self.changes = mask_json(self.changes)
        self.serialized_data = mask_json(self.serialized_data)
        self.additional_data = mask_json(self.additional_data)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEntryIsAppendOnly("审计记录不可删除")

    @property
    def event(self) -> str:
        """The named event (state transition, unmasking), if any."""
        return (self.additional_data or {}).get("event", "")
