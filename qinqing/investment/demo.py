"""Demo data of the investment project agency (黄宅镇 "拿地即开工"), run by ``manage.py demo``.

The figures of SCENARIO 5, all from the records: 8 "拿地即开工" projects worth
¥8.5B (上海精发, 雄伟铝业 and 丰明实业 finished; 青峰控股 ¥1B and 盈旺新能源
¥5.2B under construction; 青龙服饰 started on 12-26), 700+ agency-team visits,
106 agency matters, 162 problems solved, 6 攻坚小组 of 72 cadres with their tasks.
The milestone dates are chosen so that the computed figures say what the report
says: the ¥100M project took 6 days from delisting to start, and the finished
projects averaged 9 months from start to completion.
"""

import datetime
import uuid
from decimal import Decimal

from qinqing.cases import calendar
from qinqing.cases.services import do_transition
from qinqing.core import audit
from qinqing.core.demo import DemoContext, demo_step, ensure_account
from qinqing.core.demo.builder import ensure_department
from qinqing.core.demo.data import HUANGZHAI_NOTES, VISIT_TIMES
from qinqing.core.models import Enterprise, Role, User, Visit
from qinqing.core.notifications.services import silenced
from qinqing.investment import services
from qinqing.investment.case_types import MATTER, PROBLEM
from qinqing.investment.models import (
    AgencyMatter,
    KeyTask,
    MatterMaterial,
    ProgressReport,
    Project,
    ProjectProblem,
    SubGoal,
    Team,
)
from qinqing.investment.models import (
    MilestoneKind as K,
)

