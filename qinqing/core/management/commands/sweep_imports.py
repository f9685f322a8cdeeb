"""Recover imports whose task worker died: queue them again, or give them up.

Run from cron every few minutes; each worker also runs it as it starts a job.
Safe to run from several places at once (each job is taken with a row lock,
and a job being written is skipped).
"""

from django.core.management.base import BaseCommand

from qinqing.core.importing import sweep_stale_imports


class Command(BaseCommand):
    help = "找出执行中断的导入任务：重新排队，超过重试次数的标记为失败"

    def handle(self, *args, **options):
        result = sweep_stale_imports()
        self.stdout.write(f"重新排队 {result.requeued} 个；放弃 {result.given_up} 个")
