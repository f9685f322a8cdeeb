from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "qinqing.cases"
    label = "cases"
    verbose_name = "闭环办理"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from qinqing.cases import access_rules, flows, workflows  # noqa: F401  (flows register)
        from qinqing.core.context_processors import NAVIGATION

        access_rules.install()
        from qinqing.core.notifications.kinds import register_kind

        for kind, label in [
            ("case.new", "新事项待受理"),
            ("case.assigned", "派单、转办给我"),
            ("case.returned", "事项被退单"),
            ("case.extension", "延期申请与审批"),
            ("case.replied", "事项已答复"),
            ("case.reopened", "事项重办"),
            ("case.reminder", "催办提醒"),
            ("case.overdue", "超期上报"),
            ("case.claimed", "事项被认领"),
            ("case.supervised", "督办"),
            ("case.update", "事项进展"),
        ]:
            register_kind(kind, label)
        NAVIGATION.append(("事项", _first_case_page, "cases.view_case"))
        post_migrate.connect(workflows.install_registered, sender=self)

        from auditlog.registry import auditlog

        from qinqing.cases import models
        from qinqing.core.audit import exempt

        # Labels and time limits are the administrators' to edit: who changed what.
        for model in (
            models.HolidayYear,
            models.HolidayDay,
            models.Workflow,
            models.State,
            models.Transition,
            models.CaseType,
            models.TimeLimit,
            models.StateLimit,
            models.CaseAttachment,
        ):
            auditlog.register(model)
        exempt(
            "cases.Case",
            "every write goes through the case services, which record a named audit event "
            "(open, transition, supervise, escalate, deadline_recomputed) in the same transaction",
        )
        exempt("cases.CaseEvent", "the case's own append-only timeline, written with those events")
        exempt("cases.Supervision", "each 督办 and its answer is an event on the case's timeline")
        exempt("cases.ClaimTally", "a counter kept by conditional UPDATE; claims are case events")


def _first_case_page(user) -> str:
    """A leader handles no cases of their own: their 事项 is everything in their scope."""
    from qinqing.core.models import Role

    return "case-all" if user.role == Role.LEADER else "case-my-queue"
