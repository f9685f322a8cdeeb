"""The demo county as plain data: no database, same result on every call.

Sizes and shapes follow SCENARIOS.md: the 87 industrial and trade enterprises
of 竹马乡 (cement and building materials first), the companies of 嘉善经济技术
开发区, 黄宅镇's "拿地即开工" investors, 大同镇's rural start-ups and 诸暨's
designated medical institutions; veterans in 海盐县百步镇 (蔡老, 73, among
them); visits by 竹马乡's liaison officers and 海盐's veterans' staff over the
year before the reference date. Names, ID numbers and credit codes are
synthetic but pass every validator.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from qinqing.core.models import Role
from qinqing.core.synthetic import make_credit_code, make_id_number, make_mobile, make_name

# (county code, town name or None): towns are always looked up within their county.
REGIONS = {
    "wucheng": ("330702", None),
    "zhuma": ("330702", "竹马乡"),
    "haiyan": ("330424", None),
    "baibu": ("330424", "百步镇"),
    "zhuji": ("330681", None),
    "pujiang": ("330726", None),
    "huangzhai": ("330726", "黄宅镇"),
    "jiashan": ("330421", None),
    "jiande": ("330182", None),
    "datong": ("330182", "大同镇"),
}


def county_code(region_key: str) -> str:
    return REGIONS[region_key][0]


# --- departments and accounts -------------------------------------------------


@dataclass(frozen=True)
class DepartmentSpec:
    name: str
    region: str  # a key of REGIONS
    head: str = ""  # username


DEPARTMENTS = [
    DepartmentSpec("区经商局", "wucheng", "wucheng"),
    DepartmentSpec("区资规分局", "wucheng", "zigui"),
    DepartmentSpec("区统计局", "wucheng", "tongji"),
    DepartmentSpec("竹马乡企业服务办公室", "zhuma", "zhuma01"),
    DepartmentSpec("县退役军人事务局", "haiyan", "haiyan"),
    DepartmentSpec("百步镇退役军人服务站", "baibu", "baibu"),
    DepartmentSpec("市医保局", "zhuji", "zhuji"),
    DepartmentSpec("市卫健局", "zhuji", "weijian"),
    DepartmentSpec("市人民法院", "zhuji"),
    DepartmentSpec("县发改局", "pujiang"),
    DepartmentSpec("黄宅镇代办队", "huangzhai", "huangzhai"),
    DepartmentSpec("嘉善经济技术开发区人才服务中心", "jiashan", "jiashan"),
    DepartmentSpec("县人社局", "jiashan"),
    DepartmentSpec("市委组织部人才办", "jiande", "rencai"),
    DepartmentSpec("大同镇政府", "datong", "datong"),
]


@dataclass(frozen=True)
class AccountSpec:
    username: str
    role: str
    full_name: str
    department: str = ""  # a DepartmentSpec name
    regions: tuple[str, ...] = ()  # keys of REGIONS
    enterprise: str = ""  # a key of ``named`` enterprises
    person: str = ""  # a key of ``named`` people
    superuser: bool = False
    permissions: tuple[str, ...] = ()  # "app_label.codename", granted to this user only
    note: str = ""  # shown in the accounts table


ZHUMA_LIAISONS = ["zhuma01", "zhuma02", "zhuma03", "zhuma04", "zhuma05", "zhuma06"]
_LIAISON_NAMES = ["周建平", "吴晓燕", "陈志强", "徐海波", "朱丽萍", "胡文斌"]

ADMIN = AccountSpec("admin", Role.ADMIN, "系统管理员", superuser=True, note="可进入管理后台")
ACCOUNTS = [
    AccountSpec("leader", Role.LEADER, "郑国华"),
    AccountSpec("wucheng", Role.STAFF, "王丽华", "区经商局", ("wucheng",)),
    *[
        AccountSpec(
            username, Role.STAFF, name, "竹马乡企业服务办公室", ("zhuma",), note="联企服务员"
        )
        for username, name in zip(ZHUMA_LIAISONS, _LIAISON_NAMES, strict=True)
    ],
    AccountSpec("zigui", Role.HANDLER, "叶志明", "区资规分局", ("wucheng",)),
    AccountSpec("tongji", Role.HANDLER, "潘静", "区统计局", ("wucheng",)),
    AccountSpec(
        "haiyan",
        Role.STAFF,
        "沈国庆",
        "县退役军人事务局",
        ("haiyan",),
        permissions=("core.view_personal_data",),
        note="可查看完整身份证号和手机号",
    ),
    AccountSpec("baibu", Role.STAFF, "顾建英", "百步镇退役军人服务站", ("baibu",)),
    AccountSpec("zhuji", Role.STAFF, "何伟", "市医保局", ("zhuji",)),
    AccountSpec("weijian", Role.HANDLER, "宣红梅", "市卫健局", ("zhuji",)),
    AccountSpec("huangzhai", Role.STAFF, "张浩宇", "黄宅镇代办队", ("huangzhai",)),
    AccountSpec("jiashan", Role.STAFF, "陆敏", "嘉善经济技术开发区人才服务中心", ("jiashan",)),
    AccountSpec("rencai", Role.STAFF, "方志刚", "市委组织部人才办", ("jiande",)),
    AccountSpec("datong", Role.STAFF, "洪宇", "大同镇政府", ("datong",)),
    AccountSpec("longteng", Role.ENTERPRISE, "程建军", enterprise="longteng"),
    AccountSpec("cai", Role.RESIDENT, "蔡金法", person="cai", note="退役军人"),
]


# --- enterprises --------------------------------------------------------------


@dataclass(frozen=True)
class EnterpriseSpec:
    group: str
    name: str
    credit_code: str
    industry_code: str  # GB/T 4754-2017
    region: str  # a key of REGIONS
    land_area_mu: Decimal | None
    employees: int
    above_scale: bool
    address: str
    key: str = ""  # for the enterprises the articles name


@dataclass(frozen=True)
class Industry:
    code: str
    count: int
    suffixes: tuple[str, ...]
    land: tuple[float, float] | None  # 亩; None: no land of its own
    employees: tuple[int, int]


# 竹马乡: 87 industrial and trade enterprises, cement and building materials first.
# Three more are the ones the article names (below); counts here add up to 84.
ZHUMA_INDUSTRIES = [
    Industry("3011", 5, ("水泥有限公司",), (90, 260), (150, 380)),
    Industry("3012", 3, ("钙业有限公司", "石灰有限公司"), (20, 60), (20, 70)),
    Industry(
        "3021", 12, ("水泥制品有限公司", "商品混凝土有限公司", "管桩有限公司"), (15, 60), (30, 160)
    ),
    Industry("3022", 5, ("混凝土构件有限公司", "预制构件有限公司"), (20, 50), (40, 150)),
    Industry("3024", 6, ("新型建材有限公司", "轻质建材有限公司"), (10, 40), (20, 110)),
    Industry("3031", 7, ("新型墙体材料有限公司", "砌块有限公司"), (10, 35), (15, 90)),
    Industry("3032", 5, ("石材有限公司", "石业有限公司"), (8, 30), (12, 60)),
    Industry("3039", 7, ("建材有限公司", "建筑材料有限公司"), (8, 40), (15, 90)),
    Industry("3099", 4, ("矿粉有限公司", "新材料有限公司"), (10, 40), (20, 80)),
    Industry("3311", 6, ("钢结构有限公司", "钢构有限公司"), (15, 50), (25, 140)),
    Industry("3572", 4, ("园林机械有限公司", "农林机械有限公司"), (20, 60), (40, 180)),
    Industry("3399", 4, ("五金制品有限公司", "金属制品有限公司"), (5, 25), (15, 70)),
    Industry("2927", 3, ("塑业有限公司", "塑料制品有限公司"), (5, 20), (15, 60)),
    Industry("5165", 9, ("建材贸易有限公司", "建材商贸有限公司"), None, (3, 20)),
    Industry("5174", 4, ("五金贸易有限公司", "五金商贸有限公司"), None, (3, 15)),
]
ZHUMA_COUNT = 87
ZHUMA_ROADS = ["天裕路", "永达路", "太和路"]

TRADE_NAMES = [
    name
    for line in (
        "宏达 金鑫 永盛 恒丰 鼎盛 华兴 新宇 天裕 永达 太和 振华 鑫源 兴旺 金峰 顺达 立信 博远 建华",
        "明辉 瑞丰 汇通 锦程 长兴 鸿运 三联 九峰 双龙 婺江 八咏 安地 白沙 古方 金山 银湖 嘉禾 丰源",
        "富强 众鑫 国强 宏宇 德润 卓越 益友 泰和 亨通 信达 康达 祥和 宝丰 新亚 华盛 金盛 银丰 凯达",
        "远东 万通 立达 盛达 恒泰 旭日 东升 华美 大成 中鼎 天成 金达 利民 兴业 伟业 通达 福达 金马",
        "天马 腾飞 锦华 方圆 圣达 航宇 协和 同创 聚能 恒信 华鼎 荣达 昌盛 永兴 三江 金诚 宏盛 新星",
        "广源 佳禾 隆兴 瑞达 天宏 金源 博大 精诚 骏达 弘毅 铭扬 晟达 浩然 俊峰 景润 兆丰 丰华 华联",
        "金桥 正阳 海宏 春晖 恒通 金龙 新华 华光 明珠 凯旋 宏图 鸿达 建兴 祥瑞 天和 安泰 盛世 鑫达",
    )
    for name in line.split()
]
TECH_NAMES = [
    name
    for line in (
        "芯源 微纳 晶合 华芯 矽力 芯途 睿芯 集创 芯瑞 晶芯 聚芯 星辰 海芯 凯芯 博芯 锐芯 欧芯 盛芯",
        "德芯 立芯 宏芯 天芯 科芯 易芯 光越 光弘 明锐 精研 智达 联创 恒锐 驰宇 锦湖 嘉研 善芯 泓芯",
    )
    for name in line.split()
]

# 嘉善经济技术开发区: integrated circuits and the chain around them.
JIASHAN_INDUSTRIES = [
    Industry("3973", 5, ("微电子有限公司", "集成电路有限公司"), (20, 80), (120, 800)),
    Industry("6520", 4, ("集成电路设计有限公司", "微电子科技有限公司"), None, (30, 200)),
    Industry("3972", 2, ("半导体科技有限公司",), (15, 60), (80, 400)),
    Industry("3985", 2, ("电子材料有限公司",), (15, 50), (60, 300)),
    Industry("3982", 4, ("电路科技有限公司", "电子科技有限公司"), (10, 50), (60, 500)),
    Industry("3976", 3, ("光电科技有限公司",), (10, 40), (50, 300)),
    Industry("3562", 3, ("半导体设备有限公司", "精密装备有限公司"), (10, 40), (40, 260)),
    Industry("3670", 4, ("汽车零部件有限公司", "汽配有限公司"), (20, 70), (80, 600)),
    Industry("3484", 3, ("精密机械有限公司",), (8, 30), (30, 200)),
]
JIASHAN_ROADS = ["东升路", "长江路", "华山路", "泰山路", "庆丰路", "归家浜路"]


def plan_enterprises(rng: random.Random) -> dict[str, list[EnterpriseSpec]]:
    """Every demo enterprise, by group ("zhuma", "jiashan", "huangzhai", "datong", "zhuji")."""
    codes: set[str] = set()
    return {
        "zhuma": _zhuma(rng, codes),
        "jiashan": _jiashan(rng, codes),
        "huangzhai": _huangzhai(rng, codes),
        "datong": _datong(rng, codes),
        "zhuji": _zhuji(rng, codes),
    }


def _credit_code(rng: random.Random, area: str, codes: set[str], kind: str = "91") -> str:
    while True:
        code = make_credit_code(area, rng.randrange(10**7, 10**8), kind[0], kind[1])
        if code not in codes:
            codes.add(code)
            return code


def _area(rng: random.Random, bounds: tuple[float, float] | None) -> Decimal | None:
    return None if bounds is None else Decimal(f"{rng.uniform(*bounds):.2f}")


def _mark_above_scale(specs: list[dict], share: float) -> None:
    """The largest ``share`` by employees are 规上 (enterprises named "above" always are)."""
    ranked = sorted(specs, key=lambda s: (not s.get("above"), -s["employees"]))
    quota = round(len(specs) * share)
    for index, spec in enumerate(ranked):
        spec["above_scale"] = index < quota


def _zhuma(rng: random.Random, codes: set[str]) -> list[EnterpriseSpec]:
    names = iter(rng.sample(TRADE_NAMES, len(TRADE_NAMES)))
    prefixes = ["金华市婺城区竹马乡", "金华市婺城区竹马乡", "金华市", "金华", "浙江"]
    specs = [
        # The three the article names (研发投入 guidance, 龙腾园林's land for 200万台).
        {
            "key": "nanfang_jianfeng",
            "name": "金华南方尖峰水泥有限公司",
            "industry_code": "3011",
            "land_area_mu": Decimal("286.40"),
            "employees": 460,
            "above": True,
        },
        {
            "key": "longda",
            "name": "金华市婺城区竹马乡龙达建材有限公司",
            "industry_code": "3039",
            "land_area_mu": Decimal("38.60"),
            "employees": 135,
            "above": True,
        },
        {
            "key": "longteng",
            "name": "浙江龙腾园林机械有限公司",
            "industry_code": "3572",
            "land_area_mu": Decimal("62.30"),
            "employees": 280,
            "above": True,
        },
    ]
    for industry in ZHUMA_INDUSTRIES:
        for _ in range(industry.count):
            specs.append(
                {
                    "name": rng.choice(prefixes) + next(names) + rng.choice(industry.suffixes),
                    "industry_code": industry.code,
                    "land_area_mu": _area(rng, industry.land),
                    "employees": rng.randint(*industry.employees),
                }
            )
    assert len(specs) == ZHUMA_COUNT
    _mark_above_scale(specs, 0.3)
    return [
        EnterpriseSpec(
            group="zhuma",
            name=spec["name"],
            credit_code=_credit_code(rng, "330702", codes),
            industry_code=spec["industry_code"],
            region="zhuma",
            land_area_mu=spec["land_area_mu"],
            employees=spec["employees"],
            above_scale=spec["above_scale"],
            address=f"金华市婺城区竹马乡工业园区{rng.choice(ZHUMA_ROADS)}{rng.randint(1, 288)}号",
            key=spec.get("key", ""),
        )
        for spec in specs
    ]


def _jiashan(rng: random.Random, codes: set[str]) -> list[EnterpriseSpec]:
    names = iter(rng.sample(TECH_NAMES, len(TECH_NAMES)))
    specs = []
    for industry in JIASHAN_INDUSTRIES:
        for _ in range(industry.count):
            specs.append(
                {
                    "name": rng.choice(["嘉善", "浙江", "嘉兴"])
                    + next(names)
                    + rng.choice(industry.suffixes),
                    "industry_code": industry.code,
                    "land_area_mu": _area(rng, industry.land),
                    "employees": rng.randint(*industry.employees),
                }
            )
    _mark_above_scale(specs, 0.5)
    return [
        EnterpriseSpec(
            group="jiashan",
            name=spec["name"],
            credit_code=_credit_code(rng, "330421", codes),
            industry_code=spec["industry_code"],
            region="jiashan",
            land_area_mu=spec["land_area_mu"],
            employees=spec["employees"],
            above_scale=spec["above_scale"],
            address=f"嘉善县嘉善经济技术开发区{rng.choice(JIASHAN_ROADS)}{rng.randint(1, 999)}号",
        )
        for spec in specs
    ]


# 黄宅镇: the "拿地即开工" investors the article names, and local industry.
HUANGZHAI_NAMED = [
    ("qinglong", "金华浦江青龙服饰有限公司", "1819", 45.0, 320),
    ("jingfa", "浙江精发精密机械有限公司", "3484", 38.0, 210),
    ("xiongwei", "浙江雄伟铝业有限公司", "3252", 56.0, 260),
    ("fengming", "浙江丰明实业有限公司", "3399", 30.0, 150),
    ("qingfeng", "浙江青峰控股有限公司", "7212", 80.0, 420),
    ("yingwang", "浙江盈旺新能源科技有限公司", "3841", 260.0, 900),
]
HUANGZHAI_LOCAL = [
    Industry("3059", 3, ("水晶有限公司", "水晶工艺品有限公司"), (3, 15), (10, 60)),
    Industry("3351", 2, ("锁业有限公司",), (5, 20), (20, 90)),
    Industry("1771", 2, ("绗缝家纺有限公司",), (5, 20), (20, 120)),
    Industry("1819", 1, ("服饰有限公司",), (5, 15), (30, 150)),
    Industry("3399", 1, ("五金制品有限公司",), (5, 15), (10, 60)),
]
HUANGZHAI_ROADS = ["沿江路", "工业园区兴业路", "工业园区创业路"]


def _huangzhai(rng: random.Random, codes: set[str]) -> list[EnterpriseSpec]:
    names = iter(rng.sample(TRADE_NAMES, len(TRADE_NAMES)))
    specs = [
        {
            "key": key,
            "name": name,
            "industry_code": code,
            "land_area_mu": Decimal(f"{land:.2f}"),
            "employees": employees,
            "above": True,
        }
        for key, name, code, land, employees in HUANGZHAI_NAMED
    ]
    for industry in HUANGZHAI_LOCAL:
        for _ in range(industry.count):
            specs.append(
                {
                    "name": rng.choice(["浦江县", "浦江", "金华"])
                    + next(names)
                    + rng.choice(industry.suffixes),
                    "industry_code": industry.code,
                    "land_area_mu": _area(rng, industry.land),
                    "employees": rng.randint(*industry.employees),
                }
            )
    _mark_above_scale(specs, 0.5)
    return [
        EnterpriseSpec(
            group="huangzhai",
            name=spec["name"],
            credit_code=_credit_code(rng, "330726", codes),
            industry_code=spec["industry_code"],
            region="huangzhai",
            land_area_mu=spec["land_area_mu"],
            employees=spec["employees"],
            above_scale=spec["above_scale"],
            address=f"浦江县黄宅镇{rng.choice(HUANGZHAI_ROADS)}{rng.randint(1, 400)}号",
            key=spec.get("key", ""),
        )
        for spec in specs
    ]


# 大同镇: rural makers on paddies, tea hills, greenhouses and campsites. "93"
# credit codes are farmers' cooperatives (农民专业合作社).
DATONG = [
    ("wonong", "杭州沃农现代农业科技有限公司", "0159", "91", 35.0, 18),
    ("", "建德市大同镇稻香里家庭农场", "0111", "92", 120.0, 6),
    ("", "建德市大同双溪茶叶专业合作社", "0164", "93", 300.0, 12),
    ("", "建德市大同茶园星空露营有限公司", "6140", "91", 25.0, 9),
    ("", "建德市湖畔客茶文化有限公司", "6231", "91", 2.5, 7),
    ("", "建德市大同镇油茶专业合作社", "0162", "93", 180.0, 10),
    ("", "建德市大同镇蛋鸡养殖场", "0321", "92", 15.0, 8),
    ("", "建德市稻野文化创意有限公司", "9051", "91", None, 5),
    ("", "建德市大同精制茶厂", "1530", "91", 6.0, 26),
    ("", "建德市双溪民宿有限公司", "6130", "91", 1.8, 6),
]
DATONG_PLACES = ["稻香小镇核心区", "万亩茶园", "双溪区块"]


def _datong(rng: random.Random, codes: set[str]) -> list[EnterpriseSpec]:
    return [
        EnterpriseSpec(
            group="datong",
            name=name,
            credit_code=_credit_code(rng, "330182", codes, kind),
            industry_code=code,
            region="datong",
            land_area_mu=None if land is None else Decimal(f"{land:.2f}"),
            employees=employees,
            above_scale=False,
            address=f"建德市大同镇{rng.choice(DATONG_PLACES)}",
            key=key,
        )
        for key, name, code, kind, land, employees in DATONG
    ]


# 诸暨: designated medical institutions and pharmacies (定点医药机构). Public
# health centres are 事业单位, credit codes "12".
ZHUJI_TOWNS = [
    "暨阳街道",
    "陶朱街道",
    "浣东街道",
    "枫桥镇",
    "店口镇",
    "大唐街道",
    "牌头镇",
    "次坞镇",
]
ZHUJI_ROADS = ["人民路", "中心路", "健康路", "新民路"]
ZHUJI_PUBLIC = [
    "枫桥镇中心卫生院",
    "店口镇中心卫生院",
    "牌头镇卫生院",
    "次坞镇卫生院",
    "璜山镇卫生院",
]
ZHUJI_PRIVATE = [
    ("8411", "诸暨{}医院有限公司", 1, (15, 40), (150, 500)),
    ("8412", "诸暨{}中医医院有限公司", 1, (5, 20), (60, 200)),
    ("8415", "诸暨{}骨科医院有限公司", 1, (5, 15), (60, 180)),
    ("8415", "诸暨{}口腔医院有限公司", 1, (2, 6), (40, 120)),
    ("8425", "诸暨{}口腔门诊部有限公司", 4, None, (8, 30)),
    ("5251", "诸暨市{}大药房有限公司", 6, None, (4, 20)),
    ("5252", "诸暨{}国药馆有限公司", 1, None, (5, 15)),
]


def _zhuji(rng: random.Random, codes: set[str]) -> list[EnterpriseSpec]:
    names = iter(rng.sample(TRADE_NAMES, len(TRADE_NAMES)))
    specs = [
        EnterpriseSpec(
            group="zhuji",
            name=f"诸暨市{centre}",
            credit_code=_credit_code(rng, "330681", codes, "12"),
            industry_code="8423",
            region="zhuji",
            land_area_mu=_area(rng, (8, 25)),
            employees=rng.randint(40, 160),
            above_scale=False,
            address=f"诸暨市{centre[:3]}{rng.choice(ZHUJI_ROADS)}{rng.randint(1, 300)}号",
        )
        for centre in ZHUJI_PUBLIC
    ]
    for code, pattern, count, land, employees in ZHUJI_PRIVATE:
        for _ in range(count):
            headcount = rng.randint(*employees)
            specs.append(
                EnterpriseSpec(
                    group="zhuji",
                    name=pattern.format(next(names)),
                    credit_code=_credit_code(rng, "330681", codes),
                    industry_code=code,
                    region="zhuji",
                    land_area_mu=_area(rng, land),
                    employees=headcount,
                    above_scale=code == "8411",
                    address=(
                        f"诸暨市{rng.choice(ZHUJI_TOWNS)}{rng.choice(ZHUJI_ROADS)}"
                        f"{rng.randint(1, 500)}号"
                    ),
                )
            )
    return specs


# --- people -------------------------------------------------------------------


@dataclass(frozen=True)
class PersonSpec:
    group: str
    name: str
    id_number: str
    phone: str
    region: str  # a key of REGIONS
    key: str = ""


# Given-name characters that make a name read as a woman's: the person's ID
# number then carries an even sequence digit, so name and gender agree.
FEMININE = set("芳娜敏静丽艳娟秀霞桂英红玉兰燕欣怡")

# (group, region, how many, birth years, share with a phone, only men)
PEOPLE_GROUPS = [
    ("baibu_veterans", "baibu", 39, (1940, 1956), 0.6, True),
    ("baibu_young_veterans", "baibu", 10, (1965, 1998), 1.0, True),
    ("haiyan_veterans", "haiyan", 15, (1942, 1990), 0.8, True),
    ("baibu_residents", "baibu", 6, (1950, 2005), 0.9, False),
    ("zhuma_residents", "zhuma", 30, (1965, 2003), 0.95, False),
    ("jiashan_jobseekers", "jiashan", 40, (1996, 2004), 1.0, False),
    ("datong_makers", "datong", 20, (1985, 2000), 1.0, False),
    ("huangzhai_residents", "huangzhai", 15, (1960, 2002), 0.9, False),
    ("zhuji_insured", "zhuji", 24, (1940, 2005), 0.85, False),
]

CAI = ("蔡金法", datetime.date(1953, 3, 12), 117)  # 73 on the reference date


def plan_people(rng: random.Random) -> dict[str, list[PersonSpec]]:
    """About 200 residents by group; 蔡老 first among 百步镇's veterans."""
    used: set[str] = set()
    name, birth, sequence = CAI
    cai_number = make_id_number(county_code("baibu"), birth, sequence)
    used.add(cai_number)
    people: dict[str, list[PersonSpec]] = {
        "baibu_veterans": [
            PersonSpec("baibu_veterans", name, cai_number, make_mobile(rng), "baibu", key="cai")
        ]
    }
    for group, region, count, years, phone_share, men_only in PEOPLE_GROUPS:
        members = people.setdefault(group, [])
        for _ in range(count):
            person_name = _name(rng, men_only)
            female = any(char in FEMININE for char in person_name[1:])
            number = _id_number(rng, county_code(region), _birth(rng, years), female, used)
            phone = make_mobile(rng) if rng.random() < phone_share else ""
            members.append(PersonSpec(group, person_name, number, phone, region))
    return people


