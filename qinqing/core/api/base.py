"""The NinjaAPI instance, its authentication and its error answers.

Every error is JSON: {"detail": "…", "errors": {field: [messages]}} with a 4xx
status; a record that is missing or not visible is 404 alike, and so is a path
the API does not have. The OpenAPI schema lists every status an operation answers.
"""

from functools import wraps
from http import HTTPStatus
from typing import Any, get_args

from django.http import Http404, HttpResponseNotAllowed
from django.urls import URLPattern, re_path
from django.utils import timezone
from ninja import NinjaAPI, Schema, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.params.models import BodyModel
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from qinqing.core.api import wire
from qinqing.core.api.schemas import ErrorOut
from qinqing.core.models import ApiToken
from qinqing.core.services import Forbidden, InvalidInput


class TokenAuth(HttpBearer):
    """Personal access tokens: ``Authorization: Bearer qq_…``.

    A token that is presented but unknown, revoked or expired is refused with
    401 outright, rather than falling back to a browser session.
    """

    def authenticate(self, request, token):
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token))
            .first()
        )
        if api_token is None or not api_token.is_active or not api_token.user.is_active:
            raise AuthenticationError()
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


class SessionAuth(NinjaSessionAuth):
    """The browser's login session, with Django's CSRF check for unsafe methods.

    The check runs only when there is a session to protect, so a machine client
    without a session gets 401 (not a CSRF 403).
    """

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "CSRF 校验失败：浏览器会话调用需带 X-CSRFToken 请求头")
        return request.COOKIES.get(self.param_name)


def require_perm(user, perm: str) -> None:
    """A role without the permission gets 403 on a list, rather than an empty page."""
    if not user.has_perm(perm):
        raise Forbidden(perm)


# What each error status means, as the schema tells integrators.
ERROR_DESCRIPTIONS = {
    400: "请求体不是有效的 JSON",
    401: "未登录，或访问令牌无效、已吊销、已过期",
    403: "当前角色无权执行此操作",
    404: "记录不存在或无权查看",
    405: "该接口不支持此请求方法",
    409: "与记录的当前状态冲突（如已被认领、名额已满、当前状态不能办理此步骤）",
    422: "输入有误：detail 逐条说明，errors 按字段列出",
}


class _ErrorResponse(Schema):
    response: ErrorOut


class _OpenAPISchema(OpenAPISchema):
    """Ninja's schema, plus the answers every operation can give whatever its router declared.

    Ninja itself answers 422 when a parameter or body does not validate, 400 when a
    JSON body does not parse, and 401 when authentication fails; an endpoint's own
    ``errors(...)`` adds what its service can refuse (403, 404, 409, 422).
    """

    def responses(self, operation) -> dict:
        result = super().responses(operation)
        framework = set()
        if operation.auth_callbacks:
            framework.add(401)
        if operation.models:
            framework.add(422)
        if any(issubclass(model, BodyModel) for model in operation.models):
            framework.add(400)
        error_schema = None
        for status in sorted(framework | {code for code in result if 400 <= code < 500}):
            if status not in result:
                if error_schema is None:
                    error_schema = self._create_schema_from_model(
                        _ErrorResponse, mode="serialization"
                    )[0]
                content = {self.api.renderer.media_type: {"schema": error_schema}}
                result[status] = {"content": content}
            result[status]["description"] = ERROR_DESCRIPTIONS.get(
                status, HTTPStatus(status).phrase
            )
        return dict(sorted(result.items()))


class QinqingAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return _OpenAPISchema(self, path_prefix)

    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _guarded(self, pattern.callback)
        # Any other path under the API is a JSON 404, not the site's HTML page.
        urls.append(re_path(r"^", _guarded(self, _unknown_path), name="unknown-path"))
        return urls

    def validation_error_from_error_contexts(self, error_contexts):
        """Ninja's validation error, with each field's Chinese title as its ``label``."""
        error = super().validation_error_from_error_contexts(error_contexts)
        labels = [
            _field_title(context.model, item["loc"])
            for context in error_contexts
            for item in context.pydantic_validation_error.errors(include_url=False)
        ]
        for item, label in zip(error.errors, labels, strict=True):
            item["label"] = label
        return error


def _unknown_path(request, *args, **kwargs):
    raise Http404