DAY = datetime.timedelta(days=1)
# key (ctx.named or a local enterprise's index), project, 万元, status,
# start (days before the demo date, or "12-26"), delisting → start days,
# start → completion days (finished projects), 亩
PROJECTS = [
    ("jingfa", "上海精发高端精密零部件项目", 10000, "done", 420, 6, 270, 38),
    ("xiongwei", "雄伟铝业年产5万吨铝型材项目", 30000, "done", 470, 9, 280, 56),
    ("fengming", "丰明实业智能五金制造项目", 20000, "done", 400, 8, 272, 30),
    ("qingfeng", "青峰控股总部及智能制造基地项目", 100000, "building", 200, 12, None, 80),
    ("yingwang", "盈旺新能源年产10GWh储能电池项目", 520000, "building", 150, 10, None, 260),
    ("qinglong", "青龙服饰智能化服装生产线项目", 15000, "building", "12-26", 7, None, 45),
    (0, "水晶工艺品智能制造项目", 80000, "building", 90, 14, None, 60),
    (1, "高端锁具智能工厂项目", 75000, "building", 60, 11, None, 52),
]
INVESTOR_ACCOUNTS = {
    "jingfa": ("jingfa", "沈建平"),
    "xiongwei": ("xiongwei", "徐伟"),
    "fengming": ("fengming", "楼丰明"),
    "qingfeng": ("qingfeng", "张青峰"),
    "yingwang": ("yingwang", "陈盈"),
    "qinglong": ("qinglong", "黄龙"),
}
DEPARTMENTS = {  # name → (handler username, name)
    "县资规局": ("pj_zigui", "吴晓东"),
    "县住建局": ("pj_zhujian", "楼建华"),
    "县发改局": ("pj_fagai", "张立"),
    "县生态环境分局": ("pj_huanbao", "朱敏"),
}
OFFICERS = [("huangzhai", "张浩宇"), ("daiban01", "陈晓燕"), ("daiban02", "王立强")]
# title, department, legal working days, milestone, materials; the last two only for
# finished projects.
MATTERS = [
    ("企业投资项目备案", "县发改局", 3, K.SIGNING, ["备案申请表", "营业执照"]),
    ("建设项目用地预审与选址意见书", "县资规局", 10, K.DELISTING, ["申请表", "项目备案文件"]),
    ("国有建设用地使用权出让合同", "县资规局", 5, K.DELISTING, ["成交确认书", "出让金缴纳凭证"]),
    ("不动产权证（土地）首次登记", "县资规局", 5, K.PROPERTY, ["出让合同", "完税凭证", "宗地图"]),
    ("建设用地规划许可证", "县资规局", 7, K.LAND_PLANNING, ["申请表", "出让合同", "宗地图"]),
    ("建设工程设计方案审查", "县资规局", 10, K.WORKS_PLANNING, ["设计方案", "总平面图"]),
    ("建设工程规划许可证", "县资规局", 7, K.WORKS_PLANNING, ["申请表", "设计方案批复"]),
    ("环境影响评价审批", "县生态环境分局", 15, None, ["环评报告表", "公示材料"]),
    ("固定资产投资项目节能审查", "县发改局", 10, None, ["节能报告"]),
    ("施工图审查备案", "县住建局", 5, K.CONSTRUCTION, ["施工图", "审查合格书"]),
    ("消防设计审查", "县住建局", 10, K.CONSTRUCTION, ["消防设计文件"]),
    ("建筑工程施工许可证", "县住建局", 7, K.CONSTRUCTION, ["施工合同", "监理合同", "资金证明"]),
    ("竣工联合验收", "县住建局", 10, K.COMPLETION, ["竣工报告", "测绘成果"]),
    ("排污许可证", "县生态环境分局", 15, K.PRODUCTION, ["排污许可申请表"]),
]
MATTER_TOTAL = 106
EXTRA_MATTER = ("建设工程规划许可证（变更）", "县资规局", 7, None, ["变更申请", "修改方案"])
PROBLEMS = 170  # 162 solved, the rest still being handled
SOLVED = 162
PROBLEM_TITLES = [
    "施工临时用电接入进度慢",
    "施工车辆进出沿江路受限",
    "项目周边道路破损影响运输",
    "员工宿舍不足需协调租房",
    "新招员工子女入学",
    "雨季施工现场排水不畅",
    "厂区天然气管道接入",
    "招聘一线操作工",
    "设备进口报关咨询",
    "研发费用加计扣除政策咨询",
]
VISITS = 720
TEAMS = [
    "征地拆迁攻坚组",
    "政策处理攻坚组",
    "要素保障攻坚组",
    "项目服务攻坚组",
    "基础设施攻坚组",
    "环境整治攻坚组",
]
TEAM_SIZE = 12
# title, project key, outcome: on_time / late / claimed / fulfilled / open
TASKS = [
    ("征地政策处理", "qingfeng", "on_time"),
    ("拆迁安置", "yingwang", "on_time"),
    ("沿江路提升改造", "yingwang", "late"),
    ("盈旺项目施工用电扩容", "yingwang", "on_time"),
    ("青峰项目地块平整", "qingfeng", "on_time"),
    ("精发项目竣工验收协调", "jingfa", "on_time"),
    ("雄伟铝业排污指标落实", "xiongwei", "on_time"),
    ("丰明实业员工宿舍保障", "fengming", "late"),
    ("青龙服饰招工对接", "qinglong", "on_time"),
    ("工业园区污水管网接入", 0, "on_time"),
    ("锁具项目地块土方外运", 1, "late"),
    ("园区道路白改黑", 0, "on_time"),
    ("盈旺项目二期用地报批", "yingwang", "claimed"),
    ("青峰总部配套道路建设", "qingfeng", "claimed"),
    ("水晶项目厂房违建拆除", 0, "claimed"),
    ("青龙服饰消防通道整改", "qinglong", "fulfilled"),
    ("沿江路绿化提升", "yingwang", "open"),
    ("园区公共停车场建设", 1, "open"),
]
CERTIFICATE_PREFIX = {
    K.PROPERTY: "浙（{y}）浦江县不动产权第{n:07d}号",
    K.LAND_PLANNING: "地字第330726{y}{n:05d}号",
    K.WORKS_PLANNING: "建字第330726{y}{n:05d}号",
    K.CONSTRUCTION: "330726{y}{n:04d}0101",
}


def _start_day(ctx: DemoContext, start) -> datetime.date:
    if start == "12-26":
        year = ctx.reference_date.year
        day = datetime.date(year, 12, 26)
        return day if day < ctx.reference_date else datetime.date(year - 1, 12, 26)
    return ctx.days_before(start)


def _investor(ctx: DemoContext, key) -> Enterprise:
    if isinstance(key, int):
        local = [e for e in ctx.enterprises["huangzhai"] if e.pk not in _named_pks(ctx)]
        return local[key]
    return ctx.named[key]


