"""The inbox (站内信) and the notification preferences page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from qinqing.core import access
from qinqing.core.models import Notification
from qinqing.core.notifications import services
from qinqing.core.notifications.forms import NotificationPreferencesForm
from qinqing.core.notifications.kinds import KINDS
from qinqing.core.services import InvalidInput

PAGE_SIZE = 20


@login_required
def inbox(request):
    notifications = access.visible(Notification, request.user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notifications/inbox.html",
        {"page": page, "only_unread": only_unread},
    )


@login_required
@require_POST
def mark_read(request, pk: int):
    notification = access.access_object(request.user, Notification, pk)
    services.mark_read(request.user, notification)
    if request.htmx:
        return render(
            request,
            "core/notifications/_read.html",
            {"n": notification, "unread_count": services.unread_count(request.user)},
        )
    return redirect("notification-inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(request.user)
    messages.success(request, f"已将 {count} 条消息标为已读" if count else "没有未读消息")
    return redirect("notification-inbox")


@login_required
def follow(request, pk: int):
    """Open a notification's link; opening it is reading it."""
    notification = access.access_object(request.user, Notification, pk)
    services.mark_read(request.user, notification)
    target = notification.link
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notification-inbox")


@login_required
def preferences(request):
    user = request.user
    if request.method == "POST":
        form = NotificationPreferencesForm(request.POST)
        if form.is_valid():
            try:
                services.set_preferences(
                    user,
                    form.opted_out_kinds(),
                    form.cleaned_data["quiet_hours_start"],
                    form.cleaned_data["quiet_hours_end"],
                )
            except InvalidInput as exc:
                for field, errors in exc.errors.items():
                    for error in errors:
                        form.add_error(_FORM_FIELDS.get(field, field), error)
            else:
                messages.success(request, "通知设置已保存")
                return redirect("notification-preferences")
    else:
        form = NotificationPreferencesForm(
            initial={
                "push_kinds": sorted(set(KINDS) - services.opted_out_kinds(user)),
                "quiet_hours_start": user.quiet_hours_start,
                "quiet_hours_end": user.quiet_hours_end,
            }
        )
    return render(
        request,
        "core/notifications/preferences.html",
        {"form": form, "inbox_url": reverse("notification-inbox")},
    )


_FORM_FIELDS = {"opted_out_kinds": "push_kinds"}

urlpatterns = [
    path("notifications/", inbox, name="notification-inbox"),
    path("notifications/read-all/", mark_all_read, name="notification-read-all"),
    path("notifications/preferences/", preferences, name="notification-preferences"),
    path("notifications/<int:pk>/read/", mark_read, name="notification-read"),
    path("notifications/<int:pk>/open/", follow, name="notification-open"),
]
