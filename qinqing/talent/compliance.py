"""What a posting must carry, and what it must not say, before it is published.

Completeness follows the January 2026 recruitment rules (人力资源社会保障部《关于规范
招聘行为的规定》): employer, title and duties, headcount, requirements (education,
majors, skills, years of experience), work location, base-pay range in yuan per
month, and a validity period. Missing fields are named in Chinese.

The discrimination check refuses limits on gender, ethnicity, religion, household
registration (户籍), region of origin, marital or childbearing status, quoting
the offending phrase. Height, age bands for physical work and the like are not
in that list and pass. Phrases that say the opposite (男女不限, 面向全国招聘,
不限户籍) are near-misses and pass.
"""

import re
from dataclasses import dataclass

# (ground in Chinese, pattern). A pattern matches the offending phrase itself.
_LIMIT = r"(?:限|仅限|只限|只招|仅招|要求|须为|必须是|必须为|需为|需是|优先|为宜|者优先)"
_GROUNDS: list[tuple[str, re.Pattern]] = [
    (
        "性别",
        re.compile(
            r"(?:限|仅限|只限|只招|仅招|要求|须为|需为|必须是|必须为)\s*(?:男|女)(?:性|士|生)?"
            r"|(?:男|女)(?:性|士|生)?\s*(?:优先|为宜|者优先|即可|员工|工人)(?!不限)"
            r"|性别\s*[:：]?\s*(?:男|女)(?!女|男|不限)"
            r"|(?:不招|不要|谢绝)\s*(?:男|女)(?:性|士|生)?"
        ),
    ),
    (
        "民族",
        re.compile(
            r"(?:限|仅限|只限|只招|要求|须为|需为)\s*[\u4e00-\u9fa5]{1,5}族"
            r"|汉族\s*(?:优先|为宜)|少数民族\s*(?:勿扰|除外|不招)|民族\s*[:：]\s*汉"
        ),
    ),
    (
        "宗教信仰",
        re.compile(
            r"(?:无|不信仰|不得信仰|没有)\s*宗教信仰|宗教信仰者?\s*(?:勿扰|不招|除外)"
            r"|(?:限|要求|优先)\s*(?:基督徒|佛教徒|穆斯林|信徒)"
            r"|(?:基督徒|佛教徒|穆斯林|党员以外)\s*(?:优先|勿扰)"
        ),
    ),
    (
        "户籍",
        re.compile(
            r"(?:限|仅限|只限|只招|要求|须为|需为|须有|需有|具有)\s*(?:本地|本市|本省|本县|[\u4e00-\u9fa5]{2,4}(?:市|县|省))?\s*户籍"
            r"|(?:本地|本市|本县|本省|[\u4e00-\u9fa5]{2,4}(?:市|县|省))户籍\s*(?:优先|者优先|为宜)?(?!不限)"
            r"|[\u4e00-\u9fa5]{2}户籍\s*(?:优先|者优先|为宜)"
            r"|(?:本地|本市|本县|本省)户口\s*(?:优先)?"
            r"|(?:外地|非本地)户籍\s*(?:勿扰|不招|除外)"
        ),
    ),
    (
        "地域",
        re.compile(
            r"(?:限|仅限|只限|只招)\s*(?:本地人|本地户|本省人|本市人|[\u4e00-\u9fa5]{2,3}(?:籍|人))"
            r"|(?:本地人|本省人|本市人|[\u4e00-\u9fa5][^\W户]籍)\s*优先"
            r"|(?:[\u4e00-\u9fa5]{2}|外地|外省)人\s*(?:勿扰|不招|除外)"
            r"|不招\s*[\u4e00-\u9fa5]{2}(?:人|籍)"
        ),
    ),
    (
        "婚育状况",
        re.compile(
            r"(?:已婚|未婚|已育|未育|已婚已育|已婚未育|未婚未育)\s*(?:者)?\s*(?:优先|为宜|即可)?"
            r"(?=[，。；、,.;\s]|$|优先|为宜|即可)"
            r"|(?:限|要求|须)\s*(?:已婚|未婚|已育|未育)"
            r"|(?:[一二三两]|\d)?\s*年内\s*(?:无|不)\s*(?:生育|怀孕)(?:计划)?"
            r"|(?:无|没有)\s*(?:生育|怀孕|婚育)\s*(?:计划|打算)"
            r"|孕妇\s*(?:勿扰|不招|除外)|婚育\s*[:：]"
        ),
    ),
]

