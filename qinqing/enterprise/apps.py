from django.apps import AppConfig


class EnterpriseConfig(AppConfig):
    name = "qinqing.enterprise"
    label = "enterprise"
    verbose_name = "爱企服务站"

    def ready(self) -> None:
        from qinqing.core.context_processors import NAVIGATION
        from qinqing.enterprise import access_rules, case_types, figures, indicators

        access_rules.install()
        case_types.register()
        indicators.register()
        figures.register()
        NAVIGATION.append(("企业服务", "station-home", "enterprise.view_problem"))
        _register_audit()


def _register_audit() -> None:
    from auditlog.registry import auditlog

    from qinqing.core.audit import exempt
    from qinqing.enterprise import models

    for model in (
        models.Liaison,
        models.VisitPlan,
        models.Problem,
        models.LandParcel,
        models.GradingScheme,
    ):
        if not auditlog.contains(model):
            auditlog.register(model)
    exempt(
        "enterprise.IndicatorYear",
        "written only by the indicator import (bulk insert), which records an "
        "import_indicators event and keeps the job with who imported which file",
    )
    exempt(
        "enterprise.GradeResult",
        "computed from the indicators by do_grade_year, which records a grade event",
    )
