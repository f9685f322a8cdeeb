"""The batch command: python manage.py match --postings … --seekers … --top N --out …"""

import csv
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

POSTINGS = [
    {
        "id": "P1", "employer": "嘉善芯测科技", "title": "封装测试工程师",
        "duties": "负责芯片封装测试工艺改进", "occupation": "2-02", "industry": "39",
        "education_min": "本科", "majors": ["微电子科学与工程"], "skills": ["封装测试", "失效分析"],
        "experience_years_min": 2, "salary_min": 8000, "salary_max": 12000,
        "location": "嘉善县", "headcount": 3, "valid_until": "2026-12-31",
    },
    {
        "id": "P2", "employer": "嘉善优品电商", "title": "天猫运营专员",
        "duties": "负责天猫店铺运营与直播带货", "occupation": "4-01", "industry": "52",
        "education_min": "大专", "majors": ["电子商务"], "skills": ["网店运营", "直播带货"],
        "experience_years_min": 1, "salary_min": 5000, "salary_max": 8000,
        "location": "嘉善县", "headcount": 2, "valid_until": "2026-12-31",
    },
    {
        "id": "P3", "employer": "过期公司", "title": "封测工程师", "duties": "封装测试",
        "occupation": "2-02", "education_min": "本科", "skills": ["封测"],
        "salary_min": 9000, "salary_max": 13000, "location": "嘉善县",
        "valid_until": "2026-10-01",
    },
]  # fmt: skip
SEEKERS = [
    {
        "id": "S1", "education": "本科", "school": "中国计量大学", "major": "微电子科学与工程",
        "graduation_year": 2021, "skills": ["封测", "失效分析"], "experience_years": 4,
        "expected_salary": 10000, "desired_occupations": ["2-02"],
        "desired_locations": ["嘉兴市"], "resume": "四年芯片封装测试经验",
    },
    {
        "id": "S2", "education": "大专", "school": "嘉兴职业技术学院", "major": "电子商务",
        "graduation_year": 2024, "skills": ["淘宝运营", "直播电商"], "experience_years": 2,
        "expected_salary": 6000, "desired_occupations": ["4-01"],
        "desired_locations": ["嘉善县"], "resume": "两年天猫店铺运营经验",
    },
]  # fmt: skip


@pytest.fixture(autouse=True)
def _words_only(monkeypatch):
    monkeypatch.setenv("QINQING_TALENT_EMBEDDINGS", "0")


def jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def run(tmp_path, postings, seekers, *extra, top=5):
    out = tmp_path / "out.csv"
    call_command(
        "match", "--postings", str(postings), "--seekers", str(seekers), "--top", str(top),
        "--out", str(out), "--today", "2026-11-01", *extra,
    )  # fmt: skip
    with out.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_batch_command_writes_the_best_postings_for_every_seeker(tmp_path):
    rows = run(
        tmp_path, jsonl(tmp_path / "p.jsonl", POSTINGS), jsonl(tmp_path / "s.jsonl", SEEKERS)
    )
    assert list(rows[0]) == ["seeker_id", "posting_id", "rank", "score", "reasons"]
    assert [(r["seeker_id"], r["posting_id"], r["rank"]) for r in rows] == [
        ("S1", "P1", "1"),
        ("S2", "P2", "1"),
    ]
    assert "匹配技能：封装测试（封测）、失效分析" in rows[0]["reasons"]
    assert 0 < float(rows[0]["score"]) <= 1


def test_the_batch_command_lists_seekers_per_posting_in_the_other_direction(tmp_path):
    seekers = [*SEEKERS, dict(SEEKERS[0], id="S3", experience_years=1, skills=["封测"])]
    rows = run(
        tmp_path,
        jsonl(tmp_path / "p.jsonl", POSTINGS),
        jsonl(tmp_path / "s.jsonl", seekers),
        "--direction",
        "postings",
    )
    assert [(r["posting_id"], r["seeker_id"], r["rank"]) for r in rows] == [
        ("P1", "S1", "1"),
        ("P1", "S3", "2"),
        ("P2", "S2", "1"),
    ]


def test_the_batch_command_reads_csv_and_xlsx_with_lists_separated_by_the_chinese_comma(tmp_path):
    fields = list(POSTINGS[0])
    with (tmp_path / "p.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        for p in POSTINGS:
            writer.writerow({k: "、".join(v) if isinstance(v, list) else v for k, v in p.items()})
    book = Workbook()
    sheet = book.active
    sheet.append(list(SEEKERS[0]))
    for s in SEEKERS:
        sheet.append(["、".join(v) if isinstance(v, list) else v for v in s.values()])
    book.save(tmp_path / "s.xlsx")
    rows = run(tmp_path, tmp_path / "p.csv", tmp_path / "s.xlsx")
    assert [(r["seeker_id"], r["posting_id"]) for r in rows] == [("S1", "P1"), ("S2", "P2")]


def test_a_bad_line_is_reported_by_file_line_and_field_and_nothing_is_written(tmp_path, capsys):
    postings = jsonl(tmp_path / "p.jsonl", POSTINGS)
    with postings.open("a", encoding="utf-8") as handle:
        handle.write(
            '{"id": "P9", "title": "会计", "salary_min": "八千", "valid_until": "2026-12-31"}\n'
        )
        handle.write("{not json\n")
    seekers = jsonl(tmp_path / "s.jsonl", [*SEEKERS, {"education": "本科", "skills": ["会计"]}])
    out = tmp_path / "out.csv"
    with pytest.raises(CommandError, match="输入有 3 处错误"):
        call_command(
            "match", "--postings", str(postings), "--seekers", str(seekers),
            "--top", "5", "--out", str(out),
        )  # fmt: skip
    errors = capsys.readouterr().err
    assert f"{postings} 第4行：字段 salary_min：应为数字，实为“八千”" in errors
    assert f"{postings} 第5行：不是有效的 JSON" in errors
    assert f"{seekers} 第3行：字段 id：必填" in errors
    assert not out.exists()


def test_the_batch_command_runs_as_a_process_and_exits_non_zero_on_bad_input(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    postings = jsonl(tmp_path / "p.jsonl", [dict(POSTINGS[0], valid_until="明年")])
    seekers = jsonl(tmp_path / "s.jsonl", SEEKERS)
    command = [sys.executable, "manage.py", "match", "--postings", str(postings)]
    command += ["--seekers", str(seekers), "--top", "3", "--out", str(tmp_path / "o.csv")]
    env = {"QINQING_TALENT_EMBEDDINGS": "0", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env, check=False)
    assert done.returncode != 0
    assert "第1行：字段 valid_until：应为日期" in done.stderr
    good = jsonl(tmp_path / "p.jsonl", POSTINGS)
    command[4] = str(good)
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert (
        (tmp_path / "o.csv")
        .read_text("utf-8")
        .startswith("seeker_id,posting_id,rank,score,reasons")
    )
