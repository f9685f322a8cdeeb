"""Group service sessions (组团服务)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinqing.core import access
from qinqing.core.models import Enterprise
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.core.views.common import show_errors
from qinqing.enterprise import services
from qinqing.enterprise.filters import SessionFilter
from qinqing.enterprise.forms import (
    ServiceSessionForm,
)
from qinqing.enterprise.models import (
    ServiceSession,
    SessionSignup,
)
from qinqing.enterprise.views import filtered


@login_required
@permission_required("enterprise.view_servicesession", raise_exception=True)
def session_list(request):
    _filters, sessions, status = filtered(request, SessionFilter)
    signed = set()
    if request.user.enterprise_id:
        signed = set(
            SessionSignup.objects.filter(enterprise_id=request.user.enterprise_id).values_list(
                "session_id", flat=True
            )
        )
    form = None
    if request.user.has_perm("enterprise.add_servicesession"):
        form = ServiceSessionForm(request.POST or None, actor=request.user)
        if request.method == "POST":
            try:
                session = services.do_publish_session(request.user, request.POST)
            except InvalidInput as error:
                show_errors(form, error)
            else:
                messages.success(request, f"已发布组团服务“{session.title}”")
                return redirect("station-sessions")
    return render(
        request,
        "enterprise/sessions.html",
        {
            "sessions": sessions[:100],
            "signed": signed,
            "form": form,
            "now": timezone.now(),
        },
        status=422 if form is not None and form.is_bound and form.errors else status,
    )


@login_required
@require_POST
def session_sign_up(request, pk):
    session = access.access_object(request.user, ServiceSession, pk)
    enterprise_id = request.user.enterprise_id or request.POST.get("enterprise")
    enterprise = access.access_object(request.user, Enterprise, enterprise_id)
    try:
        services.do_sign_up(request.user, session, enterprise)
    except (services.SessionFull, services.AlreadySignedUp) as exc:
        messages.error(request, exc.message)
    except Forbidden:
        raise Http404 from None
    else:
        messages.success(request, f"{enterprise} 已报名“{session.title}”")
    return redirect("station-sessions")
