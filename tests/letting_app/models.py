"""Declared exactly as docs/architecture.md tells a module author to."""

from django.conf import settings
from django.db import models

from qinqing.core.models import BookableResource, Booking, DateBooking, EventWithSeats, Seat


class Workshop(EventWithSeats):
    title = models.CharField("主题", max_length=100)

    def __str__(self) -> str:
        return self.title


class WorkshopSeat(Seat):
    actor_field = "taken_by"

    event = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="seats")
    holder = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "holder"], name="one_workshop_seat_per_person"
            ),
        ]


class MeetingRoom(BookableResource):
    name = models.CharField("会议室", max_length=100)

    def __str__(self) -> str:
        return self.name


class RoomBooking(Booking):
    resource = models.ForeignKey(MeetingRoom, on_delete=models.PROTECT, related_name="bookings")
    purpose = models.CharField("用途", max_length=100, blank=True)


class Bed(BookableResource):
    """A dormitory of N beds is N of these."""

    dormitory = models.CharField("宿舍", max_length=100)
    number = models.PositiveSmallIntegerField("床位号")

    class Meta:
        ordering = ["dormitory", "number"]

    def __str__(self) -> str:
        return f"{self.dormitory} {self.number}号床"


class BedBooking(DateBooking):
    resource = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="bookings")
    guest = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")

    class Meta(DateBooking.Meta):
        verbose_name = "床位预订"
