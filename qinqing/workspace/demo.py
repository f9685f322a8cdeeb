"""Demo data of shared workstations (建德 万个工位共享计划, 大同镇 乡村梦想家招募).

1,650 workstations in 大同镇 and five other 建德 towns, natural ones among them
(草莓大棚, 茶园营地, 田边工作室); a campaign with 60 teams: 40+ talked with,
100+ people on site visits, 14 signed and in their rent-free year; day bookings,
monthly events and bundled-service requests. Workstations and their places are
bulk-inserted; applications move through the real flow.
"""

import datetime
from decimal import Decimal

from qinqing.core import letting
from qinqing.core.demo import DemoContext, demo_step, ensure_account, ensure_department
from qinqing.core.models import Region, Role, Site
from qinqing.core.models.directory import SiteKind
from qinqing.core.notifications.services import silenced
from qinqing.workspace import services
from qinqing.workspace.models import (
    Application,
    Campaign,
    Condition,
    Decision,
    EventSignup,
    IdleSpace,
    Kind,
    OwnerKind,
    RentBasis,
    ServiceKind,
    ServiceProvider,
    SiteEvent,
    Team,
    Terms,
    Workstation,
    WorkstationPlace,
)

TOWNS = ["大同镇", "寿昌镇", "航头镇", "大慈岩镇", "李家镇", "三都镇"]
# (site name, town, owner kind, area m², [(kind, count, capacity, area each)])
SITES = [
    (
        "大同双溪共享办公空间",
        "大同镇",
        OwnerKind.VILLAGE,
        1200,
        [
            (Kind.FIXED, 120, 1, 6),
            (Kind.HOT, 60, 4, 0),
            (Kind.OFFICE, 24, 4, 25),
            (Kind.MEETING, 6, 12, 0),
        ],
    ),
    (
        "大同老粮站创客空间",
        "大同镇",
        OwnerKind.STATE,
        900,
        [
            (Kind.FIXED, 80, 1, 6),
            (Kind.HOT, 40, 4, 0),
            (Kind.OFFICE, 16, 4, 25),
            (Kind.MEETING, 4, 10, 0),
        ],
    ),
    ("大同草莓大棚工位", "大同镇", OwnerKind.PERSONAL, 6000, [(Kind.GREENHOUSE, 200, 2, 40)]),
    (
        "大同茶园星空营地",
        "大同镇",
        OwnerKind.VILLAGE,
        8000,
        [(Kind.CAMPSITE, 80, 4, 0), (Kind.TEA, 110, 2, 0)],
    ),
    ("大同稻香田边工作室", "大同镇", OwnerKind.VILLAGE, 700, [(Kind.PADDY, 40, 2, 15)]),
    (
        "寿昌镇老街共享空间",
        "寿昌镇",
        OwnerKind.STATE,
        800,
        [
            (Kind.FIXED, 70, 1, 6),
            (Kind.HOT, 40, 4, 0),
            (Kind.OFFICE, 20, 4, 20),
            (Kind.MEETING, 8, 10, 0),
        ],
    ),
    ("寿昌草莓小镇大棚工位", "寿昌镇", OwnerKind.ENTERPRISE, 5000, [(Kind.GREENHOUSE, 130, 2, 40)]),
    (
        "航头镇乡村振兴共享空间",
        "航头镇",
        OwnerKind.VILLAGE,
        700,
        [
            (Kind.FIXED, 60, 1, 6),
            (Kind.HOT, 40, 4, 0),
            (Kind.OFFICE, 20, 4, 20),
            (Kind.MEETING, 6, 10, 0),
        ],
    ),
    (
        "大慈岩茶园营地",
        "大慈岩镇",
        OwnerKind.VILLAGE,
        9000,
        [(Kind.CAMPSITE, 70, 4, 0), (Kind.TEA, 80, 2, 0)],
    ),
    ("大慈岩田园工作室", "大慈岩镇", OwnerKind.PERSONAL, 600, [(Kind.PADDY, 30, 2, 15)]),
    (
        "李家镇共享办公空间",
        "李家镇",
        OwnerKind.STATE,
        900,
        [
            (Kind.FIXED, 70, 1, 6),
            (Kind.HOT, 40, 4, 0),
            (Kind.OFFICE, 20, 4, 20),
            (Kind.MEETING, 6, 10, 0),
        ],
    ),
    (
        "三都镇江边营地",
        "三都镇",
        OwnerKind.VILLAGE,
        7000,
        [(Kind.CAMPSITE, 50, 4, 0), (Kind.TEA, 80, 2, 0), (Kind.PADDY, 20, 2, 15)],
    ),
]
CLOSED_SPACES = [
    ("大同镇旧供销社二楼", "大同镇", OwnerKind.STATE, 300, "楼板需加固，暂不开放"),
    ("航头镇废弃小学", "航头镇", OwnerKind.VILLAGE, 1500, "已列入养老中心改造计划"),
    ("李家镇民房", "李家镇", OwnerKind.PERSONAL, 200, "产权人不同意出租"),
]
PROJECTS = [
    ("茶香露营", "文旅"),
    ("草莓研学", "农业"),
    ("稻田咖啡", "餐饮"),
    ("乡村民宿设计", "设计"),
    ("非遗竹编", "手工艺"),
    ("农产品直播", "电商"),
    ("山野徒步", "文旅"),
    ("有机蔬菜配送", "农业"),
    ("乡村摄影", "文创"),
    ("茶叶品牌", "电商"),
    ("自然教育", "教育"),
    ("木作工坊", "手工艺"),
]
# How far each application has come: (how many, steps after 报名)
ALL_STEPS = ["accept", "pass_screening", "talk", "visit"]
OUTCOMES = [
    (14, [*ALL_STEPS, "sign"]),
    (12, ALL_STEPS),
    (9, ALL_STEPS[:3]),
    (5, ALL_STEPS[:2]),
    (4, ALL_STEPS[:1]),
    (4, []),
    (4, [*ALL_STEPS[:3], "reject"]),
    (2, [*ALL_STEPS, "reject"]),
    (3, [*ALL_STEPS[:3], "withdraw"]),
    (3, ["reject"]),
]


