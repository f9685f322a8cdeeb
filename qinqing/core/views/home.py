"""The home page: one per role, showing what this user can act on."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from qinqing.core import access
from qinqing.core.models import Enterprise, Notification, Person, Role, Visit


@login_required
def home(request):
    user = request.user
    context = {
        "recent_notifications": access.visible(Notification, user)[:5],
        "role_template": f"core/home/{_home_kind(user)}.html",
    }
    if user.is_back_office:
        context.update(
            enterprise_count=access.visible(Enterprise, user).count(),
            person_count=access.visible(Person, user).count(),
            visit_count=access.visible(Visit, user).count(),
            recent_visits=access.visible(Visit, user).select_related(
                "enterprise", "person", "visitor"
            )[:5],
        )
    elif user.role == Role.ENTERPRISE:
        context.update(
            enterprise=user.enterprise,
            recent_visits=access.visible(Visit, user).select_related("visitor")[:5],
        )
    elif user.role == Role.RESIDENT:
        context.update(
            person=user.person,
            recent_visits=access.visible(Visit, user).select_related("visitor")[:5],
        )
    return render(request, "core/home.html", context)


def _home_kind(user) -> str:
    if user.is_superuser:
        return "admin"
    return user.role
