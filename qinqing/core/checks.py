"""System checks for rules every module must keep."""

from collections.abc import Iterable

from auditlog.registry import auditlog
from django.apps import apps
from django.core import checks
from django.db.models import Model

from qinqing.core import audit


def project_models() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("qinqing.") and not model._meta.abstract
    ]


@checks.register(checks.Tags.models)
def check_audit_coverage(
    app_configs=None, models: Iterable[type[Model]] | None = None, **kwargs
) -> list[checks.CheckMessage]:
    """Every model is recorded by the audit trail or exempted with a reason (qinqing.A001)."""
    errors = []
    for model in project_models() if models is None else models:
        if auditlog.contains(model) or model._meta.label in audit.AUDIT_EXEMPT:
            continue
        errors.append(
            checks.Error(
                f"{model._meta.label} is neither audited nor exempted.",
                hint=(
                    "Register it with django-auditlog in its app's ready(), or call "
                    'qinqing.core.audit.exempt("app_label.Model", "why") there.'
                ),
                obj=model,
                id="qinqing.A001",
            )
        )
    return errors