def _town(ctx, name):
    return (
        ctx.regions["datong"] if name == "大同镇" else Region.objects.resolve_town("330182", name)
    )


@demo_step("workspace.inventory", after=["core.visits"])
def inventory(ctx: DemoContext) -> None:
    jiande = ctx.regions["jiande"]
    office = ensure_department(ctx, "建德市万个工位共享办公室", jiande)
    staff = ensure_account(
        ctx,
        "jiande_ws",
        role=Role.STAFF,
        full_name="邵敏",
        department=office,
        regions=[jiande],
        note="建德市共享工位（全市各乡镇）",
    )
    if Workstation.objects.exists():
        ctx.count("共享工位", Workstation.objects.count())
        return
    rng = ctx.rng("workspace.inventory")
    towns = {name: _town(ctx, name) for name in TOWNS}
    with ctx.acting():
        sites = []
        for name, town, owner, area, _ in SITES:
            site = Site.objects.create(
                name=name,
                kind=SiteKind.SPACE,
                region=towns[town],
                address=f"建德市{town}{name}",
            )
            sites.append(site)
            IdleSpace.objects.create(
                name=name,
                region=towns[town],
                owner_kind=owner,
                owner_name=""
                if owner == OwnerKind.PERSONAL
                else f"{town}{'人民政府' if owner == OwnerKind.STATE else '股份经济合作社'}",
                address=site.address,
                latitude=Decimal(f"29.{rng.randint(300000, 499999)}"),
                longitude=Decimal(f"119.{rng.randint(200000, 499999)}"),
                area_m2=area,
                condition=Condition.GOOD,
                facilities=["network", "aircon", "water", "power"],
                decision=Decision.OPEN,
                decision_reason="交通便利，配套齐全，纳入万个工位共享计划",
                site=site,
                surveyed_by=staff,
            )
        for name, town, owner, area, reason in CLOSED_SPACES:
            IdleSpace.objects.create(
                name=name,
                region=towns[town],
                owner_kind=owner,
                address=f"建德市{town}",
                area_m2=area,
                condition=Condition.POOR,
                facilities=["power"],
                decision=Decision.CLOSED,
                decision_reason=reason,
                surveyed_by=staff,
            )
        stations = []
        for site, (_, _, _, _, batches) in zip(sites, SITES, strict=True):
            for kind, count, capacity, area in batches:
                facilities = (
                    ["water", "power"]
                    if kind in {Kind.GREENHOUSE, Kind.TEA, Kind.CAMPSITE}
                    else ["network", "aircon", "water", "power"]
                )
                stations += [
                    Workstation(
                        site=site,
                        region=site.region,
                        code=f"JD{site.region.code[-3:]}-{site.pk:03d}-{kind[:3].upper()}{n:03d}",
                        kind=kind,
                        capacity=capacity,
                        area_m2=area,
                        facilities=facilities,
                    )
                    for n in range(1, count + 1)
                ]
        made = Workstation.objects.bulk_create(stations, batch_size=500)
        WorkstationPlace.objects.bulk_create(
            (
                WorkstationPlace(workstation=w, number=n)
                for w in made
                for n in range(1, w.capacity + 1)
            ),
            batch_size=2000,
        )
        Terms.objects.get_or_create(
            name="万个工位标准条款（按工位）",
            defaults={"rent_free_months": 12, "basis": RentBasis.PER_DESK, "rate": Decimal("300")},
        )
        Terms.objects.get_or_create(
            name="万个工位标准条款（按面积）",
            defaults={"rent_free_months": 12, "basis": RentBasis.PER_M2, "rate": Decimal("15")},
        )
    ctx.count("共享工位", Workstation.objects.count())


