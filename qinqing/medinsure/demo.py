"""Demo data of clean medical insurance (诸暨 清廉医保), run by ``manage.py demo``.

诸暨's designated institutions (定点医药机构: the 诸暨 enterprises of the
core demo plus clinics and pharmacies, 200 in all), the catalog with the dental
implant system at its 集采 price (5800 → 900 元), a year of synthetic claims
with the generator's labelled violations, one audit run, and findings
reviewed — some confirmed, some dismissed, the rest waiting in the queue.
参保企业“省心办”: a year of insured enterprises' requests to 市医保局, answered
and surveyed through the work-order flow, 满意率 above 99%.
"""

import datetime
import tempfile
from pathlib import Path

from qinqing.core.demo import DemoContext, demo_step, ensure_account
from qinqing.core.models import Role
from qinqing.core.notifications.services import silenced
from qinqing.medinsure import services, synthetic
from qinqing.medinsure.models import (
    AgreementStatus,
    CatalogEntry,
    Finding,
    Institution,
    InstitutionKind,
    ReviewStatus,
    Settlement,
)

CLINIC_TOWNS = ["暨阳", "陶朱", "浣东", "枫桥", "店口", "大唐", "牌头", "次坞", "璜山", "东白湖"]
SETTLEMENTS = 2500


def _kind(name: str) -> str:
    if "药" in name:
        return InstitutionKind.PHARMACY
    if "口腔" in name:
        return InstitutionKind.DENTAL
    if "卫生" in name:
        return InstitutionKind.CLINIC
    return InstitutionKind.HOSPITAL


@demo_step("medinsure.institutions", after=["core.visits"])
def institutions(ctx: DemoContext) -> None:
    zhuji = ctx.regions["zhuji"]
    department = ctx.departments.get("市卫健局") or ctx.departments.get("市医保局")
    names = [e.name for e in ctx.enterprises.get("zhuji", [])]
    rng = ctx.rng("medinsure.institutions")
    n = 0
    while len(names) < len(synthetic.INSTITUTIONS):
        town = CLINIC_TOWNS[n % len(CLINIC_TOWNS)]
        kind = ["村卫生室", "社区卫生服务站", "大药房连锁门店", "诊所"][rng.randrange(4)]
        names.append(f"诸暨市{town}{kind}{n // len(CLINIC_TOWNS) + 1:02d}")
        n += 1
    existing = set(Institution.objects.values_list("code", flat=True))
    missing = [
        Institution(
            code=code,
            name=name,
            kind=_kind(name),
            level="二级" if "医院" in name else "",
            region=zhuji,
            agreement_status=AgreementStatus.SUSPENDED if i % 97 == 5 else AgreementStatus.ACTIVE,
            department=department,
        )
        for i, (code, name) in enumerate(zip(synthetic.INSTITUTIONS, names, strict=False))
        if code not in existing
    ]
    with ctx.acting():
        Institution.objects.bulk_create(missing)
        if not CatalogEntry.objects.exists():
            CatalogEntry.objects.bulk_create(
                [
                    CatalogEntry(
                        **{
                            k: ("" if v is None and k in services.BLANK_TEXT else v)
                            for k, v in zip(synthetic.CATALOG_COLUMNS, row, strict=True)
                        }
                    )
                    for row in synthetic.CATALOG
                ]
            )
    ctx.count("定点医药机构", Institution.objects.count())
    ctx.count("医保目录版本", CatalogEntry.objects.count())


@demo_step("medinsure.claims", after=["medinsure.institutions"])
def claims(ctx: DemoContext) -> None:
    staff = ctx.users["zhuji"]
    if not Settlement.objects.exists():
        start = ctx.days_before(365)
        data = synthetic.generate(
            settlements=SETTLEMENTS, seed=2026, start=start, days=360, scenario_repeats=4
        )
        with tempfile.TemporaryDirectory() as tmp:
            paths = data.write(Path(tmp), "parquet")
            with silenced():
                services.do_start_claim_import(
                    ctx.actor,
                    name=f"{start:%Y年%m月}起一年结算清单",
                    settlements=paths["settlements"],
                    lines=paths["lines"],
                    background=False,
                )
        services.do_start_audit(ctx.actor, background=False)
        rng = ctx.rng("medinsure.reviews")
        reasons = {
            ReviewStatus.CONFIRMED: [
                "核查病历与票据，确认违规",
                "机构已承认多收费用",
                "现场检查核实",
            ],
            ReviewStatus.DISMISSED: ["医嘱与病程记录支持，排除", "已办理退费，排除"],
        }
        for finding in Finding.objects.order_by("pk"):
            draw = rng.random()
            if draw < 0.45:
                decision = ReviewStatus.CONFIRMED
            elif draw < 0.6:
                decision = ReviewStatus.DISMISSED
            else:
                continue
            services.do_review_finding(
                staff, finding, decision=decision, reason=rng.choice(reasons[decision])
            )
    ctx.count("结算（一年）", Settlement.objects.count())
    ctx.count("审核疑点", Finding.objects.count())


