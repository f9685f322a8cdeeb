"""Letting a limited resource: seats at an event, and a resource let for a period.

Abstract bases a module subclasses; the mechanism (``qinqing.core.letting``)
works on any subclass. How to declare one: docs/architecture.md, "Extension
points". Why abstract bases and not one generic table: docs/decisions.md.
"""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, DateTimeRangeField, RangeOperators
from django.db import DEFAULT_DB_ALIAS, connections, models


class EventWithSeats(models.Model):
    """An event with a fixed number of seats (名额).

    ``seats_taken`` is kept by ``letting.take_seat``/``give_up_seat`` with a
    conditional UPDATE; the CHECK constraint is the database's last word.
    """

    capacity = models.PositiveIntegerField("名额")
    seats_taken = models.PositiveIntegerField("已报名", default=0, editable=False)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seats_taken__lte=models.F("capacity")),
                name="%(app_label)s_%(class)s_seats_within_capacity",
            ),
        ]

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken


class Seat(models.Model):
    """One holder's seat at an ``EventWithSeats``.

    A subclass declares the foreign key to its event and the one to its holder
    (a person, an enterprise, an account) and names them in ``event_field`` and
    ``holder_field``; ``actor_field`` (optional) names a foreign key to the
    account that took the seat. It must carry a unique constraint on
    (event_field, holder_field): one seat per holder. A system check insists.
    """

    event_field = "event"
    holder_field = "holder"
    actor_field: str | None = None

    created_at = models.DateTimeField("报名时间", auto_now_add=True)

    class Meta:
        abstract = True


class BookableResource(models.Model):
    """Something let for a period: a meeting room, a workstation, one bed, one apartment.

    A resource is let to one holder at a time; a dormitory with N beds is N
    resources (see ``letting.book_any``).
    """

    bookable = models.BooleanField("可预订", default=True)

    class Meta:
        abstract = True


class TsTzRange(models.Func):
    """PostgreSQL's tstzrange(start, end, '[)'): the half-open period of a booking."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class DateRange(models.Func):
    """PostgreSQL's daterange(start, end), half-open ``[)`` by default."""

    function = "DATERANGE"
    output_field = DateRangeField()


class PostgresExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint that exists on PostgreSQL and nowhere else.

    SQLite has no exclusion constraints; there ``letting.book`` checks and
    inserts while holding SQLite's single write lock instead, so migrations
    declaring this constraint run on both databases.
    """

    @staticmethod
    def _on_postgres(schema_editor) -> bool:
        return schema_editor.connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        return (
            super().constraint_sql(model, schema_editor)
            if self._on_postgres(schema_editor)
            else None
        )

    def create_sql(self, model, schema_editor):
        return (
            super().create_sql(model, schema_editor) if self._on_postgres(schema_editor) else None
        )

    def remove_sql(self, model, schema_editor):
        return (
            super().remove_sql(model, schema_editor) if self._on_postgres(schema_editor) else None
        )

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        if connections[using].vendor == "postgresql":
            super().validate(model, instance, exclude=exclude, using=using)


ACTIVE = models.Q(cancelled_at__isnull=True)


class _Letting(models.Model):
    """What every booking has besides its period. A subclass adds ``resource``
    (a foreign key to its ``BookableResource``) and its holder fields."""

    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="预订人"
    )
    created_at = models.DateTimeField("预订时间", auto_now_add=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True, editable=False)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="取消人",
    )

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.cancelled_at is None


def _period_constraints(range_function) -> list:
    return [
        models.CheckConstraint(
            condition=models.Q(end__gt=models.F("start")),
            name="%(app_label)s_%(class)s_ends_after_start",
        ),
        PostgresExclusionConstraint(
            name="%(app_label)s_%(class)s_no_overlap",
            expressions=[
                (range_function("start", "end"), RangeOperators.OVERLAPS),
                ("resource", RangeOperators.EQUAL),
            ],
            condition=ACTIVE,
            violation_error_message="该时段已被预订",
        ),
    ]


class Booking(_Letting):
    """A resource let from ``start`` up to, not including, ``end`` (date and time)."""

    start = models.DateTimeField("开始时间")
    end = models.DateTimeField("结束时间")

    class Meta:
        abstract = True
        constraints = _period_constraints(TsTzRange)


class DateBooking(_Letting):
    """A resource let by the day, from ``start`` up to, not including, ``end``.

    Lodging: ``start`` is the first night, ``end`` the day of leaving, so one
    guest may leave on the day the next arrives.
    """

    start = models.DateField("开始日期")
    end = models.DateField("结束日期（当日不占用）")

    class Meta:
        abstract = True
        constraints = _period_constraints(DateRange)
