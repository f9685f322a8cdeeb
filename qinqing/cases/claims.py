"""Who holds a claim: an account, or the organisation it claims for (an engine capability).

A case type names the record a user claims for (``CaseTypeSpec.claimant_of``:
an enterprise, a department, a team); every account of that record then holds
the claim. A claimant's open claims under a type's limit are counted on a
``ClaimTally`` row, raised by the claim effect and given back here.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import F

from qinqing.cases.models import ClaimTally
from qinqing.cases.workflows import case_type_spec


def claimant_for(case_type, user):
    """The record ``user`` claims for under ``case_type``: the account itself by default."""
    spec = case_type_spec(case_type.code)
    if spec and spec.claimant_of:
        return spec.claimant_of(user)
    return user


def holds_claim(user, case) -> bool:
    if case.claimed_by_id == user.pk:
        return True
    if case.claimant_type_id is None:
        return False
    claimant = claimant_for(case.case_type, user)
    return bool(
        claimant is not None
        and ContentType.objects.get_for_model(claimant).pk == case.claimant_type_id
        and claimant.pk == case.claimant_id
    )


def _tally(case):
    return ClaimTally.objects.filter(
        case_type_id=case.case_type_id,
        claimant_type_id=case.claimant_type_id,
        claimant_id=case.claimant_id,
    )


def release_tally(case) -> None:
    """Give back the claimant's place under the type's limit (claim released or finished)."""
    if case.claimant_type_id and case.case_type.max_open_claims:
        _tally(case).filter(open_claims__gt=0).update(open_claims=F("open_claims") - 1)
