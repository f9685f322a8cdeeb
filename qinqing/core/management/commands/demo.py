"""``manage.py demo``: load the demo county, then print what is there and how to log in."""

import time
import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import autodiscover_modules

from qinqing.core import demo


class Command(BaseCommand):
    help = (
        "载入演示数据（县、乡镇、部门、企业、人员、走访和各角色演示账号）；"
        "可重复运行，不会重复写入。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="在关闭调试模式（生产配置）的站点上也载入演示数据和公开密码的演示账号",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "当前为生产配置（调试模式关闭）：演示数据会创建密码公开的管理员账号，已拒绝。"
                "确需载入请加 --force。"
            )
        autodiscover_modules("demo")  # each app's demo.py registers its steps
        started = time.monotonic()
        ctx = demo.build(progress=lambda name: self.stdout.write(f"  · {name}"))
        elapsed = time.monotonic() - started

        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已就绪（参考日期 {ctx.reference_date:%Y-%m-%d}，用时 {elapsed:.1f} 秒）"
            )
        )
        self.stdout.write(_table(["数据", "数量"], demo.summary(ctx)))
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {ctx.password}）：")
        rows = [(a.username, a.role, a.name, a.scope, a.password) for a in ctx.accounts]
        self.stdout.write(_table(["用户名", "角色", "姓名", "范围", "密码"], rows))
        self.stdout.write("")
        self.stdout.write(
            "打开 http://127.0.0.1:8000/ 登录；"
            "管理后台 http://127.0.0.1:8000/admin/（admin 账号）。"
        )


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _table(header: list[str], rows: list[tuple]) -> str:
    rows = [tuple(str(cell) for cell in row) for row in rows]
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells) -> str:
        padded = [
            cell + " " * (width - _width(cell)) for cell, width in zip(cells, widths, strict=True)
        ]
        return "  ".join(padded).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])
