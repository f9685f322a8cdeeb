from django.core.management.base import BaseCommand

from qinqing.cases.services import remind_and_escalate, run_timeouts


class Command(BaseCommand):
    help = (
        "催办即将到期的事项、上报超期事项，并执行到期环节的超时流转"
        "（认领超时退回、未回访办结等；建议每15分钟运行一次）"
    )

    def handle(self, *args, **options):
        reminded, escalated = remind_and_escalate()
        moved = run_timeouts()
        self.stdout.write(f"催办 {reminded} 件，超期上报 {escalated} 件，环节超时流转 {moved} 件")
