"""manage.py load_holidays FILE: enter a year's State Council holiday notice from .xlsx or .json."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qinqing.cases.holidays import load_notice_file
from qinqing.core.services import InvalidInput


class Command(BaseCommand):
    help = (
        "录入某年国务院办公厅节假日安排通知（.xlsx 或 .json 文件），"
        "替换该年已录入的安排，并重算涉及该年的在办事项期限。任何一行有误则全部不录入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="节假日安排文件（.xlsx 或 .json）")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        try:
            holiday_year, moved = load_notice_file(None, path.name, path.read_bytes())
        except InvalidInput as exc:
            lines = [f"{exc.labels.get(f, f)}：{m}" for f, ms in exc.errors.items() for m in ms]
            raise CommandError("文件有误，未录入任何内容：\n" + "\n".join(lines)) from None
        days = holiday_year.days.count()
        self.stdout.write(
            f"已录入{holiday_year.year}年节假日安排（{days} 天），重算 {moved} 件在办事项的期限"
        )
