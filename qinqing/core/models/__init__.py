from qinqing.core.models.accounts import ApiToken, Role, User
from qinqing.core.models.audit import AuditEntry
from qinqing.core.models.directory import Department, Enterprise, Person, Region, Site
from qinqing.core.models.imports import ImportJob
from qinqing.core.models.letting import (
    BookableResource,
    Booking,
    DateBooking,
    EventWithSeats,
    Seat,
)
from qinqing.core.models.notifications import Delivery, Notification, NotificationPreference
from qinqing.core.models.visits import Visit

__all__ = [
    "ApiToken",
    "AuditEntry",
    "BookableResource",
    "Booking",
    "DateBooking",
    "Delivery",
    "Department",
    "Enterprise",
    "EventWithSeats",
    "ImportJob",
    "Notification",
    "NotificationPreference",
    "Person",
    "Region",
    "Role",
    "Seat",
    "Site",
    "User",
    "Visit",
]
