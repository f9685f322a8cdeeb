"""微心愿 on the case engine: its own workflow and case type, declared as data.

征集 → 核查 (real, and within the value limit) → 发布 → 认领 → 圆梦 (photos or a receipt)
→ 确认 (the veteran, or staff on their behalf with the channel recorded) → 致谢;
不予发布 with a reason. A claim not fulfilled within the claim window (the 已认领
state's time limit, editable in the admin) returns to the wall and the claimant is told.
"""

from django.conf import settings
from django.db.models import Q

from qinqing.cases.effects import register_effect
from qinqing.cases.kpis import Indicator, register_indicator
from qinqing.cases.models import LimitUnit, StateKind
from qinqing.cases.workflows import (
    CLOSED,
    IN_PROGRESS,
    OPEN,
    REJECTED,
    RESOLVED,
    CaseTypeSpec,
    FieldSpec,
    StateSpec,
    TransitionSpec,
    WorkflowSpec,
    register_case_type,
    register_workflow,
)
from qinqing.core.services import InvalidInput

CASE_TYPE = "veteran_wish"
VETERAN = "veteran"  # the person the wish is for (their own account, or a family member's)
CONFIRM_CHANNELS = (
    ("self", "本人在线确认"),
    ("phone", "电话回访确认"),
    ("visit", "上门回访确认"),
    ("family", "家属代为确认"),
)


def _wish(case):
    from qinqing.veterans.models import Wish

    return Wish.objects.select_related("record").get(case_id=case.pk)


def check_wish(move) -> dict:
    """核查: staff confirm it is real and within the value limit."""
    from qinqing.veterans.models import Settings

    wish = _wish(move.case)
    limit = Settings.current().wish_value_limit
    errors = {}
    if move.values.get("genuine") is not True:
        errors["genuine"] = ["核查属实才能通过；不属实的请选择“不予发布”"]
    if wish.value > limit:
        errors["value"] = [f"估计价值 {wish.value} 元超过上限 {limit} 元，不能发布"]
    if errors:
        raise InvalidInput(errors, {"genuine": "情况属实", "value": "估计价值"})
    return {}


def tell_claim_expired(move) -> dict:
    """The claim window ran out: the claimant learns the wish is back on the wall."""
    case = move.case
    if case.claimed_by_id:
        from qinqing.core.notifications.services import do_notify

        do_notify(
            [case.claimed_by],
            "case.update",
            f"认领已超时，心愿已退回心愿墙：{case.number}",
            case.title,
            link="/veterans/claims/",
        )
    return {}


def _veteran_accounts(case):
    from qinqing.core.models import User

    return User.objects.filter(is_active=True, person__service_record__wishes__case_id=case.pk)


def roles(user, case) -> set[str]:
    if user.person_id and _veteran_accounts(case).filter(pk=user.pk).exists():
        return {VETERAN}
    return set()


def visibility(user):
    from qinqing.veterans.access_rules import wish_case_visibility

    return wish_case_visibility(user)


def claimant_of(user):
    """A claimant claims as their registered 认领方; an account without one may not claim."""
    from qinqing.veterans.models import Claimant

    return Claimant.objects.filter(user=user).first()


def on_transition(move) -> None:
    """Stamp the wish's publication and fulfilment times (the wall's order, the figures)."""
    from qinqing.veterans.models import Wish

    code = move.transition.code
    if code == "publish":
        Wish.objects.filter(case_id=move.case.pk).update(published_at=move.now)
    elif code == "fulfil":
        Wish.objects.filter(case_id=move.case.pk).update(fulfilled_at=move.now)
    elif code == "reject_fulfilment":
        Wish.objects.filter(case_id=move.case.pk).update(fulfilled_at=None)


