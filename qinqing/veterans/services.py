"""Veterans' services: write, audit and notify in one transaction; figures from the records."""

import datetime
from decimal import Decimal

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection, transaction
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    DurationField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from qinqing.cases.services import do_claim, do_open_case
from qinqing.core import access, audit, crypto
from qinqing.core import services as core_services
from qinqing.core.models import Role, User
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.veterans.case_types import CASE_TYPE
from qinqing.veterans.forms import ClaimantForm, VisitForm, WishForm
from qinqing.veterans.models import (
    AllowanceStandard,
    Claimant,
    Eligibility,
    ServiceRecord,
    Settings,
    Station,
    StationLevel,
    VisitReach,
    Wish,
)

MONEY = DecimalField(max_digits=14, decimal_places=2)


def _require(actor: User, perm: str) -> None:
    if not actor.has_perm(perm):
        raise Forbidden(perm)


# --- visits and wishes -----------------------------------------------------------------


def do_record_visit(actor: User, data) -> VisitReach:
    """走访慰问: a core visit of the person, the people it reached, and a wish if one was told."""
    _require(actor, "veterans.add_visitreach")
    form = VisitForm(data)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    values = form.cleaned_data
    record = _visible_record(actor, values["record"])
    # Each write names its actor itself: the audit actor context does not nest.
    with transaction.atomic():
        visit = core_services.do_record_visit(
            actor,
            {
                "visited_at": values["visited_at"],
                "person": record.person_id,
                "notes": values["notes"],
            },
        )
        with audit.acting_as(actor):
            reach = VisitReach.objects.create(
                visit=visit,
                station=record.station,
                people_reached=values["people_reached"],
                visited_on=timezone.localtime(visit.visited_at).date(),
            )
        if values.get("wish_title"):
            open_wish(
                actor,
                record,
                values["wish_title"],
                values["wish_value"],
                values.get("wish_story", ""),
                visit=visit,
            )
    return reach


def do_record_wish(actor: User, data) -> Wish:
    """A wish recorded by station staff outside a visit."""
    _require(actor, "veterans.add_wish")
    form = WishForm(data)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    values = form.cleaned_data
    record = _visible_record(actor, values["record"])
    with transaction.atomic():
        return open_wish(actor, record, values["title"], values["value"], values["story"])