def _named_pks(ctx: DemoContext) -> set[int]:
    return {ctx.named[key].pk for key in INVESTOR_ACCOUNTS}


def _dates(start: datetime.date, lead: int, build: int | None, ref: datetime.date) -> dict:
    delist = start - lead * DAY
    dates = {
        K.SIGNING: delist - 45 * DAY,
        K.DELISTING: delist,
        K.PROPERTY: delist + DAY,
        K.LAND_PLANNING: delist + DAY,
        K.WORKS_PLANNING: delist + (lead - 3) * DAY,
        K.CONSTRUCTION: delist + (lead - 1) * DAY,
        K.START: start,
    }
    if build is not None:
        dates[K.COMPLETION] = start + build * DAY
        if dates[K.COMPLETION] + 30 * DAY < ref:
            dates[K.PRODUCTION] = dates[K.COMPLETION] + 30 * DAY
    return dates


def _planned(dates: dict) -> dict:
    delist = dates[K.DELISTING]
    planned = {
        K.SIGNING: dates[K.SIGNING],
        K.DELISTING: delist,
        K.PROPERTY: delist + 5 * DAY,
        K.LAND_PLANNING: delist + 5 * DAY,
        K.WORKS_PLANNING: delist + 10 * DAY,
        K.CONSTRUCTION: delist + 12 * DAY,
        K.START: delist + 15 * DAY,
    }
    planned[K.COMPLETION] = planned[K.START] + 300 * DAY
    planned[K.PRODUCTION] = planned[K.COMPLETION] + 45 * DAY
    return planned


def _bulk_history(type_code: str, specs: list[dict]) -> list:
    """Closed cases of the past, written in bulk with their whole timeline.

    The engine's moves take tens of milliseconds each; a year of finished history
    (hundreds of cases, six steps each) is written directly instead: the case row
    as the engine leaves it after those steps, and one event per step. Cases still
    running go through the engine (``do_transition``) like any other.
    """
    from qinqing.cases import deadlines
    from qinqing.cases.models import Case, CaseEvent, CaseType, TimeLimit, Transition

    case_type = CaseType.objects.select_related("workflow").get(code=type_code)
    initial = case_type.workflow.states.get(is_initial=True)
    moves = {
        t.code: t
        for t in Transition.objects.filter(workflow=case_type.workflow).select_related("target")
    }
    limit = TimeLimit.objects.filter(case_type=case_type, priority="normal").first()
    cases = []
    for spec in specs:
        steps = spec.pop("steps")
        final = moves[steps[-1][0]].target
        created = spec["created_at"]
        fields = {
            "respond_due_at": deadlines.respond_due(limit, created),
            "due_at": deadlines.resolve_due(limit, created),
            **spec,
        }
        case = Case(
            case_type=case_type,
            state=final,
            kind=final.kind,
            number=uuid.uuid4().hex,
            version=len(steps) + 1,
            state_entered_at=steps[-1][2],
            **fields,
        )
        case.steps = steps
        cases.append(case)
    Case.objects.bulk_create(cases, batch_size=500)
    for case in cases:
        case.number = f"{case_type.number_prefix}{case.created_at:%Y}{case.pk:07d}"
    Case.objects.bulk_update(cases, ["number"], batch_size=500)
    events = []
    for case in cases:
        events.append(
            CaseEvent(
                case=case,
                transition="open",
                label="登记",
                to_state=initial,
                actor=case.created_by,
                created_at=case.created_at,
                note=case.description[:500],
            )
        )
        state = initial
        for code, actor, at, note, data in case.steps:
            move = moves[code]
            events.append(
                CaseEvent(
                    case=case,
                    transition=code,
                    label=move.label,
                    from_state=state,
                    to_state=move.target,
                    actor=actor,
                    created_at=at,
                    note=note,
                    department=case.department if code == "dispatch" else None,
                    data=data,
                )
            )
            state = move.target
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    return cases


