"""Helpers shared by the list, detail and form pages: parameters, paging, exports, form errors."""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.forms import BaseForm
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qinqing.core import services
from qinqing.core.exporting import xlsx_response
from qinqing.core.middleware import BadParameter

PAGE_SIZE = 50
# A bigint has at most 19 digits; 18 keeps every accepted id within its range.
_ID_DIGITS = 18


def id_param(params, name: str, label: str) -> int | None:
    """The record id in ``params[name]`` (a query or form), None when absent.

    Anything but digits is refused with a 400 naming the parameter
    (``BadParameter``, answered by ``BadParameterMiddleware``), rather than
    reaching the database as a filter it cannot run.
    """
    raw = params.get(name, "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > _ID_DIGITS:
        raise BadParameter(name, f"参数“{name}”（{label}）应为数字编号")
    return int(raw)


def page_of(request: HttpRequest, queryset) -> Page:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def query_string(request: HttpRequest, **changes) -> str:
    """The current filters as a query string, without the page and export (for links)."""
    query = request.GET.copy()
    for name in ("page", "export", "numbers"):
        query.pop(name, None)
    for name, value in changes.items():
        query[name] = value
    return query.urlencode()


def wants_export(request: HttpRequest) -> bool:
    return request.GET.get("export") == "xlsx"


Column = tuple[str, Callable[[Any], Any]]


def export(filename: str, columns: list[Column], rows: Iterable) -> HttpResponse:
    """An .xlsx of ``rows``; ``columns`` pairs a header with how to get the cell from a row."""
    headers = [header for header, _value in columns]
    return xlsx_response(filename, headers, ([value(row) for _h, value in columns] for row in rows))


def show_errors(form: BaseForm, error: services.InvalidInput) -> BaseForm:
    """Put a service's validation errors on the (bound) form the page shows again.

    The service has already validated the same data; the page only displays what
    it found, next to each field, instead of validating a second time.
    """
    errors = ErrorDict()
    for name, problems in error.errors.items():
        key = name if name in form.fields else "__all__"
        errors.setdefault(
            key, form.error_class(error_class="nonfield" if key == "__all__" else None)
        )
        errors[key].extend(problems)
    form._errors = errors
    form.cleaned_data = {}
    return form


def render_form(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """A form page; 422 when it comes back with errors, so clients can tell."""
    form = context["form"]
    status = 422 if form.is_bound and form.errors else 200
    return render(request, template, context, status=status)


def call_service(function, *args, **kwargs):
    """Run a service; a role that may not do this at all gets the 403 page."""
    try:
        return function(*args, **kwargs)
    except services.Forbidden:
        raise PermissionDenied from None


def filtered(request, filter_class):
    """The list's rows under the request's filters, and the HTTP status to answer.

    Bad filter values show their Chinese message over an empty list (400).
    """
    filters = filter_class(request.GET, actor=request.user)
    try:
        return filters, filters.rows(), 200
    except services.InvalidInput as error:
        messages.error(request, error.summary)
        return filters, filters.base(request.user).none(), 400
