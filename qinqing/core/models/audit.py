"""The append-only audit trail (django-auditlog's entry, stored in our table)."""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.db import models


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
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEntryIsAppendOnly("审计记录不可删除")

    @property
    def event(self) -> str:
        """The named event (state transition, unmasking), if any."""
        return (self.additional_data or {}).get("event", "")
