"""Who may do what at the talent service center, and which of its records each user sees.

Seeker profiles are personal data: the seeker, center staff, and an enterprise
only once the seeker has applied to it or accepted its invitation.
"""

from django.db.models import Q

from qinqing.core import access
from qinqing.core.models import Role

ALL_VIEW = {
    f"talent.view_{name}"
    for name in (
        "posting",
        "seekerprofile",
        "pushsettings",
        "recommendation",
        "pushlog",
        "feedback",
        "application",
        "invitation",
        "lodgingroom",
        "bed",
        "bedstay",
        "apartmentunit",
        "eligibilityrule",
        "apartmentapplication",
        "lease",
        "cooperationagreement",
        "talentevent",
        "eventregistration",
    )
}
STAFF_EDIT = {
    "talent.review_posting",
    "talent.add_bedstay",
    "talent.change_bedstay",
    "talent.add_lease",
    "talent.change_lease",
    "talent.add_talentevent",
    "talent.add_eventregistration",
    "talent.add_cooperationagreement",
    "talent.change_eligibilityrule",
}
ROLE_PERMISSIONS = {
    Role.ADMIN: ALL_VIEW | STAFF_EDIT,
    Role.STAFF: ALL_VIEW | STAFF_EDIT,
    Role.LEADER: ALL_VIEW,
    Role.ENTERPRISE: {
        "talent.view_posting",
        "talent.add_posting",
        "talent.change_posting",
        "talent.view_seekerprofile",
        "talent.view_application",
        "talent.change_application",
        "talent.add_invitation",
        "talent.view_invitation",
        "talent.add_apartmentapplication",
        "talent.view_apartmentapplication",
        "talent.view_lease",
        "talent.view_cooperationagreement",
        "talent.view_talentevent",
    },
    Role.RESIDENT: {
        "talent.view_posting",
        "talent.view_seekerprofile",
        "talent.change_seekerprofile",
        "talent.view_pushsettings",
        "talent.change_pushsettings",
        "talent.view_recommendation",
        "talent.view_feedback",
        "talent.add_feedback",
        "talent.view_application",
        "talent.add_application",
        "talent.view_invitation",
        "talent.view_bedstay",
        "talent.add_bedstay",
        "talent.view_talentevent",
        "talent.view_eventregistration",
        "talent.add_eventregistration",
    },
}


def is_center(user) -> bool:
    return user.role in {Role.ADMIN, Role.STAFF, Role.LEADER} or user.is_superuser


def _own_person(user, path: str) -> Q:
    if user.role == Role.RESIDENT and user.person_id:
        return Q(**{path: user.person_id})
    return access.NOTHING


def postings(user) -> Q:
    if is_center(user):
        return access.EVERYTHING
    published = Q(status="published")
    if user.role == Role.ENTERPRISE:
        return published | Q(employer_id=user.enterprise_id)
    return published


def profiles(user) -> Q:
    if is_center(user):
        return access.EVERYTHING
    if user.role == Role.ENTERPRISE:
        from qinqing.talent.models import Application, Invitation

        applied = Application.objects.filter(employer_id=user.enterprise_id).values("profile_id")
        accepted = Invitation.objects.filter(
            employer_id=user.enterprise_id, accepted_at__isnull=False
        ).values("profile_id")
        return Q(pk__in=applied) | Q(pk__in=accepted)
    return _own_person(user, "person_id")


def of_profile(user) -> Q:
    """Push settings, recommendations, feedback: the seeker's own and the center's."""
    if is_center(user):
        return access.EVERYTHING
    return _own_person(user, "profile__person_id")


def applications(user) -> Q:
    if is_center(user):
        return access.EVERYTHING
    if user.role == Role.ENTERPRISE:
        return Q(employer_id=user.enterprise_id)
    return _own_person(user, "profile__person_id")


def invitations(user) -> Q:
    if is_center(user):
        return access.EVERYTHING
    if user.role == Role.ENTERPRISE:
        return Q(employer_id=user.enterprise_id)
    return _own_person(user, "profile__person_id")


def center_only(user) -> Q:
    return access.EVERYTHING if is_center(user) else access.NOTHING


def of_employer(path: str):
    def rule(user) -> Q:
        if is_center(user):
            return access.EVERYTHING
        if user.role == Role.ENTERPRISE:
            return Q(**{path: user.enterprise_id})
        return access.NOTHING

    return rule


def install() -> None:
    from qinqing.talent import models

    for role, permissions in ROLE_PERMISSIONS.items():
        access.grant(role, *permissions)
    register = access.register_visibility
    register(models.Posting)(postings)
    register(models.SeekerProfile)(profiles)
    for model in (models.PushSettings, models.Recommendation, models.PushLog, models.Feedback):
        register(model)(of_profile)
    register(models.Application)(applications)
    register(models.Invitation)(invitations)
    for model in (models.LodgingRoom, models.Bed, models.ApartmentUnit, models.EligibilityRule):
        register(model)(center_only)
    register(models.BedStay)(lambda user: center_only(user) | _own_person(user, "guest_id"))
    register(models.ApartmentApplication)(of_employer("employer_id"))
    register(models.Lease)(of_employer("application__employer_id"))
    register(models.CooperationAgreement)(of_employer("enterprise_id"))
    register(models.TalentEvent)(lambda user: access.EVERYTHING)
    register(models.EventRegistration)(
        lambda user: center_only(user) | _own_person(user, "person_id")
    )