@demo_step("investment.projects", after=["core.visits"])
def projects(ctx: DemoContext) -> None:
    town = ctx.regions["huangzhai"]
    county = ctx.regions["pujiang"]
    office = ctx.departments["黄宅镇代办队"]
    for username, name in OFFICERS:
        ensure_account(
            ctx, username, role=Role.STAFF, full_name=name, department=office, regions=[town]
        )
    for name, (username, person) in DEPARTMENTS.items():
        department = ensure_department(ctx, name, county)
        ensure_account(
            ctx,
            username,
            role=Role.HANDLER,
            full_name=person,
            department=department,
            regions=[county],
        )
    for key, (username, person) in INVESTOR_ACCOUNTS.items():
        ensure_account(
            ctx, username, role=Role.ENTERPRISE, full_name=person, enterprise=ctx.named[key]
        )
    if Project.objects.filter(town=town).exists():
        ctx.count("招商项目", Project.objects.filter(town=town).count())
        return
    officers = [ctx.users[username] for username, _ in OFFICERS]
    ref = ctx.reference_date
    serial = 0
    for index, (key, name, amount, _state, start, lead, build, area) in enumerate(PROJECTS):
        investor = _investor(ctx, key)
        dates = _dates(_start_day(ctx, start), lead, build, ref)
        officer = officers[index % len(officers)]
        project = services.do_create_project(
            officer,
            {
                "name": name,
                "investor": investor.pk,
                "total_investment": amount,
                "industry_code": investor.industry_code,
                "town": town.code,
                "officer": officer.pk,
            },
            planned=_planned(dates),
        )
        services.do_add_parcel(
            officer,
            project,
            name=f"黄宅镇工业功能区{index + 1:02d}号地块",
            area_mu=Decimal(area),
            delisted_on=dates[K.DELISTING],
            price=Decimal(area) * Decimal("28.5"),
        )
        for kind, _ in services.STAGES:
            if kind not in dates:
                continue
            serial += 1
            pattern = CERTIFICATE_PREFIX.get(kind)
            services.do_complete_milestone(
                officer,
                project.milestones.get(kind=kind),
                done_on=dates[kind],
                certificate_no=pattern.format(y=dates[kind].year, n=serial) if pattern else "",
                today=ref,
            )
    figures = services.figures(Project.objects.filter(town=town))
    ctx.count("招商项目（拿地即开工）", figures["quick_start"])
    ctx.count("招商项目总投资（亿元）", int(figures["investment"] / 10000))