def veterans(people: dict[str, list[PersonSpec]]) -> list[PersonSpec]:
    return people["baibu_veterans"] + people["baibu_young_veterans"] + people["haiyan_veterans"]


def _name(rng: random.Random, men_only: bool) -> str:
    while True:
        name = make_name(rng)
        if not men_only or not any(char in FEMININE for char in name[1:]):
            return name


def _birth(rng: random.Random, years: tuple[int, int]) -> datetime.date:
    first = datetime.date(years[0], 1, 1).toordinal()
    last = datetime.date(years[1], 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(first, last))


def _id_number(
    rng: random.Random, area: str, birth: datetime.date, female: bool, used: set[str]
) -> str:
    while True:
        sequence = rng.randrange(1000)
        if (sequence % 2 == 0) != female:  # odd for men, even for women
            sequence = (sequence + 1) % 1000
        number = make_id_number(area, birth, sequence)
        if number not in used:
            used.add(number)
            return number


# --- visits -------------------------------------------------------------------


@dataclass(frozen=True)
class VisitSpec:
    visitor: str  # username
    day: datetime.date
    at: datetime.time
    notes: str
    enterprise: str = ""  # credit code
    person: str = ""  # ID number
    companions: str = ""
    follow_ups: str = ""
    follow_up_due: datetime.date | None = None


