"""Request and response shapes of the core API.

Titles and descriptions are in Chinese: they are what staff integrators read in
/api/v1/docs, and a field's title names it in 422 error messages. Personal
numbers leave the API masked; only the unmask endpoint returns full values.
"""

import datetime
import re
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import DateTimeField, Q
from ninja import Field, FilterLookup, FilterSchema, Schema
from pydantic import BeforeValidator, ConfigDict, create_model
from pydantic_core import PydanticCustomError

from qinqing.core import crypto, validators
from qinqing.core.models import Region
from qinqing.core.services import InvalidInput

# Times go out in Beijing time (2026-03-02T09:30:00+08:00) whatever the schema
# says: the API's JSON renderer (qinqing.core.api.wire) converts every datetime.

# Text a form requires: not empty and not only spaces (the forms strip spaces).
NON_BLANK = r"\S"

# A record's primary key: beyond 64 bits the database cannot even compare it.
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _iso(kind: str, pattern: str, example: str):
    """Only ISO 8601 text (or a date object): pydantic alone would read 0 as 1970-01-01."""
    shape = re.compile(pattern)

    def check(value):
        if isinstance(value, datetime.date):
            return value
        if not isinstance(value, str):
            raise PydanticCustomError(
                f"{kind}_type", "should be text like {example}", {"example": example}
            )
        if not shape.fullmatch(value.strip()):
            raise PydanticCustomError(
                f"{kind}_parsing", "should look like {example}", {"example": example}
            )
        return value

    return BeforeValidator(check)


IsoDate = Annotated[datetime.date, _iso("date", r"\d{4}-\d{2}-\d{2}", "2026-01-31")]
IsoDateTime = Annotated[
    datetime.datetime,
    _iso(
        "datetime",
        r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?",
        "2026-01-31T09:30:00+08:00",
    ),
]


class InputSchema(Schema):
    """A request body; unknown fields are refused so that a typo is not silently ignored."""

    model_config = ConfigDict(extra="forbid")


def all_optional(schema: type[Schema], name: str, doc: str) -> type[Schema]:
    """The same fields, each optional: the body of a PATCH (only the fields sent change)."""
    # Absent means "unchanged"; null stays refused where the full schema refuses it.
    fields = {
        field_name: (
            Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation,
            Field(None, title=info.title, description=info.description),
        )
        for field_name, info in schema.model_fields.items()
    }
    return create_model(name, __base__=InputSchema, __doc__=doc, **fields)


def region_prefix(code: str) -> str:
    """The code prefix a region's sub-regions share; an unknown code is used as typed."""
    region = Region.objects.filter(code=code).first()
    return region.prefix if region else code


class ErrorOut(Schema):
    """错误响应：400 请求体不是有效的 JSON；401 未登录或令牌无效、已吊销、已过期；
    403 当前角色无权执行此操作；404 记录或接口不存在、无权查看；405 接口不支持该请求方法；
    409 与记录的当前状态冲突；422 输入有误。"""

    detail: str = Field(title="说明", description="中文说明，每个问题写明字段和原因")
    errors: dict[str, list[str]] = Field(
        {},
        title="按字段列出的问题",
        description="字段名 → 问题列表；与单个字段无关的问题在 __all__ 下",
    )


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """The error answers an endpoint's own code gives (403, 404, 409, 422 from a service).

    Every operation's schema also lists what Ninja itself answers: 401 when it
    needs a login, 422 when it takes parameters, 400 when it takes a JSON body
    (see ``qinqing.core.api.base``).
    """
    return {code: ErrorOut for code in sorted(codes)}


# --- regions and departments -------------------------------------------------


class RegionOut(Schema):
    code: str = Field(title="区划代码", description="GB/T 2260 代码；乡镇（街道）为9位代码")
    name: str = Field(title="名称")
    full_name: str = Field(title="全称", description="从市级起的完整名称，如“金华市婺城区竹马乡”")
    level: str = Field(
        title="层级",
        description="province 省 / prefecture 市 / county 县（市、区）/ town 乡镇（街道）",
    )
    level_label: str = Field(title="层级名称")
    parent: str | None = Field(None, title="上级区划代码")

    @staticmethod
    def resolve_level_label(region):
        return region.get_level_display()

    @staticmethod
    def resolve_parent(region):
        return region.parent.code if region.parent_id else None


