"""Request id (ties log lines and audit entries of one request together); bad parameters."""

import contextvars
import re
import uuid

from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.shortcuts import render

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


class BadParameterMiddleware:
    """Answers 400 with a Chinese message for parameters no page can use.

    NUL bytes are refused here for every query and form value of every page and
    API call: PostgreSQL refuses them in text, so a query with one would be a 500.
    Parameters a page reads as ids go through ``views.common.id_param``, whose
    ``BadParameter`` is answered here as well.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
