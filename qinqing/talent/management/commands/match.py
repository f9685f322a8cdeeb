"""Batch matching on files: ``python manage.py match --postings FILE --seekers FILE
--top N --out FILE [--direction seekers|postings]``. Needs no database."""

import csv
import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qinqing.talent.matching.engine import Matcher, zhejiang_region_ancestors
from qinqing.talent.matching.files import InputError, read_records

COLUMNS = ("seeker_id", "posting_id", "rank", "score", "reasons")


class Command(BaseCommand):
    help = "按文件批量匹配求职者与岗位，输出 CSV（seeker_id, posting_id, rank, score, reasons）。"
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("--postings", required=True, help="岗位文件（.jsonl/.csv/.xlsx）")
        parser.add_argument("--seekers", required=True, help="求职者文件（.jsonl/.csv/.xlsx）")
        parser.add_argument("--top", type=int, default=10, help="每人（或每个岗位）取前 N 个")
        parser.add_argument("--out", required=True, help="输出 CSV 文件")
        parser.add_argument(
            "--direction",
            choices=("seekers", "postings"),
            default="seekers",
            help="seekers：为每位求职者列出岗位（默认）；postings：为每个岗位列出求职者",
        )
        parser.add_argument("--today", help="以该日期判断岗位是否有效（默认今天），如 2026-11-01")
        parser.add_argument(
            "--regions",
            help="地区上下级 JSON 文件（{地名: [上级地名…]}）；默认用浙江省行政区划",
        )

    def handle(self, *args, **options):
        if options["top"] < 1:
            raise CommandError("--top 应为正整数")
        problems = []
        records = {}
        for kind, key in (("posting", "postings"), ("seeker", "seekers")):
            try:
                records[key] = read_records(options[key], kind)
            except InputError as error:
                problems.extend(error.problems)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"输入有 {len(problems)} 处错误，未输出结果")
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(
                    f"--today 应为日期（如 2026-11-01），实为“{options['today']}”"
                ) from None
        if options["regions"]:
            try:
                data = json.loads(Path(options["regions"]).read_text(encoding="utf-8"))
                regions = {name: set(up) for name, up in data.items()}
            except (OSError, ValueError, AttributeError, TypeError) as error:
                raise CommandError(f"--regions 文件无法读取：{error}") from None
        else:
            regions = zhejiang_region_ancestors()
        matcher = Matcher(
            records["postings"], records["seekers"], region_ancestors=regions, today=today
        )
        if options["direction"] == "seekers":
            matches = matcher.top_postings(options["top"])
        else:
            matches = matcher.top_seekers(options["top"])
        count = 0
        with open(options["out"], "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for match in matches:
                reasons = "；".join([*match.flags, *match.reasons])
                writer.writerow(
                    [match.seeker_id, match.posting_id, match.rank, f"{match.score:.4f}", reasons]
                )
                count += 1
        expired = len(records["postings"]) - len(matcher.postings)
        self.stdout.write(
            f"已输出 {count} 条匹配到 {options['out']}"
            f"（岗位 {len(records['postings'])} 个，其中已过期 {expired} 个；"
            f"求职者 {len(records['seekers'])} 人）"
        )