class RegionFilter(FilterSchema):
    level: Literal["province", "prefecture", "county", "town"] | None = Field(
        None, title="层级", description="只列出该层级的区划"
    )
    parent: Annotated[str | None, FilterLookup("parent__code")] = Field(
        None, title="上级区划代码", description="只列出该区划的直接下级，如 330702"
    )
    q: Annotated[str | None, FilterLookup("name__icontains")] = Field(
        None, title="名称", description="名称包含的文字"
    )


class DepartmentOut(Schema):
    id: int
    name: str = Field(title="部门名称")
    region: str = Field(title="所属区划代码")
    region_name: str = Field(title="所属区划")
    head: str | None = Field(None, title="负责人")

    @staticmethod
    def resolve_region(department):
        return department.region.code

    @staticmethod
    def resolve_region_name(department):
        return department.region.full_name

    @staticmethod
    def resolve_head(department):
        return department.head.display_name if department.head_id else None


class DepartmentFilter(FilterSchema):
    region: str | None = Field(
        None, title="区划代码", description="该区划及其下级区划的部门（按代码前缀）"
    )

    def filter_region(self, value):
        return Q(region__code__startswith=region_prefix(value)) if value else Q()


# --- enterprises ---------------------------------------------------------------


class EnterpriseOut(Schema):
    id: int
    name: str = Field(title="企业名称")
    credit_code: str = Field(title="统一社会信用代码")
    industry_code: str = Field(title="行业代码", description="GB/T 4754-2017，2至4位数字")
    industry_section: str = Field(title="行业门类")
    region: str = Field(title="所属区划代码")
    region_name: str = Field(title="所属区划")
    land_area_mu: Decimal | None = Field(None, title="用地面积（亩）")
    employees: int | None = Field(None, title="从业人数")
    above_scale: bool = Field(title="规上企业")
    address: str = Field(title="地址")
    created_at: datetime.datetime = Field(title="创建时间")
    updated_at: datetime.datetime = Field(title="更新时间")

    @staticmethod
    def resolve_region(enterprise):
        return enterprise.region.code

    @staticmethod
    def resolve_region_name(enterprise):
        return enterprise.region.full_name


class EnterpriseIn(InputSchema):
    """登记一家企业。所有校验与页面录入相同，错误以中文按字段返回。"""

    name: str = Field(title="企业名称", min_length=1, max_length=200, pattern=NON_BLANK)
    credit_code: str = Field(
        min_length=1,
        pattern=NON_BLANK,
        title="统一社会信用代码",
        description="18位，GB 32100-2015；全角字符、空格和连字符会自动去除",
        examples=["91330702000123457E"],
    )
    industry_code: str = Field(
        min_length=1,
        max_length=10,
        pattern=NON_BLANK,
        title="行业代码",
        description="GB/T 4754-2017 行业代码，2至4位数字，可带门类字母，如 C3011",
        examples=["C3011"],
    )
    region: str = Field(
        min_length=1,
        pattern=NON_BLANK,
        title="所属区划",
        description="县（市、区）或乡镇（街道）的区划代码，如 330702 或 330702201",
        examples=["330702201"],
    )
    land_area_mu: Decimal | None = Field(
        None, title="用地面积（亩）", description="不能为负数，最多两位小数"
    )
    employees: int | None = Field(None, title="从业人数", description="不能为负数")
    above_scale: bool = Field(False, title="规上企业", description="是否规模以上企业")
    address: str = Field("", title="地址", max_length=200)


EnterprisePatch = all_optional(
    EnterpriseIn, "EnterprisePatch", "修改企业信息：只需提供要修改的字段。"
)


class EnterpriseFilter(Schema):
    """The parameters of ``core.filters.EnterpriseListFilter``, which the page and its
    export use too: the schema documents them, the shared filter applies them."""

    q: str | None = Field(
        None,
        max_length=100,
        title="搜索",
        description="企业名称包含的文字，或统一社会信用代码（的一部分）",
    )
    region: str | None = Field(
        None,
        max_length=12,
        pattern=r"^\d*$",
        title="区划代码",
        description="该区划及其下级区划内的企业，如 330702（婺城区）或 330702201（某乡镇）",
    )
    scale: Literal["above", "below"] | None = Field(
        None, title="规模", description="above 规上企业 / below 规下企业"
    )


