"""Classifications the talent models offer as choices.

- Occupations: 中华人民共和国职业分类大典（2022年版）, its 8 major (大类) and 79
  middle (中类) categories, ``data/occupations.csv`` (大类 7 军队人员 has 7-01 … 7-04,
  大类 8 the single 中类 8-00).
- Industries: GB/T 4754-2017 国民经济行业分类, sections (门类, from
  ``qinqing.core.industry``) and divisions (大类) below.
- Majors: names from 普通高等学校本科专业目录 and 职业教育专业目录 with their
  专业类, ``data/majors.csv`` (a selection relevant to the county's employers;
  free text is accepted too).
- Education levels: 初中 < 高中/中专 < 大专 < 本科 < 硕士 < 博士.
"""

import csv
from functools import cache
from pathlib import Path

from qinqing.core.industry import DIVISION_SECTIONS, SECTIONS

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


_OCCUPATIONS = _rows("occupations.csv")
OCCUPATION_MAJOR_GROUPS = [(r["code"], r["name"]) for r in _OCCUPATIONS if "-" not in r["code"]]
#: Middle categories (中类), e.g. ("2-02", "工程技术人员").
OCCUPATION_CHOICES = [(r["code"], r["name"]) for r in _OCCUPATIONS if "-" in r["code"]]
OCCUPATION_NAMES = dict(OCCUPATION_MAJOR_GROUPS + OCCUPATION_CHOICES)

INDUSTRY_DIVISIONS = {
    "01": "农业", "02": "林业", "03": "畜牧业", "04": "渔业",
    "05": "农、林、牧、渔专业及辅助性活动", "06": "煤炭开采和洗选业",
    "07": "石油和天然气开采业", "08": "黑色金属矿采选业", "09": "有色金属矿采选业",
    "10": "非金属矿采选业", "11": "开采专业及辅助性活动", "12": "其他采矿业",
    "13": "农副食品加工业", "14": "食品制造业", "15": "酒、饮料和精制茶制造业",
    "16": "烟草制品业", "17": "纺织业", "18": "纺织服装、服饰业",
    "19": "皮革、毛皮、羽毛及其制品和制鞋业",
    "20": "木材加工和木、竹、藤、棕、草制品业", "21": "家具制造业",
    "22": "造纸和纸制品业", "23": "印刷和记录媒介复制业",
    "24": "文教、工美、体育和娱乐用品制造业", "25": "石油、煤炭及其他燃料加工业",
    "26": "化学原料和化学制品制造业", "27": "医药制造业", "28": "化学纤维制造业",
    "29": "橡胶和塑料制品业", "30": "非金属矿物制品业", "31": "黑色金属冶炼和压延加工业",
    "32": "有色金属冶炼和压延加工业", "33": "金属制品业", "34": "通用设备制造业",
    "35": "专用设备制造业", "36": "汽车制造业",
    "37": "铁路、船舶、航空航天和其他运输设备制造业", "38": "电气机械和器材制造业",
    "39": "计算机、通信和其他电子设备制造业", "40": "仪器仪表制造业", "41": "其他制造业",
    "42": "废弃资源综合利用业", "43": "金属制品、机械和设备修理业",
    "44": "电力、热力生产和供应业", "45": "燃气生产和供应业", "46": "水的生产和供应业",
    "47": "房屋建筑业", "48": "土木工程建筑业", "49": "建筑安装业",
    "50": "建筑装饰、装修和其他建筑业", "51": "批发业", "52": "零售业",
    "53": "铁路运输业", "54": "道路运输业", "55": "水上运输业", "56": "航空运输业",
    "57": "管道运输业", "58": "多式联运和运输代理业", "59": "装卸搬运和仓储业",
    "60": "邮政业", "61": "住宿业", "62": "餐饮业",
    "63": "电信、广播电视和卫星传输服务", "64": "互联网和相关服务",
    "65": "软件和信息技术服务业", "66": "货币金融服务", "67": "资本市场服务",
    "68": "保险业", "69": "其他金融业", "70": "房地产业", "71": "租赁业",
    "72": "商务服务业", "73": "研究和试验发展", "74": "专业技术服务业",
    "75": "科技推广和应用服务业", "76": "水利管理业", "77": "生态保护和环境治理业",
    "78": "公共设施管理业", "79": "土地管理业", "80": "居民服务业",
    "81": "机动车、电子产品和日用产品修理业", "82": "其他服务业", "83": "教育",
    "84": "卫生", "85": "社会工作", "86": "新闻和出版业",
    "87": "广播、电视、电影和录音制作业", "88": "文化艺术业", "89": "体育", "90": "娱乐业",
    "91": "中国共产党机关", "92": "国家机构", "93": "人民政协、民主党派", "94": "社会保障",
    "95": "群众团体、社会团体和其他成员组织", "96": "基层群众自治组织及其他组织",
    "97": "国际组织",
}  # fmt: skip
#: Divisions (大类) grouped by section, e.g. ("39", "C39 计算机、通信和其他电子设备制造业").
INDUSTRY_CHOICES = [
    (code, f"{DIVISION_SECTIONS.get(code, '')}{code} {name}")
    for code, name in INDUSTRY_DIVISIONS.items()
]
INDUSTRY_SECTION_CHOICES = [(letter, name) for letter, (name, _divisions) in SECTIONS.items()]