# how far each clue gets: every state of the clue flow
CLUE_PATHS = [
    [],
    ["refer"],
    ["refer", "propose"],
    ["refer", "propose", "approve"],
    ["refer", "propose", "approve", "close"],
    ["drop"],
]


@demo_step("medinsure.clues", after=["medinsure.claims"])
def clues(ctx: DemoContext) -> None:
    from qinqing.cases.models import Case
    from qinqing.cases.services import do_transition
    from qinqing.medinsure.models import Clue

    if Clue.objects.exists():
        ctx.count("医保线索", Clue.objects.count())
        return
    staff = ctx.users["zhuji"]
    checker = ctx.actor
    department = ctx.departments.get("市卫健局") or ctx.departments.get("市医保局")
    confirmed = Finding.objects.filter(status=ReviewStatus.CONFIRMED, clue__isnull=True)
    codes = sorted(set(confirmed.values_list("institution_code", flat=True)))
    with silenced():
        for n, code in enumerate(codes[:18]):
            institution = Institution.objects.get(code=code)
            clue = services.do_refer_clue(
                staff, institution, confirmed.filter(institution_code=code)
            )
            for step in CLUE_PATHS[n % len(CLUE_PATHS)]:
                case = Case.objects.select_related("case_type", "state", "department").get(
                    pk=clue.case_id
                )
                actor = checker if step == "approve" else staff
                kwargs = {}
                if step == "refer":
                    kwargs["department"] = department
                elif step == "propose":
                    kwargs["values"] = {
                        "deduction": str(clue.amount),
                        "penalty": str(clue.amount * 2),
                        "referral": "none",
                    }
                elif step == "close":
                    kwargs["values"] = {"recovered": str(clue.amount)}
                elif step == "drop":
                    kwargs["note"] = "经核查已整改退费，不予处理"
                do_transition(actor, case, step, **kwargs)
    ctx.count("医保线索", Clue.objects.count())


INSPECTED = 171
INTERVIEWED = 52
TASK_LIST = [
    "定点医药机构全覆盖检查", "医保基金使用专项整治", "集采中选药品耗材落地监测",
    "种植牙集采价格执行检查",
    "重复收费专项治理", "分解住院专项核查", "超标准收费自查自纠", "医保协议管理考核",
    "智能审核规则库更新", "两库建设对接", "线索通报机制建设", "约谈制度落实",
    "医保药店进销存核查", "门诊慢特病待遇核查", "异地就医费用核查", "欺诈骗保举报奖励兑现",
    "清廉医院共建", "医保驾驶舱建设", "参保群众满意度调查", "医保经办窗口作风整治",
    "年度考核与通报",
]  # fmt: skip


@demo_step("medinsure.inspections", after=["medinsure.clues"])
def inspections(ctx: DemoContext) -> None:
    from qinqing.cases.models import Case
    from qinqing.cases.services import do_open_case, do_transition
    from qinqing.medinsure.models import Inspection, InspectionKind

    staff = ctx.users["zhuji"]
    if not Inspection.objects.exists():
        rng = ctx.rng("medinsure.inspections")
        institutions = list(Institution.objects.order_by("code"))
        with silenced():
            for n, institution in enumerate(institutions[:INSPECTED]):
                planned = ctx.days_before(rng.randint(20, 330))
                services.do_record_inspection(
                    staff,
                    institution,
                    kind=InspectionKind.INSPECTION,
                    planned_on=planned,
                    done_on=planned,
                    notes="现场检查：核对票据、病历与进销存",
                    rectification="规范收费行为，退回违规费用" if n % 6 == 0 else "",
                )
            for institution in institutions[:INTERVIEWED]:
                planned = ctx.days_before(rng.randint(5, 200))
                services.do_record_inspection(
                    staff,
                    institution,
                    kind=InspectionKind.INTERVIEW,
                    planned_on=planned,
                    done_on=planned,
                    notes="约谈机构负责人，通报审核疑点",
                    rectification="限期整改并报送整改报告",
                )
            for n in range(8):  # planned, not yet carried out
                services.do_record_inspection(
                    staff,
                    institutions[INSPECTED + n],
                    kind=InspectionKind.INSPECTION,
                    planned_on=ctx.reference_date + datetime.timedelta(days=3 + n),
                )
            department = ctx.departments.get("市医保局")
            for n, title in enumerate(TASK_LIST):
                case = do_open_case(
                    staff, case_type="medinsure_task", title=title, region=ctx.regions["zhuji"]
                )
                for step in ("accept", "dispatch", "sign_and_start")[: n % 4]:
                    case = Case.objects.select_related("case_type", "state", "department").get(
                        pk=case.pk
                    )
                    kwargs = {"department": department} if step == "dispatch" else {}
                    do_transition(staff, case, step, **kwargs)
    ctx.count(
        "检查机构", Inspection.objects.filter(kind="inspection", done_on__isnull=False).count()
    )
    ctx.count("约谈", Inspection.objects.filter(kind="interview", done_on__isnull=False).count())