S, T = StateSpec, TransitionSpec
WISH_FLOW = WorkflowSpec(
    code="wish",
    name="微心愿（征集、核查、发布、认领、圆梦、确认、致谢）",
    states=(
        S("collected", "待核查", OPEN, initial=True),
        S("verified", "待发布", IN_PROGRESS),
        S("published", "待认领", OPEN),
        S("claimed", "已认领", IN_PROGRESS, timeout="expire"),
        S("fulfilled", "待确认", RESOLVED),
        S("confirmed", "已确认", CLOSED),
        S("thanked", "已致谢", CLOSED),
        S("declined", "不予发布", REJECTED),
    ),
    transitions=(
        T(
            "verify",
            "核查通过",
            ("collected",),
            "verified",
            ("dispatcher",),
            effects=("wish_check",),
            fields=(
                FieldSpec(
                    "genuine",
                    "情况属实",
                    "boolean",
                    required=True,
                    choices=(("true", "属实"), ("false", "不属实")),
                ),
            ),
        ),
        T("publish", "发布", ("verified",), "published", ("dispatcher",)),
        T("decline", "不予发布", ("collected", "verified"), "declined", ("dispatcher",), True),
        T(
            "claim",
            "认领",
            ("published",),
            "claimed",
            ("claimant",),
            effects=("claim",),
            notify=("dispatcher",),
            notice="微心愿已被认领",
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
        T(
            "expire",
            "认领超时退回",
            ("claimed",),
            "published",
            ("system",),
            effects=("wish_tell_expired", "release"),
        ),
        T(
            "fulfil",
            "圆梦",
            ("claimed",),
            "fulfilled",
            ("holder",),
            effects=("reply",),
            requires_attachment=True,
            notify=(VETERAN, "dispatcher"),
            notice="心愿已圆梦，请确认",
            notify_kind="case.replied",
        ),
        T(
            "confirm",
            "确认圆梦",
            ("fulfilled",),
            "confirmed",
            (VETERAN, "dispatcher"),
            effects=("finish_claim",),
            fields=(
                FieldSpec("channel", "确认方式", "choice", required=True, choices=CONFIRM_CHANNELS),
            ),
            notify=("holder",),
            notice="老兵已确认心愿圆梦",
        ),
        T(
            "reject_fulfilment",
            "未圆梦，退回",
            ("fulfilled",),
            "claimed",
            (VETERAN, "dispatcher"),
            True,
            effects=("reopen_claim",),
            notify=("holder",),
            notice="心愿未圆梦，已退回认领方",
            notify_kind="case.reopened",
        ),
        T(
            "thank",
            "致谢",
            ("confirmed",),
            "thanked",
            ("dispatcher",),
            notify=("holder",),
            notice="感谢您为老兵圆梦",
        ),
    ),
    indicators=(
        "wish_collected",
        "wish_published",
        "claimed",
        "wish_fulfilled",
        "completed",
    ),
)


def register() -> None:
    register_effect("wish_check", check_wish)
    register_effect("wish_tell_expired", tell_claim_expired)
    fulfilled = ("fulfilled", "confirmed", "thanked")
    for code, label, definition, numerator in (
        ("wish_collected", "征集心愿", "登记的微心愿件数", Q()),
        (
            "wish_published",
            "发布心愿",
            "发布到心愿墙的件数（含已认领、已圆梦）",
            ~Q(state__code__in=("collected", "verified", "declined")),
        ),
        ("wish_fulfilled", "圆梦心愿", "已圆梦的件数（含待确认）", Q(state__code__in=fulfilled)),
    ):
        register_indicator(Indicator(code, label, definition, (lambda q: lambda now: q)(numerator)))
    register_workflow(WISH_FLOW)
    register_case_type(
        CaseTypeSpec(
            code=CASE_TYPE,
            name="微心愿",
            module="veterans",
            workflow="wish",
            number_prefix="XY",
            time_limits={"normal": (24, 60)},
            # The claim window: a wish not fulfilled within it goes back to the wall.
            state_limits={"claimed": (settings.QINQING_VETERANS_CLAIM_DAYS, LimitUnit.DAYS)},
            claimant_roles=("resident", "enterprise"),
            max_open_claims=settings.QINQING_VETERANS_MAX_OPEN_CLAIMS,
            claimant_of=claimant_of,
            visibility=visibility,
            roles=roles,
            recipients={VETERAN: _veteran_accounts},
            on_transition=on_transition,
        )
    )


__all__ = ["CASE_TYPE", "StateKind", "register"]
