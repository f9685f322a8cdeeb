"""Demo data of the talent service center (嘉善经济技术开发区), run by ``manage.py demo``.

The figures of SCENARIO 1: 嘉善经开区 enterprises posting jobs (the 集成电路 firms
among them), job seekers with profiles, 3,000+ graduates recruited this year and
about 100 overseas talents (both counted from hire records), 120 apartment
units, lodging rooms, 50+ school–enterprise agreements and talent events; a
staff, an enterprise and a seeker account to try each side.

Volumes are bulk-inserted inside ``ctx.acting()``; the few records that show a
flow (postings under review, an apartment waiting list) go through the services.
"""

import datetime

from django.utils import timezone

from qinqing.core.crypto import lookup_hash
from qinqing.core.demo import DemoContext, demo_step, ensure_account
from qinqing.core.models import Person, Role
from qinqing.core.notifications.services import silenced
from qinqing.core.synthetic import make_id_number
from qinqing.core.validators import id_number_birth_date, id_number_gender
from qinqing.talent import services
from qinqing.talent.matching.features import posting_features
from qinqing.talent.models import (
    ApartmentUnit,
    Application,
    ApplicationStatus,
    Bed,
    CooperationAgreement,
    EligibilityRule,
    EventKind,
    LodgingRoom,
    Posting,
    PostingStatus,
    PushSettings,
    SeekerProfile,
    TalentEvent,
)

GRADUATES = 3120
OVERSEAS = 104

# (title, occupation, skills, majors, education, years, salary range, duties)
JOBS = [
    ("封装测试工艺工程师", "2-02", ["封装测试", "SPC", "引线键合"], ["微电子科学与工程"], "本科", 2,
     (9000, 16000), "负责集成电路封装测试工艺开发与良率提升，编写作业指导书，处理产线异常。"),
    ("集成电路设计工程师", "2-02", ["Verilog", "数字电路", "EDA"], ["集成电路设计与集成系统"],
     "硕士", 3, (18000, 35000), "负责数字前端设计与验证，参与芯片架构定义和时序收敛。"),
    ("晶圆测试技术员", "6-25", ["晶圆测试", "探针台", "5S"], ["电子信息工程技术"], "大专", 0,
     (6000, 9000), "操作晶圆测试设备，记录测试数据，配合工程师处理异常批次。"),
    ("PLC电气工程师", "2-02", ["PLC", "电气控制", "CAD"], ["电气工程及其自动化"], "本科", 3,
     (10000, 18000), "负责自动化产线的PLC编程调试与电气图纸设计，参与设备改造。"),
    ("设备维修技术员", "6-31", ["设备维修", "气动液压", "钳工"], ["机电一体化技术"], "大专", 2,
     (6500, 10000), "负责半导体设备的日常点检、保养与故障维修。"),
    ("质量工程师", "2-02", ["质量管理", "8D", "IATF16949"], ["质量管理工程"], "本科", 2,
     (8000, 14000), "负责来料与制程质量控制，主导客户投诉的8D分析。"),
    ("电商运营专员", "4-01", ["店铺运营", "直播带货", "数据分析"], ["电子商务"], "大专", 1,
     (6000, 12000), "负责天猫、抖音店铺的日常运营、活动策划与数据复盘。"),
    ("会计", "2-06", ["财务核算", "税务申报", "用友"], ["会计学"], "本科", 2,
     (6000, 9000), "负责日常账务处理、纳税申报和月度财务报表编制。"),
    ("数控车工", "6-18", ["数控车床", "图纸识读", "量具使用"], ["数控技术"], "高中/中专", 1,
     (7000, 11000), "按图纸操作数控车床加工汽车零部件，完成首件自检。"),
    ("护士", "2-05", ["护理", "急救", "护士执业资格"], ["护理学"], "大专", 0,
     (6000, 9000), "负责企业医务室日常护理、职业健康体检组织和急救培训。"),
]  # fmt: skip
SCHOOLS = [
    "嘉兴学院", "浙江大学", "杭州电子科技大学", "浙江工业大学", "中国计量大学", "嘉兴职业技术学院",
    "嘉兴南洋职业技术学院", "浙江理工大学", "上海大学", "东华大学", "宁波大学", "浙江工商大学",
]  # fmt: skip
MAJORS = [
    "微电子科学与工程", "集成电路设计与集成系统", "电子信息工程", "电气工程及其自动化",
    "机械设计制造及其自动化", "电子商务", "会计学", "护理学", "数控技术", "机电一体化技术",
]  # fmt: skip
OVERSEAS_SCHOOLS = ["新加坡国立大学", "英国曼彻斯特大学", "美国加州大学", "德国亚琛工业大学"]