# (notes, follow-up, days until the follow-up is due)
ZHUMA_NOTES = [
    (
        "定期走访，了解生产经营情况。受房地产需求下行影响，订单较去年同期减少约两成，企业正在调整产品结构。",
        "",
        0,
    ),
    (
        "宣传研发费用加计扣除等惠企政策，指导企业规范归集研发数据。",
        "对接区统计局，指导企业做好研发费用统计填报",
        14,
    ),
    (
        "企业反映外来务工人员子女就学难，有3名员工子女需在竹马乡就读小学。",
        "协调乡教育办落实入学名额",
        30,
    ),
    ("企业计划扩大产能，新建厂房用地不足。", "与区资规分局沟通用地指标和挂牌出让进度", 45),
    ("企业反映招工难，一线操作工缺口约20人。", "推送区人力资源市场，组织专场招聘", 20),
    ("企业有闲置厂房约2000平方米，希望对外招租。", "在爱企服务站发布招租信息", 15),
    (
        "企业反映工业园区道路破损、路灯不亮，影响夜间运输安全。",
        "报乡建设办列入园区道路改造提升工程",
        60,
    ),
    ("“三师助企”上门服务，律师帮助企业审查购销合同范本。", "", 0),
    (
        "企业咨询技改项目补助申报条件，已讲解申报材料和时间节点。",
        "协助企业准备技改补助申报材料",
        21,
    ),
    ("了解企业用电、用气情况，生产平稳，无突出问题。", "", 0),
    ("企业反映融资成本较高，希望对接银行低息贷款。", "联系驻点金融顾问，对接银行授信", 14),
    ("开展安全生产和环保提醒，企业粉尘治理设施运行正常。", "", 0),
    ("企业亩均效益偏低，与企业负责人沟通技改、股权转让等提升路径。", "制定“一企一策”提升方案", 30),
    ("宣传“即时呼叫服务”，留下联企服务员联系方式，企业有事可随时呼叫。", "", 0),
]
ZHUMA_NAMED_VISITS = {
    "longteng": (
        "乡分管领导带队调研龙腾园林年产200万台环保园林机械建设项目，梳理用地制约、产能受限等问题清单。",
        "协调区经商局、区资规分局推进土地征收、挂牌出让",
        45,
        "乡分管领导、区经商局",
    ),
    "nanfang_jianfeng": (
        "企业研发投入较少，上门宣传惠企政策，讲解研发费用归集口径。",
        "对接区统计局，做好研发数据归集业务指导",
        20,
        "区统计局",
    ),
    "longda": (
        "企业研发投入较少，上门宣传研发费用加计扣除政策，了解新产品研发计划。",
        "对接区统计局，指导企业有效归集研发数据",
        20,
        "",
    ),
}
VETERAN_NOTES = [
    ("上门走访慰问，老人身体状况良好，对优抚政策落实表示满意。", "", 0),
    ("走访了解到老人腿脚不便，希望有一副助行器。", "登记微心愿：助行器一副", 30),
    ("送去慰问品，宣讲退役军人优待政策。", "", 0),
    ("老人独居，子女在外地工作，列为重点关爱对象，每月上门一次。", "安排网格员每周电话问候", 7),
    ("了解到老人家中电视机损坏，希望能换一台。", "登记微心愿：电视机一台", 30),
    ("核对优待金发放账户信息，确认本年度优待金已按时足额发放。", "", 0),
    ("老人患有慢性病，协助办理门诊慢特病备案。", "跟进备案办理结果", 14),
    ("邀请老人参加双拥主题活动，老人讲述当年服役经历。", "", 0),
]
CAI_VISITS = [
    (
        "haiyan",
        300,
        "走访中了解到蔡老今年73岁，听力下降，生活中多有不便，希望能拥有一个助听器。",
        "登记微心愿：助听器一个，发出认领倡议",
        30,
        "百步镇退役军人服务站 顾建英",
    ),
    (
        "baibu",
        240,
        "百步镇退役军人服务站和爱心企业为蔡老送去助听器，蔡老表示“有了助听器，以后交流方便多了”。",
        "",
        0,
        "",
    ),
]
HUANGZHAI_NOTES = [
    ("代办队上门对接项目施工许可证办理，梳理所需材料清单。", "跟进施工许可证审批进度", 10),
    ("协调项目用电接入，供电所现场踏勘。", "督促供电所出具接电方案", 7),
    ("了解项目建设进度，主体结构完成约六成，现场施工有序。", "", 0),
    ("企业反映施工车辆进出沿江路受限。", "协调交警、城建部门错峰通行", 10),
    ("土地摘牌后当日上门，同步办理规划许可和施工许可，实现“拿地即开工”。", "", 0),
    ("项目已竣工，协助企业办理竣工验收和投产前各项手续。", "跟进竣工验收备案", 15),
]
VISIT_TIMES = [datetime.time(h, m) for h in (9, 10, 14, 15, 16) for m in (0, 30)]


