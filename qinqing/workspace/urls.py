from django.urls import path

from qinqing.workspace.views import staff, team

urlpatterns = [
    path("", staff.home, name="workspace-home"),
    path("spaces/", staff.spaces, name="workspace-spaces"),
    path("spaces/<int:pk>/decide/", staff.space_decide, name="workspace-space-decide"),
    path("workstations/", staff.workstations, name="workspace-workstations"),
    path("applications/", staff.pipeline, name="workspace-pipeline"),
    path("applications/<int:pk>/sign/", staff.sign, name="workspace-sign"),
    path("allocations/", staff.allocations, name="workspace-allocations"),
    path("bookings/", staff.bookings, name="workspace-bookings"),
    path("occupancy/", staff.occupancy, name="workspace-occupancy"),
    path("mine/", team.mine, name="workspace-mine"),
    path("campaigns/<int:pk>/apply/", team.apply, name="workspace-apply"),
    path("book/", team.book, name="workspace-book"),
    path("book/<int:pk>/cancel/", team.cancel_booking, name="workspace-booking-cancel"),
    path("services/", team.service_requests, name="workspace-services"),
    path("events/", team.events, name="workspace-events"),
    path("events/<int:pk>/sign-up/", team.event_sign_up, name="workspace-event-sign-up"),
]
