"""优待金: the year's three rates (each linking to its persons), payments and mismatches."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from qinqing.core.services import InvalidInput
from qinqing.core.views.common import call_service, export, filtered, page_of, query_string
from qinqing.veterans import services
from qinqing.veterans.filters import PaymentFilter
from qinqing.veterans.forms import YearForm
from qinqing.veterans.models import AllowanceStandard, Payment

RATES = (
    ("coverage", "发放面", "已发放的应发对象人数 ÷ 应发对象人数"),
    ("amount_rate", "优待额", "实发金额（不超过应发部分）÷ 按标准应发金额"),
    ("on_time_rate", "兑现率", "在应发放日期前发放的人数 ÷ 应发放人数"),
)
LISTS = {
    "not_eligible": "发放给非应发对象",
    "wrong_amount": "发放金额与标准不符",
    "missing": "应发未发",
}


@login_required
@permission_required("veterans.view_payment", raise_exception=True)
def payments(request):
    filters, paid, status = filtered(request, PaymentFilter)
    year = filters.chosen_year
    eligible = filters.eligible()
    show = request.GET.get("show", "")
    rate, part = request.GET.get("rate", ""), request.GET.get("part", "num")
    if status != 200:
        eligible = eligible.none()
    figures = services.payment_rates(eligible, paid)
    problems = services.mismatches(eligible, paid)
    title, rows, kind = f"{year}年优待金发放", paid, "payments"
    if rate in dict((r[0], r) for r in RATES) and part in {"num", "den"}:
        label = dict((r[0], r[1]) for r in RATES)[rate]
        title = f"{year}年{label}：{'计入分子' if part == 'num' else '应发对象（分母）'}的人员"
        rows, kind = services.rate_people(eligible, paid, rate, part), "eligible"
    elif show in LISTS:
        title, rows = f"{year}年{LISTS[show]}", problems[show]
        kind = "eligible" if show == "missing" else "payments"
    if request.GET.get("export") == "xlsx" and status == 200:
        if kind == "eligible":
            columns = [
                ("姓名", lambda e: e.person.name),
                ("身份证号", lambda e: e.person.masked_id_number),
                ("服务站", lambda e: e.station.name),
                ("优抚类别", lambda e: e.get_category_display()),
                ("应发金额（元）", lambda e: float(e.amount_due)),
                ("应发放日期", lambda e: e.due_on),
            ]
        else:
            columns = [
                ("姓名", lambda p: p.person.name),
                ("身份证号", lambda p: p.person.masked_id_number),
                ("服务站", lambda p: p.station.name if p.station_id else ""),
                ("发放金额（元）", lambda p: float(p.amount)),
                ("发放日期", lambda p: p.paid_on),
                ("银行流水号", lambda p: p.bank_reference),
            ]
        return export(title, columns, rows.select_related("person", "station"))
    counts = {key: problems[key].count() for key in LISTS}
    return render(
        request,
        "veterans/payments.html",
        {
            "year": year,
            "figures": figures,
            "rates": [
                (code, label, definition, figures[code]) for code, label, definition in RATES
            ],
            "lists": [(key, label, counts[key]) for key, label in LISTS.items()],
            "title": title,
            "kind": kind,
            "page": page_of(request, rows.select_related("person", "station")),
            "filters": query_string(request),
            "base_filters": query_string(request, show="", rate="", part=""),
            "standards": AllowanceStandard.objects.filter(year=year),
            "years": sorted(
                {year}
                | set(Payment.objects.values_list("year", flat=True))
                | set(AllowanceStandard.objects.values_list("year", flat=True)),
                reverse=True,
            ),
            "may_derive": request.user.has_perm("veterans.add_eligibility"),
        },
        status=status,
    )


@login_required
@require_POST
@permission_required("veterans.add_eligibility", raise_exception=True)
def derive_eligibility(request):
    form = YearForm(request.POST)
    if not form.is_valid():
        messages.error(request, InvalidInput.from_form(form).summary)
        return redirect("veterans-payments")
    year = form.cleaned_data["year"]
    try:
        created = call_service(services.do_derive_eligibility, request.user, year)
    except InvalidInput as error:
        messages.error(request, error.summary)
    else:
        messages.success(request, f"已按人员档案生成{year}年优待金名单：{created}人")
    return redirect(f"{reverse('veterans-payments')}?year={year}")
