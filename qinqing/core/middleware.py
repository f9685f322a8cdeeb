"""Our middleware: request id, bad parameters, the audit context, temporary passwords."""

import contextvars
import re
import uuid
from urllib.parse import urlencode

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "qinqing_request_id", default=None
)
_VALID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str | None:
    return _request_id.get()


class RequestIdMiddleware:
    """Takes X-Request-ID from the proxy when it is sane, else makes one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


class BadParameter(BadRequest):
    """A query or form parameter a page cannot use; answered 400 with this (Chinese) message."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


def _nul_parameter(params) -> str | None:
    """The name of the first parameter whose name or value holds a NUL byte, if any."""
    for name, values in params.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", "\\x00")
    return None


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


API_PREFIX = "/api/"


class BadParameterMiddleware:
    """Answers 400 with a Chinese message for parameters no page can use.

    NUL bytes are refused here for every query and form value of every page:
    PostgreSQL refuses them in text, so a query with one would be a 500. The API
    refuses them itself, as the 422 its schema documents (``core.api.wire.Parser``).
    Parameters a page reads as ids go through ``views.common.id_param``, whose
    ``BadParameter`` is answered here as well.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            return self.get_response(request)
        name = _nul_parameter(request.GET)
        if name is None and request.method == "POST" and request.content_type in _FORM_TYPES:
            name = _nul_parameter(request.POST)
        if name is not None:
            return bad_parameter_response(
                request, BadParameter(name, f"参数“{name}”含有不允许的空字符（NUL），请删除后重试")
            )
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, BadParameter):
            return bad_parameter_response(request, exception)
        return None


def bad_parameter_response(request, error: BadParameter):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": error.message, "errors": {error.name: [error.message]}}, status=400
        )
    return render(request, "400.html", {"message": error.message}, status=400)


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware, with the client address as our throttling sees it.

    Its own reads the left-most ``X-Forwarded-For`` entry: whatever the client
    wrote there, and on PostgreSQL a value that is no address fails the write.
    """

    @staticmethod
    def _get_remote_addr(request):
        from qinqing.core.security import client_ip

        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None  # a port the client claims tells nothing


# Pages an account with a temporary password may still open: the change page
# itself, signing out, and the assets those pages need.
_OPEN_WITH_TEMPORARY_PASSWORD = ("password_change", "logout", "login")


class MustChangePasswordMiddleware:
    """Until an account with a temporary password has chosen its own, it can do nothing else.

    Pages redirect to the password change page; the API answers 403 in JSON,
    for a browser session and for a personal access token alike.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = self._account(request)
        if user is not None and user.must_change_password and not self._is_open(request):
            if request.path.startswith("/api/"):
                detail = "该账号使用的是管理员设置的临时密码，请先登录网页修改密码后再调用接口"
                return JsonResponse({"detail": detail, "errors": {}}, status=403)
            target = reverse("password_change")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _account(request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        authorization = request.headers.get("Authorization", "")
        scheme, _, key = authorization.partition(" ")
        if request.path.startswith("/api/") and scheme.lower() == "bearer" and key.strip():
            # The API authenticates tokens after the middleware has run; find the
            # account here so a token cannot go round the temporary password.
            from qinqing.core.models import ApiToken

            token = (
                ApiToken.objects.select_related("user")
                .filter(key_hash=ApiToken.hash_key(key.strip()))
                .first()
            )
            return token.user if token is not None and token.is_active else None
        return None

    @staticmethod
    def _is_open(request) -> bool:
        if request.path.startswith(settings.STATIC_URL):
            return True
        return request.path in {reverse(name) for name in _OPEN_WITH_TEMPORARY_PASSWORD}
