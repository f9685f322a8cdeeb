"""Demo data of the enterprise service station (竹马乡), run by ``manage.py demo``.

The figures of SCENARIO 4: 87/87 liaisons, 300+ problems solved (and some still
open, in every state), instant calls from enterprise accounts signed by their
liaisons, group sessions, 300 亩 of land recovered, 8 low-efficiency
enterprises on 56.54 亩 remediated, and a year of 亩均 grades.
"""

import datetime
from decimal import Decimal

from qinqing.cases.calendar import is_working_day
from qinqing.cases.models import Case, Priority
from qinqing.cases.services import do_open_case, do_transition
from qinqing.core.demo import DemoContext, demo_step, ensure_account
from qinqing.core.models import Role
from qinqing.core.notifications.services import silenced
from qinqing.enterprise import services
from qinqing.enterprise.models import (
    IndicatorYear,
    LandParcel,
    Liaison,
    Problem,
    ProblemCategory,
    ServiceSession,
    SessionSignup,
)

GRADED_YEAR = 2025
PROBLEMS = 340

TITLES = {
    ProblemCategory.LABOUR: [
        "急需招聘操作工{n}名",
        "技术工人流失，希望对接职业院校",
        "外地员工社保转移",
    ],
    ProblemCategory.SCHOOLING: ["外来务工人员子女入学（{n}人）", "员工子女就近入园"],
    ProblemCategory.HOUSING: ["员工宿舍不足，需租房{n}套", "人才公寓申请"],
    ProblemCategory.LAND: ["新建厂房用地指标", "土地征收进度咨询", "厂区扩建规划调整"],
    ProblemCategory.FINANCE: ["流动资金贷款{n}00万元", "研发费用加计扣除政策咨询"],
    ProblemCategory.APPROVAL: ["环评审批进度", "消防验收预约", "施工许可办理"],
    ProblemCategory.INFRASTRUCTURE: ["园区路灯不亮", "厂门口道路破损", "雨季厂区积水"],
    ProblemCategory.POLICY: ["技改补助兑现", "亩均评价结果申诉"],
    ProblemCategory.OTHER: ["企业开放日活动支持", "安全生产培训"],
}
ROUTES = {  # category → the department that owns it
    ProblemCategory.LABOUR: "竹马乡企业服务办公室",
    ProblemCategory.SCHOOLING: "竹马乡企业服务办公室",
    ProblemCategory.HOUSING: "竹马乡企业服务办公室",
    ProblemCategory.LAND: "区资规分局",
    ProblemCategory.FINANCE: "区经商局",
    ProblemCategory.APPROVAL: "区经商局",
    ProblemCategory.INFRASTRUCTURE: "竹马乡企业服务办公室",
    ProblemCategory.POLICY: "区统计局",
    ProblemCategory.OTHER: "竹马乡企业服务办公室",
}
# How far each problem has come: (how many, the steps taken after registration)
OUTCOMES = [
    (280, ["accept", "dispatch", "sign", "start", "reply", "satisfied"]),
    (18, ["accept", "dispatch", "sign", "start", "reply", "unsatisfied", "reply", "satisfied"]),
    (8, ["accept", "dispatch", "return", "dispatch", "sign", "start", "reply", "satisfied"]),
    (10, ["accept", "dispatch", "sign", "start", "reply"]),
    (9, ["accept", "dispatch", "sign", "start"]),
    (5, ["accept", "dispatch"]),
    (4, ["accept"]),
    (3, []),
    (3, ["refuse"]),
]


@demo_step("enterprise.liaisons", after=["core.visits"])
def liaisons(ctx: DemoContext) -> None:
    zhuma = ctx.enterprises["zhuma"]
    assigned = dict(Liaison.objects.values_list("enterprise_id", "officer_id"))
    for enterprise in zhuma:
        officer = ctx.liaisons[enterprise.pk]
        if assigned.get(enterprise.pk) != officer.pk:
            services.do_assign_liaison(ctx.actor, enterprise, officer)
    ctx.count("竹马乡配备联企服务员的企业", Liaison.objects.filter(enterprise__in=zhuma).count())