# Phrases that say the opposite and must pass: removed before the check.
_NEAR_MISSES = re.compile(
    r"男女不限|不限男女|性别不限|不限性别|男女均可|男女皆可|户籍不限|不限户籍|不限户口|户口不限"
    r"|面向全国|全国招聘|民族不限|不限民族|婚否不限|不限婚育|婚育不限"
    r"|不得(?:以|因)[^，。；]{0,20}(?:歧视|限制)"
)


@dataclass(frozen=True)
class Finding:
    ground: str
    phrase: str

    @property
    def message(self) -> str:
        return f"含有{self.ground}限制“{self.phrase}”"


def discriminatory_phrases(*texts: str) -> list[Finding]:
    """Every limit on a protected ground in ``texts``, with the phrase quoted."""
    found: list[Finding] = []
    for text in texts:
        if not text:
            continue
        # Line breaks and spacing inside duties text do not hide a phrase.
        cleaned = re.sub(r"[ \t\u3000]+", "", text)
        cleaned = _NEAR_MISSES.sub("＿", cleaned)
        for ground, pattern in _GROUNDS:
            for match in pattern.finditer(cleaned):
                phrase = match.group(0).strip()
                if phrase and all(phrase not in f.phrase and f.phrase not in phrase for f in found):
                    found.append(Finding(ground, phrase))
    return found


# field → Chinese name, in the order the rules list them
REQUIRED_FIELDS = {
    "employer": "招聘单位",
    "title": "岗位名称",
    "duties": "岗位职责",
    "headcount": "招聘人数",
    "education_min": "学历要求",
    "majors": "专业要求",
    "skills": "技能要求",
    "experience_years_min": "工作年限要求",
    "location": "工作地点",
    "salary_min": "月薪下限",
    "salary_max": "月薪上限",
    "valid_from": "有效期起",
    "valid_until": "有效期止",
}


def missing_fields(posting) -> dict[str, str]:
    """The required fields a posting lacks, field → Chinese name."""
    missing = {}
    for name, label in REQUIRED_FIELDS.items():
        if name == "skills":
            if not (posting.skills or (posting.skills_text or "").strip()):
                missing[name] = label
            continue
        if name == "employer":
            value = posting.employer_id
        elif name == "location":
            value = posting.location_id
        else:
            value = getattr(posting, name)
        if value is None or value == "" or value == []:
            missing[name] = label
    return missing


def problems(posting) -> dict[str, list[str]]:
    """field → Chinese messages; empty when the posting may be published."""
    errors: dict[str, list[str]] = {}
    for name, label in missing_fields(posting).items():
        errors.setdefault(name, []).append(f"缺少{label}")
    if posting.salary_min is not None and posting.salary_min <= 0:
        errors.setdefault("salary_min", []).append("月薪下限应大于0")
    if (
        posting.salary_min is not None
        and posting.salary_max is not None
        and posting.salary_max < posting.salary_min
    ):
        errors.setdefault("salary_max", []).append("月薪上限不能低于下限")
    if posting.headcount is not None and posting.headcount <= 0:
        errors.setdefault("headcount", []).append("招聘人数应大于0")
    if posting.valid_from and posting.valid_until and posting.valid_until < posting.valid_from:
        errors.setdefault("valid_until", []).append("有效期止不能早于有效期起")
    texts = {
        "title": posting.title,
        "duties": posting.duties,
        "skills_text": posting.skills_text,
        "skills": "、".join(posting.skills or []),
    }
    for name, text in texts.items():
        for finding in discriminatory_phrases(text or ""):
            errors.setdefault(name, []).append(finding.message)
    return errors


LABELS = {**REQUIRED_FIELDS, "skills_text": "其他技能要求"}