# 参保企业“省心办”: the enterprise accounts that file (username, contact person), among
# 诸暨's private companies (each insures its own staff), and what they ask.
INSURED_ACCOUNTS = [
    ("zjqiye01", "楼晓峰"),
    ("zjqiye02", "宣丽娟"),
    ("zjqiye03", "寿建国"),
    ("zjqiye04", "斯红梅"),
    ("zjqiye05", "边志强"),
    ("zjqiye06", "郦文华"),
]
REQUESTS = {
    "enrolment": ["新入职员工{n}人参保登记", "离职员工{n}人减员办理"],
    "transfer": ["外省调入员工医保关系转移接续", "员工医保关系转出至杭州"],
    "remote": ["员工长期驻外异地就医备案", "退休员工随子女异地安置备案"],
    "reimbursement": ["员工住院费用报销进度查询", "{n}月份零星报销进度查询"],
    "contribution": ["单位缴费基数核定咨询", "补缴{n}月份单位医保费"],
    "maternity": ["女职工生育津贴申领", "生育津贴发放到账时间咨询"],
    "chronic": ["员工门诊慢特病认定申请", "慢特病待遇续期办理"],
    "voucher": ["员工医保电子凭证激活问题", "企业批量代办医保电子凭证"],
}
# How far each request has come after the platform dispatched it to 市医保局:
# (how many, the steps taken). One surveyed unsatisfied, answered again and then
# satisfied: 100 satisfied of 101 surveys, 99.0%.
REQUEST_OUTCOMES = [
    (99, ["sign", "start", "reply", "satisfied"]),
    (1, ["sign", "start", "reply", "unsatisfied", "reply", "satisfied"]),
    (3, ["sign", "start", "reply"]),
    (2, ["sign", "start"]),
    (1, []),
]


@demo_step("medinsure.service_requests", after=["medinsure.inspections"])
def service_requests(ctx: DemoContext) -> None:
    """省心办 through the real path: the enterprise account files, the platform dispatches
    to 市医保局, 何伟 signs and answers, the enterprise that asked surveys."""
    from qinqing.cases.calendar import is_working_day
    from qinqing.cases.models import Case
    from qinqing.cases.services import do_transition
    from qinqing.medinsure.case_types import SERVICE_REQUEST

    companies = [e for e in ctx.enterprises.get("zhuji", []) if e.name.endswith("有限公司")]
    requesters = [
        ensure_account(
            ctx,
            username,
            role=Role.ENTERPRISE,
            full_name=name,
            enterprise=company,
            note="医保省心办",
        )
        for (username, name), company in zip(INSURED_ACCOUNTS, companies, strict=False)
    ]
    requests = Case.objects.filter(case_type__code=SERVICE_REQUEST)
    if requests.exists() or not requesters or "市医保局" not in ctx.departments:
        ctx.count("医保省心办事项", requests.count())
        return
    handler = ctx.users["zhuji"]
    rng = ctx.rng("medinsure.service_requests")
    plan = [steps for count, steps in REQUEST_OUTCOMES for _ in range(count)]
    rng.shuffle(plan)
    # Surveyed requests spread over the year, the open ones are the latest.
    plan.sort(key=lambda steps: steps[-1:] != ["satisfied"])
    topics = list(REQUESTS)
    with silenced():
        for index, steps in enumerate(plan):
            done = steps[-1:] == ["satisfied"]
            day = ctx.days_before(8 + 3 * (len(plan) - index) if done else len(plan) - index + 3)
            while not is_working_day(day):
                day += datetime.timedelta(days=1)
            moment = ctx.local_datetime(day, datetime.time(rng.randint(8, 15), rng.randint(0, 59)))
            requester = requesters[index % len(requesters)]
            topic = topics[rng.randrange(len(topics))]
            title = rng.choice(REQUESTS[topic]).format(n=rng.randint(2, 12))
            case = services.do_request_service(
                requester, title, f"{requester.enterprise.name}：{title}", topic, now=moment
            )
            for step in steps:
                if step == "sign":
                    moment += datetime.timedelta(minutes=rng.randint(10, 150))
                elif step == "start":
                    moment += datetime.timedelta(minutes=rng.randint(5, 60))
                else:
                    moment += datetime.timedelta(hours=rng.randint(3, 40))
                if step in {"satisfied", "unsatisfied"}:
                    # 解决 is recorded at 回访; the enterprise that asked surveys, not 医保局.
                    extra = {"note": "报销款尚未到账"} if step == "unsatisfied" else {}
                    case = do_transition(
                        requester, case, step, solved=step == "satisfied", now=moment, **extra
                    )
                elif step == "reply":
                    note = "已办结并电话告知企业经办人"
                    case = do_transition(handler, case, "reply", note=note, now=moment)
                else:
                    case = do_transition(handler, case, step, now=moment)
    ctx.count("医保省心办事项", requests.count())
