"""The one mechanism for letting a limited resource, used by every module.

Seats at an event (``take_seat``/``give_up_seat``) and a resource let for a
period (``book``/``book_any``/``cancel_booking``), on any subclass of the
abstract models in ``qinqing.core.models.letting``. These are building blocks
of a module's own ``do_*`` service: they write, audit and raise in one
transaction but do not check roles or visibility — the calling service does.

Guarantees, from the database rather than from Python:

- seats: a conditional UPDATE (``seats_taken < capacity``) takes a seat, a
  CHECK constraint forbids more, and a unique constraint allows one seat per
  holder; a refused insert rolls the counter back with it.
- periods: on PostgreSQL an exclusion constraint forbids two active bookings
  of one resource whose ``[start, end)`` overlap. SQLite has none; there the
  check and the insert run while this connection holds SQLite's only write
  lock, so no other writer can book in between (see ``_hold_write_lock``).
"""

import datetime

from django.apps import apps
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone

from qinqing.core import audit
from qinqing.core.models.letting import (
    ACTIVE,
    BookableResource,
    Booking,
    DateBooking,
    EventWithSeats,
    PostgresExclusionConstraint,
    Seat,
)
from qinqing.core.services import InvalidInput

__all__ = [
    "AlreadyCancelled",
    "AlreadyHolding",
    "LettingRefused",
    "NoSeatsLeft",
    "NotBookable",
    "NotHolding",
    "PeriodTaken",
    "book",
    "book_any",
    "bookings_overlapping",
    "cancel_booking",
    "free_resources",
    "give_up_seat",
    "take_seat",
]


class LettingRefused(Exception):
    """The request was well-formed but the resource cannot be had (an API answers 409)."""

    message = "无法预订"

    def __init__(self, message: str | None = None):
        if message:
            self.message = message
        super().__init__(self.message)


class NoSeatsLeft(LettingRefused):
    message = "名额已满"


class AlreadyHolding(LettingRefused):
    message = "已报名"


class NotHolding(LettingRefused):
    message = "未报名或已取消报名"


class PeriodTaken(LettingRefused):
    message = "该时段已被预订"


class NotBookable(LettingRefused):
    message = "该资源暂停预订"


class AlreadyCancelled(LettingRefused):
    message = "该预订已取消"


# --- seats at an event ---------------------------------------------------------------


def seat_model_of(event_model: type[EventWithSeats]) -> type[Seat]:
    """The ``Seat`` subclass whose ``event_field`` points at ``event_model``."""
    found = [
        relation.related_model
        for relation in event_model._meta.related_objects
        if issubclass(relation.related_model, Seat)
        and relation.field.name == relation.related_model.event_field
    ]
    if len(found) != 1:
        raise ImproperlyConfigured(
            f"{event_model.__name__} needs exactly one Seat subclass pointing at it, has {found}"
        )
    return found[0]


def take_seat(actor, event: EventWithSeats, holder, *, audit_event: str = "signup", **fields):
    """Give ``holder`` one seat at ``event``; returns the new seat row.

    Raises ``NoSeatsLeft`` when every seat is taken and ``AlreadyHolding`` when
    the holder has one already. ``fields`` are further values of the seat row.
    """
    seat_model = seat_model_of(type(event))
    if seat_model.actor_field:
        fields.setdefault(seat_model.actor_field, actor)
    try:
        with transaction.atomic(), audit.acting_as(actor):
            taken = (
                type(event)
                ._base_manager.filter(pk=event.pk, seats_taken__lt=F("capacity"))
                .update(seats_taken=F("seats_taken") + 1)
            )
            if not taken:
                raise NoSeatsLeft()
            seat = seat_model.objects.create(
                **{seat_model.event_field: event, seat_model.holder_field: holder}, **fields
            )
            audit.record_event(actor, event, audit_event, **{seat_model.holder_field: str(holder)})
    except IntegrityError:
        # The unique constraint refused a second seat; the rollback returned the one
        # counted above. Anything else that broke an integrity rule is not ours to hide.
        if seat_model.objects.filter(
            **{seat_model.event_field: event, seat_model.holder_field: holder}
        ).exists():
            raise AlreadyHolding() from None
        raise
    _refresh_counter(event)
    return seat


