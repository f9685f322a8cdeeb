from django.apps import AppConfig


class MedinsureConfig(AppConfig):
    name = "qinqing.medinsure"
    label = "medinsure"
    verbose_name = "清廉医保"

    def ready(self) -> None:
        from qinqing.core.context_processors import NAVIGATION
        from qinqing.medinsure import access_rules, case_types, figures

        access_rules.install()
        case_types.register()
        figures.register()
        NAVIGATION.append(("清廉医保", "medinsure-findings", "medinsure.view_finding"))
        NAVIGATION.append(("医保省心办", "medinsure-requests", "medinsure.request_service"))
        _register_audit()


def _register_audit() -> None:
    from auditlog.registry import auditlog

    from qinqing.core.audit import exempt
    from qinqing.medinsure import models

    for model in (
        models.Institution,
        models.CatalogEntry,
        models.AuditRule,
        models.Clue,
        models.Inspection,
    ):
        if not auditlog.contains(model):
            auditlog.register(model)
    exempt(
        "medinsure.ClaimBatch",
        "written by do_start_claim_import, which records an import_claims event; its "
        "progress fields are updated by the worker",
    )
    exempt(
        "medinsure.Settlement",
        "millions of rows written in bulk by the claim import (COPY / executemany); the "
        "batch and its import_claims event say who imported which file",
    )
    exempt("medinsure.FeeLine", "as Settlement: bulk rows of an audited import batch")
    exempt(
        "medinsure.AuditRun",
        "started by do_start_audit, which records a start_audit event; progress by the worker",
    )
    exempt(
        "medinsure.Finding",
        "inserted in bulk by an audit run (recorded); each review is a named review event",
    )