@demo_step("workspace.recruitment", after=["workspace.inventory"])
def recruitment(ctx: DemoContext) -> None:
    datong = ctx.regions["datong"]
    county = ctx.regions["jiande"]
    rng = ctx.rng("workspace.recruitment")
    staff = ctx.users["datong"]
    partners = {
        ServiceKind.FINANCE: ensure_department(ctx, "建德农商银行大同支行（合作机构）", county),
        ServiceKind.POLICY: ctx.departments["大同镇政府"],
        ServiceKind.DESIGN: ensure_department(ctx, "建德市乡村设计联盟（合作机构）", county),
        ServiceKind.ACCOUNTING: ensure_department(
            ctx, "建德市代理记账服务中心（合作机构）", county
        ),
    }
    with ctx.acting():
        for kind, department in partners.items():
            ServiceProvider.objects.get_or_create(kind=kind, defaults={"department": department})
    makers = ctx.people.get("datong_makers", [])
    leaders = [
        ensure_account(
            ctx,
            f"mengxiang{i + 1:02d}",
            role=Role.RESIDENT,
            full_name=person.name,
            person=person,
            note="乡村梦想家团队负责人",
        )
        for i, person in enumerate(makers[:20])
    ]
    if Campaign.objects.exists():
        ctx.count("乡村梦想家报名团队", Application.objects.count())
        return
    with ctx.acting():
        start = ctx.days_before(300)
        campaign = Campaign.objects.create(
            name="2026大同镇乡村梦想家招募",
            region=datong,
            starts_on=start,
            ends_on=ctx.reference_date + datetime.timedelta(days=400),
            description="入驻第一年免租金，免费提供网络、空调、水电；配套金融、政策、设计、代账服务。",
        )
        campaign.sites.set(Site.objects.filter(region=datong, idle_space__isnull=False))
    term_desks = list(
        Workstation.objects.filter(
            region=datong, kind__in=[Kind.FIXED, Kind.OFFICE, Kind.PADDY]
        ).order_by("kind", "code")
    )
    terms = Terms.objects.order_by("name")
    plan = [steps for count, steps in OUTCOMES for _ in range(count)]
    rng.shuffle(plan)
    signed = 0
    with silenced():
        for index, steps in enumerate(plan):
            leader = leaders[index % len(leaders)]
            project, industry = PROJECTS[index % len(PROJECTS)]
            moment = ctx.local_datetime(
                start + datetime.timedelta(days=rng.randint(0, 40) + index * 3),
                datetime.time(10, rng.randint(0, 59)),
            )
            application = services.do_apply(
                leader,
                campaign,
                {
                    "name": f"{project}团队{index + 1:02d}",
                    "leader_name": leader.full_name,
                    "members": rng.randint(2, 8),
                    "project": f"{project}项目",
                    "industry": industry,
                    "funding_stage": rng.choice(["idea", "seed", "angel", "self"]),
                    "needs": "工位、住宿、金融支持",
                    "desks_wanted": rng.randint(1, 3),
                },
                now=moment,
            )
            for step in steps:
                moment += datetime.timedelta(days=rng.randint(2, 6))
                if step == "sign":
                    wanted = application.desks_wanted
                    desks, term_desks = term_desks[:wanted], term_desks[wanted:]
                    services.do_sign(
                        staff,
                        application,
                        terms=terms[signed % 2],
                        start=moment.date(),
                        years=3,
                        workstations=desks,
                        now=moment,
                    )
                    signed += 1
                    continue
                values, note, actor = {}, "", staff
                if step == "talk":
                    values = {
                        "notes": f"{project}项目商业模式清晰，需要{application.desks_wanted}个工位"
                    }
                elif step == "visit":
                    values = {
                        "visited_on": moment.date().isoformat(),
                        "people": rng.randint(3, 6),
                        "sites_seen": "双溪共享办公空间、茶园星空营地",
                    }
                elif step == "reject":
                    note = "项目与乡村产业关联度不高"
                elif step == "withdraw":
                    note, actor = "团队另有安排", leader
                services.do_move_application(
                    actor, application, step, note=note, values=values, now=moment
                )
    ctx.count("乡村梦想家报名团队", Application.objects.count())
    ctx.count("签约入驻团队", signed)