def _visible_record(actor: User, pk) -> ServiceRecord:
    record = (
        access.visible(ServiceRecord, actor)
        .select_related("person", "station__region")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise InvalidInput({"record": ["所选对象不存在或无权访问"]}, {"record": "走访对象"})
    return record


def open_wish(actor, record, title, value, story, visit=None, now=None) -> Wish:
    """The wish and its case (征集), for a record the caller has checked; inside a transaction."""
    _require(actor, "veterans.add_wish")
    case = do_open_case(
        actor,
        case_type=CASE_TYPE,
        title=f"微心愿：{title}",
        region=record.station.region,
        description=story,
        visit=visit,
        routed=True,
        now=now,
    )
    with audit.acting_as(actor):
        return Wish.objects.create(
            case=case,
            record=record,
            station=record.station,
            title=title,
            value=value,
            story=story,
            visit=visit,
        )


def do_register_claimant(data) -> Claimant:
    """认领方注册: a new account that claims as an enterprise, a social group or a person."""
    form = ClaimantForm(data)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    values = form.cleaned_data
    errors = {}
    if User.objects.filter(username__iexact=values["username"]).exists():
        errors["username"] = ["该登录名已被使用"]
    if Claimant.objects.filter(phone_hash=crypto.lookup_hash(values["phone"])).exists():
        errors["phone"] = ["该手机号已注册"]
    try:
        validate_password(values["password"])
    except ValidationError as error:
        errors["password"] = list(error.messages)
    if errors:
        raise InvalidInput(errors, {n: str(f.label) for n, f in form.fields.items()})
    with transaction.atomic():
        user = User(
            username=values["username"],
            full_name=values["name"],
            role=Role.RESIDENT,
            phone=values["phone"],
        )
        user.set_password(values["password"])
        with audit.acting_as(user):
            user.save()
            claimant = Claimant.objects.create(
                user=user, kind=values["kind"], name=values["name"], phone=values["phone"]
            )
    return claimant


def do_claim_wish(actor: User, wish: Wish) -> Wish:
    """认领 through the engine: exactly one claimant wins, within the open-claims limit."""
    do_claim(actor, wish.case)
    wish.case.refresh_from_db()
    return wish


# --- the public wall -----------------------------------------------------------------


def wall_wishes():
    """Published wishes whose veteran agreed to be shown (nothing else reaches the wall)."""
    return (
        Wish.objects.filter(case__state__code="published", record__wall_consent=True)
        .select_related("record__person", "station__region", "station__parent")
        .order_by("-published_at", "-pk")
    )


def town_of(station: Station) -> str:
    """The town (乡镇、街道) a station serves: its region's name, or its town station's."""
    if station.region.level == "town":
        return station.region.name
    town = station.parent if station.level == StationLevel.VILLAGE and station.parent else station
    return town.name.removesuffix("退役军人服务站")


def wall_label(wish: Wish) -> str:
    """ "蔡老, 73岁, 百步镇": only what the veteran agreed to show — never a name or ID."""
    record = wish.record
    parts = [record.wall_alias or "老兵"]
    if record.wall_show_age:
        parts.append(f"{record.person.age}岁")
    if record.wall_show_town:
        parts.append(town_of(wish.station))
    return "，".join(parts)


# --- figures ---------------------------------------------------------------------------


def visit_figures(reaches) -> dict:
    totals = reaches.aggregate(visits=Count("pk"), people=Coalesce(Sum("people_reached"), 0))
    return totals


def visits_by_station_month(reaches):
    """Visits and people reached per station and month (one grouped query)."""
    return (
        reaches.annotate(month=TruncMonth("visited_on"))
        .values("station_id", "station__name", "month")
        .annotate(visits=Count("pk"), people=Sum("people_reached"))
        .order_by("station__name", "month")
    )


def not_visited(records, today: datetime.date | None = None, days: int | None = None):
    """Service records with no visit within the configured period (never visited first)."""
    today = today or timezone.localdate()
    days = days or Settings.current().visit_period_days
    cutoff = today - datetime.timedelta(days=days)
    return (
        with_last_visit(records)
        .filter(Q(last_visit__isnull=True) | Q(last_visit__lt=cutoff))
        .order_by(F("last_visit").asc(nulls_first=True), "pk")
    )


def with_last_visit(records):
    """Each service record with the date of its person's latest 走访慰问 (one grouped join)."""
    return records.annotate(last_visit=Max("person__visits__veteran_reach__visited_on"))


def wish_figures(wishes) -> dict:
    """Collected, published, claimed, fulfilled, confirmed; average days publication→fulfilment."""
    states = Q(case__state__code__in=("fulfilled", "confirmed", "thanked"))
    figures = wishes.aggregate(
        collected=Count("pk"),
        published=Count("pk", filter=Q(published_at__isnull=False)),
        claimed=Count("pk", filter=Q(case__claimed_at__isnull=False) | states),
        fulfilled=Count("pk", filter=states),
        confirmed=Count("pk", filter=Q(case__state__code__in=("confirmed", "thanked"))),
        declined=Count("pk", filter=Q(case__state__code="declined")),
    )
    average = wishes.filter(
        states, published_at__isnull=False, fulfilled_at__isnull=False
    ).aggregate(average=Avg(F("fulfilled_at") - F("published_at"), output_field=DurationField()))[
        "average"
    ]
    figures["average_days"] = round(average.total_seconds() / 86400, 1) if average else None
    return figures


def claimants_by_kind(claimants) -> dict:
    return dict(claimants.values_list("kind").annotate(n=Count("pk")).order_by())


# --- 优待金 ------------------------------------------------------------------------------


def do_derive_eligibility(actor: User, year: int) -> int:
    """The year's eligible list from the people records and the year's standards (set-based).

    Replaces the year's list in one INSERT … SELECT: every service record whose
    category has a standard that year is eligible for that standard's amount.
    """
    _require(actor, "veterans.add_eligibility")
    if not AllowanceStandard.objects.filter(year=year).exists():
        raise InvalidInput({"year": [f"{year}年尚未设置优待金标准"]}, {"year": "年度"})
    eligibility, record, standard = (
        Eligibility._meta.db_table,
        ServiceRecord._meta.db_table,
        AllowanceStandard._meta.db_table,
    )
    with transaction.atomic(), audit.acting_as(actor):
        Eligibility.objects.filter(year=year).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {eligibility}
                    (year, person_id, station_id, category, amount_due, due_on)
                    SELECT s.year, r.person_id, r.station_id, r.category, s.amount, s.due_on
                    FROM {record} r JOIN {standard} s ON s.category = r.category
                    WHERE s.year = %s""",
                [year],
            )
            created = cursor.rowcount
        audit.record_event(actor, actor, "derive_eligibility", year=year, rows=created)
    return created


def payment_rates(eligible, payments) -> dict:
    """发放面, 优待额 and 兑现率 for one year's eligible list and payments (set-based).

    发放面: eligible persons paid ÷ eligible persons. 优待额: amount paid to eligible
    persons (up to what is due) ÷ standard amount due. 兑现率: eligible persons paid
    by the due date ÷ eligible persons (payments due).

    One payment per person and year (a constraint), so the list joins its payments
    on (person, year) in one hash join; correlated lookups per listed person grew
    with the list. Both sides stay the caller's (access-restricted) querysets.
    """
    listed = _sql(eligible, "person_id", "year", "amount_due", "due_on")
    paid = _sql(payments, "person_id", "year", "amount", "paid_on") or (NO_PAYMENTS, ())
    if listed is None:  # nobody listed: every sum is nought
        eligible_count, paid_count, on_time, due, paid_amount = 0, 0, 0, 0, 0
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT COUNT(*),
                       COUNT(p.person_id),
                       COUNT(CASE WHEN p.paid_on <= e.due_on THEN 1 END),
                       COALESCE(SUM(e.amount_due), 0),
                       COALESCE(SUM(CASE WHEN p.amount IS NULL THEN 0
                                         WHEN p.amount < e.amount_due THEN p.amount
                                         ELSE e.amount_due END), 0)
                FROM ({listed[0]}) e
                LEFT JOIN ({paid[0]}) p ON p.person_id = e.person_id AND p.year = e.year
                """,
                (*listed[1], *paid[1]),
            )
            eligible_count, paid_count, on_time, due, paid_amount = cursor.fetchone()
    figures = {
        "eligible": eligible_count,
        "paid": paid_count,
        "on_time": on_time,
        # SQLite adds decimals as floats: back to yuan and fen.
        "due": _yuan(due),
        "paid_amount": _yuan(paid_amount),
    }

    def rate(numerator, denominator):
        return round(float(numerator) * 100 / float(denominator), 1) if denominator else None

    figures["coverage"] = rate(figures["paid"], figures["eligible"])
    figures["amount_rate"] = rate(figures["paid_amount"], figures["due"])
    figures["on_time_rate"] = rate(figures["on_time"], figures["eligible"])
    return figures


