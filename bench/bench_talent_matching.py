# ruff: noqa: E501  (the specialisation table reads best one line per row)
"""Talent matching: 200,000 seekers × 20,000 open postings (synthetic, features precomputed).

Figures: building the matcher from stored features; the full re-match (top 20
postings per seeker) with its peak memory; one newly published posting ranked
against every seeker (p50/p95); and a brute-force NumPy scorer (every pair
scored densely) for comparison. Smaller runs for a smoke test:

    QINQING_BENCH_TALENT_SEEKERS=20000 QINQING_BENCH_TALENT_POSTINGS=2000 \\
        .venv/bin/python bench/run.py bench_talent_matching
    .venv/bin/python bench/bench_talent_matching.py --seekers 20000 --postings 2000

Needs no database; run on its own it prints the same figures.
"""

import datetime as dt
import os
import random
import resource
import sys
import time

import numpy as np

SEEKERS = int(os.environ.get("QINQING_BENCH_TALENT_SEEKERS", 200_000))
POSTINGS = int(os.environ.get("QINQING_BENCH_TALENT_POSTINGS", 20_000))
TOP = 20
TODAY = dt.date(2026, 11, 1)

# Specialisations: (occupation, title words, skills, majors). Seekers and postings
# draw from them, so most pairs share nothing and a few share a lot — as in life.
FIELDS = [
    ("2-02", ["封装测试", "工程师"], ["封装测试", "失效分析", "统计过程控制", "可靠性测试", "芯片测试", "良率提升"], ["微电子科学与工程", "集成电路设计与集成系统"]),
    ("2-02", ["集成电路设计", "工程师"], ["数字电路设计", "verilog", "fpga", "eda", "模拟电路设计", "版图设计"], ["集成电路设计与集成系统", "电子科学与技术"]),
    ("2-02", ["半导体工艺", "工程师"], ["光刻", "刻蚀", "薄膜沉积", "离子注入", "半导体工艺", "统计过程控制"], ["微电子科学与工程", "材料物理"]),
    ("6-25", ["芯片测试", "技术员"], ["芯片测试", "ate测试", "设备维护", "封装测试"], ["微电子技术", "集成电路技术"]),
    ("2-02", ["机械设计", "工程师"], ["机械设计", "solidworks", "计算机辅助设计", "三维建模", "工装夹具"], ["机械设计制造及其自动化", "机械电子工程"]),
    ("6-18", ["数控加工", "技术员"], ["数控加工", "数控编程", "计算机辅助设计", "钣金"], ["数控技术", "机械制造及自动化"]),
    ("2-02", ["电气", "工程师"], ["可编程控制器", "伺服电机", "变频器", "电气控制", "组态软件"], ["电气工程及其自动化", "自动化"]),
    ("6-31", ["设备维修", "技术员"], ["设备维修", "设备维护", "可编程控制器", "焊接"], ["机电一体化技术", "电气自动化技术"]),
    ("6-22", ["汽车零部件", "工艺员"], ["新能源汽车", "汽车零部件", "精益生产", "质量管理体系"], ["车辆工程", "新能源汽车技术"]),
    ("4-01", ["电子商务", "运营"], ["网店运营", "直播带货", "数据分析", "搜索引擎优化", "文案策划"], ["电子商务", "市场营销"]),
    ("4-01", ["跨境电商", "专员"], ["跨境电商", "亚马逊运营", "商务英语", "数据分析"], ["跨境电子商务", "国际经济与贸易"]),
    ("4-04", ["新媒体", "运营"], ["新媒体运营", "短视频运营", "文案策划", "产品拍摄"], ["网络与新媒体", "广告学"]),
    ("2-06", ["会计"], ["会计", "纳税申报", "财务报表", "用友", "金蝶"], ["会计学", "大数据与会计"]),
    ("3-01", ["出纳"], ["出纳", "增值税发票", "办公软件", "企业资源计划"], ["大数据与会计", "财务管理"]),
    ("2-06", ["成本会计"], ["成本核算", "会计", "企业资源计划", "审计"], ["财务管理", "审计学"]),
    ("2-05", ["护士"], ["护理", "护士执业资格", "静脉输液", "心肺复苏"], ["护理学", "护理"]),
    ("4-10", ["养老护理员"], ["老年护理", "康复护理", "健康管理"], ["智慧健康养老服务与管理", "护理"]),
    ("2-02", ["软件开发", "工程师"], ["java", "python", "结构化查询语言", "linux", "后端开发"], ["软件工程", "计算机科学与技术"]),
    ("2-02", ["嵌入式开发", "工程师"], ["嵌入式开发", "单片机", "c语言", "linux"], ["电子信息工程", "物联网工程"]),
    ("4-02", ["仓储物流", "主管"], ["仓储管理", "叉车", "供应链管理", "企业资源计划"], ["物流管理", "现代物流管理"]),
    ("6-04", ["纺织", "技术员"], ["纺织工程", "品质管理", "来料检验"], ["纺织工程", "现代纺织技术"]),
    ("6-02", ["食品检验", "员"], ["食品质量与安全", "来料检验", "质量管理体系"], ["食品质量与安全", "食品检验检测技术"]),
    ("2-02", ["化工工艺", "工程师"], ["化学工程与工艺", "安全工程", "统计过程控制"], ["化学工程与工艺", "应用化学"]),
    ("4-07", ["人力资源", "专员"], ["人力资源管理", "办公软件", "行政管理"], ["人力资源管理", "工商管理"]),
]  # fmt: skip
PLACES = ["嘉善县", "嘉兴市", "南湖区", "秀洲区", "平湖市", "海宁市", "桐乡市", "海盐县"]
EDUCATION = ["高中/中专", "大专", "本科", "硕士", "博士"]