# --- people ------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    name: str = Field(title="姓名")
    id_number: str = Field(
        title="身份证号（脱敏）",
        description="只保留前6位和后4位，如 330424********0317；完整号码见“查看完整信息”接口",
    )
    phone: str = Field(title="手机号（脱敏）", description="如 138****5678；未登记时为空")
    gender: str = Field(title="性别", description="M 男 / F 女（由身份证号得出）")
    gender_label: str = Field(title="性别名称")
    birth_date: datetime.date = Field(title="出生日期", description="由身份证号得出")
    region: str = Field(title="所属区划代码")
    region_name: str = Field(title="所属区划")

    @staticmethod
    def resolve_id_number(person):
        return person.masked_id_number

    @staticmethod
    def resolve_phone(person):
        return person.masked_phone

    @staticmethod
    def resolve_gender_label(person):
        return person.get_gender_display()

    @staticmethod
    def resolve_region(person):
        return person.region.code

    @staticmethod
    def resolve_region_name(person):
        return person.region.full_name


class PersonIn(InputSchema):
    """登记一位人员。身份证号和手机号加密保存，响应中只返回脱敏值。"""

    name: str = Field(title="姓名", min_length=1, max_length=50, pattern=NON_BLANK)
    id_number: str = Field(
        min_length=1,
        max_length=40,
        pattern=NON_BLANK,
        title="身份证号",
        description="18位居民身份证号（GB 11643），末位校验码须正确；全角字符和空格会自动去除",
    )
    phone: str = Field(
        "",
        max_length=40,
        title="手机号",
        description="11位手机号，可带 +86、空格或连字符；可不填",
    )
    region: str = Field(
        min_length=1,
        pattern=NON_BLANK,
        title="所属区划",
        description="县（市、区）或乡镇（街道）的区划代码，如 330424 或 330424102",
    )


PersonPatch = all_optional(PersonIn, "PersonPatch", "修改人员信息：只需提供要修改的字段。")


def _exact_match(field: str, value: str | None, normalise) -> Q:
    return Q(**{field: crypto.lookup_hash(normalise(value))}) if value else Q()


def _normalised_mobile(value: str) -> str:
    try:
        return validators.validate_mobile(value)
    except ValidationError:
        return validators.normalise(value)


class PersonFilter(Schema):
    """GET /people: by name and region (``core.filters.PersonListFilter``, as on the page).
    Full numbers are searched by POST (PersonSearchIn)."""

    q: str | None = Field(None, max_length=50, title="姓名", description="姓名包含的文字")
    region: str | None = Field(
        None,
        max_length=12,
        pattern=r"^\d*$",
        title="区划代码",
        description="该区划及其下级区划内的人员",
    )


# Query parameters GET /people refuses: a URL ends up in proxy and access logs.
NUMBERS_IN_URL = {"id_number": "身份证号", "phone": "手机号"}


def refuse_numbers_in_url(request) -> None:
    sent = [name for name in NUMBERS_IN_URL if name in request.GET]
    if sent:
        message = "完整号码不能放在网址中（会进入访问日志），请改用 POST /api/v1/people/search"
        raise InvalidInput(
            {name: [message] for name in sent}, {name: NUMBERS_IN_URL[name] for name in sent}
        )


class PersonSearchIn(FilterSchema):
    """按完整号码查找人员；号码放在请求体中，不会出现在网址和访问日志里。"""

    model_config = ConfigDict(extra="forbid")

    q: Annotated[str | None, FilterLookup("name__icontains")] = Field(
        None, max_length=50, title="姓名", description="姓名包含的文字"
    )
    region: str | None = Field(
        None, max_length=12, title="区划代码", description="该区划及其下级区划内的人员"
    )

    id_number: str | None = Field(
        None, title="身份证号", description="完整身份证号，精确查找（按加密索引，不做模糊匹配）"
    )
    phone: str | None = Field(
        None, title="手机号", description="完整手机号，精确查找（按加密索引，不做模糊匹配）"
    )

    def filter_region(self, value):
        return Q(region__code__startswith=region_prefix(value)) if value else Q()

    def filter_id_number(self, value):
        return _exact_match("id_number_hash", value, lambda v: validators.normalise(v).upper())

    def filter_phone(self, value):
        return _exact_match("phone_hash", value, _normalised_mobile)


