from django.core.management.base import BaseCommand

from qinqing.workspace.services import remind_rent_free_ending


class Command(BaseCommand):
    help = "免租期到期前30天提醒团队和工作人员（每份入驻协议只提醒一次；建议每天运行一次）"

    def handle(self, *args, **options):
        sent = remind_rent_free_ending()
        self.stdout.write(f"免租期到期提醒 {sent} 份")