def _guarded(api, view):
    """``view`` with JSON answers where Ninja's own are not: a NUL in a path
    parameter (before it reaches a query) and a method the path does not serve."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        nul = {name: [wire.NUL_MESSAGE] for name, value in kwargs.items() if wire.NUL in str(value)}
        if nul:
            detail = "；".join(f"{name}：{wire.NUL_MESSAGE}" for name in nul)
            return _json_error(api, request, 422, detail, nul)
        if view is _unknown_path:
            return _json_error(api, request, 404, "未找到该接口")
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = _json_error(
                api, request, 405, f"该接口不支持 {request.method} 方法，可用：{allowed}"
            )
            response["Allow"] = allowed
        return response

    return guarded


def _field_title(model, loc) -> str | None:
    """The ``title`` of the schema field at ``loc``, following nested schemas."""
    title, current = None, model
    for part in loc:
        if isinstance(part, int):  # an item of a list field: named by the field
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return None
        info = fields[part]
        title, current = info.title, info.annotation
        for candidate in get_args(current):  # Optional[Schema] → Schema
            if hasattr(candidate, "model_fields"):
                current = candidate
    return title


def _location(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload")]
    return ".".join(parts) or "__all__"


def _json_error(api, request, status: int, detail: str, errors: dict | None = None):
    return api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)


def build_api() -> NinjaAPI:
    api = QinqingAPI(
        title="亲清 API",
        version="1",
        description=(
            "县域公共服务平台接口。\n\n"
            "认证：浏览器会话（修改类请求需带 X-CSRFToken 请求头），"
            "或个人访问令牌 `Authorization: Bearer qq_…`"
            "（由 `manage.py issue_api_token` 或 POST /tokens 生成）。\n\n"
            "错误一律以 JSON 返回：`detail` 为中文说明，`errors` 按字段列出问题。"
            "无权查看的记录与不存在的记录同样返回 404。"
            "身份证号、手机号在所有响应中均已脱敏。"
        ),
        auth=[TokenAuth(), SessionAuth()],
        renderer=wire.JSONRenderer(),
        parser=wire.Parser(),
        urls_namespace="api",
        # Served from django-ninja's bundled static files ("ninja" in
        # INSTALLED_APPS): the platform runs on intranets without a CDN.
        # No validator badge: it would call validator.swagger.io.
        docs=Swagger(settings={"validatorUrl": None}),
    )

    @api.exception_handler(InvalidInput)
    def invalid_input(request, exc: InvalidInput):
        return _json_error(api, request, 422, _summary(exc), exc.errors)

    @api.exception_handler(NinjaValidationError)
    def invalid_request(request, exc: NinjaValidationError):
        errors: dict[str, list[str]] = {}
        lines: list[str] = []
        for error in exc.errors:
            field = _location(error.get("loc", ()))
            message = _chinese(error, field)
            errors.setdefault(field, []).append(message)
            label = error.get("label") or field
            lines.append(message if field == "__all__" else f"{label}：{message}")
        return _json_error(api, request, 422, "；".join(lines), errors)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return _json_error(api, request, 404, "未找到该记录")

    @api.exception_handler(Forbidden)
    def forbidden(request, exc):
        return _json_error(api, request, 403, "无权执行此操作")

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = _json_error(api, request, 401, "请先登录或提供有效的访问令牌")
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if isinstance(exc.__cause__, NinjaValidationError):
            # The body parsed as JSON but holds what we refuse (NUL characters).
            return invalid_request(request, exc.__cause__)
        if exc.status_code == 400 and exc.__cause__ is not None:
            # Ninja could not parse the request body (bad JSON, bad encoding).
            message = "请求体不是有效的 JSON"
            return _json_error(api, request, 400, message, {"__all__": [message]})
        return _json_error(api, request, exc.status_code, str(exc))

    from qinqing.core.api import routes

    routes.register(api)
    return api


def _summary(exc: InvalidInput) -> str:
    """One line per problem, naming the field, without saying the field twice."""
    parts = []
    for field, messages in exc.errors.items():
        label = exc.labels.get(field, "")
        for message in messages:
            parts.append(f"{label}：{message}" if label and label not in message else message)
    return "；".join(parts)


_PYDANTIC_MESSAGES = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "bool_parsing": "应为是或否（true/false）",
    "bool_type": "应为是或否（true/false）",
    "string_type": "应为文本",
    "string_unicode": "含有无效的 Unicode 字符",
    "list_type": "应为列表",
    "datetime_parsing": "时间格式应为 2026-01-31T09:30:00+08:00",
    "datetime_from_date_parsing": "时间格式应为 2026-01-31T09:30:00+08:00",
    "datetime_type": "时间格式应为 2026-01-31T09:30:00+08:00",
    "date_parsing": "日期格式应为 2026-01-31",
    "date_from_datetime_parsing": "日期格式应为 2026-01-31",
    "date_from_datetime_inexact": "日期格式应为 2026-01-31",
    "date_type": "日期格式应为 2026-01-31",
    "json_invalid": "请求体不是有效的 JSON",
    "model_attributes_type": "请求体应为 JSON 对象",
    "model_type": "请求体应为 JSON 对象",
    "dict_type": "请求体应为 JSON 对象",
    "extra_forbidden": "不支持的字段",
}


def _chinese(error: dict[str, Any], field: str) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == wire.NUL_ERROR:
        return wire.NUL_MESSAGE
    if kind == wire.REPEATED_ERROR:
        return "只能给出一个值"
    if kind == "missing" and field == "__all__":
        return "缺少请求体（应为 JSON 对象）"
    if kind == "string_too_short":
        return (
            "不能为空" if context.get("min_length") == 1 else f"至少{context['min_length']}个字符"
        )
    if kind == "too_short":
        return "至少选择一项" if context.get("min_length") == 1 else "项数过少"
    if kind == "string_pattern_mismatch":
        return "不能为空" if context.get("pattern") == r"\S" else "格式不正确"
    if kind == "string_too_long":
        return f"最多{context['max_length']}个字符"
    if kind == "greater_than_equal":
        return f"不能小于{context['ge']}"
    if kind == "less_than_equal":
        return f"不能大于{context['le']}"
    if kind in ("literal_error", "enum"):
        # ctx["expected"] reads "'county', 'town' or 'province'"
        choices = str(context.get("expected", "")).replace("'", "")
        return "取值无效，可选：" + choices.replace(" or ", "、").replace(", ", "、")
    return _PYDANTIC_MESSAGES.get(kind, "格式不正确")
