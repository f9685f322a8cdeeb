from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "qinqing.talent"
    label = "talent"
    verbose_name = "人才服务中心"

    def ready(self) -> None:
        from qinqing.core.context_processors import NAVIGATION
        from qinqing.talent import access_rules, case_types, figures, services  # noqa: F401

        access_rules.install()
        case_types.register()
        figures.register()
        NAVIGATION.append(("人才服务", "talent-home", "talent.view_posting"))
        _register_audit()


def _register_audit() -> None:
    from auditlog.registry import auditlog

    from qinqing.core.audit import exempt
    from qinqing.talent import models

    for model in (
        models.Posting,
        models.SeekerProfile,
        models.PushSettings,
        models.Feedback,
        models.Application,
        models.Invitation,
        models.LodgingRoom,
        models.ApartmentApplication,
        models.EligibilityRule,
        models.CooperationAgreement,
    ):
        if not auditlog.contains(model):
            auditlog.register(model, exclude_fields=["features", "search_text"])
    exempt(
        "talent.Recommendation",
        "written in bulk by do_push_recommendations next to its PushLog row; "
        "the push itself is the seeker's inbox message",
    )
    exempt(
        "talent.PushLog",
        "one row per seeker per day written by do_push_recommendations — it is itself the log",
    )
