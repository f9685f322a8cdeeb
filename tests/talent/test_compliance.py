"""The recruitment rules: a posting names what it must, and limits no protected ground."""

import pytest

from qinqing.talent.compliance import discriminatory_phrases

REFUSED = [
    ("限男性，能适应倒班", "性别", "限男性"),
    ("操作工若干，男性优先", "性别", "男性优先"),
    ("仅限本地户籍", "户籍", "仅限本地户籍"),
    ("行政文员：已婚已育优先，工作稳定", "婚育状况", "已婚已育优先"),
    ("限汉族", "民族", "限汉族"),
    ("要求女性，形象好", "性别", "要求女性"),
    ("嘉善户籍优先考虑", "户籍", "嘉善户籍优先"),
    ("入职后两年内无生育计划", "婚育状况", "两年内无生育计划"),
    ("无宗教信仰", "宗教信仰", "无宗教信仰"),
    ("河南人勿扰", "地域", "河南人勿扰"),
    ("性别：男", "性别", "性别：男"),
]


@pytest.mark.parametrize(("text", "ground", "phrase"), REFUSED)
def test_a_limit_on_a_protected_ground_is_found_and_quoted(text, ground, phrase):
    findings = discriminatory_phrases(text)
    assert [(f.ground, f.phrase) for f in findings][:1] == [(ground, phrase)]
    assert f"“{phrase}”" in findings[0].message


def test_a_phrase_broken_across_lines_of_the_duties_is_still_found():
    duties = (
        "1. 负责晶圆封装测试设备的日常操作；\n2. 服从倒班安排。\n"
        "任职要求：男 性 优先，\n 仅限 本地 户籍。"
    )
    phrases = {f.phrase for f in discriminatory_phrases(duties)}
    assert {"男性优先", "仅限本地户籍"} <= phrases


NEAR_MISSES = [
    "男女不限，有电工证者优先",
    "面向全国招聘，提供人才公寓",
    "身高170cm以上，能适应夜班",  # height is not a protected ground in the rules
    "不限户籍，应届毕业生亦可",
    "性别不限，婚否不限",
    "负责车间男女更衣室的保洁与消毒",
    "熟悉户籍管理系统者优先",  # a skill, not a limit on the applicant's own 户籍
    "协助员工办理落户和人才公寓申请",
    "负责集成电路封装测试（封测）工艺改进，本科及以上学历，3年以上经验",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_a_near_miss_passes(text):
    assert discriminatory_phrases(text) == []