def plan_visits(
    rng: random.Random,
    reference_date: datetime.date,
    enterprises: dict[str, list[EnterpriseSpec]],
    people: dict[str, list[PersonSpec]],
) -> list[VisitSpec]:
    """About 150 visits over the year before ``reference_date``."""
    taken: set[tuple[str, datetime.date, datetime.time]] = set()

    def visit(visitor, days_before, notes, follow_ups="", due_in=0, **target) -> VisitSpec:
        day = reference_date - datetime.timedelta(days=days_before)
        at = rng.choice(VISIT_TIMES)
        while (visitor, day, at) in taken:  # one visitor, one place at a time
            at = rng.choice(VISIT_TIMES)
        taken.add((visitor, day, at))
        due = day + datetime.timedelta(days=due_in) if follow_ups else None
        return VisitSpec(
            visitor, day, at, notes, follow_ups=follow_ups, follow_up_due=due, **target
        )

    visits = []
    # 竹马乡: every enterprise visited by its liaison at least once (联企服务员全覆盖).
    zhuma = enterprises["zhuma"]
    extra = rng.sample(range(len(zhuma)), 13)
    for index, enterprise in enumerate(zhuma):
        liaison = liaison_for(index)
        if enterprise.key in ZHUMA_NAMED_VISITS:
            notes, follow_ups, due_in, companions = ZHUMA_NAMED_VISITS[enterprise.key]
            visits.append(
                visit(
                    liaison,
                    rng.randint(60, 200),
                    notes,
                    follow_ups,
                    due_in,
                    enterprise=enterprise.credit_code,
                    companions=companions,
                )
            )
        for _ in range(1 + extra.count(index)):
            notes, follow_ups, due_in = rng.choice(ZHUMA_NOTES)
            visits.append(
                visit(
                    liaison,
                    rng.randint(1, 365),
                    notes,
                    follow_ups,
                    due_in,
                    enterprise=enterprise.credit_code,
                )
            )
    # 海盐: 蔡老's wish, then visits to other veterans by the bureau and the station.
    cai = people["baibu_veterans"][0]
    for visitor, days_before, notes, follow_ups, due_in, companions in CAI_VISITS:
        visits.append(
            visit(
                visitor,
                days_before,
                notes,
                follow_ups,
                due_in,
                person=cai.id_number,
                companions=companions,
            )
        )
    others = [v for v in veterans(people) if v.key != "cai"]
    for veteran in rng.sample(others, 38):
        visitor = rng.choice(["haiyan", "baibu"]) if veteran.region == "baibu" else "haiyan"
        notes, follow_ups, due_in = rng.choice(VETERAN_NOTES)
        visits.append(
            visit(
                visitor,
                rng.randint(1, 365),
                notes,
                follow_ups,
                due_in,
                person=veteran.id_number,
            )
        )
    # 黄宅镇: the agency team with the investors.
    for enterprise in rng.sample(enterprises["huangzhai"], 10):
        notes, follow_ups, due_in = rng.choice(HUANGZHAI_NOTES)
        visits.append(
            visit(
                "huangzhai",
                rng.randint(1, 365),
                notes,
                follow_ups,
                due_in,
                enterprise=enterprise.credit_code,
            )
        )
    return visits


def liaison_for(index: int) -> str:
    """The liaison officer of the ``index``-th enterprise of 竹马乡 (username)."""
    return ZHUMA_LIAISONS[index % len(ZHUMA_LIAISONS)]
