"""The NinjaAPI instance, its authentication and its error answers.

Every error is JSON: {"detail": "…", "errors": {field: [messages]}} with a 4xx
status; a record that is missing or not visible is 404 alike.
"""

from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from qinqing.core.models import ApiToken
from qinqing.core.services import Forbidden, InvalidInput


class TokenAuth(HttpBearer):
    """Personal access tokens: ``Authorization: Bearer qq_…``."""

    def authenticate(self, request, token):
        try:
            api_token = ApiToken.objects.select_related("user").get(
                key_hash=ApiToken.hash_key(token)
            )
        except ApiToken.DoesNotExist:
            return None
        if not api_token.is_active or not api_token.user.is_active:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user


def _location(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload")]
    return ".".join(parts) or "__all__"


def build_api() -> NinjaAPI:
    api = NinjaAPI(
        title="亲清 API",
        version="1",
        description="县域公共服务平台接口。认证：浏览器会话（需 CSRF）或个人访问令牌（Bearer）。",
        auth=[TokenAuth(), django_auth],
        urls_namespace="api",
    )

    @api.exception_handler(InvalidInput)
    def invalid_input(request, exc: InvalidInput):
        return api.create_response(
            request, {"detail": exc.summary, "errors": exc.errors}, status=422
        )

    @api.exception_handler(NinjaValidationError)
    def invalid_request(request, exc: NinjaValidationError):
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            field = _location(error.get("loc", ()))
            errors.setdefault(field, []).append(_chinese(error))
        detail = "；".join(f"{field}：{'，'.join(msgs)}" for field, msgs in errors.items())
        return api.create_response(request, {"detail": detail, "errors": errors}, status=422)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": "未找到该记录"}, status=404)

    @api.exception_handler(Forbidden)
    def forbidden(request, exc):
        return api.create_response(request, {"detail": "无权执行此操作"}, status=403)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(request, {"detail": "请先登录或提供有效的访问令牌"}, status=401)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    from qinqing.core.api import routes

    routes.register(api)
    return api


_PYDANTIC_MESSAGES = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为是或否（true/false）",
    "string_type": "应为文本",
    "datetime_parsing": "时间格式应为 2026-01-31T09:30:00",
    "datetime_from_date_parsing": "时间格式应为 2026-01-31T09:30:00",
    "date_parsing": "日期格式应为 2026-01-31",
    "date_from_datetime_parsing": "日期格式应为 2026-01-31",
    "json_invalid": "请求体不是有效的 JSON",
    "model_attributes_type": "请求体应为 JSON 对象",
    "dict_type": "请求体应为 JSON 对象",
    "string_too_long": "内容过长",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "extra_forbidden": "不支持的字段",
}


def _chinese(error: dict) -> str:
    return _PYDANTIC_MESSAGES.get(error.get("type", ""), "格式不正确")
