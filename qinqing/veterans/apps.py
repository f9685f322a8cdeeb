from django.apps import AppConfig


class VeteransConfig(AppConfig):
    name = "qinqing.veterans"
    label = "veterans"
    verbose_name = "双拥服务"

    def ready(self) -> None:
        from qinqing.core.context_processors import NAVIGATION
        from qinqing.veterans import access_rules, case_types, figures, import_kinds

        access_rules.install()
        case_types.register()
        import_kinds.register()
        figures.register()
        NAVIGATION.append(("双拥服务", "veterans-home", "veterans.view_wish"))
        _register_audit()


def _register_audit() -> None:
    from auditlog.registry import auditlog

    from qinqing.core.audit import exempt
    from qinqing.veterans import models

    for model in (
        models.Station,
        models.ServiceRecord,
        models.VisitReach,
        models.Claimant,
        models.Wish,
        models.Settings,
        models.AllowanceStandard,
    ):
        if not auditlog.contains(model):
            auditlog.register(model, exclude_fields=["phone_hash"], mask_fields=["phone"])
    exempt(
        "veterans.Eligibility",
        "derived from the service records and the year's standards in one INSERT … SELECT "
        "(or imported), which records a derive_eligibility event or keeps the import job",
    )
    exempt(
        "veterans.Payment",
        "written only by the bank result import (bulk insert), whose job keeps who imported "
        "which file and which rows",
    )
