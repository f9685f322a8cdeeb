"""Audit claim files: ``manage.py audit_claims --catalog F --settlements F --lines F --out F``.

Reads the three files (.csv, .xlsx or .parquet), checks every row, runs the
rule set and writes the findings (.csv, .xlsx or .parquet by the extension of
``--out``). Malformed rows are written beside the findings
(``<out>.problems.<ext>``) with file, row, column and reason, and left out of
the audit; ``--strict`` refuses to audit when there are any.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qinqing.medinsure.audit import AuditEngine, AuditInputError
from qinqing.medinsure.audit.rules import DEFAULT_RULES


class Command(BaseCommand):
    help = "对结算清单文件运行全部审核规则，输出审核结果（.csv / .xlsx / .parquet）"

    def add_arguments(self, parser):
        parser.add_argument("--catalog", required=True, help="目录文件")
        parser.add_argument("--settlements", required=True, help="结算文件")
        parser.add_argument("--lines", required=True, help="费用明细文件")
        parser.add_argument("--out", required=True, help="审核结果文件（扩展名决定格式）")
        parser.add_argument("--strict", action="store_true", help="有数据问题时不审核")
        parser.add_argument("--memory-limit", default=None, help="DuckDB 内存上限，如 2GB")
        parser.add_argument("--temp-dir", default=None, help="超出内存时的临时目录")
        parser.add_argument("--threads", type=int, default=None)
        parser.add_argument(
            "--builtin-rules", action="store_true", help="使用内置规则（不读数据库中的规则版本）"
        )

    def handle(self, *args, **options):
        out = Path(options["out"])
        if out.suffix.lower() not in (".csv", ".xlsx", ".parquet"):
            raise CommandError("--out 只支持 .csv、.xlsx、.parquet")
        rules = DEFAULT_RULES if options["builtin_rules"] else _rules_in_force()
        steps = 3 + 1 + sum(1 for r in rules if r.enabled) + 1
        bar = None
        if sys.stderr.isatty() and options["verbosity"] > 0:
            from tqdm import tqdm

            bar = tqdm(total=steps, desc="审核", unit="步", file=sys.stderr)

        def progress(step: str) -> None:
            if bar is not None:
                bar.set_postfix_str(step)
                bar.update(1)

        engine = AuditEngine(
            memory_limit=options["memory_limit"],
            temp_directory=options["temp_dir"],
            threads=options["threads"],
            progress=progress,
        )
        try:
            engine.load_files(options["catalog"], options["settlements"], options["lines"])
            problems = engine.validate()
            if problems:
                problems_path = out.with_name(f"{out.stem}.problems{out.suffix}")
                engine.write_problems(problems_path)
                for p in engine.problems()[:5]:
                    self.stderr.write(
                        f"{p['file']} 第{p['row']}行 {p['column']}：{p['message']}（{p['value']}）"
                    )
                self.stderr.write(
                    f"共 {problems} 处数据问题，已写入 {problems_path}；这些行未参与审核"
                )
                if options["strict"]:
                    raise CommandError("数据有误，未审核（--strict）")
            count = engine.run(rules)
            engine.write_findings(out)
            progress("写出")
        except AuditInputError as error:
            raise CommandError(str(error)) from error
        finally:
            if bar is not None:
                bar.close()
            engine.close()
        self.stdout.write(f"审核完成：{count} 条疑点，已写入 {out}")


def _rules_in_force():
    """The newest enabled version of each rule from the database, else the built-in set."""
    try:
        from qinqing.medinsure.services import rules_in_force
    except ImportError:
        return DEFAULT_RULES
    return rules_in_force()
