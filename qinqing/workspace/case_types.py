"""The module's flows on the case engine.

乡村梦想家入驻申请 (``dream_maker``): 报名 → 初审 → 洽谈 → 实地考察 → 评审 → 签约入驻,
or 未通过 / 撤回 with a reason. Every state has a time limit; the owner of every
step is the campaign region's workspace staff (the type's dispatchers), and the
team (requester) may withdraw. Signing is done by ``services.do_sign`` so the
workstations are allocated in the same transaction.

配套服务 (``workspace_service``): requested by a team, routed at once to the
providing department, delivered by its handlers, closed by the team's confirmation.
"""

from qinqing.cases.effects import register_effect
from qinqing.cases.models import LimitUnit, StateKind
from qinqing.cases.workflows import (
    CaseTypeSpec,
    FieldSpec,
    StateSpec,
    TransitionSpec,
    WorkflowSpec,
    register_case_type,
    register_workflow,
)

APPLICATION = "dream_application"
SERVICE = "workspace_service"
DISPATCH = "workspace.change_application"
OPEN_STATES = ("applied", "screening", "talks", "site_visit", "review")


def record_site_visit(move) -> None:
    """The 实地考察 step's fields become a SiteVisit row (the funnel counts its people)."""
    from qinqing.workspace.models import Application, SiteVisit

    if move.transition.code != "visit":
        return
    application = Application.objects.filter(case=move.case).first()
    if application is None:
        return
    SiteVisit.objects.create(
        application=application,
        visited_on=move.values["visited_on"],
        people=move.values["people"],
        sites_seen=move.values["sites_seen"],
    )


def _positive_people(move) -> dict:
    from qinqing.core.services import InvalidInput

    if move.values.get("people") is not None and move.values["people"] < 1:
        raise InvalidInput({"people": ["考察人数至少为 1"]}, {"people": "考察人数"})
    return {}


def register() -> None:
    S, T = StateSpec, TransitionSpec
    register_effect("workspace_visit_people", _positive_people)
    days = LimitUnit.WORKING_DAYS
    register_workflow(
        WorkflowSpec(
            code="dream_maker",
            name="乡村梦想家入驻",
            states=(
                S("applied", "报名", StateKind.OPEN, initial=True, limit=(3, days)),
                S("screening", "初审", StateKind.IN_PROGRESS, limit=(5, days)),
                S("talks", "洽谈", StateKind.IN_PROGRESS, limit=(10, days)),
                S("site_visit", "实地考察", StateKind.IN_PROGRESS, limit=(10, days)),
                S("review", "评审", StateKind.IN_PROGRESS, limit=(10, days)),
                S("signed", "签约入驻", StateKind.CLOSED),
                S("rejected", "未通过", StateKind.REJECTED),
                S("withdrawn", "撤回", StateKind.REJECTED),
            ),
            transitions=(
                T(
                    "accept",
                    "受理报名",
                    ("applied",),
                    "screening",
                    ("dispatcher",),
                    notify=("requester",),
                    notice="报名已受理，进入初审",
                ),
                T(
                    "pass_screening",
                    "初审通过",
                    ("screening",),
                    "talks",
                    ("dispatcher",),
                    notify=("requester",),
                    notice="初审通过，工作人员将与您洽谈",
                ),
                T(
                    "talk",
                    "洽谈完成",
                    ("talks",),
                    "site_visit",
                    ("dispatcher",),
                    fields=(FieldSpec("notes", "洽谈记录", "text", required=True),),
                    notify=("requester",),
                    notice="洽谈完成，请约定实地考察",
                ),
                T(
                    "visit",
                    "实地考察完成",
                    ("site_visit",),
                    "review",
                    ("dispatcher",),
                    effects=("workspace_visit_people",),
                    fields=(
                        FieldSpec("visited_on", "考察日期", "date", required=True),
                        FieldSpec("people", "考察人数", "integer", required=True),
                        FieldSpec("sites_seen", "考察场所", "text", required=True),
                    ),
                ),
                T(
                    "sign",
                    "签约入驻",
                    ("review",),
                    "signed",
                    ("dispatcher",),
                    notify=("requester",),
                    notice="恭喜，已签约入驻",
                ),
                T(
                    "reject",
                    "未通过",
                    ("applied", "screening", "talks", "site_visit", "review"),
                    "rejected",
                    ("dispatcher",),
                    requires_reason=True,
                    notify=("requester",),
                    notice="很遗憾，申请未通过",
                ),
                T(
                    "withdraw",
                    "撤回申请",
                    ("applied", "screening", "talks", "site_visit", "review"),
                    "withdrawn",
                    ("requester",),
                    requires_reason=True,
                    notify=("dispatcher",),
                    notice="团队撤回了入驻申请",
                ),
            ),
            indicators=("overdue",),
        )
    )
    register_case_type(
        CaseTypeSpec(
            code=APPLICATION,
            name="乡村梦想家入驻申请",
            module="workspace",
            workflow="dream_maker",
            number_prefix="MX",
            time_limits={"normal": (16, 45)},
            dispatch_permission=DISPATCH,
            on_transition=record_site_visit,
        )
    )
    register_workflow(
        WorkflowSpec(
            code="workspace_service",
            name="工位配套服务",
            states=(
                S("requested", "已申请", StateKind.OPEN, initial=True),
                S("handling", "办理中", StateKind.IN_PROGRESS, limit=(5, days)),
                S("delivered", "待团队确认", StateKind.RESOLVED, limit=(5, days)),
                S("confirmed", "已确认办结", StateKind.CLOSED),
            ),
            transitions=(
                T(
                    "route",
                    "分派提供部门",
                    ("requested",),
                    "handling",
                    ("system", "dispatcher"),
                    effects=("set_department",),
                    notify=("handler",),
                    notice="有团队申请配套服务",
                ),
                T(
                    "deliver",
                    "服务完成",
                    ("handling",),
                    "delivered",
                    ("handler",),
                    requires_reason=True,
                    notify=("requester",),
                    notice="服务已完成，请确认",
                ),
                T("confirm", "确认办结", ("delivered",), "confirmed", ("requester",)),
                T(
                    "not_done",
                    "未完成，退回",
                    ("delivered",),
                    "handling",
                    ("requester",),
                    requires_reason=True,
                    notify=("handler",),
                    notice="团队认为服务未完成",
                ),
            ),
            indicators=("overdue",),
        )
    )
    register_case_type(
        CaseTypeSpec(
            code=SERVICE,
            name="工位配套服务",
            module="workspace",
            workflow="workspace_service",
            number_prefix="PT",
            time_limits={"normal": (8, 10)},
        )
    )