@demo_step("enterprise.problems", after=["enterprise.liaisons"])
def problems(ctx: DemoContext) -> None:
    zhuma = ctx.enterprises["zhuma"]
    if Problem.objects.filter(enterprise__in=zhuma).exists():
        ctx.count("问题清单", Problem.objects.count())
        return
    rng = ctx.rng("enterprise.problems")
    dispatcher = ctx.users["wucheng"]
    handlers = {
        name: dept.members.filter(is_active=True).order_by("username").first()
        for name, dept in ctx.departments.items()
    }
    plan = [steps for count, steps in OUTCOMES for _ in range(count)]
    rng.shuffle(plan)
    categories = list(TITLES)
    with silenced():
        for index, steps in enumerate(plan):
            enterprise = zhuma[index % len(zhuma)]
            category = categories[rng.randrange(len(categories))]
            title = rng.choice(TITLES[category]).format(n=rng.randint(2, 30))
            # Finished problems spread over the year; open ones are recent.
            age = rng.randint(40, 330) if "satisfied" in steps else rng.randint(1, 25)
            moment = ctx.local_datetime(ctx.days_before(age), datetime.time(9, rng.randint(0, 59)))
            officer = ctx.liaisons[enterprise.pk]
            case = do_open_case(
                officer,
                case_type=services.PROBLEM,
                title=title,
                region=enterprise.region,
                enterprise=enterprise,
                description=f"{enterprise.name}反映：{title}。",
                priority=Priority.URGENT if index % 9 == 0 else Priority.NORMAL,
                now=moment,
            )
            Problem.objects.create(
                case=case,
                enterprise=enterprise,
                category=category,
                # Instant calls come from enterprise accounts (``instant_calls`` below).
                source="visit" if index % 3 else "staff",
            )
            owner = ctx.departments[ROUTES[category]]
            wrong = ctx.departments["区统计局" if owner.name != "区统计局" else "区经商局"]
            dispatched_once = False
            for step in steps:
                moment += datetime.timedelta(hours=rng.randint(1, 40))
                actor, extra = dispatcher, {}
                if step == "dispatch":
                    extra["department"] = (
                        wrong if "return" in steps and not dispatched_once else owner
                    )
                    dispatched_once = True
                elif step in {"sign", "start", "reply", "return"}:
                    actor = handlers[case.department.name]
                if step in {"refuse", "return", "reply", "unsatisfied"}:
                    extra["note"] = {
                        "refuse": "属于企业内部经营事项，不予受理",
                        "return": "不属于本部门职责，请改派",
                        "reply": "已协调办理，答复企业",
                        "unsatisfied": "企业反映问题尚未完全解决",
                    }[step]
                if step in {"satisfied", "unsatisfied"}:
                    # 解决 is recorded at 回访, never assumed; whoever answered may not survey.
                    extra["solved"] = step == "satisfied" and rng.random() > 0.05
                    if actor == handlers[case.department.name]:
                        actor = ctx.actor
                case = do_transition(actor, case, step, now=moment, **extra)
    ctx.count("问题清单", Problem.objects.count())


# Enterprise accounts that place the instant calls: (username, contact person).
CALLERS = [
    ("qiye01", "陈立新"),
    ("qiye02", "王建勇"),
    ("qiye03", "刘美华"),
    ("qiye04", "杨伟东"),
    ("qiye05", "赵红英"),
    ("qiye06", "黄志刚"),
    ("qiye07", "吴国平"),
]
CALL_TITLES = [
    "厂区停电，请协调供电抢修",
    "货车进出受阻，门口道路施工未设便道",
    "急需办理出口产品原产地证明",
    "消防检查整改事项咨询",
    "新招员工子女入学手续咨询",
    "厂区污水管道堵塞外溢",
    "银行贷款到期续贷需政府协调",
    "环保在线监测设备报警，需指导处置",
]
# How far each call has come after the liaison's 签收: (how many, signed late, steps after it)
CALL_OUTCOMES = [
    (34, False, ["reply", "satisfied"]),
    (6, True, ["reply", "satisfied"]),
    (3, False, ["reply", "unsatisfied", "reply", "satisfied"]),
    (3, False, ["reply"]),
    (2, False, []),
    (2, True, []),
]
UNSIGNED_CALLS = 2  # dispatched to the liaison, not yet signed