@demo_step("investment.matters", after=["investment.projects"])
def matters(ctx: DemoContext) -> None:
    town = ctx.regions["huangzhai"]
    if AgencyMatter.objects.filter(project__town=town).exists():
        ctx.count("代办事项", AgencyMatter.objects.filter(project__town=town).count())
        return
    rng = ctx.rng("investment.matters")
    departments = {name: ctx.departments[name] for name in DEPARTMENTS}
    handlers = {name: ctx.users[username] for name, (username, _) in DEPARTMENTS.items()}
    plan = []
    for project in Project.objects.filter(town=town).order_by("pk"):
        done = dict(project.milestones.values_list("kind", "done_on"))
        for spec in MATTERS:
            kind = spec[3]
            day = done.get(kind or K.DELISTING)
            if day is not None:
                plan.append((project, spec, day, "done"))
    recent = list(Project.objects.filter(town=town, status="building").order_by("-pk"))
    for index in range(MATTER_TOTAL - len(plan)):
        state = ("signed", "dispatched")[index % 2]
        plan.append((recent[index % len(recent)], EXTRA_MATTER, None, state))
    history, running = [], []
    for project, (title, department, days, kind, materials), day, state in plan:
        if day is None:
            opened = ctx.local_datetime(
                ctx.days_before(rng.randint(1, 4)), datetime.time(9, rng.randint(0, 59))
            )
        else:
            back = min(days, 3) if kind else 8
            opened = ctx.local_datetime(day - back * DAY, datetime.time(9, rng.randint(0, 59)))
        milestone = project.milestones.get(kind=kind) if kind else None
        row = dict(
            project=project,
            title=title,
            department=departments[department],
            legal_days=days,
            materials=materials,
            milestone=milestone,
            description=f"{project.investor.name}：{title}，代办员全程代办。",
            opened=opened,
            state=state,
            handler=handlers[department],
        )
        if state == "done":
            row["closing"] = max(
                ctx.local_datetime(day, datetime.time(15, 0)), opened + datetime.timedelta(hours=4)
            )
            history.append(row)
        else:
            running.append(row)
    investors = {
        p.investor_id: p.investor.accounts.filter(is_active=True).order_by("pk").first()
        for p in Project.objects.filter(town=town).select_related("investor")
    }
    with ctx.acting():
        cases = _bulk_history(
            MATTER,
            [
                {
                    "title": row["title"],
                    "description": row["description"],
                    "region": town,
                    "enterprise_id": row["project"].investor_id,
                    "requester": investors[row["project"].investor_id],
                    "created_by": row["project"].officer,
                    "created_at": row["opened"],
                    "department": row["department"],
                    "assignee": row["handler"],
                    "responded_at": row["opened"] + datetime.timedelta(hours=2),
                    "replied_at": row["closing"],
                    "closed_at": row["closing"],
                    "due_at": calendar.add_working_days(row["opened"], row["legal_days"]),
                    "steps": [
                        (
                            "dispatch",
                            None,
                            row["opened"],
                            "",
                            {"department_id": row["department"].pk},
                        ),
                        (
                            "sign",
                            row["handler"],
                            row["opened"] + datetime.timedelta(hours=2),
                            "",
                            {},
                        ),
                        (
                            "complete",
                            row["handler"],
                            row["closing"],
                            "",
                            {
                                "certificate_no": row["milestone"].certificate_no
                                if row["milestone"]
                                else "",
                                "issued_on": row["closing"].date().isoformat(),
                            },
                        ),
                    ],
                }
                for row in history
            ],
        )
        made = AgencyMatter.objects.bulk_create(
            AgencyMatter(
                case=case,
                project=row["project"],
                milestone=row["milestone"],
                department=row["department"],
                legal_days=row["legal_days"],
            )
            for case, row in zip(cases, history, strict=True)
        )
        MatterMaterial.objects.bulk_create(
            MatterMaterial(matter=matter, name=name, received_on=row["opened"].date())
            for matter, row in zip(made, history, strict=True)
            for name in row["materials"]
        )
    with silenced():
        for row in running:
            matter = services.do_open_matter(
                row["project"].officer,
                row["project"],
                title=row["title"],
                department=row["department"],
                legal_days=row["legal_days"],
                materials=row["materials"],
                description=row["description"],
                now=row["opened"],
            )
            if row["state"] == "signed":
                do_transition(
                    row["handler"],
                    matter.case,
                    "sign",
                    now=row["opened"] + datetime.timedelta(hours=2),
                )
                matter.materials.filter(pk=matter.materials.order_by("pk").first().pk).update(
                    received_on=row["opened"].date()
                )
    ctx.count("代办事项", AgencyMatter.objects.filter(project__town=town).count())


@demo_step("investment.visits", after=["investment.projects"])
def visits(ctx: DemoContext) -> None:
    """The agency team's visits (走访): most to the eight investors, the rest to local firms."""
    town = ctx.regions["huangzhai"]
    officers = [ctx.users[username] for username, _ in OFFICERS]
    if Visit.objects.filter(visitor__in=officers[1:]).exists():
        ctx.count("代办队走访", Visit.objects.filter(visitor__in=officers).count())
        return
    rng = ctx.rng("investment.visits")
    investors = list(Enterprise.objects.filter(investment_projects__town=town).distinct())
    locals_ = [e for e in ctx.enterprises["huangzhai"] if e not in investors]
    rows = []
    for index in range(VISITS):
        enterprise = investors[index % len(investors)] if index % 6 else rng.choice(locals_)
        notes, follow_ups, due_in = rng.choice(HUANGZHAI_NOTES)
        day = ctx.days_before(rng.randint(1, 365))
        rows.append(
            Visit(
                visited_at=ctx.local_datetime(day, rng.choice(VISIT_TIMES)),
                visitor=officers[index % len(officers)],
                enterprise=enterprise,
                region=enterprise.region,
                notes=notes,
                follow_ups=follow_ups,
                follow_up_due=day + datetime.timedelta(days=due_in) if due_in else None,
            )
        )
    # Each visit is audited as its visitor's (as core's visits are): one insert per visit.
    for officer in officers:
        with audit.acting_as(officer):
            for visit in rows:
                if visit.visitor_id == officer.pk:
                    visit.save()
    ctx.count("代办队走访", Visit.objects.filter(visitor__in=officers).count())


