"""Demo data of veterans' services (海盐县, SCENARIO 3), run by ``manage.py demo``.

130 stations (the county centre, 9 town stations, 120 village stations), about
1,100 entitled persons with service records, 1.44万 visits reaching 6.5万
people over the past year (bulk-inserted core visits), 100+ fulfilled wishes
among them 蔡老's hearing aid (百步镇), wishes in every state, claimants of
every kind, and two years of 优待金: the last at 100% on all three rates, the
one before with the discrepancies staff look into.
"""

import datetime
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum

from qinqing.cases.services import do_transition
from qinqing.core import crypto
from qinqing.core.demo import DemoContext, data, demo_step
from qinqing.core.demo.registry import AccountRow
from qinqing.core.models import Person, Role, User, Visit
from qinqing.core.notifications.services import silenced
from qinqing.core.synthetic import make_id_number, make_mobile, make_name
from qinqing.core.validators import id_number_birth_date, id_number_gender
from qinqing.veterans import services
from qinqing.veterans.models import (
    AllowanceStandard,
    Category,
    Claimant,
    ClaimantKind,
    Eligibility,
    Payment,
    ServiceRecord,
    Settings,
    Station,
    StationLevel,
    VisitReach,
    Wish,
)

TOWNS = [
    "武原街道",
    "西塘桥街道",
    "望海街道",
    "秦山街道",
    "沈荡镇",
    "于城镇",
    "澉浦镇",
    "通元镇",
    "百步镇",
]
VILLAGE_WORDS = "丰农新和光明华联星民安兴胜利红建永平福庆乐金"
VISITS, PEOPLE_REACHED = 14_400, 65_000
# Entitled persons added beside the core demo's 64 veterans (8 per station).
EXTRA_PEOPLE = 1040
FULFILLED = 112
WISHES = [
    ("助听器", 860),
    ("老花镜", 150),
    ("电热毯", 200),
    ("轮椅", 600),
    ("血压计", 180),
    ("棉被", 260),
    ("收音机", 120),
    ("电饭煲", 300),
    ("智能手机", 900),
    ("按摩椅垫", 450),
    ("拐杖", 80),
    ("军旅题材书籍", 100),
]
CATEGORY_MIX = [
    Category.RETIRED_SOLDIER,
    Category.RETIRED_SOLDIER,
    Category.RETIRED_SOLDIER,
    Category.DEMOBILISED,
    Category.DISABLED,
    Category.SICK_RETURNED,
    Category.COMBAT,
    Category.MARTYR_FAMILY,
    Category.CONSCRIPT_FAMILY,
    Category.ACTIVE_FAMILY,
]
STANDARDS = {
    Category.CONSCRIPT_FAMILY: 22_000,
    Category.ACTIVE_FAMILY: 2_000,
    Category.MARTYR_FAMILY: 3_600,
    Category.DISABLED: 2_400,
    Category.DEMOBILISED: 3_000,
    Category.SICK_RETURNED: 1_800,
    Category.COMBAT: 1_800,
    Category.RETIRED_SOLDIER: 1_200,
}
CLAIMANTS = [
    (ClaimantKind.ENTERPRISE, "海盐爱心企业联合会"),
    (ClaimantKind.ENTERPRISE, "百步电子有限公司"),
    (ClaimantKind.ENTERPRISE, "海盐紧固件有限公司"),
    (ClaimantKind.ENTERPRISE, "秦山核电志愿服务队"),
    (ClaimantKind.ENTERPRISE, "武原商贸有限公司"),
    (ClaimantKind.ENTERPRISE, "澉浦建材有限公司"),
    (ClaimantKind.GROUP, "海盐县志愿者协会"),
    (ClaimantKind.GROUP, "海盐县退役军人志愿服务队"),
    (ClaimantKind.GROUP, "县青年志愿者协会"),
    (ClaimantKind.GROUP, "百步镇巾帼志愿队"),
    (ClaimantKind.INDIVIDUAL, "王女士"),
    (ClaimantKind.INDIVIDUAL, "李先生"),
    (ClaimantKind.INDIVIDUAL, "陈先生"),
    (ClaimantKind.INDIVIDUAL, "张女士"),
    (ClaimantKind.INDIVIDUAL, "刘先生"),
]
# A tiny valid PNG: the photo a claimant uploads when a wish is fulfilled.
PHOTO = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def photo(name: str = "圆梦照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PHOTO, "image/png")


@demo_step("veterans.stations", after=["core.accounts"])
def stations(ctx: DemoContext) -> None:
    haiyan, baibu = ctx.regions["haiyan"], ctx.regions["baibu"]
    rng = ctx.rng("veterans.stations")
    existing = {s.name: s for s in Station.objects.all()}
    wanted = []
    with ctx.acting():
        county = existing.get("海盐县退役军人服务中心") or Station.objects.create(
            name="海盐县退役军人服务中心", level=StationLevel.COUNTY, region=haiyan
        )
        towns = []
        for town in TOWNS:
            name = f"{town}退役军人服务站"
            towns.append(
                existing.get(name)
                or Station.objects.create(
                    name=name,
                    level=StationLevel.TOWN,
                    region=baibu if town == "百步镇" else haiyan,
                    parent=county,
                )
            )
        used = set()
        for index in range(120):
            town = towns[index % len(towns)]
            while True:
                village = rng.choice(VILLAGE_WORDS) + rng.choice(VILLAGE_WORDS) + "村"
                if (town.pk, village) not in used:
                    used.add((town.pk, village))
                    break
            name = f"{town.name.removesuffix('退役军人服务站')}{village}退役军人服务站"
            if name not in existing:
                wanted.append(
                    Station(name=name, level=StationLevel.VILLAGE, region=town.region, parent=town)
                )
        Station.objects.bulk_create(wanted)
        Settings.objects.get_or_create(pk=1)
        county.staff.add(ctx.users["haiyan"])
        towns[-1].staff.add(ctx.users["baibu"])
    ctx.count("退役军人服务中心（站）", Station.objects.count())


def plan_people(rng) -> list[tuple[str, str]]:
    """(ID number, name) of the entitled persons added beside the core demo's veterans,
    8 per station in station order; the same on every run for the step's generator."""
    people, used = [], set()
    for _ in range(EXTRA_PEOPLE):
        # Mostly veterans (men); families of martyrs and servicemen include women.
        name = _name(rng, men_only=rng.random() < 0.8)
        female = any(char in data.FEMININE for char in name[1:])
        birth = datetime.date(rng.randint(1940, 2000), rng.randint(1, 12), rng.randint(1, 28))
        people.append((_id_number(rng, birth, female, used), name))
    return people


@demo_step("veterans.records", after=["veterans.stations", "core.people"])
def records(ctx: DemoContext) -> None:
    """Service records: the core demo's veterans, and ~8 more per station (bulk)."""
    rng = ctx.rng("veterans.records")
    all_stations = list(Station.objects.order_by("pk"))
    baibu = [s for s in all_stations if s.region_id == ctx.regions["baibu"].pk]
    town = next(s for s in baibu if s.level == StationLevel.TOWN)
    people = list(ctx.people["veterans"])
    planned = plan_people(rng)
    per_station = EXTRA_PEOPLE // len(all_stations)
    numbers = [
        (all_stations[index // per_station], number, name)
        for index, (number, name) in enumerate(planned)
    ]
    hashes = {crypto.lookup_hash(n): n for _, n, _given in numbers}
    found = {
        hashes[h]: pk
        for h, pk in Person.objects.filter(id_number_hash__in=list(hashes)).values_list(
            "id_number_hash", "pk"
        )
    }
    new_people = []
    for station, number, name in numbers:
        if number in found:
            continue
        found[number] = None
        new_people.append(
            Person(
                name=name,
                id_number=number,
                id_number_hash=crypto.lookup_hash(number),
                gender=id_number_gender(number),
                birth_date=id_number_birth_date(number),
                phone=make_mobile(rng),
                region=station.region,
            )
        )
    for person in new_people:
        person.phone_hash = crypto.lookup_hash(person.phone)
    Person.objects.bulk_create(new_people)
    by_number = {
        hashes[h]: pk
        for h, pk in Person.objects.filter(id_number_hash__in=list(hashes)).values_list(
            "id_number_hash", "pk"
        )
    }
    have = set(ServiceRecord.objects.values_list("person_id", flat=True))
    rows = []
    cai = ctx.named["cai"]
    for person in people:
        if person.pk in have:
            continue
        station = (
            town
            if person.pk == cai.pk
            else rng.choice(baibu if person.region_id == ctx.regions["baibu"].pk else all_stations)
        )
        rows.append(_record(rng, person.pk, station, person.pk == cai.pk))
        have.add(person.pk)
    for station, number, _given in numbers:
        pk = by_number[number]
        if pk not in have:
            rows.append(_record(rng, pk, station, False))
            have.add(pk)
    with ctx.acting():
        ServiceRecord.objects.bulk_create(rows)
    ctx.count("优抚对象", ServiceRecord.objects.count())


def _name(rng, men_only: bool) -> str:
    """A name that reads as the person's gender, as the core demo's people do."""
    while True:
        name = make_name(rng)
        if not men_only or not any(char in data.FEMININE for char in name[1:]):
            return name


def _id_number(rng, birth: datetime.date, female: bool, used: set) -> str:
    while True:
        sequence = rng.randrange(1000)
        if (sequence % 2 == 0) != female:  # odd for men, even for women
            sequence = (sequence + 1) % 1000
        number = make_id_number("330424", birth, sequence)
        if number not in used:
            used.add(number)
            return number


def _record(rng, person_id, station, is_cai) -> ServiceRecord:
    enlisted = datetime.date(rng.randint(1958, 2020), rng.choice([3, 9, 12]), 1)
    category = Category.RETIRED_SOLDIER if is_cai else rng.choice(CATEGORY_MIX)
    return ServiceRecord(
        person_id=person_id,
        category=category,
        branch=rng.choice(["army", "army", "navy", "air_force", "armed_police"]),
        enlisted_on=datetime.date(1971, 12, 1) if is_cai else enlisted,
        discharged_on=datetime.date(1976, 3, 1)
        if is_cai
        else enlisted + datetime.timedelta(days=365 * rng.randint(2, 16)),
        station=station,
        wall_consent=is_cai or rng.random() < 0.85,
        wall_alias="蔡老" if is_cai else "",
    )


@demo_step("veterans.visits", after=["veterans.records", "core.visits"])
def visits(ctx: DemoContext) -> None:
    """1.44万 走访慰问 over the past year reaching 6.5万 people: core visits, bulk-inserted."""
    if VisitReach.objects.count() >= VISITS:
        ctx.count("走访慰问（次）", VisitReach.objects.count())
        return
    rng = ctx.rng("veterans.visits")
    records = list(
        ServiceRecord.objects.values_list("person_id", "station_id", "person__region_id")
    )
    staff = [ctx.users["haiyan"], ctx.users["baibu"]]
    notes = [
        "送去慰问品，宣讲退役军人优待政策。",
        "了解老人身体和生活情况，家中一切安好。",
        "核对优待金发放账户信息。",
        "节前走访慰问，送去慰问金。",
        "老人独居，列为重点关爱对象。",
        "邀请老人参加双拥主题活动。",
    ]
    already = VisitReach.objects.count()
    wanted = VISITS - already
    extra = PEOPLE_REACHED - (VisitReach.objects.aggregate(p=Sum("people_reached"))["p"] or 0)
    plan = []
    for _ in range(wanted):
        person_id, station_id, region_id = rng.choice(records)
        day = ctx.days_before(rng.randint(1, 365))
        at = datetime.time(rng.randint(8, 16), rng.choice([0, 15, 30, 45]))
        plan.append((person_id, station_id, region_id, day, at))
    reached = [max(1, extra // wanted)] * wanted
    for index in rng.sample(range(wanted), extra - sum(reached)):
        reached[index] += 1
    with ctx.acting():
        made = Visit.objects.bulk_create(
            [
                Visit(
                    visited_at=ctx.local_datetime(day, at),
                    visitor=staff[index % 2],
                    person_id=person_id,
                    region_id=region_id,
                    notes=notes[index % len(notes)],
                )
                for index, (person_id, _s, region_id, day, at) in enumerate(plan)
            ],
            batch_size=2000,
        )
        VisitReach.objects.bulk_create(
            [
                VisitReach(
                    visit=visit,
                    station_id=station_id,
                    people_reached=reached[index],
                    visited_on=day,
                )
                for index, (visit, (_p, station_id, _r, day, _a)) in enumerate(
                    zip(made, plan, strict=True)
                )
            ],
            batch_size=2000,
        )
    totals = services.visit_figures(VisitReach.objects.all())
    ctx.count("走访慰问（次）", totals["visits"])
    ctx.count("走访慰问（人）", totals["people"])


@demo_step("veterans.claimants", after=["core.accounts"])
def claimants(ctx: DemoContext) -> None:
    """Claimants of every kind; ``aixin`` (海盐爱心企业联合会) is listed with the demo accounts."""
    if not ctx.password_hash:
        ctx.password_hash = make_password(ctx.password)
    for index, (kind, name) in enumerate(CLAIMANTS):
        username = "aixin" if index == 0 else f"aixin{index:02d}"
        user = User.objects.filter(username=username).first()
        with ctx.acting():
            if user is None:
                user = User.objects.create(
                    username=username,
                    role=Role.RESIDENT,
                    full_name=name,
                    password=ctx.password_hash,
                    phone=f"1395730{index:04d}",
                )
            if not Claimant.objects.filter(user=user).exists():
                Claimant.objects.create(
                    user=user, kind=kind, name=name, phone=f"1395730{index:04d}"
                )
        ctx.users[username] = user
        ctx.accounts = [r for r in ctx.accounts if r.username != username] + [
            AccountRow(
                username=username,
                role=f"认领方（{ClaimantKind(kind).label}）",
                name=name,
                scope="心愿墙认领、我的认领",
                password=ctx.password,
            )
        ]
    ctx.count("微心愿认领方", Claimant.objects.count())


@demo_step("veterans.wishes", after=["veterans.visits", "veterans.claimants"])
def wishes(ctx: DemoContext) -> None:
    """蔡老's hearing aid, 100+ fulfilled wishes, and some in every state."""
    if Wish.objects.exists():
        ctx.count("微心愿", Wish.objects.count())
        return
    rng = ctx.rng("veterans.wishes")
    cai = ctx.named["cai"]
    staff = ctx.users["haiyan"]
    holders = [c.user for c in Claimant.objects.select_related("user").order_by("pk")]
    cai_record = ServiceRecord.objects.get(person=cai)
    cai_visit = (
        Visit.objects.filter(person=cai, notes__contains="助听器").order_by("visited_at").first()
    )
    others = list(
        ServiceRecord.objects.filter(wall_consent=True)
        .exclude(pk=cai_record.pk)
        .select_related("station__region")
        .order_by("pk")
    )
    chosen = rng.sample(others, FULFILLED + 30)
    history, current = chosen[: FULFILLED - 5], chosen[FULFILLED - 5 :]
    # The year's history of fulfilled wishes, back-filled in bulk as the engine records it.
    _backfill(ctx, history, staff, holders, rng)
    # 蔡老's hearing aid and the wishes still under way go through the engine itself.
    plan = [(cai_record, "thanked", 300)]
    stops = (
        ["fulfilled"] * 4
        + ["claimed"] * 5
        + ["published"] * 10
        + ["verified"] * 3
        + ["collected"] * 5
        + ["declined"] * 3
    )
    for record, stop in zip(current, stops, strict=False):
        plan.append((record, stop, rng.randint(2, 9)))
    with silenced():
        for number, (record, stop, days_ago) in enumerate(plan):
            title, value = ("助听器", 860) if record.pk == cai_record.pk else rng.choice(WISHES)
            start = ctx.local_datetime(ctx.days_before(days_ago), datetime.time(9, 30))
            wish = services.open_wish(
                staff,
                record,
                title,
                Decimal(value),
                "耳背多年，希望能听清家人说话" if record.pk == cai_record.pk else "",
                visit=cai_visit if record.pk == cai_record.pk else None,
                now=start,
            )
            _advance(wish, stop, staff, holders[number % len(holders)], start, rng)
    figures = services.wish_figures(Wish.objects.all())
    ctx.count("微心愿（征集）", figures["collected"])
    ctx.count("微心愿（圆梦）", figures["fulfilled"])


STEPS = ["verify", "publish", "claim", "fulfil", "confirm", "thank"]
REACHED = {
    "collected": 0,
    "verified": 1,
    "published": 2,
    "claimed": 3,
    "fulfilled": 4,
    "confirmed": 5,
    "thanked": 6,
}


def _advance(wish, stop, staff, holder, start, rng) -> None:
    case = wish.case
    at = start
    if stop == "declined":
        do_transition(staff, case, "decline", note="经核查已由其他渠道解决", now=at)
        return
    veteran = User.objects.filter(person_id=wish.record.person_id).first()
    for code in STEPS[: REACHED[stop]]:
        at = at + datetime.timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 5))
        if code == "verify":
            do_transition(staff, case, code, values={"genuine": "true"}, now=at)
        elif code in {"publish", "thank"}:
            do_transition(staff, case, code, now=at)
        elif code == "claim":
            do_transition(holder, case, code, now=at)
        elif code == "fulfil":
            do_transition(holder, case, code, note="已送到老人家中", attachments=[photo()], now=at)
        elif code == "confirm":
            if veteran is not None:
                do_transition(veteran, case, code, values={"channel": "self"}, now=at)
            else:
                channel = rng.choice(["phone", "visit", "family"])
                do_transition(staff, case, code, values={"channel": channel}, now=at)
        case.refresh_from_db()


def _backfill(ctx, records, staff, holders, rng) -> None:
    """Closed wishes of the past year: cases, their events (with the photo) and wishes, in bulk.

    Each carries what the engine would have written for 征集 → 核查 → 发布 → 认领 → 圆梦
    → 确认 (→ 致谢): the state, the claim, the phase times and one event per step.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.storage import default_storage

    from qinqing.cases.models import Case, CaseAttachment, CaseEvent, CaseType, State

    case_type = CaseType.objects.get(code="veteran_wish")
    states = {s.code: s for s in State.objects.filter(workflow_id=case_type.workflow_id)}
    claimant_type = ContentType.objects.get_for_model(Claimant)
    claimant_of = dict(Claimant.objects.values_list("user_id", "pk"))
    stored = default_storage.save("cases/demo/圆梦照片.png", photo())
    labels = {
        "verify": "核查通过",
        "publish": "发布",
        "claim": "认领",
        "fulfil": "圆梦",
        "confirm": "确认圆梦",
        "thank": "致谢",
    }
    flow = [
        ("open", None, "collected"),
        ("verify", "collected", "verified"),
        ("publish", "verified", "published"),
        ("claim", "published", "claimed"),
        ("fulfil", "claimed", "fulfilled"),
        ("confirm", "fulfilled", "confirmed"),
        ("thank", "confirmed", "thanked"),
    ]
    cases, steps, wishes = [], [], []
    for index, record in enumerate(records):
        holder = holders[index % len(holders)]
        thanked = index % 5 != 0
        created = ctx.local_datetime(ctx.days_before(rng.randint(40, 350)), datetime.time(9, 30))
        times, at = [], created
        for _ in flow[: 7 if thanked else 6]:
            times.append(at)
            at = at + datetime.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 6))
        last = flow[len(times) - 1][2]
        title, value = rng.choice(WISHES)
        cases.append(
            Case(
                number=f"XY{created:%Y}9{index:06d}",
                case_type=case_type,
                state=states[last],
                kind=states[last].kind,
                version=len(times) - 1,
                title=f"微心愿：{title}",
                region=record.station.region,
                created_by=staff,
                created_at=created,
                claimed_by=holder,
                claimed_at=times[3],
                claimant_type=claimant_type,
                claimant_id=claimant_of[holder.pk],
                replied_at=times[4],
                closed_at=times[5],
                state_entered_at=times[-1],
            )
        )
        steps.append((times, holder))
        wishes.append((record, title, value, times))
    with ctx.acting():
        made = Case.objects.bulk_create(cases)
        events = []
        for case, (times, holder) in zip(made, steps, strict=True):
            for (code, source, target), at in zip(flow, times, strict=False):
                actor = holder if code in {"claim", "fulfil"} else staff
                data = {}
                if code == "verify":
                    data = {"genuine": True}
                elif code == "confirm":
                    data = {"channel": rng.choice(["phone", "visit", "family"])}
                events.append(
                    CaseEvent(
                        case=case,
                        transition=code,
                        label=labels.get(code, "登记"),
                        from_state=states[source] if source else None,
                        to_state=states[target],
                        actor=actor,
                        created_at=at,
                        note="已送到老人家中" if code == "fulfil" else "",
                        data=data,
                    )
                )
        events = CaseEvent.objects.bulk_create(events, batch_size=1000)
        CaseAttachment.objects.bulk_create(
            [
                CaseAttachment(event=event, file=stored, name="圆梦照片.png")
                for event in events
                if event.transition == "fulfil"
            ]
        )
        Wish.objects.bulk_create(
            [
                Wish(
                    case=case,
                    record=record,
                    station=record.station,
                    title=title,
                    value=Decimal(value),
                    published_at=times[2],
                    fulfilled_at=times[4],
                )
                for case, (record, title, value, times) in zip(made, wishes, strict=True)
            ]
        )


@demo_step("veterans.allowances", after=["veterans.records"])
def allowances(ctx: DemoContext) -> None:
    """优待金: last year paid in full and on time; the year before with discrepancies."""
    current = ctx.reference_date.year
    rng = ctx.rng("veterans.allowances")
    for year in (current - 1, current):
        for category, amount in STANDARDS.items():
            AllowanceStandard.objects.get_or_create(
                year=year,
                category=category,
                defaults={"amount": Decimal(amount), "due_on": datetime.date(year, 3, 31)},
            )
        if Eligibility.objects.filter(year=year).exists():
            continue
        services.do_derive_eligibility(ctx.actor, year)
        due = list(
            Eligibility.objects.filter(year=year).values_list(
                "person_id", "station_id", "amount_due"
            )
        )
        rows = []
        for index, (person_id, station_id, amount) in enumerate(due):
            paid_on = datetime.date(year, 3, rng.randint(10, 28))
            if year == current - 1:
                if index % 53 == 0:
                    continue  # 应发未发
                if index % 41 == 0:
                    amount = amount - Decimal(200)  # 少发
                if index % 37 == 0:
                    paid_on = datetime.date(year, 5, 12)  # 逾期
            rows.append(
                Payment(
                    year=year,
                    person_id=person_id,
                    station_id=station_id,
                    amount=amount,
                    paid_on=paid_on,
                    bank_reference=f"HY{year}{index:06d}",
                )
            )
        if year == current - 1:
            listed = {person_id for person_id, _s, _a in due}
            stranger = (
                Person.objects.filter(region=ctx.regions["baibu"])
                .exclude(pk__in=listed)
                .order_by("pk")
                .first()
            )
            if stranger is not None:
                rows.append(
                    Payment(
                        year=year,
                        person_id=stranger.pk,
                        station=services.county_station(),
                        amount=Decimal(1200),
                        paid_on=datetime.date(year, 3, 20),
                        bank_reference=f"HY{year}999999",
                    )
                )
        with ctx.acting():
            Payment.objects.bulk_create(rows, batch_size=2000)
        rates = services.payment_rates(
            Eligibility.objects.filter(year=year), Payment.objects.filter(year=year)
        )
        ctx.count(f"{year}年优待金发放面（%）", int(rates["coverage"] or 0))