def _vocabulary(rng):
    """A few thousand filler words, the long tail every résumé carries."""
    syllables = "安百成达恩方广和吉佳金康乐明宁平清荣盛泰通威新信兴彦益英永元智中"
    return [rng.choice(syllables) + rng.choice(syllables) for _ in range(4000)]


def synthetic(n_seekers: int, n_postings: int, seed: int = 7):
    rng = random.Random(seed)
    filler = _vocabulary(rng)
    postings, seekers = [], []
    for i in range(n_postings):
        occupation, title, skills, majors = rng.choice(FIELDS)
        chosen = rng.sample(skills, k=min(len(skills), rng.randint(2, 4)))
        words = [*title, *title, *chosen, *rng.sample(filler, 25)]
        low = rng.randrange(4000, 15000, 500)
        postings.append(
            {
                "id": f"P{i}",
                "title": "".join(title),
                "occupation": occupation,
                "education_min": rng.choice(["不限", "大专", "本科", "本科", "硕士"]),
                "experience_years_min": rng.choice([0, 0, 1, 2, 3, 5]),
                "salary_min": low,
                "salary_max": low + rng.randrange(1000, 6000, 500),
                "location": rng.choice(PLACES[:1] * 5 + PLACES),
                "valid_until": TODAY + dt.timedelta(days=rng.randint(-30, 120)),
                "features": _features(words, chosen, title, [occupation], majors[:1], rng),
            }
        )
    for i in range(n_seekers):
        occupation, title, skills, majors = rng.choice(FIELDS)
        chosen = rng.sample(skills, k=min(len(skills), rng.randint(2, 5)))
        words = [*title, *chosen, *rng.sample(filler, 40)]
        seekers.append(
            {
                "id": f"S{i}",
                "education": rng.choice(EDUCATION),
                "experience_years": rng.randint(0, 12),
                "expected_salary": rng.randrange(4000, 16000, 500),
                "desired_locations": rng.sample(PLACES, k=rng.randint(1, 2)),
                "features": _features(
                    words, chosen, title, [occupation], [rng.choice(majors)], rng
                ),
            }
        )
    return postings, seekers


def _features(words, skills, title, occupations, majors, _rng=None):
    from qinqing.talent.matching.features import FEATURES_VERSION

    education = 0
    return {
        "version": FEATURES_VERSION,
        "terms": words,
        "skills": skills,
        "skills_raw": skills,
        "title_terms": title,
        "occupations": occupations,
        "majors": majors,
        "education": education,
    }


def _fix_education(records, field):
    from qinqing.talent.matching import taxonomy

    for record in records:
        record["features"]["education"] = taxonomy.education_rank(record.get(field))


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def brute_force_top(matcher, n: int, seekers: np.ndarray) -> np.ndarray:
    """Every pair scored densely: skills, occupation, education, place and salary for
    all postings at once per block of seekers, then argpartition — the comparison."""
    S, P = matcher.S, matcher.P
    skills_p = P.skills.T.toarray().astype(np.float32)  # words × postings, dense
    occupations_p = P.occupations.T.toarray().astype(np.float32)
    places_p = P.places.T.toarray().astype(np.float32)
    n_skills_p = np.maximum(P.n_skills, 1)
    best = []
    for start in range(0, len(seekers), 1024):
        block = seekers[start : start + 1024]
        skills = S.skills[block] @ skills_p  # dense (block × postings)
        occupation = S.occupations[block] @ occupations_p
        places = S.desired[block] @ places_p
        edu_ok = S.education[block, None] >= P.education[None, :]
        place_ok = (places > 0) | ~S.has_desired[block, None]
        salary = np.where(
            P.salary_max[None, :] >= S.expected[block, None],
            1.0,
            np.clip(1 - (S.expected[block, None] - P.salary_max[None, :]) / 5000, 0, 1),
        )
        seeker_fit = 0.6 * skills / n_skills_p[None, :] + 0.4 * salary
        posting_fit = 0.5 * np.minimum(occupation, 1) + 0.3 * salary + 0.2 * np.minimum(places, 1)
        score = 2 * seeker_fit * posting_fit / np.maximum(seeker_fit + posting_fit, 1e-9)
        score = np.where(edu_ok & place_ok, score, 0)
        top = np.argpartition(-score, min(n, score.shape[1] - 1), axis=1)[:, :n]
        best.append(top)
    return np.vstack(best)