@demo_step("investment.problems", after=["investment.visits", "investment.matters"])
def problems(ctx: DemoContext) -> None:
    town = ctx.regions["huangzhai"]
    if ProjectProblem.objects.filter(project__town=town).exists():
        ctx.count("项目问题", ProjectProblem.objects.filter(project__town=town).count())
        return
    rng = ctx.rng("investment.problems")
    projects = list(Project.objects.filter(town=town).select_related("investor").order_by("pk"))
    officers = [ctx.users[username] for username, _ in OFFICERS]
    departments = [(ctx.departments[name], ctx.users[u]) for name, (u, _) in DEPARTMENTS.items()]
    visits_of = {}
    for visit in Visit.objects.filter(
        visitor__in=officers, enterprise__investment_projects__town=town
    ).order_by("visited_at"):
        visits_of.setdefault(visit.enterprise_id, []).append(visit)
    investors = {
        p.investor_id: p.investor.accounts.filter(is_active=True).order_by("pk").first()
        for p in projects
    }
    history, running = [], []
    for index in range(PROBLEMS):
        project = projects[index % len(projects)]
        candidates = visits_of[project.investor_id]
        if index < SOLVED:
            visit = candidates[rng.randrange(len(candidates) // 2)]
        else:
            visit = candidates[-1 - index % 3]
        title = rng.choice(PROBLEM_TITLES)
        department, handler = departments[index % len(departments)]
        row = dict(
            project=project,
            visit=visit,
            title=title,
            description=f"走访{project.investor.name}时发现：{title}。",
            department=department,
            handler=handler,
            dispatcher=officers[(index + 1) % len(officers)],
            investor=investors[project.investor_id],
            moments=[
                visit.visited_at + datetime.timedelta(hours=1 + 8 * n + rng.randint(0, 6))
                for n in range(7)
            ],
        )
        (history if index < SOLVED else running).append(row)
    with ctx.acting():
        specs = []
        for row in history:
            at = row["moments"]
            surveyor = row["investor"] or row["dispatcher"]
            specs.append(
                {
                    "title": row["title"],
                    "description": row["description"],
                    "region": town,
                    "enterprise_id": row["project"].investor_id,
                    "requester": row["investor"],
                    "visit": row["visit"],
                    "created_by": row["visit"].visitor,
                    "created_at": at[0],
                    "department": row["department"],
                    "assignee": row["handler"],
                    "responded_at": at[3],
                    "replied_at": at[5],
                    "closed_at": at[6],
                    "solved": True,
                    "satisfaction": "satisfied",
                    "survey_count": 1,
                    "steps": [
                        ("accept", row["dispatcher"], at[1], "", {}),
                        (
                            "dispatch",
                            row["dispatcher"],
                            at[2],
                            "",
                            {"department_id": row["department"].pk},
                        ),
                        ("sign", row["handler"], at[3], "", {}),
                        ("start", row["handler"], at[4], "", {}),
                        ("reply", row["handler"], at[5], "已协调解决，答复企业", {}),
                        (
                            "satisfied",
                            surveyor,
                            at[6],
                            "",
                            {"solved": True, "satisfaction": "satisfied"},
                        ),
                    ],
                }
            )
        cases = _bulk_history(PROBLEM, specs)
        ProjectProblem.objects.bulk_create(
            ProjectProblem(case=case, project=row["project"])
            for case, row in zip(cases, history, strict=True)
        )
    with silenced():
        for index, row in enumerate(running):
            problem = services.do_record_problem(
                row["visit"].visitor,
                row["project"],
                title=row["title"],
                description=row["description"],
                visit=row["visit"],
                now=row["moments"][0],
            )
            case = problem.case
            steps = ["accept", "dispatch", "sign", "start"][: 1 + index % 4]
            for step, moment in zip(steps, row["moments"][1:], strict=False):
                actor, extra = row["dispatcher"], {}
                if step == "dispatch":
                    extra["department"] = row["department"]
                elif step in {"sign", "start"}:
                    actor = row["handler"]
                case = do_transition(actor, case, step, now=moment, **extra)
    solved = ProjectProblem.objects.filter(project__town=town, case__solved=True).count()
    ctx.count("项目问题（已解决）", solved)


@demo_step("investment.tasks", after=["investment.projects"])
def tasks(ctx: DemoContext) -> None:
    """Six 攻坚小组 of 72 cadres and the key tasks they claimed (揭榜挂帅)."""
    town = ctx.regions["huangzhai"]
    officer = ctx.users["huangzhai"]
    leader = ctx.users["leader"]
    teams = []
    members_wanted = []
    for number, name in enumerate(TEAMS, start=1):
        head = ensure_account(
            ctx,
            f"gongjian{number}",
            role=Role.STAFF,
            full_name=f"{name[:2]}组长",
            regions=[town],
            note="攻坚小组组长" if number == 1 else "",
        )
        usernames = [f"gj{number}{i:02d}" for i in range(1, TEAM_SIZE)]
        members_wanted.append((name, head, usernames))
    for name, _, usernames in members_wanted:
        for username in usernames:
            ensure_account(
                ctx,
                username,
                role=Role.STAFF,
                full_name=f"{name[:2]}队员{username[-2:]}",
                regions=[town],
            )
    for name, head, usernames in members_wanted:
        team = Team.objects.filter(name=name).first()
        members = list(User.objects.filter(username__in=usernames))
        if team is None:
            team = services.do_create_team(
                officer, name=name, town=town, leader=head, members=members
            )
        teams.append(team)
    if KeyTask.objects.filter(case__region=town).exists():
        ctx.count("揭榜任务", KeyTask.objects.filter(case__region=town).count())
        return
    rng = ctx.rng("investment.tasks")
    projects = {}
    for key, name, *_ in PROJECTS:
        projects[key] = Project.objects.get(town=town, name=name)
    with silenced():
        for index, (title, key, outcome) in enumerate(TASKS):
            fresh = outcome in {"claimed", "fulfilled", "open"}
            posted = ctx.local_datetime(
                ctx.days_before(rng.randint(10, 25) if fresh else rng.randint(120, 330)),
                datetime.time(10, 0),
            )
            deadline = (posted + datetime.timedelta(days=60)).date()
            task = services.do_post_task(
                officer,
                title=title,
                goals=f"{title}：按期完成，保障{projects[key].name}顺利推进。",
                deadline=deadline,
                project=projects[key],
                leader=leader,
                town=town,
                sub_goals=[
                    ("摸底调查、制定方案", posted.date() + 15 * DAY),
                    ("组织实施", posted.date() + 45 * DAY),
                    ("完成验收", deadline),
                ],
                now=posted,
            )
            if outcome == "open":
                continue
            team = teams[index % len(teams)]
            claimed = posted + datetime.timedelta(days=2)
            services.do_claim_task(team.leader, task, now=claimed)
            case = task.case
            ProgressReport.objects.bulk_create(
                ProgressReport(
                    task=task,
                    author=team.leader,
                    text=f"{title}：{step}",
                    created_at=claimed + datetime.timedelta(days=days),
                )
                for days, step in ((5, "已完成摸底调查"), (20, "实施过半"))
                if claimed + datetime.timedelta(days=days)
                < ctx.local_datetime(ctx.reference_date, datetime.time(8, 0))
            )
            if outcome == "claimed":
                continue
            finish = deadline - 5 * DAY if outcome != "late" else deadline + 12 * DAY
            finished = ctx.local_datetime(finish, datetime.time(16, 0))
            if outcome == "fulfilled":
                finished = ctx.local_datetime(ctx.days_before(1), datetime.time(16, 0))
            SubGoal.objects.filter(task=task).update(done_on=finished.date())
            case = do_transition(team.leader, case, "fulfil", note="任务已完成", now=finished)
            if outcome == "fulfilled":
                continue
            do_transition(leader, case, "confirm", now=finished + datetime.timedelta(hours=20))
    ctx.count("攻坚小组", len(teams))
    ctx.count("揭榜任务", KeyTask.objects.filter(case__region=town).count())
