"""Pages of the enterprise service station (爱企服务站), one module per area."""

from django.contrib import messages

from qinqing.core.services import InvalidInput
from qinqing.enterprise.filters import WORKING

__all__ = ["WORKING", "filtered"]


def filtered(request, filter_class):
    """The list's rows under the request's filters, and the HTTP status to answer.

    Bad filter values show their Chinese message over an empty list (400).
    """
    filters = filter_class(request.GET, actor=request.user)
    try:
        return filters, filters.rows(), 200
    except InvalidInput as error:
        messages.error(request, error.summary)
        return filters, filters.base(request.user).none(), 400
