"""Demo data of clean medical insurance (诸暨 清廉医保), run by ``manage.py demo``.

诸暨's designated institutions (定点医药机构: the 诸暨 enterprises of the
core demo plus clinics and pharmacies, 200 in all), the catalog with the dental
implant system at its 集采 price (5800 → 900 元), a year of synthetic claims
with the generator's labelled violations, one audit run, and findings
reviewed — some confirmed, some dismissed, the rest waiting in the queue.
"""

import datetime
import tempfile
from pathlib import Path

from qinqing.core.demo import DemoContext, demo_step
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
