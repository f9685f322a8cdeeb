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
    "medinsure.view_inspection",
    "medinsure.view_feeline",
}
REVIEW = {
    "medinsure.add_claimbatch",
    "medinsure.add_auditrun",
    "medinsure.change_finding",
    "medinsure.add_clue",
    "medinsure.add_inspection",
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
    # 参保企业“省心办”: an insured enterprise files its requests to the 医保局
    Role.ENTERPRISE: {"medinsure.request_service"},
}


def install() -> None:
    from qinqing.medinsure import models

    for role, permissions in ROLE_PERMISSIONS.items():
        access.grant(role, *permissions)
    # institutions by region; the claim records are the fund's and seen by every
    # role that has the view permission (no resident or enterprise has it)
    access.register_visibility(models.Institution)(lambda user: _in_regions(user, "region"))
    access.register_visibility(models.Inspection)(
        lambda user: _in_regions(user, "institution__region")
    )
    for model in (
        models.CatalogEntry,
        models.AuditRule,
        models.ClaimBatch,
        models.AuditRun,
        models.Finding,
        models.Clue,
        models.FeeLine,
    ):
        access.register_visibility(model)(lambda user: access.EVERYTHING)


def _in_regions(user, path: str):
    """Admins and leaders see every institution; staff those within their regions."""
    if access.sees_everything(user):
        return access.EVERYTHING
    return access.region_q(user, path)
