"""Clues (线索) on the case engine: referred to the owning department, tracked to a
result — deduction (扣款), penalty, referral — with the deduction approved by a
second person (maker-checker)."""

from qinqing.cases.models import StateKind
from qinqing.cases.roles import DISPATCHER, HANDLER, SUPERVISOR
from qinqing.cases.workflows import (
    CaseTypeSpec,
    FieldSpec,
    StateSpec,
    TransitionSpec,
    WorkflowSpec,
    register_case_type,
    register_workflow,
)

REFERRALS = (
    ("none", "不移送"),
    ("public_security", "移送公安机关"),
    ("health", "移送卫生健康部门"),
    ("market", "移送市场监管部门"),
    ("discipline", "移送纪检监察机关"),
)
# 参保企业“省心办”: an insured enterprise's request to the 医保局, as a 12345 work order
SERVICE_REQUEST = "medinsure_service"


def register() -> None:
    S, T = StateSpec, TransitionSpec
    register_workflow(
        WorkflowSpec(
            code="medinsure_clue",
            name="医保线索处置",
            states=(
                S("filed", "已登记", StateKind.OPEN, initial=True),
                S("referred", "已通报", StateKind.IN_PROGRESS),
                S("proposed", "拟处理", StateKind.IN_PROGRESS),
                S("approved", "处理已审批", StateKind.RESOLVED),
                S("closed", "已办结", StateKind.CLOSED),
                S("dropped", "不予处理", StateKind.REJECTED),
            ),
            transitions=(
                T(
                    "refer",
                    "线索通报",
                    ("filed",),
                    "referred",
                    (DISPATCHER,),
                    effects=("set_department",),
                ),
                T(
                    "propose",
                    "提出处理意见",
                    ("referred",),
                    "proposed",
                    (HANDLER, DISPATCHER),
                    fields=(
                        FieldSpec("deduction", "扣款金额（元）", "decimal", required=True),
                        FieldSpec("penalty", "罚款金额（元）", "decimal"),
                        FieldSpec("referral", "移送", "choice", required=True, choices=REFERRALS),
                    ),
                ),
                T(
                    "approve",
                    "审批处理意见",
                    ("proposed",),
                    "approved",
                    (DISPATCHER, SUPERVISOR),
                    not_by_actor_of=("propose",),
                ),
                T(
                    "send_back",
                    "退回重核",
                    ("proposed",),
                    "referred",
                    (DISPATCHER, SUPERVISOR),
                    requires_reason=True,
                ),
                T(
                    "close",
                    "办结（扣款到账）",
                    ("approved",),
                    "closed",
                    (HANDLER, DISPATCHER),
                    fields=(FieldSpec("recovered", "追回金额（元）", "decimal", required=True),),
                ),
                T(
                    "drop",
                    "不予处理",
                    ("filed", "referred"),
                    "dropped",
                    (DISPATCHER,),
                    requires_reason=True,
                ),
            ),
            indicators=("overdue",),
        )
    )
    register_case_type(
        CaseTypeSpec(
            code="medinsure_clue",
            name="医保线索",
            module="medinsure",
            workflow="medinsure_clue",
            number_prefix="YB",
            time_limits={"normal": (5, 30), "urgent": (2, 15)},
        )
    )

    # 整改 tasks after an inspection or interview, and the 21-item task list: the
    # 12345 work-order flow (登记 → 派单 → 签收 → 办理 → 答复 → 回访办结), with deadlines
    register_case_type(
        CaseTypeSpec(
            code="medinsure_task",
            name="清廉医保任务（整改）",
            module="medinsure",
            workflow="work_order",
            number_prefix="ZG",
            time_limits={"normal": (5, 20), "urgent": (2, 10)},
        )
    )

    # 参保企业“省心办”: what an insured enterprise asks the 医保局 (参保登记、异地备案、
    # 报销进度 …), on the work-order flow, so it is answered, surveyed and counted in
    # 满意率 like any 12345 case. Respond within 4 working hours, answer within 5 days.
    register_case_type(
        CaseTypeSpec(
            code=SERVICE_REQUEST,
            name="参保企业省心办",
            module="medinsure",
            workflow="work_order",
            number_prefix="SX",
            time_limits={"normal": (4, 5), "urgent": (2, 2)},
        )
    )