_MAJORS = _rows("majors.csv")
#: Major names (本科 and 职业教育 catalogues).
MAJORS = [row["name"] for row in _MAJORS]
MAJOR_GROUPS = {row["name"]: row["group"] for row in _MAJORS}
MAJOR_CHOICES = [(name, name) for name in MAJORS]

#: (value, label) from lowest to highest; the value is what records and files carry.
EDUCATION_LEVELS = [
    ("初中", "初中"),
    ("高中/中专", "高中/中专"),
    ("大专", "大专"),
    ("本科", "本科"),
    ("硕士", "硕士"),
    ("博士", "博士"),
]
_EDUCATION_ALIASES = {
    "不限": 0, "": 0, "无": 0, "初中": 1, "初中及以下": 1, "高中": 2, "中专": 2, "中职": 2,
    "技校": 2, "职高": 2, "高中/中专": 2, "高中及以上": 2, "大专": 3, "专科": 3,
    "高职": 3, "本科": 4, "学士": 4, "大学本科": 4, "硕士": 5, "研究生": 5, "硕士研究生": 5,
    "博士": 6, "博士研究生": 6,
}  # fmt: skip
EDUCATION_NAMES = {rank: value for rank, (value, _label) in enumerate(EDUCATION_LEVELS, 1)}


def education_rank(value) -> int:
    """0 for none/不限, 1 初中 … 6 博士; unknown wording counts as 0 (no degree shown)."""
    text = str(value or "").strip().replace("及以上", "").replace("以上", "")
    if text in _EDUCATION_ALIASES:
        return _EDUCATION_ALIASES[text]
    return _EDUCATION_ALIASES.get(str(value or "").strip(), 0)


def is_education(value) -> bool:
    text = str(value or "").strip()
    return text in _EDUCATION_ALIASES or text.replace("及以上", "") in _EDUCATION_ALIASES


#: Names this list carried before it was checked against the 2022 edition; records and
#: files written with them still resolve to their code.
FORMER_OCCUPATION_NAMES = {
    "法律、社会和宗教专业人员": "2-07",
    "其他社会生产和生活服务人员": "4-99",
    "文教、工美、体育和娱乐用品制作人员": "6-09",
    "废弃资源综合利用人员": "6-27",
}


@cache
def _occupation_by_name() -> dict[str, str]:
    # Major-group names first, so "不便分类的其他从业人员" (大类 8 and 中类 8-00 alike)
    # resolves to the middle category a posting can carry.
    names = {name: code for code, name in OCCUPATION_MAJOR_GROUPS}
    names.update({name: code for code, name in OCCUPATION_CHOICES})
    return {**FORMER_OCCUPATION_NAMES, **names}


def occupation_code(value) -> str:
    """The 大典 code for a code or a category name; other text is returned as given."""
    text = str(value or "").strip()
    if text in OCCUPATION_NAMES:
        return text
    head = text.split()[0] if text else ""
    if head in OCCUPATION_NAMES:
        return head
    return _occupation_by_name().get(text, text)


def occupation_major_group(code: str) -> str:
    """ "2" for "2-02"; "" when the code is not a 大典 code."""
    return code.split("-")[0] if code in OCCUPATION_NAMES else ""


def major_group(name) -> str:
    return MAJOR_GROUPS.get(str(name or "").strip(), "")
