"""The station's case types: instant calls and problems, on the 12345 work-order flow."""

from qinqing.cases.workflows import CaseTypeSpec, register_case_type


def register() -> None:
    register_case_type(
        CaseTypeSpec(
            code="enterprise_call",
            name="即时呼叫",
            module="enterprise",
            workflow="work_order",
            number_prefix="HJ",
            # respond within 2 working hours, resolve within 5 working days
            time_limits={"normal": (2, 5), "urgent": (1, 2)},
        )
    )
    register_case_type(
        CaseTypeSpec(
            code="enterprise_problem",
            name="企业问题",
            module="enterprise",
            workflow="work_order",
            number_prefix="WT",
            time_limits={"normal": (8, 15), "urgent": (4, 5)},
        )
    )
