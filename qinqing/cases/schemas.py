"""The one API shape of a case, for the engine's own endpoints and every module's.

A module's record that runs on the engine (a problem, a wish, an agency matter)
links to a case; its API schema extends ``CaseFieldsOut`` rather than copying the
case's fields, so number, state, deadline and overdue read the same everywhere.
"""

import datetime

from ninja import Field, Schema

from qinqing.cases.models import Case


def _case(record) -> Case:
    return record if isinstance(record, Case) else record.case


class CaseFieldsOut(Schema):
    case_id: int = Field(description="事项 id（/api/v1/cases/{id}）")
    number: str = Field(description="事项编号")
    title: str
    case_type: str = Field(description="事项类型代码")
    state: str = Field(description="状态代码")
    state_label: str = Field(description="状态名称（按事项类型）")
    kind: str = Field(description="状态类型：open/in_progress/resolved/closed/rejected")
    department: str | None = Field(None, description="承办部门")
    due_at: datetime.datetime | None = Field(None, description="办结期限")
    state_due_at: datetime.datetime | None = Field(None, description="当前环节期限")
    overdue: bool = Field(description="是否超期（办结期限或环节期限）")

    @staticmethod
    def resolve_case_id(record):
        return _case(record).pk

    @staticmethod
    def resolve_number(record):
        return _case(record).number

    @staticmethod
    def resolve_title(record):
        return _case(record).title

    @staticmethod
    def resolve_case_type(record):
        return _case(record).case_type.code

    @staticmethod
    def resolve_state(record):
        return _case(record).state.code

    @staticmethod
    def resolve_state_label(record):
        return _case(record).state_label

    @staticmethod
    def resolve_kind(record):
        return _case(record).kind

    @staticmethod
    def resolve_department(record):
        case = _case(record)
        return case.department.name if case.department_id else None

    @staticmethod
    def resolve_due_at(record):
        return _case(record).due_at

    @staticmethod
    def resolve_state_due_at(record):
        return _case(record).state_due_at

    @staticmethod
    def resolve_overdue(record):
        return _case(record).is_overdue
