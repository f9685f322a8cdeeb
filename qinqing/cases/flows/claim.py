"""Claimable items (揭榜挂帅, 微心愿): published, claimed by exactly one claimant, confirmed.

A claimant is an account or the organisation it acts for (a case type's
``claimant_of``: an enterprise, a department, a team). Exactly one claim wins:
the move is a conditional UPDATE on the case's version. A type may cap how many
open claims one claimant holds (``max_open_claims``), enforced on a per-claimant
tally row with a conditional UPDATE, so concurrent claims cannot exceed it.
A claim window is the claimed state's time limit; when it runs out the platform
takes the state's timeout transition (``expire``) and the item is back on the board.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import F

from qinqing.cases import kpis
from qinqing.cases.claims import claimant_for, release_tally
from qinqing.cases.effects import register_effect
from qinqing.cases.errors import ClaimLimitReached
from qinqing.cases.models import ClaimTally
from qinqing.cases.workflows import (
    CLOSED,
    IN_PROGRESS,
    OPEN,
    REJECTED,
    RESOLVED,
    StateSpec,
    TransitionSpec,
    WorkflowSpec,
)
from qinqing.cases.workflows import register_workflow as _register


@register_effect("claim")
def claim(move) -> dict:
    case = move.case
    claimant = claimant_for(case.case_type, move.actor)
    if claimant is None:
        from qinqing.core.services import Forbidden

        raise Forbidden("cases.claim")
    claimant_type = ContentType.objects.get_for_model(claimant)
    limit = case.case_type.max_open_claims
    if limit:
        ClaimTally.objects.get_or_create(
            case_type_id=case.case_type_id, claimant_type=claimant_type, claimant_id=claimant.pk
        )
        taken = ClaimTally.objects.filter(
            case_type_id=case.case_type_id,
            claimant_type=claimant_type,
            claimant_id=claimant.pk,
            open_claims__lt=limit,
        ).update(open_claims=F("open_claims") + 1)
        if not taken:
            raise ClaimLimitReached(limit)
    return {
        "claimed_by_id": move.actor.pk,
        "claimed_at": move.now,
        "assignee_id": move.actor.pk,
        "claimant_type_id": claimant_type.pk,
        "claimant_id": claimant.pk,
    }


@register_effect("release")
def release(move) -> dict:
    release_tally(move.case)
    return {
        "claimed_by_id": None,
        "claimed_at": None,
        "assignee_id": None,
        "claimant_type_id": None,
        "claimant_id": None,
    }


@register_effect("reopen_claim")
def reopen_claim(move) -> dict:
    return {"replied_at": None, "reopen_count": F("reopen_count") + 1}


@register_effect("finish_claim")
def finish_claim(move) -> dict:
    release_tally(move.case)
    return {}


S, T = StateSpec, TransitionSpec

CLAIM_TASK = WorkflowSpec(
    code="claim_task",
    name="认领流程（揭榜、认领）",
    states=(
        S("published", "待认领", OPEN, initial=True),
        S("claimed", "已认领", IN_PROGRESS, timeout="expire"),
        S("fulfilled", "待确认", RESOLVED),
        S("confirmed", "已完成", CLOSED),
        S("cancelled", "已撤销", REJECTED),
    ),
    transitions=(
        T(
            "claim",
            "认领",
            ("published",),
            "claimed",
            ("claimant",),
            effects=("claim",),
            notify=("owner",),
            notice="事项已被认领",
            notify_kind="case.claimed",
        ),
        T(
            "release",
            "放弃认领",
            ("claimed",),
            "published",
            ("holder",),
            True,
            effects=("release",),
        ),
        T("expire", "认领超时退回", ("claimed",), "published", ("system",), effects=("release",)),
        T(
            "fulfil",
            "完成",
            ("claimed",),
            "fulfilled",
            ("holder",),
            True,
            effects=("reply",),
            notify=("owner",),
            notice="认领事项已完成，请确认",
            notify_kind="case.replied",
        ),
        T(
            "confirm",
            "确认完成",
            ("fulfilled",),
            "confirmed",
            ("dispatcher", "requester"),
            effects=("finish_claim",),
            notify=("holder",),
            notice="认领事项已确认完成",
            notify_kind="case.update",
        ),
        T(
            "reject_fulfilment",
            "退回重做",
            ("fulfilled",),
            "claimed",
            ("dispatcher", "requester"),
            True,
            effects=("reopen_claim",),
            notify=("holder",),
            notice="认领事项被退回重做",
            notify_kind="case.reopened",
        ),
        T("cancel", "撤销", ("published",), "cancelled", ("dispatcher",), True),
    ),
    indicators=("claimed", "completed", "overdue"),
)

kpis.register_claim_indicators()
_register(CLAIM_TASK)