PersonalField = Literal["id_number", "phone"]


class UnmaskIn(InputSchema):
    fields: list[PersonalField] = Field(
        ["id_number", "phone"],
        min_length=1,
        title="字段",
        description="要查看的字段：id_number 身份证号、phone 手机号；默认两者",
    )
    purpose: str = Field("", title="事由", description="查看完整信息的事由，记入审计日志")


class PersonalDataOut(Schema):
    """完整的个人信息。每次查看都记入审计日志（操作人、时间、字段、事由）。"""

    id_number: str | None = Field(None, title="身份证号（完整）")
    phone: str | None = Field(None, title="手机号（完整）")


# --- visits --------------------------------------------------------------------------


class VisitOut(Schema):
    id: int
    visited_at: datetime.datetime = Field(title="走访时间")
    visitor: str = Field(title="走访人")
    companions: str = Field(title="同行人员")
    enterprise: int | None = Field(None, title="走访企业 ID")
    enterprise_name: str | None = Field(None, title="走访企业")
    person: int | None = Field(None, title="走访对象 ID")
    person_name: str | None = Field(None, title="走访对象")
    region: str = Field(title="所属区划代码", description="走访对象所在区划")
    notes: str = Field(title="走访情况")
    follow_ups: str = Field(title="后续事项")
    follow_up_due: datetime.date | None = Field(None, title="后续事项期限")
    created_at: datetime.datetime = Field(title="记录时间")

    @staticmethod
    def resolve_visitor(visit):
        return visit.visitor.display_name

    @staticmethod
    def resolve_enterprise(visit):
        return visit.enterprise_id

    @staticmethod
    def resolve_enterprise_name(visit):
        return visit.enterprise.name if visit.enterprise_id else None

    @staticmethod
    def resolve_person(visit):
        return visit.person_id

    @staticmethod
    def resolve_person_name(visit):
        return visit.person.name if visit.person_id else None

    @staticmethod
    def resolve_region(visit):
        return visit.region.code


class VisitIn(InputSchema):
    """记录一次走访：走访企业与走访对象二选一。走访人为当前账号。"""

    visited_at: IsoDateTime = Field(
        title="走访时间",
        description="如 2026-03-01T09:30:00+08:00；不带时区时按北京时间",
    )
    enterprise: RecordId | None = Field(
        None, title="走访企业", description="企业 ID（与走访对象二选一）"
    )
    person: RecordId | None = Field(
        None, title="走访对象", description="人员 ID（与走访企业二选一）"
    )
    companions: str = Field("", title="同行人员", max_length=200)
    notes: str = Field(title="走访情况", min_length=1, pattern=NON_BLANK)
    follow_ups: str = Field("", title="后续事项")
    follow_up_due: IsoDate | None = Field(None, title="后续事项期限", description="如 2026-03-31")


class VisitFilter(FilterSchema):
    enterprise: Annotated[RecordId | None, FilterLookup("enterprise_id")] = Field(
        None, title="企业 ID", description="只列出走访该企业的记录"
    )
    person: Annotated[RecordId | None, FilterLookup("person_id")] = Field(
        None, title="人员 ID", description="只列出走访该人员的记录"
    )
    date_from: Annotated[IsoDate | None, FilterLookup("visited_at__date__gte")] = Field(
        None, title="起始日期", description="走访日期不早于，如 2026-01-01"
    )
    date_to: Annotated[IsoDate | None, FilterLookup("visited_at__date__lte")] = Field(
        None, title="截止日期", description="走访日期不晚于，如 2026-12-31"
    )


# --- audit trail -----------------------------------------------------------------------

ACTION_LABELS = {0: "新增", 1: "修改", 2: "删除", 3: "查看"}
ACTION_CODES = {0: "create", 1: "update", 2: "delete", 3: "access"}