@demo_step("enterprise.instant_calls", after=["enterprise.problems"])
def instant_calls(ctx: DemoContext) -> None:
    """即时呼叫 through the real path: the enterprise account calls, its liaison signs.

    The response is the liaison's 签收, most within the two working hours, some
    late; most calls are answered and surveyed by the enterprise that called,
    never by the liaison who answered (maker-checker); a few are still open.
    """
    zhuma = ctx.enterprises["zhuma"]
    callers = [ctx.users["longteng"]] + [
        ensure_account(
            ctx,
            username,
            role=Role.ENTERPRISE,
            full_name=name,
            enterprise=enterprise,
            note="即时呼叫",
        )
        for (username, name), enterprise in zip(
            CALLERS, [e for e in zhuma if e != ctx.named["longteng"]], strict=False
        )
    ]
    calls = Case.objects.filter(case_type__code=services.INSTANT_CALL, enterprise__in=zhuma)
    if calls.exists():
        ctx.count("即时呼叫", calls.count())
        return
    rng = ctx.rng("enterprise.instant_calls")
    plan = [(late, steps) for count, late, steps in CALL_OUTCOMES for _ in range(count)]
    rng.shuffle(plan)
    # Calls still open are the most recent ones; the unsigned come last of all.
    plan.sort(key=lambda outcome: outcome[1][-1:] != ["satisfied"])
    plan += [None] * UNSIGNED_CALLS
    with silenced():
        for index, outcome in enumerate(plan):
            # About one call every other day over the last months, in office hours.
            day = _next_working_day(ctx.days_before(5 + 2 * (len(plan) - index)))
            moment = ctx.local_datetime(day, datetime.time(rng.randint(8, 16), rng.randint(0, 59)))
            caller = callers[index % len(callers)]
            title = rng.choice(CALL_TITLES)
            case = services.do_instant_call(
                caller, title, description=f"{caller.enterprise.name}：{title}", now=moment
            )
            if outcome is None:
                continue
            late, steps = outcome
            liaison = case.assignee
            if late:
                moment = case.respond_due_at + datetime.timedelta(minutes=rng.randint(20, 600))
            else:
                moment += (case.respond_due_at - moment) * rng.uniform(0.1, 0.9)
            case = do_transition(liaison, case, "sign_and_start", now=moment)
            for step in steps:
                moment += datetime.timedelta(hours=rng.randint(2, 40))
                if step == "reply":
                    case = do_transition(liaison, case, "reply", note="已上门协调解决", now=moment)
                else:
                    # 解决 is recorded at 回访, never assumed; the caller surveys, not the liaison.
                    extra = {"note": "问题尚未解决"} if step == "unsatisfied" else {}
                    solved = step == "satisfied" and rng.random() > 0.1
                    case = do_transition(caller, case, step, solved=solved, now=moment, **extra)
    ctx.count("即时呼叫", calls.count())


def _next_working_day(day: datetime.date) -> datetime.date:
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


@demo_step("enterprise.sessions", after=["enterprise.liaisons"])
def sessions(ctx: DemoContext) -> None:
    zhuma = ctx.enterprises["zhuma"]
    rng = ctx.rng("enterprise.sessions")
    topics = [
        ("finance", "银企对接会"),
        ("law", "企业合规法律讲座"),
        ("accounting", "财务规范辅导"),
        ("tax", "税收优惠政策解读"),
    ]
    for month in range(12):
        topic, name = topics[month % len(topics)]
        day = ctx.reference_date - datetime.timedelta(days=30 * (11 - month) - 20)
        title = f"{day:%Y年%m月}{name}"
        # Draw every random number on every run, so a second run makes the same choices.
        capacity = rng.choice([10, 15, 20])
        taken = capacity - rng.randint(0, 4)
        session = ServiceSession.objects.filter(title=title).first()
        if session is None:
            with ctx.acting():
                session = ServiceSession.objects.create(
                    title=title,
                    topic=topic,
                    venue="竹马乡爱企服务站",
                    starts_at=ctx.local_datetime(day, datetime.time(14, 0)),
                    capacity=capacity,
                    region=ctx.regions["zhuma"],
                    created_by=ctx.users["wucheng"],
                )
        wanted = rng.sample(zhuma, k=min(taken, len(zhuma)))
        signed = set(
            SessionSignup.objects.filter(session=session).values_list("enterprise_id", flat=True)
        )
        for enterprise in wanted:
            if enterprise.pk not in signed and session.seats_left > 0:
                services.do_sign_up(ctx.liaisons[enterprise.pk], session, enterprise)
                session.refresh_from_db()
    ctx.count("组团服务", ServiceSession.objects.count())