def give_up_seat(actor, seat: Seat, *, audit_event: str = "signup_cancelled") -> None:
    """Cancel ``seat`` and return it to its event; raises ``NotHolding`` if already gone."""
    event = getattr(seat, seat.event_field)
    with transaction.atomic(), audit.acting_as(actor):
        # The event row first, as take_seat locks it: the same order in both
        # directions means two transactions cannot wait on each other.
        type(event)._base_manager.filter(pk=event.pk, seats_taken__gt=0).update(
            seats_taken=F("seats_taken") - 1
        )
        holder = getattr(seat, seat.holder_field)
        deleted, _ = type(seat)._base_manager.filter(pk=seat.pk).delete()
        if not deleted:
            raise NotHolding()
        audit.record_event(actor, event, audit_event, **{seat.holder_field: str(holder)})
    _refresh_counter(event)


def _refresh_counter(event: EventWithSeats) -> None:
    event.seats_taken = (
        type(event)._base_manager.values_list("seats_taken", flat=True).get(pk=event.pk)
    )


# --- a resource let for a period ----------------------------------------------------


def booking_model_of(resource_model: type[BookableResource]) -> type[Booking | DateBooking]:
    """The booking model whose ``resource`` foreign key points at ``resource_model``."""
    found = [
        relation.related_model
        for relation in resource_model._meta.related_objects
        if issubclass(relation.related_model, Booking | DateBooking)
        and relation.field.name == "resource"
    ]
    if len(found) != 1:
        raise ImproperlyConfigured(
            f"{resource_model.__name__} needs exactly one booking model pointing at it, has {found}"
        )
    return found[0]


def bookings_overlapping(booking_model, start, end) -> models.QuerySet:
    """Active bookings whose half-open period ``[start, end)`` meets ``[start, end)``."""
    return booking_model.objects.filter(ACTIVE, start__lt=end, end__gt=start)


def free_resources(resources: models.QuerySet, start, end) -> models.QuerySet:
    """The bookable ones of ``resources`` with no active booking overlapping ``[start, end)``."""
    booking_model = booking_model_of(resources.model)
    _check_period(booking_model, start, end)
    taken = bookings_overlapping(booking_model, start, end).values("resource")
    return resources.filter(bookable=True).exclude(pk__in=taken)


def book(actor, resource: BookableResource, start, end, *, audit_event: str = "booking", **fields):
    """Let ``resource`` from ``start`` up to (not including) ``end``; returns the booking.

    Raises ``InvalidInput`` for a period that is not one (结束时间应晚于开始时间),
    ``NotBookable`` for a resource taken out of use and ``PeriodTaken`` when
    an active booking of the resource overlaps. ``fields`` are further values of
    the booking row (its holder).
    """
    booking_model = booking_model_of(type(resource))
    _check_period(booking_model, start, end)
    try:
        with transaction.atomic(), audit.acting_as(actor):
            _hold_write_lock(resource)
            if not type(resource)._base_manager.filter(pk=resource.pk, bookable=True).exists():
                raise NotBookable()
            if bookings_overlapping(booking_model, start, end).filter(resource=resource).exists():
                raise PeriodTaken()
            booking = booking_model.objects.create(
                resource=resource, start=start, end=end, booked_by=actor, **fields
            )
            audit.record_event(
                actor, resource, audit_event, start=str(start), end=str(end), booking=booking.pk
            )
            return booking
    except IntegrityError:
        # On PostgreSQL a concurrent booking that committed after our check meets the
        # exclusion constraint here; the transaction is rolled back whole.
        if bookings_overlapping(booking_model, start, end).filter(resource=resource).exists():
            raise PeriodTaken() from None
        raise


def book_any(actor, resources: models.QuerySet, start, end, **fields):
    """Let the first of ``resources`` free for ``[start, end)`` — a bed in a dormitory.

    Tries the free ones in the queryset's order, skipping any a concurrent
    booking takes first; raises ``PeriodTaken`` when none is left.
    """
    for resource in free_resources(resources, start, end):
        try:
            return book(actor, resource, start, end, **fields)
        except (PeriodTaken, NotBookable):
            continue
    raise PeriodTaken("该时段已无空余")