class AuditEntryOut(Schema):
    id: int
    timestamp: datetime.datetime = Field(title="时间")
    action: str = Field(
        title="操作", description="create 新增 / update 修改 / delete 删除 / access 查看"
    )
    action_label: str = Field(title="操作名称")
    event: str = Field(
        title="事件", description="具名事件，如 unmask 查看完整信息、transition 状态变更"
    )
    content_type: str = Field(title="记录类型", description="如 core.enterprise")
    object_pk: str = Field(title="记录 ID")
    object_repr: str = Field(title="记录名称")
    actor: str | None = Field(None, title="操作人", description="系统操作时为空")
    actor_id: int | None = Field(None, title="操作人 ID")
    changes: dict = Field(
        title="变更内容", description="字段 → [修改前, 修改后]；个人号码按保存时的脱敏值显示"
    )
    details: dict = Field(title="附加信息")
    request_id: str | None = Field(None, title="请求编号", description="对应请求的 X-Request-ID")
    remote_addr: str | None = Field(None, title="来源地址")

    @staticmethod
    def resolve_action(entry):
        return ACTION_CODES.get(entry.action, str(entry.action))

    @staticmethod
    def resolve_action_label(entry):
        return ACTION_LABELS.get(entry.action, str(entry.action))

    @staticmethod
    def resolve_content_type(entry):
        return f"{entry.content_type.app_label}.{entry.content_type.model}"

    @staticmethod
    def resolve_actor(entry):
        return entry.actor.display_name if entry.actor_id else None

    @staticmethod
    def resolve_changes(entry):
        return _changes_with_times(entry)

    @staticmethod
    def resolve_details(entry):
        return entry.additional_data or {}

    @staticmethod
    def resolve_request_id(entry):
        return entry.cid


def _changes_with_times(entry) -> dict:
    """The entry's changes, with datetime fields' values as datetimes again.

    django-auditlog writes them as naive UTC text ("2026-03-02 01:30:00"); as
    datetimes they leave the API in Beijing time like every other time.
    """
    changes = entry.changes_dict
    model = entry.content_type.model_class()
    for name, values in changes.items():
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            continue
        if isinstance(field, DateTimeField) and isinstance(values, list):
            changes[name] = [_utc_time(value) for value in values]
    return changes


def _utc_time(value):
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):  # None, or "None" for an empty field
        return value
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


class AuditFilter(FilterSchema):
    content_type: str | None = Field(
        None, title="记录类型", description="应用.模型，如 core.enterprise、core.person"
    )
    object_pk: RecordId | None = Field(None, title="记录 ID")
    actor: Annotated[RecordId | None, FilterLookup("actor_id")] = Field(None, title="操作人 ID")

    def filter_object_pk(self, value):
        # The trail keeps every model's key as text.
        return Q(object_pk=str(value)) if value is not None else Q()

    def filter_content_type(self, value):
        if not value:
            return Q()
        from django.contrib.contenttypes.models import ContentType

        app_label, _, model = value.lower().partition(".")
        try:
            content_type = ContentType.objects.get_by_natural_key(app_label, model)
        except ContentType.DoesNotExist:
            raise InvalidInput(
                {"content_type": ["未知的记录类型，应为“应用.模型”，如 core.enterprise"]},
                {"content_type": "记录类型"},
            ) from None
        return Q(content_type=content_type)


# --- personal access tokens ----------------------------------------------------------


class TokenOut(Schema):
    id: int
    name: str = Field(title="用途")
    prefix: str = Field(
        title="前缀", description="令牌的前8个字符，用于辨认；完整令牌只在生成时显示一次"
    )
    created_at: datetime.datetime = Field(title="创建时间")
    last_used_at: datetime.datetime | None = Field(None, title="最近使用")
    expires_at: datetime.datetime | None = Field(
        None, title="过期时间", description="为空表示长期有效"
    )
    revoked_at: datetime.datetime | None = Field(None, title="吊销时间")
    active: bool = Field(title="有效")

    @staticmethod
    def resolve_prefix(token):
        return token.key_prefix

    @staticmethod
    def resolve_active(token):
        return token.is_active


class TokenCreatedOut(TokenOut):
    key: str = Field(
        title="令牌",
        description="请求时放在 Authorization: Bearer 之后。只显示这一次，请立即妥善保存",
    )


class TokenIn(InputSchema):
    name: str = Field(
        title="用途",
        description="如“统计局数据对接”，便于日后辨认和吊销",
        min_length=1,
        max_length=100,
        pattern=NON_BLANK,
    )
    days: int | None = Field(
        None, title="有效天数", description="1至3650天；不填则长期有效，直到吊销", ge=1, le=3650
    )