# Eight low-efficiency enterprises, 56.54 亩 in all, remediated this year.
LOW_EFFICIENCY_AREAS = [
    Decimal(a) for a in ("9.12", "6.80", "7.35", "5.60", "8.47", "6.25", "7.10", "5.85")
]
RECOVERED = [
    ("原竹马砖瓦厂地块", "80.00"),
    ("下宅村闲置厂区", "65.50"),
    ("竹马工业园东区空地", "72.30"),
    ("原石料加工场", "46.20"),
    ("馆头闲置仓储用地", "36.00"),
]


@demo_step("enterprise.grading", after=["enterprise.liaisons"])
def grading(ctx: DemoContext) -> None:
    zhuma = ctx.enterprises["zhuma"]
    rng = ctx.rng("enterprise.grading")
    low = zhuma[-len(LOW_EFFICIENCY_AREAS) :]
    existing = set(
        IndicatorYear.objects.filter(year=GRADED_YEAR, enterprise__in=zhuma).values_list(
            "enterprise_id", flat=True
        )
    )
    rows = []
    for enterprise in zhuma:
        if enterprise.pk in existing:
            continue
        land = enterprise.land_area_mu or Decimal(rng.randint(8, 120))
        is_low = enterprise in low
        tax_per_mu = (
            Decimal(rng.randint(20, 70)) / 10 if is_low else Decimal(rng.randint(90, 600)) / 10
        )
        above = enterprise.above_scale
        value_added = (land * tax_per_mu * Decimal(rng.randint(25, 45)) / 10).quantize(
            Decimal("0.01")
        )
        rows.append(
            IndicatorYear(
                enterprise=enterprise,
                year=GRADED_YEAR,
                above_scale=above,
                land_area_mu=land,
                tax=(land * tax_per_mu).quantize(Decimal("0.01")),
                value_added=value_added if above else None,
                revenue=(value_added * rng.randint(3, 6)) if above else None,
                energy_tce=Decimal(rng.randint(80, 4000)) if above else None,
                emissions=Decimal(rng.randint(2, 90)) if above and rng.random() > 0.1 else None,
                rd_spending=(value_added * Decimal(rng.randint(5, 60)) / 1000).quantize(
                    Decimal("0.01")
                )
                if above
                else None,
                employees=(enterprise.employees or rng.randint(20, 300)) if above else None,
                electricity_kwh=None if above else Decimal(rng.randint(20, 400)),
            )
        )
    if rows:
        IndicatorYear.objects.bulk_create(rows)
        services.do_grade_year(ctx.actor, GRADED_YEAR)
    _land(ctx, low)
    ctx.count(f"{GRADED_YEAR}年亩均评价", IndicatorYear.objects.filter(year=GRADED_YEAR).count())


def _land(ctx: DemoContext, low) -> None:
    surveyed = ctx.reference_date - datetime.timedelta(days=300)
    parcels = [(name, Decimal(area), "idle", "recovered", None) for name, area in RECOVERED]
    parcels += [
        (f"{e.name}低效用地", area, "low_efficiency", "remediated", e)
        for e, area in zip(low, LOW_EFFICIENCY_AREAS, strict=True)
    ]
    parcels += [("竹马乡工业功能区出让地块", Decimal("290.00"), "idle", "transferred", None)]
    with ctx.acting():
        for name, area, kind, status, enterprise in parcels:
            LandParcel.objects.get_or_create(
                name=name,
                region=ctx.regions["zhuma"],
                defaults={
                    "area_mu": area,
                    "kind": kind,
                    "status": status,
                    "enterprise": enterprise,
                    "surveyed_on": surveyed,
                    "status_changed_on": ctx.reference_date - datetime.timedelta(days=30),
                },
            )
    ctx.count("土地台账地块", LandParcel.objects.count())
