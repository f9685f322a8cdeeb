"""The signed-in user's own account: changing the password.

An account whose password an admin set (``must_change_password``) is sent here
by ``MustChangePasswordMiddleware`` until it has chosen its own.
"""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from qinqing.core import services
from qinqing.core.forms import OwnPasswordChangeForm
from qinqing.core.views.common import render_form, show_errors


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@sensitive_post_parameters()
@never_cache
@login_required
def password_change(request):
    user = request.user
    if request.method == "POST":
        try:
            services.do_change_own_password(user, request.POST)
        except services.InvalidInput as error:
            form = show_errors(OwnPasswordChangeForm(user, data=request.POST), error)
        else:
            update_session_auth_hash(request, user)  # stay signed in with the new password
            messages.success(request, "密码已修改")
            return redirect(_next_url(request) or "home")
    else:
        form = OwnPasswordChangeForm(user)
    form.label_suffix = ""
    context = {"form": form, "forced": user.must_change_password, "next": _next_url(request)}
    return render_form(request, "core/accounts/password_change.html", context)


urlpatterns = [
    path("accounts/password_change/", password_change, name="password_change"),
]
