from django.core.management.base import BaseCommand

from qinqing.cases.services import expire_claims, remind_and_escalate


class Command(BaseCommand):
    help = "催办即将到期的事项、上报超期事项、退回认领超时的事项（建议每15分钟运行一次）"

    def handle(self, *args, **options):
        reminded, escalated = remind_and_escalate()
        returned = expire_claims()
        self.stdout.write(
            f"催办 {reminded} 件，超期上报 {escalated} 件，认领超时退回 {returned} 件"
        )