def cancel_booking(actor, booking, *, audit_event: str = "booking_cancelled"):
    """Cancel ``booking``, freeing its period; raises ``AlreadyCancelled`` the second time."""
    now = timezone.now()
    with transaction.atomic(), audit.acting_as(actor):
        cancelled = (
            type(booking)
            ._base_manager.filter(ACTIVE, pk=booking.pk)
            .update(cancelled_at=now, cancelled_by=actor)
        )
        if not cancelled:
            raise AlreadyCancelled()
        audit.record_event(
            actor,
            booking,
            audit_event,
            changes={"cancelled_at": [None, str(now)]},
            resource=str(booking.resource),
        )
    booking.cancelled_at, booking.cancelled_by = now, actor
    return booking


def _check_period(booking_model, start, end) -> None:
    by_day = issubclass(booking_model, DateBooking)
    labels = (
        {"start": "开始日期", "end": "结束日期"}
        if by_day
        else {"start": "开始时间", "end": "结束时间"}
    )
    errors = {}
    for name, value in (("start", start), ("end", end)):
        if by_day:
            ok = isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
            problem = "请填写日期（不含时间）"
        else:
            ok = isinstance(value, datetime.datetime) and timezone.is_aware(value)
            problem = "请填写带时区的日期和时间"
        if not ok:
            errors[name] = [problem]
    if not errors and end <= start:
        errors["end"] = ["结束时间应晚于开始时间"]
    if errors:
        raise InvalidInput(errors, labels)


def _hold_write_lock(resource: BookableResource) -> None:
    """On SQLite, make sure this transaction holds the database's write lock.

    SQLite lets one writer at a time: once a transaction holds the write lock,
    another writer waits (busy timeout) until it commits, then sees its rows. Our
    connections begin IMMEDIATE (settings), which takes the lock at BEGIN; this
    no-op write takes it before the overlap check in any case, so the check and
    the insert see the same database. On PostgreSQL the exclusion constraint
    decides, and no lock is taken.
    """
    if connection.vendor == "sqlite":
        type(resource)._base_manager.filter(pk=resource.pk).update(bookable=F("bookable"))


# --- declarations are checked at start-up ------------------------------------------


def check_declaration(model) -> list[checks.CheckMessage]:
    """What is wrong with a concrete subclass of one of the letting bases."""
    errors = []
    meta = model._meta

    def error(text, code):
        errors.append(checks.Error(text, obj=model, id=f"qinqing.letting.{code}"))

    if issubclass(model, EventWithSeats):
        condition = models.Q(seats_taken__lte=F("capacity"))
        if not any(getattr(c, "condition", None) == condition for c in meta.constraints):
            error(
                "An EventWithSeats lost the seats_taken <= capacity constraint; "
                "declare Meta as class Meta(EventWithSeats.Meta).",
                "E001",
            )
    if issubclass(model, Seat):
        fields = {f.name: f for f in meta.get_fields()}
        event = fields.get(model.event_field)
        if (
            event is None
            or not event.many_to_one
            or not issubclass(event.related_model, EventWithSeats)
        ):
            error(f"{model.event_field!r} must be a foreign key to an EventWithSeats.", "E002")
        if model.holder_field not in fields:
            error(f"holder_field {model.holder_field!r} is not a field.", "E003")
        pair = {model.event_field, model.holder_field}
        if not any(
            isinstance(c, models.UniqueConstraint) and set(c.fields) == pair and c.condition is None
            for c in meta.constraints
        ):
            error(
                f"A Seat needs UniqueConstraint(fields={sorted(pair)}): one seat per holder.",
                "E004",
            )
    if issubclass(model, Booking | DateBooking):
        resource = next((f for f in meta.get_fields() if f.name == "resource"), None)
        if (
            resource is None
            or not resource.many_to_one
            or not issubclass(resource.related_model, BookableResource)
        ):
            error("A booking needs 'resource', a foreign key to a BookableResource.", "E005")
        if not any(isinstance(c, PostgresExclusionConstraint) for c in meta.constraints):
            error(
                "A booking lost its no-overlap constraint; "
                "declare Meta as class Meta(Booking.Meta) (or DateBooking.Meta).",
                "E006",
            )
    return errors


LETTING_BASES = (EventWithSeats, Seat, BookableResource, Booking, DateBooking)


def letting_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if issubclass(model, LETTING_BASES)]


def check_declarations(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [error for model in letting_models() for error in check_declaration(model)]


def install() -> None:
    """Check every declaration at start-up and audit every letting model's writes."""
    from auditlog.registry import auditlog

    checks.register(check_declarations, checks.Tags.models)
    for model in letting_models():
        if not auditlog.contains(model):
            auditlog.register(model)