# What a queryset that can match nothing stands for in the join (Django has no SQL for it).
NO_PAYMENTS = (
    "SELECT CAST(NULL AS INTEGER) AS person_id, CAST(NULL AS INTEGER) AS year,"
    " CAST(NULL AS NUMERIC) AS amount, CAST(NULL AS DATE) AS paid_on WHERE 1 = 0"
)


def _sql(queryset, *columns):
    """The queryset's SELECT of ``columns`` and its parameters; None if it can match nothing."""
    try:
        return queryset.order_by().values(*columns).query.sql_with_params()
    except EmptyResultSet:
        return None


def _yuan(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


RATE_PARTS = {
    # rate → (numerator filter, label); the denominator is always the eligible list
    "coverage": "已发放的应发对象",
    "amount_rate": "足额发放的应发对象",
    "on_time_rate": "按期发放的应发对象",
}


def rate_people(eligible, payments, rate: str, part: str):
    """The persons behind a rate: its denominator (the eligible list) or its numerator."""
    if part == "den":
        return eligible
    paid = payments.filter(person_id=OuterRef("person_id"), year=OuterRef("year"))
    if rate == "coverage":
        return eligible.filter(Exists(paid))
    if rate == "on_time_rate":
        return eligible.filter(Exists(paid.filter(paid_on__lte=OuterRef("due_on"))))
    return eligible.filter(Exists(paid.filter(amount__gte=OuterRef("amount_due"))))


def mismatches(eligible, payments) -> dict:
    """What staff must look into: paid but not eligible, wrong amount, missing payment."""
    listed = eligible.filter(person_id=OuterRef("person_id"), year=OuterRef("year"))
    paid = payments.filter(person_id=OuterRef("person_id"), year=OuterRef("year"))
    due = Subquery(listed.values("amount_due")[:1], output_field=MONEY)
    return {
        "not_eligible": payments.filter(~Exists(listed)).select_related("person", "station"),
        "wrong_amount": payments.annotate(due=due)
        .filter(Exists(listed))
        .exclude(amount=F("due"))
        .select_related("person", "station"),
        "missing": eligible.filter(~Exists(paid)).select_related("person", "station"),
    }


def county_station() -> Station | None:
    return Station.objects.filter(level=StationLevel.COUNTY).order_by("pk").first()