@demo_step("workspace.activity", after=["workspace.recruitment"])
def activity(ctx: DemoContext) -> None:
    if SiteEvent.objects.exists():
        ctx.count("场所活动", SiteEvent.objects.count())
        return
    rng = ctx.rng("workspace.activity")
    datong = ctx.regions["datong"]
    today = ctx.reference_date
    teams = list(
        Team.objects.filter(leases__isnull=False).select_related("leader").distinct().order_by("pk")
    )
    natural = list(
        Workstation.objects.filter(
            region=datong, kind__in=[Kind.HOT, Kind.TEA, Kind.CAMPSITE, Kind.GREENHOUSE]
        ).order_by("code")[:60]
    )
    sites = list(Site.objects.filter(region=datong, idle_space__isnull=False).order_by("pk"))
    titles = [
        "乡村创业沙龙",
        "茶园音乐会",
        "草莓采摘开放日",
        "稻田市集",
        "直播带货培训",
        "创业政策宣讲",
    ]
    with silenced():
        for i in range(80):
            team = teams[i % len(teams)]
            services.do_book_day(
                team.leader,
                team,
                natural[i % len(natural)],
                today + datetime.timedelta(days=i % 14),
                today=today,
            )
        for month in range(-3, 3):
            first = (today.replace(day=1) + datetime.timedelta(days=32 * month)).replace(day=15)
            with ctx.acting():
                event = SiteEvent.objects.create(
                    site=sites[month % len(sites)],
                    title=f"{first:%-m}月·{titles[month % len(titles)]}",
                    starts_at=ctx.local_datetime(first, datetime.time(14, 0)),
                    capacity=rng.choice([20, 30, 40]),
                )
            for team in teams[: rng.randint(5, 12)]:
                letting.take_seat(team.leader, event, team)
        for i, kind in enumerate(ServiceKind.values):
            team = teams[i]
            services.do_request_service(
                team.leader, team, {"kind": kind, "description": f"申请{ServiceKind(kind).label}"}
            )
    ctx.count("按天预订", services.DayBooking.objects.count())
    ctx.count("场所活动报名", EventSignup.objects.count())
