"""The center's case types: posting review (岗位审核) and talent apartment applications.

Posting review: an enterprise submits (登记 = 提交审核), center staff holding
``talent.review_posting`` approve or refuse with a reason within the time limit;
the ``on_transition`` hook publishes or refuses the posting in the same transaction.
Apartment applications: staff check eligibility and put the employee on the
waiting list, or refuse; allocation closes the case.
"""

from qinqing.cases.models import LimitUnit
from qinqing.cases.workflows import (
    CLOSED,
    IN_PROGRESS,
    OPEN,
    REJECTED,
    CaseTypeSpec,
    StateSpec,
    TransitionSpec,
    WorkflowSpec,
    register_case_type,
    register_workflow,
)

POSTING_REVIEW = "talent_posting_review"
APARTMENT = "talent_apartment"


def _on_review(move) -> None:
    from qinqing.talent import services

    services.apply_review_move(move)


def _on_apartment(move) -> None:
    from qinqing.talent import services

    services.apply_apartment_move(move)


def register() -> None:
    S, T = StateSpec, TransitionSpec
    register_workflow(
        WorkflowSpec(
            code="talent_posting_review",
            name="招聘岗位审核",
            states=(
                S("submitted", "待审核", OPEN, initial=True),
                S("approved", "已发布", CLOSED),
                S("refused", "未通过", REJECTED),
            ),
            transitions=(
                T(
                    "approve",
                    "审核通过",
                    ("submitted",),
                    "approved",
                    ("dispatcher",),
                    notify=("requester",),
                    notice="招聘岗位已审核通过并发布",
                ),
                T(
                    "refuse",
                    "退回修改",
                    ("submitted",),
                    "refused",
                    ("dispatcher",),
                    requires_reason=True,
                    notify=("requester",),
                    notice="招聘岗位未通过审核，请按理由修改后重新提交",
                ),
            ),
            indicators=("overdue",),
        )
    )
    register_case_type(
        CaseTypeSpec(
            code=POSTING_REVIEW,
            name="招聘岗位审核",
            module="talent",
            workflow="talent_posting_review",
            number_prefix="GW",
            # respond within 4 working hours, decide within 2 working days
            time_limits={"normal": (4, 2)},
            state_limits={"submitted": (2, LimitUnit.WORKING_DAYS)},
            dispatch_permission="talent.review_posting",
            on_transition=_on_review,
        )
    )
    register_workflow(
        WorkflowSpec(
            code="talent_apartment",
            name="人才公寓申请",
            states=(
                S("submitted", "待审核", OPEN, initial=True),
                S("waiting", "轮候中", IN_PROGRESS),
                S("allocated", "已配租", CLOSED),
                S("refused", "不符合条件", REJECTED),
            ),
            transitions=(
                T(
                    "queue",
                    "审核通过，进入轮候",
                    ("submitted",),
                    "waiting",
                    ("dispatcher",),
                    notify=("requester",),
                    notice="人才公寓申请已通过审核，进入轮候",
                ),
                T(
                    "refuse",
                    "不符合条件",
                    ("submitted", "waiting"),
                    "refused",
                    ("dispatcher",),
                    requires_reason=True,
                    notify=("requester",),
                    notice="人才公寓申请不符合条件",
                ),
                T(
                    "allocate",
                    "配租",
                    ("waiting",),
                    "allocated",
                    ("dispatcher",),
                    notify=("requester",),
                    notice="人才公寓已配租",
                ),
            ),
            indicators=("overdue",),
        )
    )
    register_case_type(
        CaseTypeSpec(
            code=APARTMENT,
            name="人才公寓申请",
            module="talent",
            workflow="talent_apartment",
            number_prefix="GY",
            time_limits={"normal": (8, 5)},
            dispatch_permission="talent.review_posting",
            on_transition=_on_apartment,
        )
    )
