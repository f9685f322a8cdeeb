from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "qinqing.cockpit"
    label = "cockpit"
    verbose_name = "驾驶舱"

    def ready(self) -> None:
        from qinqing.core import access
        from qinqing.core.context_processors import NAVIGATION
        from qinqing.core.models import Role

        # Back-office roles read the cockpit, each within their own scope.
        for role in (Role.ADMIN, Role.LEADER, Role.STAFF, Role.HANDLER):
            access.grant(role, "cockpit.view_cockpit")
        NAVIGATION.append(("驾驶舱", "cockpit-home", "cockpit.view_cockpit"))
