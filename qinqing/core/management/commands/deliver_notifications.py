"""Send every notification push that is due, and recover interrupted sends.

Run from cron (e.g. every minute) as a safety net beside the task worker, and by
operators after a gateway or worker outage.
"""

from django.core.management.base import BaseCommand

from qinqing.core.notifications.services import deliver_due


class Command(BaseCommand):
    help = "投递到期的消息推送，并恢复中断的发送"

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="交给任务队列（db_worker）发送，而不是在本进程内发送",
        )

    def handle(self, *args, enqueue: bool = False, **options):
        result = deliver_due(enqueue=enqueue)
        self.stdout.write(
            f"恢复中断 {result.recovered} 条；已发送 {result.sent} 条；"
            f"待重试 {result.retrying} 条；失败 {result.failed} 条；入队 {result.enqueued} 条"
        )
