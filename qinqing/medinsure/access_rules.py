"""Who may do what in clean medical insurance, and which records each user sees."""

from qinqing.core import access
from qinqing.core.models import Role

VIEW = {
    "medinsure.view_institution",
    "medinsure.view_catalogentry",
    "medinsure.view_auditrule",
    "medinsure.view_claimbatch",
    "medinsure.view_auditrun",
    "medinsure.view_finding",
    "medinsure.view_clue",
}
REVIEW = {
    "medinsure.add_claimbatch",
    "medinsure.add_auditrun",
    "medinsure.change_finding",
    "medinsure.add_clue",
}
ADMINISTER = {
    "medinsure.add_catalogentry",
    "medinsure.change_catalogentry",
    "medinsure.add_auditrule",
    "medinsure.add_institution",
    "medinsure.change_institution",
}
ROLE_PERMISSIONS = {
    Role.ADMIN: VIEW | REVIEW | ADMINISTER,
    Role.STAFF: VIEW | REVIEW,
    Role.LEADER: VIEW,
    Role.HANDLER: VIEW,
}


def install() -> None:
    from qinqing.medinsure import models

    for role, permissions in ROLE_PERMISSIONS.items():
        access.grant(role, *permissions)
    # institutions by region; the claim records are the fund's and seen by every
    # role that has the view permission (no resident or enterprise has it)
    access.register_visibility(models.Institution)(lambda user: access.region_q(user, "region"))
    for model in (
        models.CatalogEntry,
        models.AuditRule,
        models.ClaimBatch,
        models.AuditRun,
        models.Finding,
        models.Clue,
    ):
        access.register_visibility(model)(lambda user: access.EVERYTHING)
