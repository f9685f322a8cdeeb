from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "qinqing.investment"
    label = "investment"
    verbose_name = "招商项目代办"

    def ready(self) -> None:
        from qinqing.core.context_processors import NAVIGATION
        from qinqing.investment import access_rules, case_types, figures

        access_rules.install()
        case_types.register()
        figures.register()
        NAVIGATION.append(("项目代办", "investment-board", "investment.view_project"))
        _register_audit()
        from django.db.models.signals import post_migrate

        post_migrate.connect(case_types.move_tasks_to_own_flow, sender=self)


def _register_audit() -> None:
    from auditlog.registry import auditlog

    from qinqing.investment import models

    for model in (
        models.Project,
        models.ProjectParcel,
        models.Milestone,
        models.AgencyMatter,
        models.MatterMaterial,
        models.ProjectProblem,
        models.Team,
        models.KeyTask,
        models.SubGoal,
        models.ProgressReport,
    ):
        if not auditlog.contains(model):
            auditlog.register(model)