@demo_step("talent.accounts", after=["core.accounts"])
def accounts(ctx: DemoContext) -> None:
    jiashan = ctx.enterprises["jiashan"]
    chip = next(e for e in jiashan if e.industry_code.startswith("397"))
    ctx.named["talent_employer"] = chip
    ensure_account(
        ctx,
        "jiashan-hr",
        role=Role.ENTERPRISE,
        full_name="沈丽华",
        enterprise=chip,
        note="人才服务中心：企业账号（发布岗位、处理投递）",
    )
    seeker = ctx.people["jiashan_jobseekers"][0]
    ctx.named["talent_seeker"] = seeker
    ensure_account(
        ctx,
        "jiashan-seeker",
        role=Role.RESIDENT,
        full_name=seeker.name,
        person=seeker,
        note="人才服务中心：求职者账号（搜索、投递、推送）",
    )


def _posting_rows(ctx, rng, creator):
    jiashan = ctx.enterprises["jiashan"]
    today = ctx.reference_date
    rows = []
    for index in range(360):
        employer = jiashan[index % len(jiashan)]
        title, occupation, skills, majors, education, years, (low, high), duties = JOBS[
            (index * 7 + index // len(jiashan)) % len(JOBS)
        ]
        published = today - datetime.timedelta(days=rng.randint(0, 40))
        posting = Posting(
            employer=employer,
            title=title,
            duties=duties,
            headcount=rng.randint(1, 10),
            education_min=education,
            majors=majors,
            skills=skills,
            experience_years_min=years,
            occupation=occupation,
            industry=employer.industry_code[:2],
            location=employer.region,
            salary_min=low,
            salary_max=high,
            valid_from=published,
            valid_until=published + datetime.timedelta(days=rng.randint(30, 120)),
            status=PostingStatus.PUBLISHED,
            published_at=ctx.local_datetime(published, datetime.time(9, rng.randint(0, 59))),
            created_by=creator,
        )
        data = services.posting_dict(posting)
        posting.features = posting_features(data, embed=False)
        posting.search_text = " ".join([title, duties, *skills, *majors])
        rows.append(posting)
    return rows


@demo_step("talent.postings", after=["talent.accounts"])
def postings(ctx: DemoContext) -> None:
    employer = ctx.users["jiashan-hr"]
    staff = ctx.users["jiashan"]
    if not Posting.objects.filter(employer__in=ctx.enterprises["jiashan"]).exists():
        rng = ctx.rng("talent.postings")
        with ctx.acting():
            Posting.objects.bulk_create(_posting_rows(ctx, rng, employer), batch_size=500)
        # Three postings still under review, one of them with a phrase the rules refuse.
        moment = ctx.local_datetime(ctx.reference_date, datetime.time(9, 30))
        with silenced():
            for title, duties in [
                ("晶圆厂设备工程师", "负责刻蚀设备维护与工艺改进，能适应倒班。"),
                ("芯片测试工程师", "负责ATE测试程序开发与量产导入。"),
                ("模拟IC版图工程师", "负责模拟电路版图设计与验证。"),
            ]:
                draft = services.do_save_posting(
                    employer,
                    {
                        "title": title,
                        "duties": duties,
                        "headcount": 2,
                        "education_min": "本科",
                        "majors": "微电子科学与工程",
                        "skills": "封装测试、SPC",
                        "experience_years_min": 1,
                        "occupation": "2-02",
                        "industry": "39",
                        "location": employer.enterprise.region.code,
                        "salary_min": 10000,
                        "salary_max": 18000,
                        "valid_from": ctx.reference_date.isoformat(),
                        "valid_until": (
                            ctx.reference_date + datetime.timedelta(days=60)
                        ).isoformat(),
                    },
                )
                services.do_submit_posting(employer, draft, now=moment)
        ctx.users.setdefault("talent_staff", staff)
    ctx.count(
        "在招岗位（嘉善经开区）",
        Posting.objects.open_on(ctx.reference_date).count(),
    )


def _people(ctx, rng, count, first_sequence, region, born):
    rows = []
    for n in range(count):
        birth = born + datetime.timedelta(days=n // 900)
        number = make_id_number("330421", birth, first_sequence + n % 900)
        rows.append(
            Person(
                name=rng.choice("沈陆朱徐吴钱顾姚王张")
                + rng.choice("嘉思明慧晓子雨浩宇欣怡晨")
                + rng.choice("华婷杰琳轩然涵博文"),
                id_number=number,
                id_number_hash=lookup_hash(number),
                gender=id_number_gender(number),
                birth_date=id_number_birth_date(number),
                region=region,
            )
        )
    return rows


@demo_step("talent.hires", after=["talent.postings"])
def hires(ctx: DemoContext) -> None:
    """3,000+ graduates recruited this year and ~100 overseas talents, as hire records."""
    year = ctx.reference_date.year
    open_postings = list(Posting.objects.filter(employer__in=ctx.enterprises["jiashan"])[:200])
    if not Application.objects.filter(
        status=ApplicationStatus.HIRED, posting__in=open_postings
    ).exists():
        rng = ctx.rng("talent.hires")
        region = ctx.regions["jiashan"]
        with ctx.acting():
            people = Person.objects.bulk_create(
                _people(ctx, rng, GRADUATES, 101, region, datetime.date(2001, 1, 1))
                + _people(ctx, rng, OVERSEAS, 101, region, datetime.date(1990, 3, 1)),
                batch_size=1000,
            )
            profiles = []
            for index, person in enumerate(people):
                overseas = index >= GRADUATES
                profiles.append(
                    SeekerProfile(
                        person=person,
                        education=rng.choice(["硕士", "博士"])
                        if overseas
                        else rng.choice(["大专", "本科", "本科", "本科", "硕士"]),
                        school=rng.choice(OVERSEAS_SCHOOLS if overseas else SCHOOLS),
                        major=rng.choice(MAJORS),
                        graduation_year=year - rng.randint(3, 10) if overseas else year,
                        experience_years=rng.randint(3, 10) if overseas else 0,
                        overseas_returnee=overseas,
                    )
                )
            profiles = SeekerProfile.objects.bulk_create(profiles, batch_size=1000)
            start = datetime.date(year, 1, 5)
            span = max((ctx.reference_date - start).days, 1)
            applications = []
            for index, profile in enumerate(profiles):
                posting = open_postings[index % len(open_postings)]
                hired_on = start + datetime.timedelta(days=rng.randint(0, span))
                moment = ctx.local_datetime(hired_on, datetime.time(10))
                applications.append(
                    Application(
                        posting=posting,
                        profile=profile,
                        employer_id=posting.employer_id,
                        status=ApplicationStatus.HIRED,
                        created_at=moment - datetime.timedelta(days=14),
                        updated_at=moment,
                        hired_on=hired_on,
                    )
                )
            Application.objects.bulk_create(applications, batch_size=1000)
    from qinqing.talent import indicators

    ctx.count(f"{year}年招引高校毕业生（按录用记录）", indicators.graduates_recruited(year))
    ctx.count("海外人才（按录用记录）", indicators.overseas_talents())


@demo_step("talent.seekers", after=["talent.postings"])
def seekers(ctx: DemoContext) -> None:
    """The 嘉善 job seekers keep profiles; the demo seeker has pushes on."""
    rng = ctx.rng("talent.seekers")
    people = ctx.people["jiashan_jobseekers"]
    existing = set(
        SeekerProfile.objects.filter(person__in=people).values_list("person_id", flat=True)
    )
    with ctx.acting():
        for index, person in enumerate(people):
            if person.pk in existing:
                continue
            job = JOBS[index % len(JOBS)]
            SeekerProfile.objects.create(
                person=person,
                education=job[4],
                school=rng.choice(SCHOOLS),
                major=job[3][0],
                graduation_year=ctx.reference_date.year - rng.randint(0, 6),
                skills=job[2][:2],
                experience_years=job[5],
                expected_salary=job[6][0],
                desired_occupations=[job[1]],
                resume=f"熟悉{'、'.join(job[2])}。{job[7]}",
                needs_lodging=index % 5 == 0,
            )
    seeker = ctx.named["talent_seeker"]
    profile = SeekerProfile.objects.get(person=seeker)
    profile.desired_locations.add(ctx.regions["jiashan"])
    services.refresh_profile_features(profile)
    with ctx.acting():
        PushSettings.objects.get_or_create(
            profile=profile,
            defaults={
                "consent": True,
                "consented_at": timezone.now(),
                "quiet_start": datetime.time(22),
                "quiet_end": datetime.time(7),
            },
        )
    ctx.count("求职者档案", SeekerProfile.objects.count())


@demo_step("talent.housing", after=["talent.accounts"])
def housing(ctx: DemoContext) -> None:
    with ctx.acting():
        if not ApartmentUnit.objects.exists():
            ApartmentUnit.objects.bulk_create(
                ApartmentUnit(
                    building=f"经开区人才公寓{b}幢",
                    number=f"{floor}{room:02d}",
                    layout="一室一厅" if room % 3 else "两室一厅",
                    area=45 if room % 3 else 72,
                )
                for b in (1, 2, 3)
                for floor in range(1, 11)
                for room in range(1, 5)
            )
        if not LodgingRoom.objects.exists():
            for n in range(1, 11):
                room = LodgingRoom.objects.create(
                    name=f"青年人才驿站{200 + n}", building="青年人才驿站"
                )
                Bed.objects.bulk_create(Bed(room=room, number=i) for i in range(1, 5))
        if not EligibilityRule.objects.exists():
            EligibilityRule.objects.create(
                education_min="本科", zone=ctx.regions["jiashan"], lease_months=12
            )
    ctx.count("人才公寓房源（套）", ApartmentUnit.objects.count())
    ctx.count("临时住宿床位", Bed.objects.count())


@demo_step("talent.cooperation", after=["talent.accounts"])
def cooperation(ctx: DemoContext) -> None:
    rng = ctx.rng("talent.cooperation")
    jiashan = ctx.enterprises["jiashan"]
    with ctx.acting():
        if not CooperationAgreement.objects.exists():
            subjects = ["订单班培养", "实习实训基地", "联合实验室", "产业学院共建", "技能等级认定"]
            CooperationAgreement.objects.bulk_create(
                CooperationAgreement(
                    enterprise=jiashan[n % len(jiashan)],
                    school=SCHOOLS[n % len(SCHOOLS)],
                    subject=subjects[n % len(subjects)],
                    signed_on=ctx.reference_date - datetime.timedelta(days=rng.randint(30, 900)),
                    valid_until=ctx.reference_date + datetime.timedelta(days=rng.randint(90, 1000)),
                )
                for n in range(56)
            )
        if not TalentEvent.objects.exists():
            for n, (title, kind, capacity) in enumerate(
                [
                    ("集成电路青年人才沙龙", EventKind.SALON, 40),
                    ("高校毕业生就业座谈会", EventKind.FORUM, 30),
                    ("嘉善—杭电人才直通车", EventKind.EXPRESS, 120),
                    ("海外人才项目路演沙龙", EventKind.SALON, 50),
                ]
            ):
                TalentEvent.objects.create(
                    title=title,
                    kind=kind,
                    capacity=capacity,
                    venue="嘉善经开区人才服务中心",
                    starts_at=ctx.local_datetime(
                        ctx.reference_date + datetime.timedelta(days=7 * (n + 1)),
                        datetime.time(14),
                    ),
                )
    ctx.count("校企合作协议", CooperationAgreement.objects.count())
    ctx.count("人才活动", TalentEvent.objects.count())