def run(report) -> None:
    from bench.run import percentile
    from qinqing.talent.matching.engine import Matcher, zhejiang_region_ancestors

    load = os.getloadavg()
    print(f"  load average at start: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} (shared machine)")
    start = time.perf_counter()
    postings, seekers = synthetic(SEEKERS, POSTINGS)
    _fix_education(postings, "education_min")
    _fix_education(seekers, "education")
    report.figure(
        f"make synthetic data ({SEEKERS:,} × {POSTINGS:,})", time.perf_counter() - start, "s"
    )

    start = time.perf_counter()
    matcher = Matcher(postings, seekers, region_ancestors=zhejiang_region_ancestors(), today=TODAY)
    report.figure(
        "build matcher from stored features",
        time.perf_counter() - start,
        "s",
        f"{len(matcher.postings):,} open postings",
    )
    rss_before = _peak_rss_mib()

    start, cpu = time.perf_counter(), time.process_time()
    count = len(matcher.top_postings_table(TOP)["seeker"])
    elapsed = time.perf_counter() - start
    report.figure(
        f"full re-match, top {TOP} per seeker",
        elapsed,
        "s",
        f"{count:,} matches; {time.process_time() - cpu:.1f} s CPU; target < 60 s",
    )
    report.figure("peak RSS (whole process)", _peak_rss_mib(), "MiB", "target < 4096 MiB")
    report.figure("peak RSS before the re-match", rss_before, "MiB")
    cpu = time.process_time()
    begin = time.perf_counter()
    few = Matcher(
        postings, seekers[:200], region_ancestors=zhejiang_region_ancestors(), today=TODAY
    )
    matches = sum(1 for _ in few.top_postings(TOP, with_reasons=True))
    report.figure(
        "200 seekers with Match objects and Chinese reasons",
        time.perf_counter() - begin,
        "s",
        f"{matches:,} matches; {time.process_time() - cpu:.1f} s CPU",
    )

    rng = random.Random(3)
    fresh = [dict(rng.choice(postings), id=f"NEW{i}", valid_until=TODAY) for i in range(60)]
    samples = []
    for posting in fresh:
        begin = time.perf_counter()
        matcher.rank_seekers_for(posting, 100, with_reasons=False)
        samples.append((time.perf_counter() - begin) * 1000)
    samples = samples[10:]  # the first calls warm caches
    report.figure("one new posting vs all seekers, p50", percentile(samples, 50), "ms")
    report.figure(
        "one new posting vs all seekers, p95", percentile(samples, 95), "ms", "target < 100 ms"
    )

    sample_size = min(len(seekers), 20_000)
    start = time.perf_counter()
    brute_force_top(matcher, TOP, np.arange(sample_size))
    elapsed = time.perf_counter() - start
    report.figure(
        f"brute-force NumPy scorer, {sample_size:,} seekers × all postings",
        elapsed,
        "s",
        f"dense, every pair; ×{len(seekers) / sample_size:.0f} for all seekers",
    )
    start = time.perf_counter()
    for posting in fresh[:20]:
        _brute_force_one(matcher, posting)
    report.figure(
        "brute-force one posting vs all seekers, mean",
        (time.perf_counter() - start) * 1000 / 20,
        "ms",
    )
    load = os.getloadavg()
    print(f"  load average at end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


def _brute_force_one(matcher, posting):
    block = matcher._block_for(posting)
    S = matcher.S
    skills = np.asarray((S.skills @ block.skills.T).todense()).ravel()
    occupation = np.asarray((S.occupations @ block.occupations.T).todense()).ravel()
    score = 0.6 * skills / max(block.n_skills[0], 1) + 0.4 * np.minimum(occupation, 1)
    score = np.where(S.education >= block.education[0], score, 0)
    return np.argsort(-score)[:100]


if __name__ == "__main__":
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    args = sys.argv[1:]
    if "--seekers" in args:
        SEEKERS = int(args[args.index("--seekers") + 1])
    if "--postings" in args:
        POSTINGS = int(args[args.index("--postings") + 1])
    from bench.run import Report

    print(f"bench_talent_matching: {SEEKERS:,} seekers × {POSTINGS:,} postings")
    run(Report())
