"""Sign-in protection: the client's address, login throttling (django-axes) and its audit.

django-axes counts failed logins per account and address and refuses further
attempts for a cool-off period; here are the pieces it is configured with
(settings ``AXES_*``) and the receiver that writes each failure to our audit trail.
"""

import ipaddress

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

LOCKOUT_STATUS = 429


def client_ip(request) -> str | None:
    """The client's address, trusting ``X-Forwarded-For`` only as far as the settings say.

    Each proxy appends the address it received the request from, so behind
    ``QINQING_TRUSTED_PROXY_COUNT`` proxies the entry that many places from
    the right was written by our outermost proxy. Entries further left come
    from the client and could be anything.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.QINQING_TRUSTED_PROXY_COUNT
    if count > 0:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in header.split(",") if hop.strip()]
        if len(hops) >= count:
            return _address(hops[-count])
    return _address(remote)


def _address(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(value or ""))
    except ValueError:
        return None


def lockout_response(request, original_response=None, credentials=None):
    """The page shown while an account is locked (``AXES_LOCKOUT_CALLABLE``): when to retry."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    context = {
        "minutes": int(cool_off.total_seconds() // 60),
        "retry_at": timezone.localtime() + cool_off,
    }
    return render(request, "registration/locked_out.html", context, status=LOCKOUT_STATUS)


def record_login_failure(sender, credentials, request=None, **kwargs) -> None:
    """``user_login_failed`` receiver: each failure goes to the audit trail.

    Django hands over the credentials with the password already blanked; only
    the username is kept from them.
    """
    from qinqing.core import audit

    username = str(credentials.get("username", ""))[:150]
    audit.record_login_failure(username, client_ip(request) if request is not None else None)
