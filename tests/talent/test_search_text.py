"""Segmentation with the domain dictionary, synonyms, classification lists and search."""

import time
from collections import Counter

import pytest

from qinqing.talent.matching import taxonomy
from qinqing.talent.matching.features import posting_features
from qinqing.talent.matching.search import rank_postings
from qinqing.talent.matching.text import canonical, segment, synonym_groups, terms


@pytest.fixture(autouse=True)
def _words_only(monkeypatch):
    """Dense embeddings are proven in their own test; elsewhere words decide (and fast)."""
    monkeypatch.setenv("QINQING_TALENT_EMBEDDINGS", "0")


SYNONYM_PAIRS = [(group[0], variant) for group in synonym_groups() for variant in group[1:]]


def test_domain_words_stay_whole_when_a_sentence_is_segmented():
    words = segment("负责芯片封装测试工艺，熟悉可编程控制器，集成电路设计与集成系统专业优先")
    for word in ("封装测试", "可编程控制器", "集成电路设计与集成系统"):
        assert word in words
    assert "可编程" not in words and "控制器" not in words


def test_terms_leave_out_punctuation_and_stop_words():
    assert terms("熟悉PLC，负责相关工作。") == ["可编程控制器"]


def test_full_width_and_capital_letters_read_like_the_plain_word():
    assert terms("ＰＬＣ") == terms("plc") == terms("PLC") == ["可编程控制器"]


@pytest.mark.parametrize(("word", "variant"), SYNONYM_PAIRS)
def test_each_synonym_reads_as_its_canonical_word_inside_a_sentence(word, variant):
    assert canonical(variant) == word
    assert word in terms(f"熟悉{variant}，有三年经验")


def test_the_named_synonym_pairs_of_the_issue_are_in_the_list():
    assert canonical("封测") == canonical("封装测试")
    assert canonical("PLC") == canonical("可编程控制器")


def test_occupations_reach_the_middle_categories_of_the_2022_classification():
    codes = dict(taxonomy.OCCUPATION_CHOICES)
    assert codes["2-02"] == "工程技术人员"
    assert codes["6-25"] == "计算机、通信和其他电子设备制造人员"
    assert all("-" in code for code, _name in taxonomy.OCCUPATION_CHOICES)


def test_the_occupation_list_has_the_8_major_and_79_middle_categories_of_the_2022_edition():
    per_group = Counter(code.split("-")[0] for code, _name in taxonomy.OCCUPATION_CHOICES)
    assert [code for code, _name in taxonomy.OCCUPATION_MAJOR_GROUPS] == list("12345678")
    assert dict(per_group) == {
        "1": 6, "2": 11, "3": 4, "4": 15, "5": 6, "6": 32, "7": 4, "8": 1
    }  # fmt: skip
    assert len(taxonomy.OCCUPATION_CHOICES) == 79
    assert len(set(codes := [code for code, _name in taxonomy.OCCUPATION_CHOICES])) == 79
    assert codes == sorted(codes)


def test_occupations_carry_the_names_of_the_2022_edition():
    codes = dict(taxonomy.OCCUPATION_CHOICES)
    assert codes["2-07"] == "监察、法律、社会和宗教专业人员"
    assert codes["4-02"] == "交通运输、仓储物流和邮政业服务人员"
    assert codes["6-27"] == "再生资源综合利用人员"
    assert codes["7-01"] == "军官（警官）"
    assert codes["8-00"] == "不便分类的其他从业人员"
    assert dict(taxonomy.OCCUPATION_MAJOR_GROUPS)["7"] == "军队人员"


def test_a_record_written_with_a_former_occupation_name_keeps_its_code():
    assert taxonomy.occupation_code("废弃资源综合利用人员") == "6-27"
    assert taxonomy.occupation_code("再生资源综合利用人员") == "6-27"
    assert taxonomy.occupation_code("不便分类的其他从业人员") == "8-00"


def test_industries_follow_the_divisions_of_gb_t_4754():
    industries = dict(taxonomy.INDUSTRY_CHOICES)
    assert len(industries) == 97
    assert industries["39"] == "C39 计算机、通信和其他电子设备制造业"


def test_education_levels_run_from_junior_middle_school_to_doctorate():
    ranks = [taxonomy.education_rank(value) for value, _label in taxonomy.EDUCATION_LEVELS]
    assert ranks == [1, 2, 3, 4, 5, 6]
    assert taxonomy.education_rank("中专") == taxonomy.education_rank("高中")
    assert taxonomy.education_rank("本科及以上") == 4
    assert taxonomy.education_rank("不限") == 0


def test_majors_come_from_both_catalogues():
    assert "集成电路设计与集成系统" in taxonomy.MAJORS  # 本科
    assert "大数据与会计" in taxonomy.MAJORS  # 职业教育


POSTINGS = [
    {"id": 1, "title": "封装测试工程师", "duties": "负责芯片封装测试工艺改进"},
    {"id": 2, "title": "电商运营专员", "duties": "负责天猫店铺日常运营"},
    {"id": 3, "title": "电气工程师", "duties": "可编程控制器编程与调试，产线自动化改造"},
    {"id": 4, "title": "会计", "duties": "会计核算、纳税申报"},
]


def test_search_finds_a_posting_written_with_the_synonym_of_the_query():
    assert [pid for pid, _ in rank_postings("封测", POSTINGS)] == [1]
    assert [pid for pid, _ in rank_postings("PLC", POSTINGS)] == [3]
    assert [pid for pid, _ in rank_postings("做账", POSTINGS)] == [4]


def test_search_ranks_a_title_match_above_a_passing_mention():
    postings = [
        {"id": "a", "title": "行政文员", "duties": "协助电商部门整理资料"},
        {"id": "b", "title": "电商运营", "duties": "店铺运营、直播带货"},
    ]
    assert [pid for pid, _ in rank_postings("电商", postings)] == ["b", "a"]


def test_search_pages_neither_repeat_nor_skip_a_posting():
    postings = [
        {"id": i, "title": f"数控加工技术员{i}", "duties": "CNC加工" + "、CNC" * (i % 7)}
        for i in range(45)
    ]
    pages = [rank_postings("数控加工", postings, limit=20, offset=o) for o in (0, 20, 40)]
    ids = [pid for page in pages for pid, _ in page]
    assert sorted(ids) == list(range(45))
    scores = [score for page in pages for _, score in page]
    assert scores == sorted(scores, reverse=True)


def test_search_over_20000_postings_with_stored_features_answers_quickly():
    templates = [posting_features(p, embed=False) for p in POSTINGS]
    postings = [{"id": i, "features": templates[i % 4]} for i in range(20000)]
    rank_postings("封测", postings)  # builds the index once
    start = time.perf_counter()
    for offset in (0, 20, 40):
        page = rank_postings("封测 工程师", postings, limit=20, offset=offset)
    elapsed = time.perf_counter() - start
    assert len(page) == 20
    assert elapsed < 1.5
