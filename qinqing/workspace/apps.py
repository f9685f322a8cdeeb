from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "qinqing.workspace"
    label = "workspace"
    verbose_name = "共享工位"

    def ready(self) -> None:
        from qinqing.core.context_processors import NAVIGATION
        from qinqing.core.notifications.kinds import register_kind
        from qinqing.workspace import (
            access_rules,
            case_types,
            figures,
            import_kinds,
            indicators,
            services,
        )

        access_rules.install()
        case_types.register()
        indicators.register()
        figures.register()
        import_kinds.register()
        register_kind(services.REMINDER, "免租期到期提醒")
        NAVIGATION.append(("共享工位", _home, "workspace.view_workstation"))
        _register_audit()


def _home(user) -> str:
    return "workspace-home" if user.is_back_office else "workspace-mine"


def _register_audit() -> None:
    from auditlog.registry import auditlog

    from qinqing.workspace import models

    # Workstations, places, allocations, day bookings, events and sign-ups are
    # letting models: core registers them.
    for model in (
        models.IdleSpace,
        models.Photo,
        models.Team,
        models.Campaign,
        models.Application,
        models.SiteVisit,
        models.Terms,
        models.Lease,
        models.ServiceProvider,
        models.ServiceRequest,
    ):
        if not auditlog.contains(model):
            auditlog.register(model)
