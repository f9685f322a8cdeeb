"""The navigation bar: only modules that exist and that this user may open."""

from collections.abc import Callable

from django.urls import NoReverseMatch, reverse

# (label, url name, permission needed) — service modules append their entries. The
# url name may be a function of the user, for a module whose first page differs by
# role (a leader's 事项 opens the scope-wide list, not their own empty queue).
NAVIGATION: list[tuple[str, str | Callable, str | None]] = [
    ("首页", "home", None),
    ("企业", "enterprise-list", "core.view_enterprise"),
    ("人员", "person-list", "core.view_person"),
    ("走访", "visit-list", "core.view_visit"),
    ("部门", "department-list", "core.view_department"),
    ("导入", "import-list", "core.add_importjob"),
    ("审计", "audit-list", "core.view_auditentry"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, name, perm in NAVIGATION:
        if perm is not None and not user.has_perm(perm):
            continue
        if callable(name):
            name = name(user)
        try:
            url = reverse(name)
        except NoReverseMatch:  # a module whose pages are not installed: no dead link
            continue
        items.append(
            {
                "label": label,
                "url": url,
                "active": request.path.startswith(url) if url != "/" else request.path == "/",
            }
        )
    return {
        "nav_items": items,
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
    }
