"""The public wish wall (no login) and claimant registration."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from qinqing.cases.errors import TransitionRefused
from qinqing.core import access
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.core.views.common import show_errors
from qinqing.veterans import services
from qinqing.veterans.forms import ClaimantForm
from qinqing.veterans.models import Claimant, Wish


def wish_wall(request):
    """圆梦老兵微心愿: published wishes, shown only as the veteran agreed — no login needed."""
    page = Paginator(services.wall_wishes(), 30).get_page(request.GET.get("page"))
    cards = [
        {
            "pk": wish.pk,
            "title": wish.title,
            "story": wish.story,
            "value": wish.value,
            "who": services.wall_label(wish),
            "published_at": wish.published_at,
        }
        for wish in page
    ]
    claimant = None
    if request.user.is_authenticated:
        claimant = Claimant.objects.filter(user=request.user).first()
    return render(
        request, "veterans/wall.html", {"cards": cards, "page": page, "claimant": claimant}
    )


def claimant_register(request):
    form = ClaimantForm(request.POST or None)
    if request.method == "POST":
        try:
            claimant = services.do_register_claimant(request.POST)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            login(request, claimant.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"已注册为认领方：{claimant.name}，可以认领心愿了")
            return redirect("veterans-wall")
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "veterans/register.html", {"form": form}, status=status)


@login_required
@require_POST
def wish_claim(request, pk):
    wish = access.access_object(request.user, Wish.objects.select_related("case"), pk)
    try:
        services.do_claim_wish(request.user, wish)
    except Forbidden:
        if not Claimant.objects.filter(user=request.user).exists():
            messages.error(request, "请先注册为认领方")
            return redirect("veterans-register")
        raise Http404 from None
    except TransitionRefused as refused:
        messages.error(request, refused.message)
        return redirect("veterans-wall")
    messages.success(request, f"已认领“{wish.title}”，请在期限内圆梦并上传照片或票据")
    return redirect("veterans-claims")
